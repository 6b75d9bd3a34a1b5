// Typeset the math of the built HTML book once, at build time, with the same MathJax 3 (TeX input, SVG
// output) that the pages used to load in the browser, so that a page opens with its formulas drawn and
// loads no script to typeset them.
//
//   node tools/typeset_math.mjs MATHJAX_NODE_MODULES HTML_DIR [PAGE.html ...]
//
// MATHJAX_NODE_MODULES is the folder holding mathjax-full (vendored by tools/vendor_mathjax.sh). Each page
// (default: every .html file of HTML_DIR outside _static, _sources and _modules) that carries math is
// typeset in place: every \( \) and \[ \] outside code becomes an <mjx-container> with its SVG (glyphs
// shared once per page), the page gets MathJax's stylesheet, and the MathJax loader and its settings are
// removed. A formula MathJax cannot parse fails the build, with its page and TeX.
import fs from 'node:fs';
import path from 'node:path';
import {createRequire} from 'node:module';

const [modules, htmlDir, ...pages] = process.argv.slice(2);
if (!modules || !htmlDir) {
  console.error('usage: node tools/typeset_math.mjs MATHJAX_NODE_MODULES HTML_DIR [PAGE.html ...]');
  process.exit(2);
}
const require = createRequire(path.resolve(modules, 'package.json'));
const {mathjax} = require('mathjax-full/js/mathjax.js');
const {TeX} = require('mathjax-full/js/input/tex.js');
const {SVG} = require('mathjax-full/js/output/svg.js');
const {liteAdaptor} = require('mathjax-full/js/adaptors/liteAdaptor.js');
const {RegisterHTMLHandler} = require('mathjax-full/js/handlers/html.js');
const {AllPackages} = require('mathjax-full/js/input/tex/AllPackages.js');

const adaptor = liteAdaptor();
RegisterHTMLHandler(adaptor);

function walk(dir) {
  const skip = new Set(['_static', '_sources', '_modules', '_images']);
  return fs.readdirSync(dir, {withFileTypes: true}).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return skip.has(e.name) && dir === htmlDir ? [] : walk(p);
    return e.name.endsWith('.html') ? [p] : [];
  });
}

const LOADER = /<script[^>]*>\s*window\.MathJax\s*=[^<]*<\/script>\s*|<script[^>]*src="[^"]*mathjax\/tex-svg-full\.js[^"]*"[^>]*><\/script>\s*/g;
let typeset = 0;
let formulas = 0;
const errors = [];
for (const file of pages.length ? pages.map((p) => path.resolve(p)) : walk(htmlDir)) {
  const html = fs.readFileSync(file, 'utf8');
  if (!LOADER.test(html)) continue;  // a page without math never loads MathJax
  LOADER.lastIndex = 0;
  const tex = new TeX({packages: AllPackages, formatError: (jax, err) => {
    errors.push(`${path.relative(htmlDir, file)}: ${err.message}`);
    return jax.formatError(err);
  }});
  const svg = new SVG({fontCache: 'global'});
  const doc = mathjax.document(html, {
    InputJax: tex, OutputJax: svg,
    processHtmlClass: 'tex2jax_process|mathjax_process|math|output_area',
  });
  doc.render();
  formulas += Array.from(doc.math).length;
  let out = adaptor.doctype(doc.document) + '\n' + adaptor.outerHTML(adaptor.root(doc.document));
  const style = adaptor.textContent(svg.styleSheet(doc));
  out = out.replace(LOADER, '').replace('</head>', `<style id="MJX-SVG-styles">${style}</style>\n</head>`);
  fs.writeFileSync(file, out);
  typeset += 1;
}
if (errors.length) {
  console.error(`MathJax could not typeset ${errors.length} formula(s):\n  ` + errors.join('\n  '));
  process.exit(1);
}
console.log(`typeset ${formulas} formulas on ${typeset} pages at build time`);
