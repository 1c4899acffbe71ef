/* Playback and the readout: Play animates the runs and the step slider scrubs through them (at
   its end, the whole runs are drawn, each ending in a cross); the readout gives each run's step,
   iterate and f, and for Adam's kind the bias-corrected moments and the step taken. */
(function (ol) {
  "use strict";
  const reduced = typeof window !== "undefined" && window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  const el = ol.explorerControls.el, fmt = ol.explorerDraw.fmt, pair = ol.explorerDraw.pair;

  // The transport: Play and the step slider; returns its element.
  function transport(x) {
    const id = x.id;
    x.play = el("button", { type: "button", className: "ox-button ox-play", text: "Play" });
    x.play.addEventListener("click", () => (x.timer ? stop(x) : start(x)));
    x.scrub = el("input", { type: "range", id: id + "-t", min: "0", step: "1" });
    x.scrub.addEventListener("input", () => {
      stop(x);
      const t = Number(x.scrub.value);
      x.state.t = t >= x.state.steps ? null : t;
      x.draw(); x.share();
    });
    x.scrubOut = el("output", { htmlFor: id + "-t" });
    return el("div", { className: "ox-transport" }, [x.play,
      el("div", { className: "ox-row ox-scrub" }, [el("label", { htmlFor: id + "-t", text: "step" }), x.scrub, x.scrubOut])]);
  }
  // The transport's controls at step t of the state.
  function show(x, t) {
    x.scrub.max = String(x.state.steps);
    x.scrub.value = String(t);
    x.scrubOut.textContent = t + " / " + x.state.steps;
  }
  function start(x) {
    const s = x.state;
    if (s.t === null || s.t >= s.steps) s.t = 0;
    x.play.textContent = "Pause";
    // Reduced motion: ten jumps a second of a tenth of the run, not a smooth sweep.
    const stride = reduced ? Math.max(1, Math.ceil(s.steps / 10)) : Math.max(1, Math.ceil(s.steps / 240));
    x.timer = setInterval(() => {
      s.t = Math.min(s.steps, s.t + stride);
      x.draw();
      if (s.t >= s.steps) { s.t = null; stop(x); x.share(); }
    }, reduced ? 400 : 16);
  }
  function stop(x) {
    if (!x.timer) return;
    clearInterval(x.timer);
    x.timer = null;
    x.play.textContent = "Play";
  }

  // The readout at step t: one line per run, in its colour.
  function readout(x, t) {
    const s = x.state, fn = ol.FUNCTIONS[s["function"]];
    const rows = x.results.map((r, i) => {
      if (r.error) return null;
      const k = Math.min(t, r.xs.length - 1), at = r.xs[k];
      let text = x.label(s.runs[i]) + ": step " + k + ", x = " + pair(at) + ", f = " + fmt(fn.f(at));
      if (r.readouts.length && k > 0) {
        const b = r.readouts[k - 1];
        text += ", m̂ = " + pair(b[0]) + ", v̂ = " + pair(b[1]) + ", step = " + pair(b[2]);
      }
      const row = el("li", { text: text });
      row.style.borderLeftColor = x.colours[i];
      return row;
    });
    x.readout.textContent = "";
    x.readout.appendChild(el("ul", {}, rows));
  }

  ol.explorerPlayback = { transport: transport, show: show, start: start, stop: stop, readout: readout };
})((typeof window !== "undefined" ? window : globalThis).optimlab);
