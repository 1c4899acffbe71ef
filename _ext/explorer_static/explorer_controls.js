/* The explorer's controls: native inputs with labels, built from the package's catalogue (which
   parameters an optimizer has, of which kind) and from the one UI table below (labels and
   slider ranges). The runs are a list folded to one line each but the one being edited. */
(function (ol) {
  "use strict";
  // The UI table, keyed by the catalogue's names (a pair's entries as name[k]): each label and
  // slider (range, scale: linear, "log", or "oneminus", a log scale of 1 - value, for β₂ near 1;
  // step). A flag is a checkbox and needs a label only; `start` is the first value of a schedule
  // argument the package requires. tests/explorer/test_embeds.py checks that every range lies
  // inside the catalogue's bounds and that every parameter the explorer offers has a row.
  const UI = {
    lr: { label: "learning rate η", min: 1e-4, max: 10, scale: "log", step: 0.01 },
    momentum: { label: "momentum μ", min: 0, max: 0.99, step: 0.01 },
    dampening: { label: "dampening τ", min: 0, max: 1, step: 0.01 },
    weight_decay: { label: "weight decay λ", min: 0, max: 2, step: 0.01 },
    nesterov: { label: "Nesterov" },
    maximize: { label: "maximize (climb the gradient)" },
    beta: { label: "β", min: 0, max: 0.99, step: 0.01 },
    bias_correction: { label: "bias correction" },
    lr_decay: { label: "lr decay δ", min: 0, max: 1, step: 0.01 },
    initial_accumulator_value: { label: "initial accumulator", min: 0, max: 10, step: 0.1 },
    eps: { label: "ε", min: 1e-12, max: 1, scale: "log", step: 0.05 },
    alpha: { label: "α", min: 0.5, max: 0.9999, scale: "oneminus", step: 0.02 },
    centered: { label: "centered" },
    "betas[0]": { label: "β₁", min: 0, max: 0.99, step: 0.01 },
    "betas[1]": { label: "β₂", min: 0.5, max: 0.9999, scale: "oneminus", step: 0.02 },
    amsgrad: { label: "AMSGrad" },
    decoupled_weight_decay: { label: "decoupled weight decay" },
    momentum_decay: { label: "momentum decay ψ", min: 0, max: 0.1, step: 0.001 },
    beta2_decay: { label: "β₂ decay τ", min: -1, max: 0, step: 0.01 },
    "eps[0]": { label: "ε₁", min: 1e-30, max: 1e-3, scale: "log", step: 0.1 },
    "eps[1]": { label: "ε₂", min: 1e-8, max: 1, scale: "log", step: 0.05 },
    d: { label: "clipping threshold d", min: 1, max: 10, step: 0.1 },
    decouple: { label: "decoupled weight decay" },
    steps: { label: "steps", min: 10, max: 1000, step: 10 },
    warmup_steps: { label: "warm-up steps", min: 1, max: 200, step: 1, start: 10 },
    step_size: { label: "step decay every", min: 1, max: 500, step: 1, start: 25 },
    gamma: { label: "step decay factor γ", min: 0.05, max: 1, step: 0.05 },
  };
  const SCHEDULES = { constant: "constant", step_decay: "step decay", cosine_decay: "cosine", warmup_cosine: "warm-up, then cosine" };
  const fmt = ol.explorerDraw.fmt;

  function el(tag, attributes, children) {
    const node = document.createElement(tag);
    Object.keys(attributes || {}).forEach((k) => {
      if (k === "text") node.textContent = attributes[k];
      else if (k in node && k !== "list") node[k] = attributes[k];
      else node.setAttribute(k, attributes[k]);
    });
    (children || []).forEach((c) => { if (c) node.appendChild(c); });
    return node;
  }

  // ---- one control each: a slider (linear, log10, or log10 of 1 - value), a checkbox, ... ----
  function scale(kind) {
    if (kind === "log") return { to: Math.log10, from: (u) => Math.pow(10, u) };
    if (kind === "oneminus") return { to: (v) => -Math.log10(1 - v), from: (u) => 1 - Math.pow(10, -u) };
    return { to: (v) => v, from: (u) => u };
  }
  function slider(id, row, value, onchange, integer) {
    const s = scale(row.scale), lo = s.to(row.min), hi = s.to(row.max);
    const input = el("input", { type: "range", id: id, min: String(lo), max: String(hi), step: String(row.step || (hi - lo) / 200) });
    const output = el("output", { htmlFor: id });
    function show(v) {
      input.value = String(Math.min(hi, Math.max(lo, s.to(v))));
      output.textContent = fmt(v);
      input.setAttribute("aria-valuetext", fmt(v));
    }
    show(value);
    input.addEventListener("input", () => {
      const u = s.from(Number(input.value));
      const v = integer ? Math.round(u) : row.scale ? Number(u.toPrecision(3)) : Number(u.toFixed(4));
      output.textContent = fmt(v);
      input.setAttribute("aria-valuetext", fmt(v));
      onchange(v);
    });
    const node = el("div", { className: "ox-row" }, [el("label", { htmlFor: id, text: row.label }), input, output]);
    node.show = show;
    return node;
  }
  function checkbox(id, label, value, onchange) {
    const input = el("input", { type: "checkbox", id: id, checked: !!value });
    input.addEventListener("change", () => onchange(input.checked));
    return el("div", { className: "ox-row ox-check" }, [input, el("label", { htmlFor: id, text: label })]);
  }
  function select(id, label, options, value, onchange) {
    const input = el("select", { id: id }, Object.keys(options).map((k) => el("option", { value: k, text: options[k], selected: k === value })));
    input.addEventListener("change", () => onchange(input.value));
    return el("div", { className: "ox-row" }, [el("label", { htmlFor: id, text: label }), input]);
  }
  function numberInput(id, label, value, step, onchange) {
    const input = el("input", { type: "number", id: id, value: String(value), step: String(step) });
    input.addEventListener("change", () => {
      const v = Number(input.value);
      if (input.value !== "" && isFinite(v)) onchange(v);
    });
    return el("div", { className: "ox-row ox-number" }, [el("label", { htmlFor: id, text: label }), input]);
  }

  // The control of one declared parameter `p` whose current (JSON) value is `value`.
  function control(id, p, value, set) {
    const c = p.check, row = UI[p.name];
    if (c.kind === "flag") return row && checkbox(id, row.label, value, set);
    if (c.kind === "tuple") {
      return el("div", { className: "ox-entries" }, c.entries.map((entry, k) => {
        const inner = entry.kind === "optional" ? entry.check : entry;
        const shown = value[k] === null ? entry.none_means : value[k];
        return UI[entry.name] && slider(id + "-" + k, UI[entry.name], shown, (v) => {
          const next = value.slice();
          next[k] = v; value = next; set(next);
        }, inner.kind === "integer");
      }));
    }
    return row && slider(id, row, value, set, c.kind === "integer");
  }

  // ---- the runs: one line each (name, colour, outcome); the open one's controls under it ----
  function runs(x) {
    const box = x.runList, s = x.state, names = {};
    box.textContent = "";
    Object.keys(ol.catalogue.optimizers).forEach((k) => { names[k] = x.name(k); });
    x.heads = s.runs.map((run, r) => {
      const rid = x.id + "-r" + r, open = r === x.open;
      const head = el("button", { type: "button", className: "ox-head", id: rid + "-head", "aria-expanded": String(open), "aria-controls": rid });
      head.appendChild(el("span", { className: "ox-swatch", "aria-hidden": "true" }));
      head.appendChild(el("span", { className: "ox-name" }));
      head.appendChild(el("span", { className: "ox-outcome" }));
      head.addEventListener("click", () => { x.open = x.open === r ? -1 : r; runs(x); x.refresh(); x.heads[r].focus(); });
      const item = el("li", { className: "ox-run" + (open ? " ox-open" : "") }, [head]);
      const editor = el("div", { className: "ox-editor", id: rid, hidden: !open, role: "group", "aria-labelledby": rid + "-head" });
      const primary = x.primary(run.optimizer), more = el("div", {});
      const set = (name) => (v) => {
        run.options[name] = v;
        x.update(true);
      };
      ol.parameters(ol.catalogue.optimizers[run.optimizer]).forEach((p) => {
        const node = control(rid + "-" + p.name, p, ol.has(run.options, p.name) ? run.options[p.name] : p.default, set(p.name));
        if (node) (primary[p.name] ? editor : more).appendChild(node);
      });
      const choose = select(rid + "-opt", "optimizer", names, run.optimizer, (v) => {
        const lr = run.options.lr;
        run.optimizer = v;
        run.options = ol.explorerState.complete(v, lr === undefined ? {} : { lr: lr });
        runs(x); x.update(true);
      });
      if (primary.optimizer) editor.insertBefore(choose, editor.firstChild); else more.insertBefore(choose, more.firstChild);
      if (s.runs.length > 1) {
        const remove = el("button", { type: "button", className: "ox-button", text: "Remove this run" });
        remove.addEventListener("click", () => { s.runs.splice(r, 1); x.open = Math.min(x.open, s.runs.length - 1); runs(x); x.update(true); });
        (x.compact ? more : editor).appendChild(remove);
      }
      if (more.childNodes.length) {
        const details = el("details", { className: "ox-more" }, [el("summary", { text: "more settings" })]);
        while (more.firstChild) details.appendChild(more.firstChild);
        editor.appendChild(details);
      }
      item.appendChild(editor);
      box.appendChild(item);
      return head;
    });
  }

  // ---- the settings every run shares: landscape, start, steps, noise, schedule, curve ----
  function general(x) {
    const s = x.state, id = x.id, lands = {}, box = el("fieldset", { className: "ox-general" }, [el("legend", { text: "Landscape, start and schedule" })]);
    Object.keys(ol.landscapes).forEach((k) => { lands[k] = ol.landscapes[k].title; });
    box.appendChild(select(id + "-f", "landscape", lands, s["function"], (v) => {
      s["function"] = v; s.x0 = ol.landscapes[v].start.slice(); x.showStart(); x.update(true);
    }));
    const x1 = numberInput(id + "-x1", "start x₁", s.x0[0], 0.1, (v) => { s.x0 = [v, s.x0[1]]; x.update(true); });
    const x2 = numberInput(id + "-x2", "start x₂", s.x0[1], 0.1, (v) => { s.x0 = [s.x0[0], v]; x.update(true); });
    x.startInputs = [x1.querySelector("input"), x2.querySelector("input")];
    box.appendChild(el("div", { className: "ox-pair" }, [x1, x2]));
    box.appendChild(slider(id + "-steps", UI.steps, s.steps, (v) => { s.steps = v; s.t = null; x.update(true); }, true));
    if (window.optimlabNoise) {
      const sigma = numberInput(id + "-sigma", "noise σ", s.noise ? s.noise.scale : 1, 0.1, (v) => { if (v >= 0 && s.noise) { s.noise.scale = v; x.update(true); } });
      const seed = numberInput(id + "-seed", "seed", s.noise ? s.noise.seed : 0, 1, (v) => { if (v >= 0 && Number.isInteger(v) && s.noise) { s.noise.seed = v; x.update(true); } });
      box.appendChild(checkbox(id + "-noisy", "noisy gradients", !!s.noise, (on) => {
        s.noise = on ? { scale: Number(sigma.querySelector("input").value) || 1, seed: Number(seed.querySelector("input").value) || 0 } : null;
        x.update(true);
      }));
      box.appendChild(el("div", { className: "ox-pair" }, [sigma, seed]));
    }
    box.appendChild(select(id + "-sch", "lr schedule", SCHEDULES, s.schedule.kind, (v) => { s.schedule.kind = v; x.update(true); }));
    x.scheduleRows = {};
    ["warmup_steps", "step_size", "gamma"].forEach((name) => {
      const value = ol.has(s.schedule, name) ? s.schedule[name] : UI[name].start !== undefined ? UI[name].start :
        ol.parameter("step_decay", name, "schedules").default;
      box.appendChild(x.scheduleRows[name] = slider(id + "-" + name, UI[name], value, (v) => { s.schedule[name] = v; x.update(true); }, name !== "gamma"));
    });
    box.appendChild(select(id + "-metric", "curve", { loss: "loss f − f*", distance: "distance to the nearest minimum" }, s.metric, (v) => { s.metric = v; x.update(true); }));
    return box;
  }
  // Show each schedule argument's row only with its schedule.
  function scheduleRows(x) {
    Object.keys(x.scheduleRows).forEach((name) => {
      x.scheduleRows[name].hidden = !ol.parameter(x.state.schedule.kind, name, "schedules");
    });
  }

  const schedule = {};
  Object.keys(UI).forEach((k) => { if (UI[k].start !== undefined) schedule[k] = UI[k].start; });
  ol.explorerUI = { rows: UI, schedule: schedule };
  ol.explorerControls = { el: el, slider: slider, select: select, checkbox: checkbox, runs: runs, general: general, scheduleRows: scheduleRows };
})((typeof window !== "undefined" ? window : globalThis).optimlab);
