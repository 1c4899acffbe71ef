// Renders TeX to MathJax's SVG output, for _ext/build_time_maths.py (one process per build).
// Reads a JSON list of {tex, display} on standard input and writes a JSON list of
// {svg, glyphs}: `svg` is the <mjx-container> with the formula (an <svg> that refers to glyph
// paths by id, and the formula as MathML for assistive technology), `glyphs` maps each glyph id it
// uses to its path, so that a page carries each glyph's path once. A TeX error ends the process
// with the formula and MathJax's message on standard error.
const {mathjax} = require('mathjax-full/js/mathjax.js');
const {TeX} = require('mathjax-full/js/input/tex.js');
const {SVG} = require('mathjax-full/js/output/svg.js');
const {liteAdaptor} = require('mathjax-full/js/adaptors/liteAdaptor.js');
const {RegisterHTMLHandler} = require('mathjax-full/js/handlers/html.js');
const {AssistiveMmlHandler} = require('mathjax-full/js/a11y/assistive-mml.js');
const {AllPackages} = require('mathjax-full/js/input/tex/AllPackages.js');

const NOT_IN_NODE = new Set(['autoload', 'require', 'noerrors', 'noundefined']);
// MathJax marks every SVG group with the MathML node it draws; the stylesheet needs these only.
const STYLED_NODES = new Set(['mtable', 'merror', 'maction']);
const DROPPED = ['data-c', 'data-mjx-texclass', 'focusable', 'role', 'xmlns', 'xmlns:xlink'];

// Fewer bytes, the same drawing: drops what only MathJax's scripts read (and what inline SVG in
// HTML does not need), unwraps groups left without attributes, and uses SVG 2's href.
function slim(node) {
  if (!node.attributes) return [node];
  for (const name of DROPPED) delete node.attributes[name];
  if (node.attributes['data-mml-node'] && !STYLED_NODES.has(node.attributes['data-mml-node'])) {
    delete node.attributes['data-mml-node'];
  }
  if ('xlink:href' in node.attributes) {
    node.attributes.href = node.attributes['xlink:href'];
    delete node.attributes['xlink:href'];
  }
  node.children = node.children.flatMap(slim);
  if (node.kind === 'g' && Object.keys(node.attributes).length === 0) {
    for (const child of node.children) child.parent = node.parent;
    return node.children;
  }
  return [node];
}

const selfClosing = html => html.replace(/><\/(use|path|rect|line)>/g, '/>');

function main(items) {
  const adaptor = liteAdaptor();
  AssistiveMmlHandler(RegisterHTMLHandler(adaptor));
  let current = null;
  const tex = new TeX({
    packages: AllPackages.filter(name => !NOT_IN_NODE.has(name)),
    formatError(jax, error) {
      throw new Error(`TeX error in ${JSON.stringify(current)}: ${error.message}`);
    },
  });
  const svg = new SVG({fontCache: 'global'});
  const document = mathjax.document('', {InputJax: tex, OutputJax: svg});
  const results = items.map(({tex: source, display}) => {
    current = source;
    svg.fontCache.clearCache();
    const node = document.convert(source, {display, em: 16, ex: 8, containerWidth: 1280});
    const glyphs = {};
    for (const [id, path] of svg.fontCache.cache) {
      glyphs[id] = path;
    }
    slim(node);
    return {svg: selfClosing(adaptor.outerHTML(node)), glyphs};
  });
  const css = adaptor.textContent(svg.styleSheet(document)).replace(
    'mjx-container[jax="SVG"] path[data-c], mjx-container[jax="SVG"] use[data-c]',
    'mjx-container[jax="SVG"] use');
  return {results, css};
}

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', chunk => { input += chunk; });
process.stdin.on('end', () => {
  try {
    process.stdout.write(JSON.stringify(main(JSON.parse(input))));
  } catch (error) {
    process.stderr.write(error.message + '\n');
    process.exit(1);
  }
});
