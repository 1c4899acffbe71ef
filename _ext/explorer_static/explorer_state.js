/* The explorer's state and its address (_ext/explorer.py's pages).

   The state is one object:
     {function, x0, steps, runs: [{optimizer, options}], schedule: {kind, warmup_steps, ...},
      noise: null | {scale, seed}, metric, view, t, cell}
   Its address says only what differs from the page's settings, in the package's names:
     #adam.lr=0.05&function=rosenbrock&steps=200
   A run is named by its optimizer (`adam-2` for the second Adam run); `runs=sgd,adam` when the
   list itself changed; the second explorer of a page prefixes its keys with `2:`. Reading an
   address merges it over the page's settings, each value checked by the package's own check
   (optimlab_catalogue.js), and says what it ignored and why. Old addresses
   (#explorer={json}) still open. */
(function (root) {
  "use strict";
  const ol = root.optimlab;
  const clone = (v) => JSON.parse(JSON.stringify(v));
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  const enc = (s) => encodeURIComponent(s).replace(/%2C/g, ",").replace(/%3A/g, ":");
  // The arguments of a schedule the explorer sets itself (from the runs and the steps).
  const SCHEDULE_OWN = { lr: 1, peak: 1, total_steps: 1 };

  // A run's options with every default filled in (a required one stays absent).
  function complete(optimizer, options) {
    const out = {};
    ol.parameters(ol.catalogue.optimizers[optimizer]).forEach((p) => {
      if (ol.has(options, p.name)) out[p.name] = options[p.name];
      else if (!p.required) out[p.name] = clone(p.default);
    });
    return out;
  }
  // The state of the page's settings (the {explorer} block, checked at build time).
  function fromPage(settings) {
    const schedule = { kind: "constant" };
    Object.keys(ol.explorerUI.schedule).forEach((k) => { schedule[k] = ol.explorerUI.schedule[k]; });
    return {
      "function": settings["function"], x0: settings.x0, steps: settings.steps,
      runs: settings.runs.map((r) => ({ optimizer: r.optimizer, options: complete(r.optimizer, r.options || {}) })),
      schedule: Object.assign(schedule, settings.schedule || {}), noise: settings.noise || null,
      metric: settings.metric || "loss", view: "paths", t: null, cell: null,
    };
  }
  function ids(runs) {
    const seen = {};
    return runs.map((r) => {
      seen[r.optimizer] = (seen[r.optimizer] || 0) + 1;
      return r.optimizer + (seen[r.optimizer] > 1 ? "-" + seen[r.optimizer] : "");
    });
  }

  // A value of the address as the check expects it: numbers, true/false, null, lists by commas.
  function parse(text, c) {
    switch (c && c.kind) {
      case "number": case "integer":
        return /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(text) ? Number(text) : text;
      case "flag": return text === "true" ? true : text === "false" ? false : text;
      case "optional": return text === "null" ? null : parse(text, c.check);
      case "tuple": return text.split(",").map((part, i) => parse(part, c.entries[i]));
    }
    return text;
  }
  const format = (v) => Array.isArray(v) ? v.map(format).join(",") : String(v);
  function checked(c, value) {
    try { ol.check(c, value); return null; } catch (e) { return e.message; }
  }

  // Merge one (key, value) of the address into the state; returns why it was ignored, or null.
  function apply(state, key, value, given) {
    const dot = key.indexOf(".");
    if (dot < 0) {
      if (key === "runs") return applyRuns(state, value.split(","));
      if (key === "cell") { state.cell = value.split(","); return null; }
      if (key === "noise" && value === "off") { state.noise = null; return null; }
      if (key === "noise" && !root.optimlabNoise) return ol.settings.messages.no_noise;
      if (!ol.has(ol.settings.checks, key)) return ol.fill(ol.settings.messages.unknown, key);
      const v = parse(value, ol.settings.checks[key]), why = checked(ol.settings.checks[key], v);
      if (why) return why;
      if (key === "schedule") state.schedule.kind = v;
      else if (key === "noise") state.noise = { scale: v[0], seed: v[1] };
      else state[key] = v;
      if (key === "function" && !given.x0) state.x0 = ol.landscapes[v].start.slice();
      return null;
    }
    const head = key.slice(0, dot), name = key.slice(dot + 1);
    if (head === "schedule") {
      const p = ol.parameter(state.schedule.kind, name, "schedules");
      if (!p || SCHEDULE_OWN[name]) return ol.fill(ol.settings.messages.schedule_argument, name);
      const v = parse(value, p.check);
      return checked(p.check, v) || ((state.schedule[name] = v), null);
    }
    const match = /^([a-z_0-9]+?)(?:-(\d+))?$/.exec(head), optimizer = match && match[1];
    if (!match || !ol.has(ol.catalogue.optimizers, optimizer)) return ol.fill(ol.catalogue.messages.unknown_optimizer, head);
    let at = ids(state.runs).indexOf(head);
    if (at < 0) {
      if (state.runs.length >= ol.settings.max_runs) return ol.settings.messages.too_many_runs;
      state.runs.push({ optimizer: optimizer, options: complete(optimizer, {}) });
      at = ids(state.runs).indexOf(head);
      if (at < 0) { state.runs.pop(); return ol.fill(ol.catalogue.messages.unknown_optimizer, head); }
    }
    const p = ol.parameter(optimizer, name);
    if (!p) return ol.fill(ol.catalogue.optimizers[optimizer].messages.unknown, name);
    const v = parse(value, p.check);
    return checked(p.check, v) || ((state.runs[at].options[name] = v), null);
  }
  // runs=sgd,adam,adam: the list of runs by optimizer (a run the state has keeps its options).
  function applyRuns(state, list) {
    const now = ids(state.runs), names = list.map((id) => id.replace(/-\d+$/, "")), runs = [];
    for (const name of names) {
      if (!ol.has(ol.catalogue.optimizers, name)) return ol.fill(ol.catalogue.messages.unknown_optimizer, name);
    }
    if (!names.length || names.length > ol.settings.max_runs) return ol.settings.messages.too_many_runs;
    ids(names.map((name) => ({ optimizer: name }))).forEach((id, i) => {
      const at = now.indexOf(id);
      runs.push(at >= 0 ? clone(state.runs[at]) : { optimizer: names[i], options: complete(names[i], {}) });
    });
    state.runs = runs;
    return null;
  }
  // The old address, #explorer={"function": ..., "runs": [...], ...}: the same merge.
  function applyOld(state, text, notes) {
    let old;
    try { old = JSON.parse(text); } catch (e) { old = undefined; }
    if (!old || typeof old !== "object" || Array.isArray(old)) {
      notes.push(["explorer=" + text.slice(0, 40), ol.settings.messages.not_json]);
      return;
    }
    const given = { x0: "x0" in old };
    Object.keys(old).forEach((key) => {
      const value = old[key];
      let why = null;
      if (key === "runs") {
        if (!Array.isArray(value)) why = ol.settings.messages.too_many_runs;
        else {
          why = applyRuns(state, value.map((r) => (r && r.optimizer) + ""));
          if (!why) {
            state.runs = value.map((r) => ({ optimizer: r.optimizer, options: complete(r.optimizer, {}) }));
            const list = ids(state.runs);
            value.forEach((r, i) => Object.keys(r.options || {}).forEach((name) => {
              const problem = apply(state, list[i] + "." + name, format(r.options[name]), given);
              if (problem) notes.push([list[i] + "." + name, problem]);
            }));
          }
        }
      } else if (key === "schedule" && value && typeof value === "object") {
        Object.keys(value).forEach((k) => {
          const problem = apply(state, k === "kind" ? "schedule" : "schedule." + k, format(value[k]), given);
          if (problem) notes.push(["schedule." + k, problem]);
        });
      } else if (key === "noise" && value === null) {
        state.noise = null;
      } else if (key === "noise" && typeof value === "object") {
        why = apply(state, "noise", format([value.scale, value.seed]), given);
      } else if (key === "t" && value === null) {
        state.t = null;
      } else if (key === "cell") {
        why = ol.settings.messages.old_cell;
      } else {
        why = apply(state, key, format(value), given);
      }
      if (why) notes.push([key, why]);
    });
  }

  function prefix(index) { return index ? (index + 1) + ":" : ""; }
  // The parts of the address that belong to explorer `index`: [{key, value}], or null if the
  // address holds no state at all (a heading's anchor).
  function parts(hash, index) {
    const all = hash.replace(/^#/, "").split("&").filter(Boolean), mine = [], own = prefix(index);
    // A heading's anchor (#exercises) is no state; a run's key without its value (#adam.lr) is.
    const stated = (p) => p.indexOf("=") > 0 || /^(\d+:)?(explorer|schedule\.|[a-z_]+(-\d+)?\.)/.test(p) &&
      (p.indexOf("explorer") === 0 || p.indexOf("schedule.") >= 0 || ol.has(ol.catalogue.optimizers, p.replace(/^\d+:/, "").split(/[.-]/)[0]));
    if (!all.some(stated)) return null;
    all.forEach((part) => {
      const at = part.indexOf("="), raw = at < 0 ? part : part.slice(0, at);
      let key, value;
      try {
        key = decodeURIComponent(raw);
        value = at < 0 ? null : decodeURIComponent(part.slice(at + 1));
      } catch (e) { key = raw; value = undefined; }
      const old = /^explorer(?:-(\d+))?$/.exec(key), numbered = /^(\d+):/.exec(key);
      if (old ? Number(old[1] || 1) - 1 === index : numbered ? key.indexOf(own) === 0 && own : !own) {
        mine.push({ key: old ? "explorer" : key.slice(own.length), value: value, part: part });
      }
    });
    return mine;
  }
  const ORDER = (k) => k === "explorer" ? 0 : k === "runs" ? 1 : k === "function" ? 2 : k === "schedule" ? 3 : k.indexOf(".") < 0 ? 4 : 5;

  // The state an address gives over the page's: {state, notes: [[what, why]], found}.
  function read(hash, page, index) {
    const state = clone(page), notes = [], mine = parts(hash, index);
    if (!mine || !mine.length) return { state: state, notes: notes, found: false };
    const given = {};
    mine.forEach((m) => { given[m.key] = true; });
    const before = clone(state.runs);
    mine.sort((a, b) => ORDER(a.key) - ORDER(b.key)).forEach((m) => {
      if (m.value === undefined) return notes.push([m.part, ol.settings.messages.not_decoded]);
      if (m.value === null) return notes.push([m.key, ol.settings.messages.no_value]);
      if (m.key === "explorer") return applyOld(state, m.value, notes);
      const why = apply(state, m.key, m.value, given);
      if (why) notes.push([m.key + "=" + m.value, why]);
    });
    // The checks between values (a schedule's arguments, a run's options), as the package makes
    // them: what fails is taken back to what it was before the address.
    if (state.schedule.kind !== "constant") {
      try { ol.schedule(scheduleArgs(state, 0)); } catch (e) {
        notes.push(["schedule", e.message]);
        state.schedule = clone(page.schedule);
      }
    }
    const list = ids(state.runs), earlier = ids(before);
    state.runs = state.runs.filter((run, i) => {
      try { ol.options(run.optimizer, run.options); return true; } catch (e) {
        const at = earlier.indexOf(list[i]);
        notes.push([list[i], e.message]);
        if (at < 0) return false;
        run.options = before[at].options;
        return true;
      }
    });
    if (!state.runs.length) state.runs = before;
    if (state.t !== null && state.t > state.steps) {
      notes.push(["t=" + state.t, ol.fill(ol.settings.messages.past_the_end, state.steps)]);
      state.t = state.steps;
    }
    return { state: state, notes: notes, found: true };
  }

  // The address of the state: what differs from the page's, other explorers' parts kept.
  function write(state, page, index, hash) {
    const own = prefix(index), out = [];
    const put = (key, value) => out.push(enc(own + key) + "=" + enc(format(value)));
    const moved = state["function"] !== page["function"] && same(state.x0, ol.landscapes[state["function"]].start);
    ["function", "x0", "steps", "metric", "view"].forEach((k) => { if (!same(state[k], page[k]) && !(k === "x0" && moved)) put(k, state[k]); });
    if (!same(state.noise, page.noise)) put("noise", state.noise ? [state.noise.scale, state.noise.seed] : "off");
    Object.keys(state.schedule).forEach((k) => {
      if (!same(state.schedule[k], page.schedule[k])) put(k === "kind" ? "schedule" : "schedule." + k, state.schedule[k]);
    });
    const pageIds = ids(page.runs), list = ids(state.runs);
    if (!same(pageIds, list)) put("runs", state.runs.map((r) => r.optimizer));
    state.runs.forEach((run, i) => {
      const base = pageIds.indexOf(list[i]) >= 0 ? page.runs[pageIds.indexOf(list[i])].options : complete(run.optimizer, {});
      Object.keys(run.options).forEach((name) => { if (!same(run.options[name], base[name])) put(list[i] + "." + name, run.options[name]); });
    });
    if (state.t !== null) put("t", state.t);
    if (state.cell) put("cell", state.cell);
    const others = hash.replace(/^#/, "").split("&").filter((p) => p.indexOf("=") > 0 && !parts("#" + p, index).length);
    return others.concat(out).join("&");
  }

  // The arguments of the state's schedule for a run's learning rate `lr`.
  function scheduleArgs(state, lr) {
    const s = state.schedule, args = { schedule: s.kind };
    ol.parameters(ol.catalogue.schedules[s.kind]).forEach((p) => {
      if (p.name === "lr" || p.name === "peak") args[p.name] = lr;
      else if (p.name === "total_steps") args[p.name] = state.steps;
      else if (ol.has(s, p.name)) args[p.name] = s[p.name];
    });
    return args;
  }
  // The trajectory spec of one run: the schedule wraps its learning rate.
  function spec(state, run) {
    const o = Object.assign({}, run.options);
    if (state.schedule.kind !== "constant") o.lr = scheduleArgs(state, o.lr);
    const out = { optimizer: run.optimizer, options: o, "function": state["function"], x0: state.x0, steps: state.steps };
    if (state.noise) out.noise = state.noise;
    return out;
  }

  ol.explorerState = { fromPage: fromPage, read: read, write: write, spec: spec, ids: ids, complete: complete };
})(typeof window !== "undefined" ? window : globalThis);
