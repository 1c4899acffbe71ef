/* The heat maps of a page's grids (book/sensitivity.md writes them, made by optimlab.run_grid, as
   JSON in a script element the explorer names): a cell clicked (or chosen with the sliders or the
   arrow keys) runs its setting in the explorer, which reports its own r beside the grid's.

   data: {learning_rates, betas, diverged, grids: {key: {title, optimizer, options, parameter:
   [name, entry or null], label, maps: {function: {title, steps, x0, ratio, colours}}}}} */
(function (ol) {
  "use strict";
  const el = ol.explorerControls.el, fmt = ol.explorerDraw.fmt;

  function build(x, source) {
    const data = JSON.parse(source.textContent), s = x.state, keys = Object.keys(data.grids);
    const rows = data.betas.length, cols = data.learning_rates.length, id = x.id;
    const canvas = el("canvas", { className: "ox-heat", tabIndex: 0, role: "img" });
    const report = el("p", { className: "ox-agree", "aria-live": "polite" });
    const titles = {};
    keys.forEach((k) => { titles[k] = data.grids[k].title; });
    if (s.cell && !(data.grids[s.cell[0]] && [1, 2].every((k) => Number.isInteger(Number(s.cell[k])) && s.cell[k] >= 0) &&
        s.cell[1] < rows && s.cell[2] < cols)) {
      x.notes.push(["cell=" + s.cell.join(","), ol.settings.messages.no_cell]);
      s.cell = null;
    }
    // The cell shown: the state's, or the one whose setting the first run has.
    function current() {
      if (s.cell) return { grid: s.cell[0], i: Number(s.cell[1]), j: Number(s.cell[2]) };
      const run = s.runs[0];
      for (const key of keys) {
        const g = data.grids[key];
        if (run.optimizer !== g.optimizer) continue;
        const b = g.parameter[1] === null ? run.options[g.parameter[0]] : run.options[g.parameter[0]][g.parameter[1]];
        const i = data.betas.findIndex((v) => Math.abs(v - b) < 1e-9), j = data.learning_rates.findIndex((v) => Math.abs(v - run.options.lr) < 1e-12);
        if (i >= 0 && j >= 0 && g.maps[s["function"]]) return { grid: key, i: i, j: j };
      }
      return { grid: keys[0], i: data.betas.findIndex((b) => b >= 0.9 - 1e-9), j: data.learning_rates.findIndex((lr) => lr >= 0.1 - 1e-9) };
    }
    function mapOf(cell) {
      const maps = data.grids[cell.grid].maps;
      return maps[s["function"]] ? s["function"] : Object.keys(maps)[0];
    }
    function choose(cell, land) {
      const g = data.grids[cell.grid], map = g.maps[land], options = JSON.parse(JSON.stringify(g.options));
      const name = g.parameter[0], beta = data.betas[cell.i];
      if (g.parameter[1] === null) options[name] = beta; else options[name][g.parameter[1]] = beta;
      options.lr = data.learning_rates[cell.j];
      s["function"] = land; s.steps = map.steps; s.x0 = map.x0.slice(); s.t = null;
      s.runs = [{ optimizer: g.optimizer, options: ol.explorerState.complete(g.optimizer, options) }];
      s.cell = [cell.grid, cell.i, cell.j];
      x.open = 0;
      x.rebuild();
      x.update(true);
    }
    const gridSelect = ol.explorerControls.select(id + "-grid", "grid", titles, current().grid, (v) => { const c = current(); choose({ grid: v, i: c.i, j: c.j }, mapOf({ grid: v })); });
    const mapSelect = el("div", {});
    const lrRow = ol.explorerControls.slider(id + "-cj", { label: "grid η", min: 0, max: cols - 1, step: 1 }, current().j, (v) => { const c = current(); c.j = v; choose(c, mapOf(c)); }, true);
    const betaRow = ol.explorerControls.slider(id + "-ci", { label: "grid β", min: 0, max: rows - 1, step: 1 }, current().i, (v) => { const c = current(); c.i = v; choose(c, mapOf(c)); }, true);
    function paint() {
      const cell = current(), g = data.grids[cell.grid], land = mapOf(cell), map = g.maps[land], ratio = window.devicePixelRatio || 1;
      const box = Math.max(160, Math.min(x.region.clientWidth - 24, 420)), tall = Math.round(box * rows / cols * 1.6);
      canvas.style.width = box + "px"; canvas.style.height = tall + "px";
      canvas.width = Math.round(box * ratio); canvas.height = Math.round(tall * ratio);
      const ctx = canvas.getContext("2d"), w = canvas.width / cols, h = canvas.height / rows;
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) { ctx.fillStyle = map.colours[rows - 1 - i][j]; ctx.fillRect(j * w, i * h, w + 0.5, h + 0.5); }
      const top = rows - 1 - cell.i;
      ctx.strokeStyle = "#fff"; ctx.lineWidth = 2 * ratio; ctx.strokeRect(cell.j * w + ratio, top * h + ratio, w - 2 * ratio, h - 2 * ratio);
      ctx.strokeStyle = "#000"; ctx.lineWidth = ratio; ctx.strokeRect(cell.j * w, top * h, w, h);
      const lr = data.learning_rates[cell.j], beta = data.betas[cell.i], grid = map.ratio[cell.i][cell.j];
      lrRow.show(cell.j); betaRow.show(cell.i);
      lrRow.querySelector("output").textContent = fmt(lr); betaRow.querySelector("output").textContent = fmt(beta);
      lrRow.querySelector("input").setAttribute("aria-valuetext", fmt(lr));
      betaRow.querySelector("input").setAttribute("aria-valuetext", fmt(beta));
      betaRow.querySelector("label").textContent = "grid " + g.label;
      gridSelect.querySelector("select").value = cell.grid;
      mapSelect.textContent = "";
      mapSelect.appendChild(ol.explorerControls.select(id + "-map", "landscape", Object.keys(g.maps).reduce((o, k) => { o[k] = g.maps[k].title; return o; }, {}), land, (v) => choose(current(), v)));
      canvas.setAttribute("aria-label", "Heat map of the grid " + g.title + " on the " + map.title + ": learning rate across, " + g.label +
        " up; click a cell, or focus and use the arrow keys, to run its setting");
      // The explorer's own r for the same setting, when its run is this cell's.
      let mine = null;
      const run = x.results[0], fn = ol.FUNCTIONS[land], fstar = ol.landscapes[land].minimum_value;
      if (run && !run.error && run.diverged_at === null && s["function"] === land) {
        mine = (fn.f(run.xs[run.xs.length - 1]) - fstar) / (fn.f(map.x0) - fstar);
        if (!(mine <= data.diverged)) mine = null;
      }
      const said = (r) => r === null ? "diverged" : "r = " + fmt(r);
      report.textContent = "Cell η = " + fmt(lr) + ", " + g.label + " = " + fmt(beta) + " of " + g.title + " on the " + map.title +
        ": the grid (optimlab.run_grid) has " + said(grid) + "; the explorer's run has " + said(mine) + ".";
      report.setAttribute("data-grid", String(grid)); report.setAttribute("data-run", String(mine));
    }
    canvas.addEventListener("click", (e) => {
      const b = canvas.getBoundingClientRect(), cell = current();
      cell.i = rows - 1 - Math.min(rows - 1, Math.floor((e.clientY - b.top) / b.height * rows));
      cell.j = Math.min(cols - 1, Math.floor((e.clientX - b.left) / b.width * cols));
      choose(cell, mapOf(cell));
    });
    canvas.addEventListener("keydown", (e) => {
      const move = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [1, 0], ArrowDown: [-1, 0] }[e.key];
      if (!move) return;
      e.preventDefault();
      const cell = current();
      cell.i = Math.min(rows - 1, Math.max(0, cell.i + move[0])); cell.j = Math.min(cols - 1, Math.max(0, cell.j + move[1]));
      choose(cell, mapOf(cell));
    });
    const panel = el("div", { className: "ox-heatmap" }, [
      el("p", { className: "ox-heat-title", text: "The page's grids: learning rate η across, the decay rate up; a cell runs its setting" }),
      gridSelect, mapSelect, canvas, lrRow, betaRow, report]);
    return { panel: panel, paint: paint };
  }

  ol.explorerHeatmap = { build: build };
})((typeof window !== "undefined" ? window : globalThis).optimlab);
