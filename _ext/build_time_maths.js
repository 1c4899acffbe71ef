// Renders TeX to MathJax 4's SVG output, for _ext/build_time_maths.py (one process per build).
// Reads {items: [{tex, display}], widths: [em, ...]} as JSON on standard input and writes
// {results: [{svg, glyphs}], css}: `svg` is the <mjx-container> with the formula (its drawings,
// which refer to glyph paths by id, and the formula as MathML for assistive technology), `glyphs`
// maps each glyph id it uses to its path, so that a page carries each glyph's path once.
//
// Sizes are written in em, not MathJax's ex (the x-height of whatever font the reader's browser
// picks for the text): a formula is then as wide on every machine as it was measured here, and
// the widths it is drawn for (below) mean the same thing in the page.
//
// A display formula wider than the narrowest of `widths` is drawn again, with MathJax's automatic
// line breaks, for each of `widths` narrower than it; drawings that come out the same are kept
// once. Each drawing says for which widths of its box it is the one to show (data-from: hide it
// in a box narrower than this many em; data-below: hide it in a box at least this wide), and the
// stylesheet that build_time_maths.py writes shows exactly one. An in-line formula wider than
// INLINE_BREAKS_EM carries MathJax's break points (a drawing per piece), so that the browser can
// wrap it with the text; a narrower one moves to the next line whole, as a word does.
//
// A TeX error ends the process with the formula and MathJax's message on standard error.
const {mathjax} = require('@mathjax/src/cjs/mathjax.js');
const {TeX} = require('@mathjax/src/cjs/input/tex.js');
const {SVG} = require('@mathjax/src/cjs/output/svg.js');
const {liteAdaptor} = require('@mathjax/src/cjs/adaptors/liteAdaptor.js');
const {RegisterHTMLHandler} = require('@mathjax/src/cjs/handlers/html.js');
const {AssistiveMmlHandler} = require('@mathjax/src/cjs/a11y/assistive-mml.js');
const {MathJaxNewcmFont} = require('@mathjax/mathjax-newcm-font/cjs/svg.js');

// The TeX packages of MathJax 3's AllPackages but those that load files or change how errors
// show (autoload, require, noerrors, noundefined): MathJax 4 has no such list.
const PACKAGES = {
  base: 'Base', action: 'Action', ams: 'Ams', amscd: 'AmsCd', bbox: 'Bbox',
  boldsymbol: 'Boldsymbol', braket: 'Braket', bussproofs: 'Bussproofs', cancel: 'Cancel',
  cases: 'Cases', centernot: 'Centernot', color: 'Color', colortbl: 'Colortbl',
  configmacros: 'ConfigMacros', empheq: 'Empheq', enclose: 'Enclose', extpfeil: 'Extpfeil',
  gensymb: 'Gensymb', html: 'Html', mathtools: 'Mathtools', mhchem: 'Mhchem',
  newcommand: 'Newcommand', physics: 'Physics', setoptions: 'SetOptions',
  tagformat: 'TagFormat', textcomp: 'Textcomp', textmacros: 'TextMacros', unicode: 'Unicode',
  upgreek: 'Upgreek', verb: 'Verb',
};
for (const [name, module] of Object.entries(PACKAGES)) {
  require(`@mathjax/src/cjs/input/tex/${name}/${module}Configuration.js`);
}
// The font's glyphs beyond its basic set are in files MathJax loads when a formula needs them.
mathjax.asyncLoad = name => require(name.replace(/^(@mathjax\/[^/]+)\/js\//, '$1/cjs/'));

const EM = 16;   // px per em when measuring, as in the page's text
const EX = 8;    // px per ex: MathJax's drawings come out in ex, turned into em at EX / EM
const NATURAL = 1e6;  // a width no formula reaches: drawn without line breaks
const INLINE_BREAKS_EM = 8;

// MathJax marks every SVG group with the MathML node it draws; the stylesheet needs these only.
const STYLED_NODES = new Set(['mtable', 'merror', 'maction']);
const DROPPED = ['data-c', 'data-mjx-texclass', 'data-latex', 'focusable', 'role', 'xmlns',
                 'xmlns:xlink', 'unselectable', 'data-mjx-linestack', 'data-mjx-linebox',
                 'data-mjx-lineno', 'data-semantic-speech'];
// attributes of each drawing's outer group and of its container that the stylesheet gives instead
const IN_STYLESHEET = {svg: {g: {stroke: 'currentColor', fill: 'currentColor', 'stroke-width': '0'}},
                       'mjx-container': {style: 'position: relative;', class: 'MathJax'},
                       'mjx-assistive-mml': {display: 'inline'}};
// A glyph's id on the page: MJX-NCM-I-1D465 becomes mj-I-1D465.
const shortId = id => id.replace(/^MJX-[A-Z]+-/, 'mj-');
const round = x => String(Math.round(x * 1000) / 1000);
const inEm = value => value.replace(/(-?[0-9.]+)ex\b/g, (_, ex) => round(Number(ex) * EX / EM) + 'em');

// Fewer bytes, the same drawing: drops what only MathJax's scripts read (and what inline SVG in
// HTML does not need), unwraps groups left without attributes, uses SVG 2's href, and sizes in em.
function slim(node) {
  if (!node.attributes) return [node];
  for (const name of DROPPED) delete node.attributes[name];
  // how MathJax's own script would handle a formula too wide: the stylesheet does not ask
  if (node.kind === 'mjx-container') delete node.attributes.overflow;
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
  if (node.kind === 'svg') {
    for (const name of ['width', 'height', 'style']) {
      if (name in node.attributes) node.attributes[name] = inEm(node.attributes[name]);
    }
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

// An in-line formula breaks at its top-level operators; one that breaks inside parentheses
// leaves "(1" at a line's end and "- β)" on the next. Operators and spaces between an opening
// and its closing bracket get MathML's linebreak="nobreak" (not inside \big( ... \big), which
// hold long expressions, as TeX would break them).
const OPENING = new Set(['(', '[', '{', '\u27E8']);
const CLOSING = new Set([')', ']', '}', '\u27E9']);
function noBreaksInsideBrackets({math, data}) {
  if (math.display) return;
  let row = data.root.childNodes[0];
  while (row && row.childNodes.length === 1 && row.childNodes[0].isKind('mrow')) {
    row = row.childNodes[0];
  }
  let depth = 0;
  for (const child of row ? row.childNodes : []) {
    const mo = child.isEmbellished ? child.coreMO() : null;
    const text = child.isKind('mo') ? child.getText() : '';
    if (CLOSING.has(text)) {
      depth = Math.max(0, depth - 1);
    } else if (depth > 0 && (mo || child.isKind('mspace'))) {
      (mo || child).attributes.set('linebreak', 'nobreak');
    }
    if (OPENING.has(text)) depth += 1;
  }
}

function renderer() {
  const adaptor = liteAdaptor();
  AssistiveMmlHandler(RegisterHTMLHandler(adaptor));
  let current = null;
  const tex = new TeX({
    packages: Object.keys(PACKAGES),
    formatError(jax, error) {
      throw new Error(`TeX error in ${JSON.stringify(current)}: ${error.message}`);
    },
  });
  tex.postFilters.add(noBreaksInsideBrackets);
  // two output jax with one font cache: in-line formulas without and with break points
  const svg = new SVG({fontCache: 'global', fontData: MathJaxNewcmFont,
                       displayOverflow: 'linebreak', linebreaks: {inline: false}});
  const document = mathjax.document('', {InputJax: tex, OutputJax: svg});
  const broken = new SVG({fontCache: 'global', fontData: MathJaxNewcmFont,
                          displayOverflow: 'linebreak', linebreaks: {inline: true}});
  const brokenDocument = mathjax.document('', {InputJax: tex, OutputJax: broken});
  const drawn = (source, display, widthEm, breaks = false) => {
    current = source;
    return (breaks ? brokenDocument : document).convert(
      source, {display, em: EM, ex: EX, containerWidth: widthEm * EM});
  };
  return {adaptor, svg, broken, document, drawn};
}

const drawings = (adaptor, container) =>
  adaptor.childNodes(container).filter(child => adaptor.kind(child) === 'svg');
const widthEm = (adaptor, drawing) => parseFloat(adaptor.getAttribute(drawing, 'width'));

// The width (one of `widths`) from which a drawing fits its box: the narrowest at least as wide.
const fitsFrom = (width, widths) =>
  Math.min(...widths.filter(w => w >= width), Math.max(...widths));

// The drawings of a display formula for the widths it needs (see the top of this file): drawn
// as it is, then, while the last drawing needs a wider box than the narrowest of `widths`,
// broken for the widest of `widths` below that box.
function displayDrawings({adaptor, drawn}, source, widths) {
  const container = drawn(source, true, NATURAL);
  slim(container);
  const versions = [{drawing: drawings(adaptor, container)[0]}];
  for (;;) {
    const last = versions[versions.length - 1];
    last.from = fitsFrom(widthEm(adaptor, last.drawing), widths);
    const narrower = widths.filter(width => width < last.from);
    if (narrower.length === 0) break;
    const broken = drawn(source, true, Math.max(...narrower));
    slim(broken);
    const drawing = drawings(adaptor, broken)[0];
    // a drawing not at least 1 em narrower is not worth its bytes
    if (widthEm(adaptor, drawing) > widthEm(adaptor, last.drawing) - 1) break;
    versions.push({drawing, below: last.from});
  }
  versions[versions.length - 1].from = undefined;
  const mml = adaptor.childNodes(container).find(child => adaptor.kind(child) === 'mjx-assistive-mml');
  for (const [index, {drawing, from, below}] of versions.entries()) {
    if (from !== undefined) adaptor.setAttribute(drawing, 'data-from', String(from));
    if (below !== undefined) adaptor.setAttribute(drawing, 'data-below', String(below));
    if (index > 0) adaptor.insert(drawing, mml);
  }
  return container;
}

async function main({items, widths}) {
  const jax = renderer();
  const {adaptor, svg, broken, document} = jax;
  const render = ({tex: source, display}) => {
    svg.fontCache.clearCache();
    broken.fontCache.clearCache();
    let node;
    if (display) {
      node = displayDrawings(jax, source, widths);
    } else {
      node = jax.drawn(source, false, NATURAL);
      slim(node);
      if (widthEm(adaptor, drawings(adaptor, node)[0]) > INLINE_BREAKS_EM) {
        node = jax.drawn(source, false, NATURAL, true);
        slim(node);
      }
    }
    const glyphs = {};
    for (const cache of [svg.fontCache.cache, broken.fontCache.cache]) {
      for (const [id, path] of cache) glyphs[shortId(id)] = path;
    }
    return {svg: selfClosing(adaptor.outerHTML(node)), glyphs};
  };
  const results = [];
  for (const item of items) {
    // a formula that needs a part of the font not loaded yet is drawn again once it is
    results.push(await mathjax.handleRetriesFor(() => render(item)));
  }
  const css = adaptor.textContent(svg.styleSheet(document)).replace(
    'mjx-container[jax="SVG"] path[data-c], mjx-container[jax="SVG"] use[data-c]',
    'mjx-container[jax="SVG"] use') + STYLESHEET_EXTRA;
  return {results, css};
}

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', chunk => { input += chunk; });
process.stdin.on('end', () => {
  main(JSON.parse(input)).then(
    answer => process.stdout.write(JSON.stringify(answer)),
    error => {
      process.stderr.write(error.message + '\n');
      process.exit(1);
    });
});
