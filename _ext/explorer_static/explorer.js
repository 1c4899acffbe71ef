/* The optimizer explorer: controls, landscape, loss curve and readout for each
   div.optimlab-explorer (written by _ext/explorer.py). The runs are optimlab_core.js's; the
   window, contour levels, fills and colours are the package's (optimlab_explorer_data.js). */
(function () {
  "use strict";
  var ol = window.optimlab;
  var LABELS = {
    lr: "learning rate η", momentum: "momentum μ", dampening: "dampening τ",
    weight_decay: "weight decay λ", nesterov: "Nesterov", beta: "β", bias_correction: "bias correction",
    lr_decay: "lr decay δ", initial_accumulator_value: "initial accumulator", eps: "ε",
    alpha: "α", centered: "centered", amsgrad: "AMSGrad", betas: ["β₁", "β₂"],
    momentum_decay: "momentum decay ψ", decoupled_weight_decay: "decoupled weight decay",
    beta2_decay: "β₂ decay τ", d: "clipping threshold d", decouple: "decoupled weight decay",
  };
  var NAMES = { sgd: "SGD", ewma_momentum: "EWMA momentum", adagrad: "AdaGrad", rmsprop: "RMSProp", adam: "Adam", adamw: "AdamW" };
  var SCHEDULE_NAMES = { constant: "constant", step_decay: "step decay", cosine_decay: "cosine", warmup_cosine: "warm-up, then cosine" };
  var reduced = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var count = 0;

  // ---- small helpers ----
  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (k) {
      if (k === "text") node.textContent = attributes[k];
      else if (k in node && k !== "list") node[k] = attributes[k];
      else node.setAttribute(k, attributes[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }
  function fmt(v) {
    if (!isFinite(v)) return String(v);
    var a = Math.abs(v);
    return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : String(Number(v.toPrecision(4)));
  }
  function pair(p) { return "(" + fmt(p[0]) + ", " + fmt(p[1]) + ")"; }
  function clone(v) { return JSON.parse(JSON.stringify(v)); }
  function round3(v) { return Number(v.toPrecision(3)); }

  // The label the book's figures use for a run, so that it gets the book's colour.
  function bookLabel(run) {
    var o = run.options || {};
    if (run.optimizer === "sgd") return o.nesterov ? "Nesterov" : o.momentum ? "Momentum" : "SGD";
    if (run.optimizer === "ewma_momentum") return "Momentum";
    if (run.optimizer === "adam" && o.amsgrad) return "AMSGrad";
    if (NAMES[run.optimizer]) return NAMES[run.optimizer];
    // An optimizer declared later (nadam, ...) takes its name in OPTIMIZER_COLOURS.
    return Object.keys(ol.colours).filter(function (k) { return k.toLowerCase() === run.optimizer; })[0] || run.optimizer;
  }
  // A second run of one optimizer takes the next sweep colour (optimlab.plotting.colours_for).
  function colours(runs) {
    var taken = {}, spare = ol.sweep.concat(Object.keys(ol.colours).map(function (k) { return ol.colours[k]; }));
    return runs.map(function (run) {
      var c = ol.colours[bookLabel(run)];
      if (!c || taken[c]) c = spare.filter(function (s) { return !taken[s]; })[0] || "#000000";
      taken[c] = true;
      return c;
    });
  }

  // ---- one slider: linear, log10, or log10 of 1 - value (for β₂ near 1) ----
  function scale(kind) {
    if (kind === "log") return { to: Math.log10, from: function (u) { return Math.pow(10, u); } };
    if (kind === "oneminus") {
      return { to: function (v) { return -Math.log10(1 - v); }, from: function (u) { return 1 - Math.pow(10, -u); } };
    }
    return { to: function (v) { return v; }, from: function (u) { return u; } };
  }
  function slider(id, label, value, range, onchange) {
    var s = scale(range.kind), lo = s.to(range.min), hi = s.to(range.max);
    var input = el("input", { type: "range", id: id, min: String(lo), max: String(hi),
      step: String(range.step || (hi - lo) / 200) });
    var output = el("output", { htmlFor: id });
    function show(v) {
      input.value = String(Math.min(hi, Math.max(lo, s.to(v))));
      output.textContent = fmt(v);
      input.setAttribute("aria-valuetext", fmt(v));
    }
    show(value);
    input.addEventListener("input", function () {
      var v = Number(input.value);
      v = range.kind === "log" || range.kind === "oneminus" ? round3(s.from(v)) : Number(s.from(v).toFixed(4));
      output.textContent = fmt(v);
      input.setAttribute("aria-valuetext", fmt(v));
      onchange(v);
    });
    var row = el("div", { className: "ox-row" }, [el("label", { htmlFor: id, text: label }), input, output]);
    row.show = show;
    return row;
  }
  function checkbox(id, label, value, onchange) {
    var input = el("input", { type: "checkbox", id: id, checked: !!value });
    input.addEventListener("change", function () { onchange(input.checked); });
    return el("div", { className: "ox-row ox-check" }, [input, el("label", { htmlFor: id, text: label })]);
  }
  function select(id, label, options, value, onchange) {
    var input = el("select", { id: id }, Object.keys(options).map(function (k) {
      return el("option", { value: k, text: options[k], selected: k === value });
    }));
    input.addEventListener("change", function () { onchange(input.value); });
    return el("div", { className: "ox-row" }, [el("label", { htmlFor: id, text: label }), input]);
  }
  function numberInput(id, label, value, step, onchange) {
    var input = el("input", { type: "number", id: id, value: String(value), step: String(step) });
    input.addEventListener("change", function () {
      var v = Number(input.value);
      if (input.value !== "" && isFinite(v)) onchange(v);
    });
    return el("div", { className: "ox-row ox-number" }, [el("label", { htmlFor: id, text: label }), input]);
  }
  var RANGES = {
    lr: { min: 1e-4, max: 10, kind: "log", step: 0.01 }, eps: { min: 1e-12, max: 1, kind: "log", step: 0.05 },
    momentum: { min: 0, max: 0.99, step: 0.01 }, beta: { min: 0, max: 0.99, step: 0.01 },
    beta1: { min: 0, max: 0.99, step: 0.01 }, beta2: { min: 0.5, max: 0.9999, kind: "oneminus", step: 0.02 },
    alpha: { min: 0.5, max: 0.9999, kind: "oneminus", step: 0.02 }, dampening: { min: 0, max: 1, step: 0.01 },
    weight_decay: { min: 0, max: 2, step: 0.01 }, lr_decay: { min: 0, max: 1, step: 0.01 },
    initial_accumulator_value: { min: 0, max: 10, step: 0.1 },
  };

  // ---- the landscape's background: fills and contour lines, made once per function ----
  function background(land, width, height, fn) {
    var canvas = document.createElement("canvas");
    canvas.width = width; canvas.height = height;
    var ctx = canvas.getContext("2d"), img = ctx.createImageData(width, height);
    var w = land.window, levels = land.levels, fills = land.fills.map(function (hex) {
      var n = parseInt(hex.slice(1), 16), a = ol.contour.fill_alpha;
      return [(n >> 16) * a + 255 * (1 - a), ((n >> 8) & 255) * a + 255 * (1 - a), (n & 255) * a + 255 * (1 - a)];
    });
    function band(v) { var k = 0; while (k < levels.length && v >= levels[k]) k++; return k; }
    for (var j = 0; j < height; j++) {
      for (var i = 0; i < width; i++) {
        var x = [w[0][0] + (i + 0.5) / width * (w[0][1] - w[0][0]), w[1][1] - (j + 0.5) / height * (w[1][1] - w[1][0])];
        var c = fills[band(fn.f(x))], p = 4 * (j * width + i);
        img.data[p] = c[0]; img.data[p + 1] = c[1]; img.data[p + 2] = c[2]; img.data[p + 3] = 255;
      }
    }
    ctx.putImageData(img, 0, 0);
    // Contour lines by marching squares on a 160 × 160 grid, as the figures' grid.
    var n = 160, values = [], X = function (i) { return w[0][0] + i / (n - 1) * (w[0][1] - w[0][0]); };
    var Y = function (j) { return w[1][0] + j / (n - 1) * (w[1][1] - w[1][0]); };
    for (var jj = 0; jj < n; jj++) { values.push([]); for (var ii = 0; ii < n; ii++) values[jj].push(fn.f([X(ii), Y(jj)])); }
    ctx.strokeStyle = ol.contour.colour; ctx.globalAlpha = ol.contour.alpha; ctx.lineWidth = 0.8 * (window.devicePixelRatio || 1);
    var px = function (x) { return (x - w[0][0]) / (w[0][1] - w[0][0]) * width; };
    var py = function (y) { return (w[1][1] - y) / (w[1][1] - w[1][0]) * height; };
    ctx.beginPath();
    levels.forEach(function (L) {
      for (var j = 0; j < n - 1; j++) {
        for (var i = 0; i < n - 1; i++) {
          var a = values[j][i], b = values[j][i + 1], c = values[j + 1][i + 1], d = values[j + 1][i];
          var pts = [];
          var edge = function (v0, v1, x0, y0, x1, y1) {
            if ((v0 < L) !== (v1 < L)) { var t = (L - v0) / (v1 - v0); pts.push([x0 + t * (x1 - x0), y0 + t * (y1 - y0)]); }
          };
          edge(a, b, X(i), Y(j), X(i + 1), Y(j)); edge(b, c, X(i + 1), Y(j), X(i + 1), Y(j + 1));
          edge(d, c, X(i), Y(j + 1), X(i + 1), Y(j + 1)); edge(a, d, X(i), Y(j), X(i), Y(j + 1));
          for (var k = 0; k + 1 < pts.length; k += 2) {
            ctx.moveTo(px(pts[k][0]), py(pts[k][1])); ctx.lineTo(px(pts[k + 1][0]), py(pts[k + 1][1]));
          }
        }
      }
    });
    ctx.stroke();
    return canvas;
  }

  function star(ctx, x, y, r) {
    ctx.beginPath();
    for (var k = 0; k < 10; k++) {
      var a = -Math.PI / 2 + k * Math.PI / 5, q = k % 2 ? r * 0.45 : r;
      ctx.lineTo(x + q * Math.cos(a), y + q * Math.sin(a));
    }
    ctx.closePath(); ctx.fillStyle = "gold"; ctx.fill(); ctx.strokeStyle = "#000"; ctx.lineWidth = 1; ctx.stroke();
  }
  function cross(ctx, x, y, r, colour) {
    ctx.save(); ctx.translate(x, y); ctx.rotate(Math.PI / 4);
    ctx.beginPath();
    var a = r * 0.35;
    [[-a, -r], [a, -r], [a, -a], [r, -a], [r, a], [a, a], [a, r], [-a, r], [-a, a], [-r, a], [-r, -a], [-a, -a]].forEach(function (p) { ctx.lineTo(p[0], p[1]); });
    ctx.closePath(); ctx.fillStyle = colour; ctx.fill(); ctx.strokeStyle = "#fff"; ctx.lineWidth = 1; ctx.stroke(); ctx.restore();
  }

  // ---- one explorer ----
  function Explorer(root, index) {
    this.root = root;
    this.key = "explorer" + (index ? "-" + (index + 1) : "");
    this.page = JSON.parse(root.getAttribute("data-settings"));
    this.page.runs.forEach(function (r) { r.options = r.options || {}; });
    this.page.schedule = this.page.schedule || { kind: "constant" };
    this.page.metric = this.page.metric || "loss";
    this.id = "ox" + (++count);
    this.state = this.fromHash();
    this.restored = !!this.state;
    this.state = this.state || clone(this.page);
    this.state.t = this.state.t === undefined ? null : this.state.t;
    this.build();
    this.update(false);
  }
  var P = Explorer.prototype;

  P.fromHash = function () {
    var key = this.key + "=";
    var parts = location.hash.replace(/^#/, "").split("&");
    for (var i = 0; i < parts.length; i++) {
      if (parts[i].indexOf(key) === 0) {
        try { return JSON.parse(decodeURIComponent(parts[i].slice(key.length))); } catch (e) { return null; }
      }
    }
    return null;
  };
  P.toHash = function () {
    var key = this.key + "=", value = key + encodeURIComponent(JSON.stringify(this.state));
    var parts = location.hash.replace(/^#/, "").split("&").filter(function (p) { return p && p.indexOf(key) !== 0 && p.indexOf("=") > 0; });
    parts.push(value);
    history.replaceState(null, "", "#" + parts.join("&"));
  };

  // The spec of run i for optimlab.trajectory: the schedule wraps the run's learning rate.
  P.spec = function (run) {
    var s = this.state, o = clone(run.options), sch = s.schedule, lr = o.lr === undefined ? ol.OPTIMIZERS[run.optimizer].hyperparameters.lr[0] : o.lr;
    if (lr !== undefined && sch.kind !== "constant") {
      if (sch.kind === "step_decay") o.lr = { schedule: "step_decay", lr: lr, step_size: sch.step_size || 25, gamma: sch.gamma || 0.5 };
      if (sch.kind === "cosine_decay") o.lr = { schedule: "cosine_decay", lr: lr, total_steps: Math.max(1, s.steps) };
      if (sch.kind === "warmup_cosine") {
        var warm = Math.max(1, Math.min(sch.warmup_steps || 10, s.steps - 1));
        o.lr = { schedule: "warmup_cosine", peak: lr, warmup_steps: warm, total_steps: Math.max(warm + 1, s.steps) };
      }
    }
    var spec = { optimizer: run.optimizer, options: o, "function": s["function"], x0: s.x0, steps: s.steps };
    if (s.noise && window.optimlabNoise) spec.noise = s.noise;
    return spec;
  };

  P.build = function () {
    var self = this, root = this.root, id = this.id;
    root.textContent = "";
    var label = root.getAttribute("data-label") || "Optimizer explorer";
    this.region = el("section", { className: "ox", "aria-label": label });
    root.appendChild(this.region);
    // Figure: landscape and loss curve, then the transport controls
    this.canvas = el("canvas", { className: "ox-plot", role: "img", tabIndex: 0 });
    this.loss = el("canvas", { className: "ox-loss", role: "img" });
    this.message = el("p", { className: "ox-message", "aria-live": "polite" });
    this.play = el("button", { type: "button", className: "ox-button", text: "Play" });
    this.play.addEventListener("click", function () { self.toggle(); });
    this.scrub = el("input", { type: "range", id: id + "-t", min: "0", step: "1" });
    this.scrub.addEventListener("input", function () { self.stop(); self.state.t = Number(self.scrub.value); self.draw(); self.toHash(); });
    this.scrubOut = el("output", { htmlFor: id + "-t" });
    var reset = el("button", { type: "button", className: "ox-button", text: "Reset to the page's settings" });
    reset.addEventListener("click", function () { self.stop(); self.state = clone(self.page); self.state.t = null; self.build(); self.update(true); });
    this.readout = el("div", { className: "ox-readout", "aria-live": "off" });
    var transport = el("div", { className: "ox-transport" }, [this.play,
      el("div", { className: "ox-row ox-scrub" }, [el("label", { htmlFor: id + "-t", text: "step" }), this.scrub, this.scrubOut]), reset]);
    var figure = el("div", { className: "ox-figure" }, [this.canvas, this.loss]);
    this.summary = el("p", { className: "ox-summary", id: id + "-summary" });
    this.canvas.setAttribute("aria-describedby", id + "-summary");
    this.region.appendChild(figure);
    this.region.appendChild(transport);
    this.region.appendChild(this.message);
    this.region.appendChild(this.summary);
    this.region.appendChild(this.readout);
    // Settings: landscape, start, steps, schedule, then one fieldset per run
    var s = this.state, lands = {};
    Object.keys(ol.landscapes).forEach(function (k) { lands[k] = ol.landscapes[k].title; });
    var general = el("fieldset", { className: "ox-general" }, [el("legend", { text: "Landscape and run" })]);
    general.appendChild(select(id + "-f", "landscape", lands, s["function"], function (v) {
      s["function"] = v; s.x0 = ol.landscapes[v].start.slice(); self.x1.value = s.x0[0]; self.x2.value = s.x0[1]; self.update(true, true);
    }));
    var x1 = numberInput(id + "-x1", "start x₁", s.x0[0], 0.1, function (v) { s.x0 = [v, s.x0[1]]; self.update(true); });
    var x2 = numberInput(id + "-x2", "start x₂", s.x0[1], 0.1, function (v) { s.x0 = [s.x0[0], v]; self.update(true); });
    this.x1 = x1.querySelector("input"); this.x2 = x2.querySelector("input");
    general.appendChild(el("div", { className: "ox-pair" }, [x1, x2]));
    general.appendChild(slider(id + "-steps", "steps", s.steps, { min: 10, max: 1000, step: 10 }, function (v) { s.steps = Math.round(v); s.t = null; self.update(true); }));
    if (window.optimlabNoise) {
      var noiseRow = el("div", { className: "ox-pair" });
      var sigma = numberInput(id + "-sigma", "noise σ", s.noise ? s.noise.scale : 1, 0.1, function (v) { if (v >= 0 && s.noise) { s.noise.scale = v; self.update(true); } });
      var seed = numberInput(id + "-seed", "seed", s.noise ? s.noise.seed : 0, 1, function (v) { if (v >= 0 && Number.isInteger(v) && s.noise) { s.noise.seed = v; self.update(true); } });
      general.appendChild(checkbox(id + "-noisy", "noisy gradients", !!s.noise, function (on) {
        s.noise = on ? { scale: Number(sigma.querySelector("input").value) || 1, seed: Number(seed.querySelector("input").value) || 0 } : null;
        self.update(true);
      }));
      noiseRow.appendChild(sigma); noiseRow.appendChild(seed);
      general.appendChild(noiseRow);
    }
    general.appendChild(select(id + "-sch", "lr schedule", SCHEDULE_NAMES, s.schedule.kind, function (v) { s.schedule.kind = v; self.update(true); }));
    this.scheduleRows = {};
    general.appendChild(this.scheduleRows.warmup_cosine = slider(id + "-warm", "warm-up steps", s.schedule.warmup_steps || 10, { min: 1, max: 200, step: 1 }, function (v) { s.schedule.warmup_steps = Math.round(v); self.update(true); }));
    general.appendChild(this.scheduleRows.step_decay = slider(id + "-size", "step decay every", s.schedule.step_size || 25, { min: 1, max: 500, step: 1 }, function (v) { s.schedule.step_size = Math.round(v); self.update(true); }));
    general.appendChild(this.scheduleRows.gamma = slider(id + "-gamma", "step decay factor γ", s.schedule.gamma || 0.5, { min: 0.05, max: 1, step: 0.05 }, function (v) { s.schedule.gamma = v; self.update(true); }));
    general.appendChild(select(id + "-metric", "curve", { loss: "loss f − f*", distance: "distance to the nearest minimum" }, s.metric, function (v) { s.metric = v; self.update(true); }));
    general.appendChild(checkbox(id + "-all", "show the whole run at once", s.t === null, function (on) { self.stop(); s.t = on ? null : 0; self.update(true); }));
    this.runsBox = el("div", { className: "ox-runs" });
    var add = el("button", { type: "button", className: "ox-button", text: "Add an optimizer" });
    add.addEventListener("click", function () {
      if (s.runs.length >= 6) return;
      s.runs.push({ optimizer: "sgd", options: { lr: 0.01, momentum: 0.9 } });
      self.buildRuns(); self.update(true);
    });
    var settings = el("div", { className: "ox-settings" }, [general, this.runsBox, add]);
    if (root.classList.contains("compact")) {
      settings = el("details", { className: "ox-settings" }, [el("summary", { text: "More settings: landscape, start, schedule, more optimizers" }), general, add]);
      this.region.insertBefore(this.runsBox, this.message);
    }
    this.region.appendChild(settings);
    if (this.page.heatmap) this.buildHeatmap(document.getElementById(this.page.heatmap));
    this.buildRuns();
    this.bindPointer();
    var resize = function () { self.width = 0; self.layout(); self.draw(); };
    window.addEventListener("resize", resize);
    if (window.matchMedia) {
      var dark = new MutationObserver(function () { self.textColour = null; self.draw(); });
      dark.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
    }
  };

  P.buildRuns = function () {
    var self = this, s = this.state, box = this.runsBox;
    box.textContent = "";
    var names = {};
    Object.keys(ol.OPTIMIZERS).forEach(function (k) { names[k] = NAMES[k] || bookLabel({ optimizer: k }); });
    s.runs.forEach(function (run, r) {
      var rid = self.id + "-r" + r, rule = ol.OPTIMIZERS[run.optimizer];
      var fields = el("fieldset", { className: "ox-run" });
      var swatch = el("span", { className: "ox-swatch", "aria-hidden": "true" });
      fields.appendChild(el("legend", {}, [swatch, document.createTextNode(" " + bookLabel(run))]));
      fields.swatch = swatch;
      fields.appendChild(select(rid + "-opt", "optimizer", names, run.optimizer, function (v) {
        var lr = run.options.lr; run.optimizer = v; run.options = lr === undefined ? {} : { lr: lr };
        self.buildRuns(); self.update(true);
      }));
      Object.keys(rule.hyperparameters).forEach(function (name) {
        var declared = rule.hyperparameters[name], value = name in run.options ? run.options[name] : declared[0];
        var set = function (v) {
          run.options[name] = v;
          if (name === "nesterov" || name === "amsgrad" || name === "momentum") fields.querySelector("legend").lastChild.textContent = " " + bookLabel(run);
          self.update(true);
        };
        if (name === "betas") {
          var b = (value || [0.9, 0.999]).slice();
          fields.appendChild(slider(rid + "-b1", LABELS.betas[0], b[0], RANGES.beta1, function (v) { b = (run.options.betas || b).slice(); b[0] = v; set(b); }));
          fields.appendChild(slider(rid + "-b2", LABELS.betas[1], b[1], RANGES.beta2, function (v) { b = (run.options.betas || b).slice(); b[1] = v; set(b); }));
        } else if (Array.isArray(declared[0])) {
          // a pair such as Adafactor's eps: a slider for each entry with a range (null: none)
          (declared[2] || []).forEach(function (range, k) {
            if (!range) return;
            var p = (value || declared[0]).slice();
            fields.appendChild(slider(rid + "-" + name + k, (LABELS[name] || name) + "₁₂"[k], p[k], range, function (v) { p = (run.options[name] || p).slice(); p[k] = v; set(p); }));
          });
        } else if (typeof declared[0] === "boolean") {
          fields.appendChild(checkbox(rid + "-" + name, LABELS[name] || name, value, set));
        } else if (RANGES[name] || declared[2]) {
          fields.appendChild(slider(rid + "-" + name, LABELS[name] || name, value === undefined ? 0.01 : value, RANGES[name] || declared[2], set));
        }
      });
      if (s.runs.length > 1) {
        var remove = el("button", { type: "button", className: "ox-button", text: "Remove " + bookLabel(run) });
        remove.addEventListener("click", function () { s.runs.splice(r, 1); self.buildRuns(); self.update(true); });
        fields.appendChild(remove);
      }
      box.appendChild(fields);
    });
  };


  // ---- a heat map of the page's grid (emitted by the page); a cell runs its setting ----
  P.buildHeatmap = function (source) {
    if (!source) return;
    var self = this, data = JSON.parse(source.textContent), id = this.id, s = this.state;
    var lands = {}, keys = Object.keys(data.maps);
    keys.forEach(function (k) { lands[k] = k; });
    var canvas = el("canvas", { className: "ox-heat", role: "img", "aria-label": "Heat map of the page's grid: learning rate across, β₁ up; click a cell to run it" });
    var report = el("p", { className: "ox-agree", "aria-live": "polite" });
    var cell = s.cell || { map: keys[0], i: data.betas.length - 1 - data.betas.findIndex(function (b) { return b >= 0.9 - 1e-9; }), j: data.learning_rates.findIndex(function (lr) { return lr >= 0.1 - 1e-9; }) };
    var rows = data.betas.length, cols = data.learning_rates.length;
    function choose(c) {
      cell = c; s.cell = c;
      var map = data.maps[c.map], beta = data.betas[rows - 1 - c.i], lr = data.learning_rates[c.j];
      s["function"] = map["function"]; s.steps = map.steps; s.x0 = map.x0.slice(); s.t = null;
      s.runs = [{ optimizer: data.optimizer, options: { lr: lr, betas: [beta, data.fixed.beta2] } }];
      self.buildRuns(); self.update(true); paint();
    }
    var mapSelect = select(id + "-map", "grid of", lands, cell.map, function (v) { choose({ map: v, i: cell.i, j: cell.j }); });
    var lrRow = slider(id + "-cj", "grid η", data.learning_rates[cell.j], { min: data.learning_rates[0], max: data.learning_rates[cols - 1], kind: "log", step: Math.log10(data.learning_rates[1] / data.learning_rates[0]) }, function (v) {
      var j = 0; data.learning_rates.forEach(function (lr, k) { if (Math.abs(Math.log(lr / v)) < Math.abs(Math.log(data.learning_rates[j] / v))) j = k; });
      choose({ map: cell.map, i: cell.i, j: j });
    });
    var betaRow = slider(id + "-ci", "grid β₁", rows - 1 - cell.i, { min: 0, max: rows - 1, step: 1 }, function (v) { choose({ map: cell.map, i: rows - 1 - Math.round(v), j: cell.j }); });
    var betaInput = betaRow.querySelector("input"), betaOut = betaRow.querySelector("output");
    function paint() {
      var box = Math.max(160, Math.min(self.region.clientWidth - 24, 420)), ratio = window.devicePixelRatio || 1;
      canvas.style.width = box + "px"; canvas.style.height = Math.round(box * rows / cols * 1.6) + "px";
      canvas.width = Math.round(box * ratio); canvas.height = Math.round(box * rows / cols * 1.6 * ratio);
      var ctx = canvas.getContext("2d"), w = canvas.width / cols, h = canvas.height / rows, map = data.maps[cell.map];
      for (var i = 0; i < rows; i++) for (var j = 0; j < cols; j++) { ctx.fillStyle = map.colours[rows - 1 - i][j]; ctx.fillRect(j * w, i * h, w + 0.5, h + 0.5); }
      ctx.strokeStyle = "#fff"; ctx.lineWidth = 2 * ratio; ctx.strokeRect(cell.j * w + ratio, cell.i * h + ratio, w - 2 * ratio, h - 2 * ratio);
      ctx.strokeStyle = "#000"; ctx.lineWidth = ratio; ctx.strokeRect(cell.j * w, cell.i * h, w, h);
      var beta = data.betas[rows - 1 - cell.i], lr = data.learning_rates[cell.j];
      lrRow.show(lr); betaInput.value = String(rows - 1 - cell.i); betaOut.textContent = fmt(beta); betaInput.setAttribute("aria-valuetext", fmt(beta));
      var grid = map.ratio[rows - 1 - cell.i][cell.j], run = self.results[0], mine = null;
      if (run && !run.error) {
        var fn = ol.FUNCTIONS[map["function"]], fstar = ol.landscapes[map["function"]].minimum_value;
        mine = run.diverged_at !== null ? null : (fn.f(run.xs[run.xs.length - 1]) - fstar) / (fn.f(map.x0) - fstar);
        if (mine !== null && !(mine <= data.diverged)) mine = null;
      }
      var show = function (r) { return r === null ? "diverged" : "r = " + fmt(r); };
      report.textContent = "Cell η = " + fmt(lr) + ", β₁ = " + fmt(beta) + " on the " + cell.map + ": the grid (optimlab.run_grid) has " + show(grid) + "; the explorer's run has " + show(mine) + ".";
      report.setAttribute("data-grid", String(grid)); report.setAttribute("data-run", String(mine));
    }
    canvas.addEventListener("click", function (e) {
      var b = canvas.getBoundingClientRect();
      choose({ map: cell.map, i: Math.min(rows - 1, Math.floor((e.clientY - b.top) / b.height * rows)), j: Math.min(cols - 1, Math.floor((e.clientX - b.left) / b.width * cols)) });
    });
    var panel = el("div", { className: "ox-heatmap" }, [el("p", { className: "ox-heat-title", text: "The page's grid: learning rate η across, β₁ up (β₂ = " + data.fixed.beta2 + ")" }), canvas, mapSelect, lrRow, betaRow, report]);
    this.region.insertBefore(panel, this.region.firstChild);
    this.heat = { choose: choose, paint: paint, cell: function () { return cell; } };
    var first = true;
    this.afterUpdate = function () { if (first) { first = false; return; } paint(); };
    setTimeout(function () { if (self.restored) paint(); else choose(cell); }, 0);
  };

  P.bindPointer = function () {
    var self = this, c = this.canvas, dragging = false;
    function at(e) {
      var box = c.getBoundingClientRect(), w = ol.landscapes[self.state["function"]].window;
      var u = (e.clientX - box.left) / box.width, v = (e.clientY - box.top) / box.height;
      return [round3(w[0][0] + u * (w[0][1] - w[0][0])), round3(w[1][1] - v * (w[1][1] - w[1][0]))];
    }
    function move(e) {
      self.state.x0 = at(e); self.x1.value = self.state.x0[0]; self.x2.value = self.state.x0[1];
      self.update(false);
    }
    c.addEventListener("pointerdown", function (e) { dragging = true; c.setPointerCapture(e.pointerId); self.stop(); move(e); });
    c.addEventListener("pointermove", function (e) { if (dragging) move(e); });
    c.addEventListener("pointerup", function () { if (dragging) { dragging = false; self.toHash(); } });
    c.addEventListener("pointercancel", function () { dragging = false; });
  };

  P.layout = function () {
    var land = ol.landscapes[this.state["function"]], w = land.window;
    // The width is read on a resize only: reading it after each redraw would force the
    // browser to lay out the whole page again.
    if (!this.width) this.width = Math.max(200, (this.region.clientWidth || 600) - 22);
    var width = this.width, ratio = window.devicePixelRatio || 1;
    var wide = width > 760, plotWidth = wide ? Math.round(width * 0.62) : width;
    var h = land.aspect === "equal" ? (w[1][1] - w[1][0]) / (w[0][1] - w[0][0]) : land.auto_height;
    var plotHeight = Math.round(plotWidth * h);
    if (this.size && this.size[0] === plotWidth && this.size[1] === plotHeight && this.size[2] === this.state["function"]) return;
    this.size = [plotWidth, plotHeight, this.state["function"]];
    this.canvas.style.width = plotWidth + "px"; this.canvas.style.height = plotHeight + "px";
    this.canvas.width = Math.round(plotWidth * ratio); this.canvas.height = Math.round(plotHeight * ratio);
    var lossWidth = wide ? width - plotWidth - 12 : width, lossHeight = wide ? plotHeight : Math.round(width * 0.45);
    this.loss.style.width = lossWidth + "px"; this.loss.style.height = lossHeight + "px";
    this.loss.width = Math.round(lossWidth * ratio); this.loss.height = Math.round(lossHeight * ratio);
    this.back = background(land, this.canvas.width, this.canvas.height, ol.FUNCTIONS[this.state["function"]]);
  };

  // Recompute every run (after any change), then redraw; `share` writes the state to the URL.
  P.update = function (share) {
    var self = this, s = this.state, fn = ol.FUNCTIONS[s["function"]], land = ol.landscapes[s["function"]];
    this.colours = colours(s.runs);
    this.results = s.runs.map(function (run) {
      try {
        var r = ol.simulate(self.spec(run), true);
        r.values = r.xs.map(function (x) {
          if (s.metric === "distance") {
            return Math.min.apply(null, land.minima.map(function (m) { return Math.hypot(x[0] - m[0], x[1] - m[1]); }));
          }
          return fn.f(x) - land.minimum_value;
        });
        return r;
      } catch (e) { return { error: e.message, xs: [], values: [], readouts: [] }; }
    });
    var legends = this.runsBox.querySelectorAll(".ox-swatch");
    this.colours.forEach(function (c, i) { if (legends[i]) legends[i].style.background = c; });
    this.scrub.max = String(s.steps);
    this.scheduleRows.warmup_cosine.hidden = s.schedule.kind !== "warmup_cosine";
    this.scheduleRows.step_decay.hidden = this.scheduleRows.gamma.hidden = s.schedule.kind !== "step_decay";
    if (s.t !== null && s.t > s.steps) s.t = s.steps;
    this.layout();
    this.draw();
    if (this.afterUpdate) this.afterUpdate();
    if (share) this.toHash();
  };

  P.draw = function () {
    var s = this.state, t = s.t === null ? s.steps : s.t, self = this;
    this.scrub.value = String(t);
    this.scrubOut.textContent = t + " / " + s.steps;
    this.drawPlot(t); this.drawLoss(t);
    // Messages, text alternative and readout
    var messages = [], outcome = [];
    this.results.forEach(function (r, i) {
      var name = bookLabel(s.runs[i]);
      if (r.error) { messages.push(name + ": " + r.error); outcome.push(name + " cannot run (" + r.error + ")"); return; }
      var last = r.xs[r.xs.length - 1];
      if (r.diverged_at !== null) messages.push(name + " diverged at step " + r.diverged_at + ".");
      outcome.push(name + (r.diverged_at !== null ? " diverged at step " + r.diverged_at + ", after reaching " :
        " ends after " + s.steps + " steps at ") + pair(last) + ", " + (s.metric === "distance" ? "distance " : "f − f* = ") + fmt(r.values[r.values.length - 1]));
    });
    this.message.textContent = messages.join(" ");
    this.message.hidden = !messages.length;
    var land = ol.landscapes[s["function"]];
    this.summary.textContent = land.title + (s.noise ? " (noisy, σ = " + s.noise.scale + ", seed " + s.noise.seed + ")" : "") +
      ", start " + pair(s.x0) + ": " + outcome.join("; ") + ".";
    this.canvas.setAttribute("aria-label", "Paths of the optimizers on the " + land.title + " landscape; drag or click to move the start");
    this.loss.setAttribute("aria-label", (s.metric === "distance" ? "Distance to the nearest minimum" : "Loss above the minimum") + " against the step, log scale");
    var rows = this.results.map(function (r, i) {
      if (r.error) return null;
      var k = Math.min(t, r.xs.length - 1), x = r.xs[k], fn = ol.FUNCTIONS[s["function"]];
      var text = bookLabel(s.runs[i]) + ": step " + k + ", x = " + pair(x) + ", f = " + fmt(fn.f(x));
      if (r.readouts.length && k > 0) {
        var b = r.readouts[k - 1];
        text += ", m̂ = " + pair(b[0]) + ", v̂ = " + pair(b[1]) + ", step = " + pair(b[2]);
      }
      var row = el("li", { text: text });
      row.style.borderLeftColor = self.colours[i];
      return row;
    });
    this.readout.textContent = "";
    this.readout.appendChild(el("ul", {}, rows));
  };

  P.drawPlot = function (t) {
    var s = this.state, c = this.canvas, ctx = c.getContext("2d"), land = ol.landscapes[s["function"]], w = land.window;
    var ratio = window.devicePixelRatio || 1, W = c.width, H = c.height;
    var px = function (x) { return (x - w[0][0]) / (w[0][1] - w[0][0]) * W; };
    var py = function (y) { return (w[1][1] - y) / (w[1][1] - w[1][0]) * H; };
    ctx.globalAlpha = 1;
    ctx.drawImage(this.back, 0, 0);
    var self = this;
    this.results.forEach(function (r, i) {
      if (!r.xs.length) return;
      var last = Math.min(t, r.xs.length - 1), colour = self.colours[i];
      ctx.strokeStyle = colour; ctx.fillStyle = colour; ctx.lineWidth = 1.6 * ratio;
      ctx.beginPath();
      for (var k = 0; k <= last; k++) ctx.lineTo(px(r.xs[k][0]), py(r.xs[k][1]));
      ctx.stroke();
      // The figures' dots at the iterates; squares of the same size where they are many.
      var dot = 1.25 * ratio, round = last <= 200;
      ctx.beginPath();
      for (var k2 = 0; k2 <= last; k2++) {
        var X = px(r.xs[k2][0]), Y = py(r.xs[k2][1]);
        if (X < -dot || X > W + dot || Y < -dot || Y > H + dot) continue;
        if (round) { ctx.moveTo(X + dot, Y); ctx.arc(X, Y, dot, 0, 2 * Math.PI); } else ctx.rect(X - dot, Y - dot, 2 * dot, 2 * dot);
      }
      ctx.fill();
      var head = r.xs[last], hx = px(head[0]), hy = py(head[1]);
      var stopped = r.diverged_at !== null && t >= r.xs.length - 1;
      if (stopped || (s.t === null)) cross(ctx, hx, hy, 5 * ratio, colour);
      else { ctx.beginPath(); ctx.arc(hx, hy, 4 * ratio, 0, 2 * Math.PI); ctx.fill(); ctx.strokeStyle = "#fff"; ctx.lineWidth = 1.2 * ratio; ctx.stroke(); }
    });
    ctx.beginPath(); ctx.arc(px(s.x0[0]), py(s.x0[1]), 3.5 * ratio, 0, 2 * Math.PI);
    ctx.fillStyle = "#fff"; ctx.fill(); ctx.strokeStyle = "#000"; ctx.lineWidth = 1.2 * ratio; ctx.stroke();
    land.minima.forEach(function (m) { star(ctx, px(m[0]), py(m[1]), 6.5 * ratio); });
    ctx.fillStyle = "#000"; ctx.font = (12 * ratio) + "px sans-serif";
    ctx.fillText(land.title, 6 * ratio, 16 * ratio);
  };

  P.drawLoss = function (t) {
    var s = this.state, c = this.loss, ctx = c.getContext("2d"), ratio = window.devicePixelRatio || 1;
    // The theme's text colour, read again only when the theme changes (reading it after the
    // readout was rewritten would force a style recalculation of the page).
    if (!this.textColour) this.textColour = getComputedStyle(this.region).color;
    var text = this.textColour, W = c.width, H = c.height;
    ctx.clearRect(0, 0, W, H);
    var lo = Infinity, hi = -Infinity, floor = 1e-16;
    this.results.forEach(function (r) { r.values.forEach(function (v) { if (isFinite(v)) { v = Math.max(v, floor); lo = Math.min(lo, v); hi = Math.max(hi, v); } }); });
    if (!isFinite(lo)) return;
    var a = Math.floor(Math.log10(lo)), b = Math.ceil(Math.log10(hi));
    if (b <= a) b = a + 1;
    var left = 46 * ratio, bottom = 26 * ratio, top = 8 * ratio, right = 8 * ratio;
    var X = function (k) { return left + k / Math.max(1, s.steps) * (W - left - right); };
    var Y = function (v) { return top + (b - Math.log10(Math.max(v, floor))) / (b - a) * (H - top - bottom); };
    ctx.strokeStyle = text; ctx.fillStyle = text; ctx.lineWidth = ratio; ctx.font = (11 * ratio) + "px sans-serif";
    ctx.strokeRect(left, top, W - left - right, H - top - bottom);
    var every = Math.max(1, Math.ceil((b - a) / 5));
    ctx.textAlign = "right";
    for (var e = a; e <= b; e += every) ctx.fillText("1e" + e, left - 4 * ratio, Y(Math.pow(10, e)) + 4 * ratio);
    ctx.textAlign = "center";
    ctx.fillText("0", X(0), H - 8 * ratio); ctx.fillText(String(s.steps), X(s.steps) - 8 * ratio, H - 8 * ratio);
    ctx.fillText(s.metric === "distance" ? "distance, by step" : "f − f*, by step", (left + W) / 2, H - 8 * ratio);
    var self = this;
    this.results.forEach(function (r, i) {
      ctx.strokeStyle = self.colours[i]; ctx.lineWidth = 1.6 * ratio; ctx.beginPath();
      r.values.forEach(function (v, k) { ctx.lineTo(X(k), Y(v)); });
      ctx.stroke();
    });
    ctx.strokeStyle = text; ctx.setLineDash([4 * ratio, 3 * ratio]); ctx.beginPath();
    ctx.moveTo(X(t), top); ctx.lineTo(X(t), H - bottom); ctx.stroke(); ctx.setLineDash([]);
  };

  P.toggle = function () { if (this.timer) this.stop(); else this.start(); };
  P.start = function () {
    var self = this, s = this.state;
    if (s.t === null || s.t >= s.steps) s.t = 0;
    this.play.textContent = "Pause";
    // Reduced motion: ten jumps a second of a tenth of the run, not a smooth sweep.
    var stride = reduced ? Math.max(1, Math.ceil(s.steps / 10)) : Math.max(1, Math.ceil(s.steps / 240));
    this.timer = setInterval(function () {
      s.t = Math.min(s.steps, s.t + stride);
      self.draw();
      if (s.t >= s.steps) { self.stop(); self.toHash(); }
    }, reduced ? 400 : 16);
  };
  P.stop = function () { if (this.timer) { clearInterval(this.timer); this.timer = null; this.play.textContent = "Play"; } };

  function start() {
    ol.explorers = [];
    document.querySelectorAll(".optimlab-explorer").forEach(function (root, i) { ol.explorers.push(new Explorer(root, i)); });
  }
  ol.Explorer = Explorer;
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
