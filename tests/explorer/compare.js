// Run every fixture case through the explorer's JavaScript and print, per case, the worst
// disagreement with optimlab.run (relative, absolute below 1) and both divergence steps, as JSON.
// Usage: node compare.js <optimlab_core.js> <fixtures.json>
"use strict";
const fs = require("fs");
const core = require(process.argv[2]);
require(require("path").join(require("path").dirname(process.argv[2]), "optimlab_noise.js"));
const cases = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
const results = cases.map((c) => {
  const got = core.trajectory(c.spec);
  let worst = 0;
  const rows = Math.min(got.xs.length, c.xs.length);
  for (let t = 0; t < rows; t++) {
    for (let i = 0; i < 2; i++) {
      const want = c.xs[t][i];
      const error = Math.abs(got.xs[t][i] - want) / Math.max(1, Math.abs(want));
      worst = Math.max(worst, error);
    }
  }
  return { rows: [got.xs.length, c.xs.length], diverged_at: [got.diverged_at, c.diverged_at], worst };
});
process.stdout.write(JSON.stringify(results));
