/* The optimizer explorer: one for each div.optimlab-explorer (written by _ext/explorer.py).
   Its parts: explorer_state.js (the state and its address), explorer_draw.js (the pictures),
   explorer_controls.js, explorer_heatmap.js and explorer_playback.js; the runs are
   optimlab_core.js's, checked by the package's catalogue (optimlab_catalogue.js), and the
   window, contour levels, fills and colours are the package's (optimlab_explorer_data.js).

   The plot, its legend and the step controls stay in view (sticky) while the controls scroll:
   the run being edited sits right under them, the other runs folded to one line each. */
(function (ol) {
  "use strict";
  const S = ol.explorerState, D = ol.explorerDraw, C = ol.explorerControls, B = ol.explorerPlayback, el = C.el;
  const VIEWS = { paths: "Paths", zoom: "Zoom to the ends", loss: "Loss curve" };

  // The label the book's figures use for a run: its optimizer's name in the package's colour table
  // (optimlab.plotting.OPTIMIZER_COLOURS, as colour_for reads it), or the variant's.
  function label(run) {
    const o = run.options || {};
    if (run.optimizer === "sgd") return o.nesterov ? "Nesterov" : o.momentum ? "Momentum" : "SGD";
    if (run.optimizer === "adam" && o.amsgrad) return "AMSGrad";
    return ol.colour_names[run.optimizer] || run.optimizer;
  }
  // The runs' colours as optimlab.plotting.colours_for gives their names: a name that is exactly
  // an optimizer's takes its colour first, then one that starts with it ("Adam 2") unless taken;
  // the rest take the next of the other colours, skipping a sweep colour too near one shown.
  function colours(runs) {
    const called = names(runs), keys = runs.map(label), out = [], taken = new Set();
    const order = runs.map((r, i) => i).sort((i, j) => (called[i] !== keys[i]) - (called[j] !== keys[j]));
    order.forEach((i) => {
      const c = ol.colours[keys[i]];
      if (c && !taken.has(c)) { out[i] = c; taken.add(c); }
    });
    const spare = ol.other_colours.filter((c) => !taken.has(c) && !(ol.sweep_clashes[c] || []).some((d) => taken.has(d)));
    let next = 0;
    return runs.map((r, i) => out[i] || spare[next++] || "#000000");
  }
  // The runs' names, numbered where two would read the same.
  function names(runs) {
    const all = runs.map(label);
    return all.map((n, i) => all.filter((m) => m === n).length > 1 ? n + " " + (all.slice(0, i + 1).filter((m) => m === n).length) : n);
  }
  function sentence(items) {
    return items.length < 2 ? items.join("") : items.slice(0, -1).join(", ") + " and " + items[items.length - 1];
  }

  function Explorer(root, index) {
    this.root = root;
    this.index = index;
    this.id = "ox" + (index + 1);
    this.settings = JSON.parse(root.getAttribute("data-settings"));
    this.compact = root.classList.contains("compact");
    this.page = S.fromPage(this.settings);
    this.open = 0;
    const got = S.read(location.hash, this.page, index);
    this.state = got.state;
    this.notes = got.notes;
    this.build();
    this.update(false);
    if (got.found) this.share();
    window.addEventListener("hashchange", () => this.follow());
  }
  const P = Explorer.prototype;
  P.label = label;
  // An optimizer's name in the list to choose from (the book's EWMA momentum is not SGD's).
  P.name = (optimizer) => optimizer === "ewma_momentum" ? "EWMA momentum" : label({ optimizer: optimizer, options: {} });

  // The parameters a chapter's explorer shows first: those its page sets (and lr); the
  // playground shows every one. The rest sit under "more settings".
  P.primary = function (optimizer) {
    const shown = { lr: true };
    ol.parameters(ol.catalogue.optimizers[optimizer]).forEach((p) => { if (!this.compact) shown[p.name] = true; });
    if (!this.compact) shown.optimizer = true;
    this.settings.runs.forEach((r) => {
      if (r.optimizer === optimizer) Object.keys(r.options || {}).forEach((k) => { shown[k] = true; });
    });
    return shown;
  };

  // An address that changes on an open page is followed (a link in an exercise, Back).
  P.follow = function () {
    const got = S.read(location.hash, this.page, this.index);
    if (!got.found && location.hash.replace(/^#/, "")) return;  // a heading's anchor
    B.stop(this);
    this.state = got.state;
    this.notes = got.notes;
    this.open = 0;
    this.build();
    this.update(false);
    if (got.found) {
      this.share();
      this.root.scrollIntoView({ block: "start", behavior: window.matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth" });
    }
  };
  // The state in the address (after a pause, so that a dragged slider writes it once).
  P.share = function () {
    clearTimeout(this.sharing);
    this.sharing = setTimeout(() => {
      const hash = S.write(this.state, this.page, this.index, location.hash);
      history.replaceState(history.state, "", hash ? "#" + hash : location.pathname + location.search);
    }, 150);
  };

  P.build = function () {
    const root = this.root, id = this.id;
    root.textContent = "";
    this.region = el("section", { className: "ox", "aria-label": root.getAttribute("data-label") || "Optimizer explorer" });
    root.appendChild(this.region);
    this.note = el("p", { className: "ox-note", role: "status" });
    this.canvas = el("canvas", { className: "ox-plot", role: "img", tabIndex: 0, "aria-describedby": id + "-summary" });
    this.loss = el("canvas", { className: "ox-loss", role: "img", "aria-describedby": id + "-summary" });
    this.legend = el("ul", { className: "ox-legend", "aria-label": "Legend" });
    this.message = el("p", { className: "ox-message", "aria-live": "polite" });
    const tabs = el("div", { className: "ox-tabs", role: "radiogroup", "aria-label": "View" }, Object.keys(VIEWS).map((v) => {
      const input = el("input", { type: "radio", name: id + "-view", id: id + "-view-" + v, value: v, checked: this.state.view === v });
      input.addEventListener("change", () => { this.state.view = v; this.layout(); this.draw(); this.share(); });
      return el("label", { className: "ox-tab", htmlFor: id + "-view-" + v }, [input, document.createTextNode(VIEWS[v])]);
    }));
    this.view = el("div", { className: "ox-view" }, [tabs, el("div", { className: "ox-figure" }, [this.canvas, this.loss]),
      this.legend, B.transport(this), this.message]);
    this.runList = el("ol", { className: "ox-runlist", "aria-label": "Runs; open one to change its settings" });
    this.summary = el("p", { className: "ox-summary", id: id + "-summary" });
    this.readout = el("div", { className: "ox-readout" });
    const add = el("button", { type: "button", className: "ox-button", text: "Add a run" });
    add.addEventListener("click", () => {
      if (this.state.runs.length >= ol.settings.max_runs) return;
      this.state.runs.push({ optimizer: "sgd", options: S.complete("sgd", { lr: 0.01, momentum: 0.9 }) });
      this.open = this.state.runs.length - 1;
      this.rebuild(); this.update(true);
    });
    const reset = el("button", { type: "button", className: "ox-button", text: "Reset to the page's settings" });
    reset.addEventListener("click", () => {
      B.stop(this);
      this.state = JSON.parse(JSON.stringify(this.page));
      this.notes = [];
      this.build(); this.update(true);
    });
    this.general = el("div", { className: "ox-settings" });
    const more = this.compact ? el("details", { className: "ox-settings" }, [el("summary", { text: "More settings: landscape, start, steps, schedule, more runs" }), this.general, add])
      : el("div", {}, [this.general, add]);
    this.panel = el("div", { className: "ox-panel" }, [this.runList, more, reset, this.summary, this.readout]);
    this.region.appendChild(this.note);
    this.region.appendChild(this.view);
    this.region.appendChild(this.panel);
    const source = this.settings.heatmap && document.getElementById(this.settings.heatmap);
    if (source) {
      this.heat = ol.explorerHeatmap.build(this, source);
      this.panel.insertBefore(this.heat.panel, this.panel.firstChild);
    }
    this.rebuild();
    this.bind();
  };
  P.rebuild = function () {
    C.runs(this);
    this.general.textContent = "";
    this.general.appendChild(C.general(this));
  };
  P.showStart = function () {
    this.startInputs[0].value = this.state.x0[0];
    this.startInputs[1].value = this.state.x0[1];
  };

  // Drag or click on the plot, or the arrow keys when it has focus, move the start.
  P.bind = function () {
    const c = this.canvas;
    let dragging = false;
    const move = (e) => {
      const box = c.getBoundingClientRect(), w = this.window, area = D.area(box.width, box.height, 1);
      const u = (e.clientX - box.left - area.left) / area.width, v = (e.clientY - box.top - area.top) / area.height;
      this.state.x0 = [w[0][0] + u * (w[0][1] - w[0][0]), w[1][1] - v * (w[1][1] - w[1][0])].map((z) => Number(z.toPrecision(3)));
      this.showStart();
      this.update(false);
    };
    c.addEventListener("pointerdown", (e) => { dragging = true; c.setPointerCapture(e.pointerId); B.stop(this); move(e); });
    c.addEventListener("pointermove", (e) => { if (dragging) move(e); });
    c.addEventListener("pointerup", () => { if (dragging) { dragging = false; this.share(); } });
    c.addEventListener("pointercancel", () => { dragging = false; });
    c.addEventListener("keydown", (e) => {
      const d = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] }[e.key];
      if (!d) return;
      e.preventDefault();
      const w = this.window, k = e.shiftKey ? 0.1 : 0.02;
      this.state.x0 = this.state.x0.map((z, i) => Number((z + d[i] * k * (w[i][1] - w[i][0])).toPrecision(4)));
      this.showStart();
      this.update(true);
    });
    if (!this.watching) {
      this.watching = true;
      window.addEventListener("resize", () => { this.width = 0; this.layout(); this.draw(); if (this.heat) this.heat.paint(); });
      new MutationObserver(() => { this.textColour = null; this.draw(); })
        .observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
    }
  };

  // The canvases' sizes: the plot as wide as the explorer, at the landscape's aspect, and no
  // taller than 40% of the window, so that the controls under it stay in view.
  P.layout = function () {
    const s = this.state, land = ol.landscapes[s["function"]], w = land.window, ratio = window.devicePixelRatio || 1;
    // The width is read on a resize only: reading it after each redraw would force the
    // browser to lay out the whole page again.
    if (!this.width) {
      this.width = Math.max(220, this.view.clientWidth || 600);
      this.tall = window.innerHeight || 800;
      // The view sticks under the theme's bar when that bar sticks too.
      const bar = document.querySelector(".bd-header-article");
      this.root.style.setProperty("--ox-top", (bar && getComputedStyle(bar).position === "sticky" ? bar.offsetHeight : 0) + "px");
    }
    const edge = D.area(0, 0, 1), aspect = land.aspect === "equal" ? (w[1][1] - w[1][0]) / (w[0][1] - w[0][0]) : land.auto_height;
    let areaWidth = this.width + edge.width, areaHeight = areaWidth * aspect;
    const most = Math.max(120, Math.round(this.tall * 0.4) + edge.height);
    if (areaHeight > most) { areaHeight = most; areaWidth = most / aspect; }
    const width = Math.round(areaWidth - edge.width), height = Math.round(areaHeight - edge.height);
    this.loss.hidden = s.view !== "loss";
    this.canvas.hidden = s.view === "loss";
    const key = [width, height, ratio, s["function"]].join();
    if (this.size === key) return;
    this.size = key;
    [[this.canvas, width], [this.loss, this.width]].forEach((pair) => {
      pair[0].style.width = pair[1] + "px"; pair[0].style.height = height + "px";
      pair[0].width = Math.round(pair[1] * ratio); pair[0].height = Math.round(height * ratio);
    });
    this.backs = {};
  };
  // The landscape's background for a window, at the plot area's size (kept for the page's window
  // and the last zoom).
  P.background = function (window_, style) {
    const key = JSON.stringify(window_), land = ol.landscapes[this.state["function"]];
    if (!this.backs[key]) {
      if (key !== JSON.stringify(land.window)) Object.keys(this.backs).forEach((k) => { if (k !== JSON.stringify(land.window)) delete this.backs[k]; });
      const box = D.area(this.canvas.width, this.canvas.height, style.ratio), canvas = document.createElement("canvas");
      canvas.width = Math.round(box.width); canvas.height = Math.round(box.height);
      this.backs[key] = D.background(canvas, this.landscape(), window_, style);
    }
    return this.backs[key];
  };
  P.landscape = function () {
    const name = this.state["function"];
    return Object.assign({ f: ol.FUNCTIONS[name].f }, ol.landscapes[name]);
  };
  P.style = function () {
    // The theme's text colour, read again only when the theme changes.
    if (!this.textColour) this.textColour = getComputedStyle(this.region).color;
    return { ratio: window.devicePixelRatio || 1, text: this.textColour, axis: "#8a8a8a", contour: ol.contour };
  };

  // Recompute every run (after any change), then redraw; `share` writes the state to the address.
  P.update = function (share) {
    const s = this.state, fn = ol.FUNCTIONS[s["function"]], land = ol.landscapes[s["function"]];
    this.colours = colours(s.runs);
    this.results = s.runs.map((run) => {
      try {
        const r = ol.simulate(S.spec(s, run), true);
        r.values = r.xs.map((x) => s.metric === "distance"
          ? Math.min.apply(null, land.minima.map((m) => Math.hypot(x[0] - m[0], x[1] - m[1])))
          : fn.f(x) - land.minimum_value);
        return r;
      } catch (e) { return { error: e.message, xs: [], values: [], readouts: [], diverged_at: null }; }
    });
    C.scheduleRows(this);
    if (s.t !== null && s.t > s.steps) s.t = s.steps;
    this.layout();
    this.refresh();
    this.draw();
    if (this.heat) this.heat.paint();
    if (share) this.share();
  };

  // The words: run lines, legend, messages, the note on the address, the text alternative.
  P.refresh = function () {
    const s = this.state, land = ol.landscapes[s["function"]], called = names(s.runs), messages = [], outcome = [];
    this.legend.textContent = "";
    this.results.forEach((r, i) => {
      const name = called[i], colour = this.colours[i], end = r.values[r.values.length - 1];
      const said = r.error ? "cannot run: " + r.error : r.diverged_at !== null ? "diverged at step " + r.diverged_at :
        (s.metric === "distance" ? "distance " : "f − f* = ") + D.fmt(end) + " after " + s.steps + " steps";
      if (r.error) messages.push(name + " cannot run: " + r.error);
      else if (r.diverged_at !== null) messages.push(name + " diverged at step " + r.diverged_at + ".");
      outcome.push(name + (r.error ? " cannot run (" + r.error + ")" : r.diverged_at !== null
        ? " diverged at step " + r.diverged_at + ", after reaching " + D.pair(r.xs[r.xs.length - 1])
        : " ends after " + s.steps + " steps at " + D.pair(r.xs[r.xs.length - 1]) + ", " + (s.metric === "distance" ? "distance " : "f − f* = ") + D.fmt(end)));
      const swatch = el("span", { className: "ox-swatch", "aria-hidden": "true" });
      swatch.style.background = colour;
      this.legend.appendChild(el("li", {}, [swatch, document.createTextNode(name)]));
      const head = this.heads[i];
      if (head) {
        head.children[0].style.background = colour;
        head.children[1].textContent = name;
        head.children[2].textContent = said;
      }
    });
    this.message.textContent = messages.join(" ");
    this.message.hidden = !messages.length;
    this.note.textContent = this.notes.length ? "From the address, ignored: " + this.notes.map((n) => n[0] + " (" + n[1] + ")").join("; ") + "." : "";
    this.note.hidden = !this.notes.length;
    const lines = called.map((n, i) => n + " (" + D.colourName(this.colours[i]) + " line)");
    this.canvas.setAttribute("aria-label", "Paths of " + sentence(lines) + " on the " + land.title +
      " landscape, with axes x₁ and x₂. Drag or click to move the start, or focus and use the arrow keys.");
    this.loss.setAttribute("aria-label", (s.metric === "distance" ? "Distance to the nearest minimum" : "Loss above the minimum") +
      " against the step, log scale, for " + sentence(lines) + ".");
    this.summary.textContent = land.title + (s.noise ? " (noisy, σ = " + s.noise.scale + ", seed " + s.noise.seed + ")" : "") +
      ", start " + D.pair(s.x0) + ": " + outcome.join("; ") + ".";
  };

  // Redraw the view at the state's step (playback calls this alone).
  P.draw = function () {
    const s = this.state, t = s.t === null ? s.steps : s.t, style = this.style(), called = names(s.runs);
    B.show(this, t);
    const runs = this.results.map((r, i) => ({ name: called[i], colour: this.colours[i], xs: r.xs, values: r.values, diverged_at: r.diverged_at }));
    const land = ol.landscapes[s["function"]];
    if (s.view === "loss") {
      D.loss(this.loss, style, runs, { t: t, steps: s.steps, metric: s.metric });
    } else {
      const box = D.area(this.canvas.width, this.canvas.height, style.ratio);
      this.window = s.view === "zoom" ? D.zoom(runs, t, land.window, box.height / box.width) : land.window;
      D.paths(this.canvas, this.landscape(), style, runs, { window: this.window, t: t, whole: s.t === null, x0: s.x0, zoomed: this.window !== land.window },
        this.background(this.window, style));
    }
    B.readout(this, t);
  };

  function start() {
    ol.explorers = [];
    document.querySelectorAll(".optimlab-explorer").forEach((root, i) => { ol.explorers.push(new Explorer(root, i)); });
  }
  ol.Explorer = Explorer;
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})(window.optimlab);
