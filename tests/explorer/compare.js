// The explorer's JavaScript in Node, for the tests: loads what a page loads (the data _ext/explorer.py
// writes, with the package's catalogue, then the scripts that need no page), and answers as JSON.
//
//   node compare.js <data.json> fixtures <fixtures.json>  per case: the worst disagreement with
//                                                          optimlab.run (relative, absolute below 1),
//                                                          both row counts and divergence steps
//   node compare.js <data.json> specs <specs.json>        per spec: {ok: trajectory} or {error}
//   node compare.js <data.json> addresses <cases.json>    per [hash, page settings, index]: the
//                                                          state read and the notes, and its address
//   node compare.js <data.json> ui                        the UI table (labels, slider ranges)
//   node compare.js <data.json> catalogue                 the catalogue and settings, as loaded
//   node compare.js <data.json> rules                     the optimizers the JavaScript has rules for
//
// <data.json> may be the data file a page loads (optimlab_explorer_data.js, packed); the scripts
// are _ext/explorer_static's, or those in the folder EXPLORER_STATIC names (the served copies).
"use strict";
const fs = require("fs");
const path = require("path");
const STATIC = process.env.EXPLORER_STATIC || path.join(__dirname, "..", "..", "_ext", "explorer_static");
const [data, mode, input] = process.argv.slice(2);

if (data.endsWith(".js")) {
  globalThis.window = globalThis;
  require(path.resolve(data));
} else {
  globalThis.optimlab = JSON.parse(fs.readFileSync(data, "utf8"));
}
for (const name of ["optimlab_catalogue.js", "optimlab_core.js", "optimlab_noise.js", "explorer_draw.js",
                    "explorer_controls.js", "explorer_state.js"]) {
  require(path.join(STATIC, name));
}
const ol = globalThis.optimlab;
const read = () => JSON.parse(fs.readFileSync(input, "utf8"));

function fixtures() {
  return read().map((c) => {
    const got = ol.trajectory(c.spec);
    let worst = 0;
    const rows = Math.min(got.xs.length, c.xs.length);
    for (let t = 0; t < rows; t++) {
      for (let i = 0; i < 2; i++) {
        const want = c.xs[t][i];
        worst = Math.max(worst, Math.abs(got.xs[t][i] - want) / Math.max(1, Math.abs(want)));
      }
    }
    return { rows: [got.xs.length, c.xs.length], diverged_at: [got.diverged_at, c.diverged_at], worst: worst };
  });
}
function specs() {
  return read().map((spec) => {
    try { return { ok: ol.trajectory(spec) }; } catch (e) { return { error: e.message }; }
  });
}
function addresses() {
  return read().map(([hash, settings, index]) => {
    const page = ol.explorerState.fromPage(settings), got = ol.explorerState.read(hash, page, index || 0);
    return { state: got.state, notes: got.notes, found: got.found, address: ol.explorerState.write(got.state, page, index || 0, "") };
  });
}
const answer = {
  fixtures, specs, addresses, ui: () => ol.explorerUI, rules: () => Object.keys(ol.OPTIMIZERS),
  catalogue: () => ({ catalogue: ol.catalogue, settings: ol.settings }),
}[mode];
if (!answer) throw new Error("mode must be fixtures, specs, addresses, ui, rules or catalogue; got " + mode);
process.stdout.write(JSON.stringify(answer()));
