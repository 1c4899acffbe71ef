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
const DROPPED = ['data-c', 'data-mjx-texclass', 'focusable', 'role', 'xmlns', 'xmlns:xlink',
                 'unselectable'];
// attributes of each drawing's outer group and of its container that the stylesheet gives instead
const IN_STYLESHEET = {svg: {g: {stroke: 'currentColor', fill: 'currentColor', 'stroke-width': '0'}},
                       'mjx-container': {style: 'position: relative;', class: 'MathJax'},
                       'mjx-assistive-mml': {display: 'inline'}};
// (the outer group of a drawing stays, as the one that the stylesheet colours; a repeated
// formula is a <use> of the first drawing's group, which the stylesheet colours too)
// A glyph's id on the page: MJX-TEX-I-1D465 becomes mj-I-1D465.
const shortId = id => id.replace(/^MJX-TEX-/, 'mj-');

// Fewer bytes, the same drawing: drops what only MathJax's scripts read (and what inline SVG in
// HTML does not need), unwraps groups left without attributes, and uses SVG 2's href.
function slim(node) {
  if (!node.attributes) return [node];
  for (const name of DROPPED) delete node.attributes[name];
  if (node.attributes['data-mml-node'] && !STYLED_NODES.has(node.attributes['data-mml-node'])) {
    delete node.attributes['data-mml-node'];
  }
  const given = node.kind === 'g' ? (IN_STYLESHEET[node.parent.kind] || {}).g
                                   : IN_STYLESHEET[node.kind];
  for (const [name, value] of Object.entries(given || {})) {
    if (node.attributes[name] === value) delete node.attributes[name];
  }
  if ('xlink:href' in node.attributes) {
    node.attributes.href = '#' + shortId(node.attributes['xlink:href'].slice(1));
    delete node.attributes['xlink:href'];
  }
  if (node.attributes.transform) {
    node.attributes.transform = node.attributes.transform.replace(/translate\(([-0-9.]+),0\)/g,
                                                                  'translate($1)');
  }
  node.children = node.children.flatMap(slim);
  const names = Object.keys(node.attributes);
  if (node.kind === 'g' && names.length === 0) {
    for (const child of node.children) child.parent = node.parent;
    return node.children;
  }
  // a group that only moves one drawing: the drawing moves itself
  if (node.kind === 'g' && node.parent.kind !== 'svg' && names.length === 1 &&
      names[0] === 'transform' &&
      node.children.length === 1 && ['use', 'g', 'rect'].includes(node.children[0].kind)) {
    const child = node.children[0];
    child.attributes.transform = [node.attributes.transform, child.attributes.transform]
      .filter(Boolean).join(' ');
    child.parent = node.parent;
    return [child];
  }
  return [node];
}

const STYLESHEET_EXTRA = `
mjx-container[jax="SVG"] {
  position: relative;
}

mjx-container[jax="SVG"] > svg > g,
mjx-container[jax="SVG"] > svg > use {
  stroke: currentColor;
  fill: currentColor;
  stroke-width: 0;
}
`;

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
      glyphs[shortId(id)] = path;
    }
    slim(node);
    return {svg: selfClosing(adaptor.outerHTML(node)), glyphs};
  });
  const css = adaptor.textContent(svg.styleSheet(document)).replace(
    'mjx-container[jax="SVG"] path[data-c], mjx-container[jax="SVG"] use[data-c]',
    'mjx-container[jax="SVG"] use') + STYLESHEET_EXTRA;
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
