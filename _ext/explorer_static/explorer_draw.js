/* The explorer's pictures: pure functions of a canvas, a landscape, a style and the runs (no
   global is read), so that a picture is a function of the state.

   landscape: {title, window, minima, levels, fills, f}, as _ext/explorer.py writes it, with f
   the function's value; style: {ratio, text, axis, contour: {colour, alpha, fill_alpha}};
   runs: [{name, colour, xs, values, diverged_at}]; view: {window, t, whole, x0, steps, metric}. */
(function (ol) {
  "use strict";
  const MARGIN = { left: 40, right: 8, top: 16, bottom: 24 };

  function fmt(v) {
    if (!isFinite(v)) return String(v);
    const a = Math.abs(v);
    return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2).replace(/\.?0+e/, "e") : String(Number(v.toPrecision(4)));
  }
  const pair = (p) => "(" + fmt(p[0]) + ", " + fmt(p[1]) + ")";

  // The plot's area inside a canvas of width × height device pixels, leaving room for the axes.
  function area(width, height, ratio) {
    const left = MARGIN.left * ratio, top = MARGIN.top * ratio;
    return { left: left, top: top, width: width - left - MARGIN.right * ratio, height: height - top - MARGIN.bottom * ratio };
  }
  // Round ticks (1, 2 or 5 times a power of ten) covering [lo, hi], about n of them.
  function ticks(lo, hi, n) {
    const raw = (hi - lo) / n, unit = Math.pow(10, Math.floor(Math.log10(raw))), m = raw / unit;
    const step = (m < 1.5 ? 1 : m < 3 ? 2 : m < 7 ? 5 : 10) * unit, out = [];
    for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) out.push(Number((k * step).toPrecision(12)));
    return out;
  }
  // Light axes along the left and bottom of the area, with ticks in the text's colour.
  function axes(ctx, box, xr, yr, xs, ys, style, names) {
    const r = style.ratio, X = (v) => box.left + (v - xr[0]) / (xr[1] - xr[0]) * box.width;
    const Y = (v) => box.top + (yr[1] - v) / (yr[1] - yr[0]) * box.height, bottom = box.top + box.height;
    ctx.save();
    ctx.strokeStyle = style.axis; ctx.fillStyle = style.text; ctx.lineWidth = r;
    ctx.font = (10.5 * r) + "px sans-serif";
    ctx.beginPath();
    ctx.moveTo(box.left, box.top); ctx.lineTo(box.left, bottom); ctx.lineTo(box.left + box.width, bottom);
    xs.forEach((v) => { ctx.moveTo(X(v), bottom); ctx.lineTo(X(v), bottom + 4 * r); });
    ys.forEach((v) => { ctx.moveTo(box.left, Y(v)); ctx.lineTo(box.left - 4 * r, Y(v)); });
    ctx.stroke();
    ctx.textAlign = "center"; ctx.textBaseline = "top";
    xs.forEach((v) => ctx.fillText(names.x(v), X(v), bottom + 6 * r));
    ctx.textAlign = "right"; ctx.textBaseline = "middle";
    ys.forEach((v) => ctx.fillText(names.y(v), box.left - 6 * r, Y(v)));
    ctx.textAlign = "right"; ctx.textBaseline = "bottom"; ctx.fillStyle = names.inside || style.text;
    ctx.fillText(names.xLabel, box.left + box.width - 4 * r, bottom - 3 * r);
    ctx.textAlign = "left"; ctx.textBaseline = "bottom"; ctx.fillStyle = style.text;
    ctx.fillText(names.yLabel, box.left + 4 * r, box.top - 2 * r);
    ctx.restore();
  }

  // Contour levels for a window other than the landscape's own: denser towards the lowest value.
  function levelsFor(landscape, bounds) {
    if (JSON.stringify(bounds) === JSON.stringify(landscape.window)) return landscape.levels;
    let lo = Infinity, hi = -Infinity;
    for (let j = 0; j <= 40; j++) {
      for (let i = 0; i <= 40; i++) {
        const v = landscape.f([bounds[0][0] + i / 40 * (bounds[0][1] - bounds[0][0]), bounds[1][0] + j / 40 * (bounds[1][1] - bounds[1][0])]);
        if (isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
      }
    }
    const n = landscape.levels.length, out = [];
    for (let k = 0; k < n; k++) out.push(lo + (hi - lo) * Math.pow(10, -3 + 3 * (k + 1) / n));
    return out;
  }

  // The landscape's fills and contour lines over `bounds`, painted onto `canvas` (its size).
  function background(canvas, landscape, bounds, style) {
    const width = canvas.width, height = canvas.height, ctx = canvas.getContext("2d"), w = bounds;
    const levels = levelsFor(landscape, w), img = ctx.createImageData(width, height), a = style.contour.fill_alpha;
    const fills = landscape.fills.map((hex) => {
      const n = parseInt(hex.slice(1), 16);
      return [(n >> 16) * a + 255 * (1 - a), ((n >> 8) & 255) * a + 255 * (1 - a), (n & 255) * a + 255 * (1 - a)];
    });
    const band = (v) => { let k = 0; while (k < levels.length && v >= levels[k]) k++; return k; };
    for (let j = 0; j < height; j++) {
      for (let i = 0; i < width; i++) {
        const x = [w[0][0] + (i + 0.5) / width * (w[0][1] - w[0][0]), w[1][1] - (j + 0.5) / height * (w[1][1] - w[1][0])];
        const c = fills[band(landscape.f(x))], p = 4 * (j * width + i);
        img.data[p] = c[0]; img.data[p + 1] = c[1]; img.data[p + 2] = c[2]; img.data[p + 3] = 255;
      }
    }
    ctx.putImageData(img, 0, 0);
    // Contour lines by marching squares on a 160 × 160 grid, as the figures' grid.
    const n = 160, values = [], X = (i) => w[0][0] + i / (n - 1) * (w[0][1] - w[0][0]);
    const Y = (j) => w[1][0] + j / (n - 1) * (w[1][1] - w[1][0]);
    for (let j = 0; j < n; j++) { values.push([]); for (let i = 0; i < n; i++) values[j].push(landscape.f([X(i), Y(j)])); }
    const px = (x) => (x - w[0][0]) / (w[0][1] - w[0][0]) * width, py = (y) => (w[1][1] - y) / (w[1][1] - w[1][0]) * height;
    ctx.strokeStyle = style.contour.colour; ctx.globalAlpha = style.contour.alpha; ctx.lineWidth = 0.8 * style.ratio;
    ctx.beginPath();
    levels.forEach((L) => {
      for (let j = 0; j < n - 1; j++) {
        for (let i = 0; i < n - 1; i++) {
          const a0 = values[j][i], b = values[j][i + 1], c = values[j + 1][i + 1], d = values[j + 1][i], pts = [];
          const edge = (v0, v1, x0, y0, x1, y1) => {
            if ((v0 < L) !== (v1 < L)) { const t = (L - v0) / (v1 - v0); pts.push([x0 + t * (x1 - x0), y0 + t * (y1 - y0)]); }
          };
          edge(a0, b, X(i), Y(j), X(i + 1), Y(j)); edge(b, c, X(i + 1), Y(j), X(i + 1), Y(j + 1));
          edge(d, c, X(i), Y(j + 1), X(i + 1), Y(j + 1)); edge(a0, d, X(i), Y(j), X(i), Y(j + 1));
          for (let k = 0; k + 1 < pts.length; k += 2) {
            ctx.moveTo(px(pts[k][0]), py(pts[k][1])); ctx.lineTo(px(pts[k + 1][0]), py(pts[k + 1][1]));
          }
        }
      }
    });
    ctx.stroke();
    ctx.globalAlpha = 1;
    return canvas;
  }

  function star(ctx, x, y, r) {
    ctx.beginPath();
    for (let k = 0; k < 10; k++) {
      const a = -Math.PI / 2 + k * Math.PI / 5, q = k % 2 ? r * 0.45 : r;
      ctx.lineTo(x + q * Math.cos(a), y + q * Math.sin(a));
    }
    ctx.closePath(); ctx.fillStyle = "gold"; ctx.fill(); ctx.strokeStyle = "#000"; ctx.lineWidth = 1; ctx.stroke();
  }
  function cross(ctx, x, y, r, colour) {
    ctx.save(); ctx.translate(x, y); ctx.rotate(Math.PI / 4);
    ctx.beginPath();
    const a = r * 0.35;
    [[-a, -r], [a, -r], [a, -a], [r, -a], [r, a], [a, a], [a, r], [-a, r], [-a, a], [-r, a], [-r, -a], [-a, -a]].forEach((p) => ctx.lineTo(p[0], p[1]));
    ctx.closePath(); ctx.fillStyle = colour; ctx.fill(); ctx.strokeStyle = "#fff"; ctx.lineWidth = 1; ctx.stroke(); ctx.restore();
  }

  // The paths on the landscape: `back` is the background of view.window at the area's size.
  function paths(canvas, landscape, style, runs, view, back) {
    const ctx = canvas.getContext("2d"), r = style.ratio, box = area(canvas.width, canvas.height, r), w = view.window;
    const px = (x) => box.left + (x - w[0][0]) / (w[0][1] - w[0][0]) * box.width;
    const py = (y) => box.top + (w[1][1] - y) / (w[1][1] - w[1][0]) * box.height;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(back, box.left, box.top, box.width, box.height);
    const span = Math.max(w[0][1] - w[0][0], w[1][1] - w[1][0]);
    axes(ctx, box, w[0], w[1], ticks(w[0][0], w[0][1], Math.max(3, box.width / (70 * r))),
      ticks(w[1][0], w[1][1], Math.max(3, box.height / (45 * r))), style,
      { x: (v) => fmt(Math.abs(v) < span * 1e-9 ? 0 : v), y: (v) => fmt(Math.abs(v) < span * 1e-9 ? 0 : v), xLabel: "x₁", yLabel: "x₂", inside: "#000" });
    ctx.save();
    ctx.beginPath(); ctx.rect(box.left, box.top, box.width, box.height); ctx.clip();
    runs.forEach((run) => {
      if (!run.xs.length) return;
      const last = Math.min(view.t, run.xs.length - 1);
      ctx.strokeStyle = run.colour; ctx.fillStyle = run.colour; ctx.lineWidth = 1.6 * r;
      ctx.beginPath();
      for (let k = 0; k <= last; k++) ctx.lineTo(px(run.xs[k][0]), py(run.xs[k][1]));
      ctx.stroke();
      // The figures' dots at the iterates; squares of the same size where they are many.
      const dot = 1.25 * r, round = last <= 200;
      ctx.beginPath();
      for (let k = 0; k <= last; k++) {
        const X = px(run.xs[k][0]), Y = py(run.xs[k][1]);
        if (X < -dot || X > canvas.width + dot || Y < -dot || Y > canvas.height + dot) continue;
        if (round) { ctx.moveTo(X + dot, Y); ctx.arc(X, Y, dot, 0, 2 * Math.PI); } else ctx.rect(X - dot, Y - dot, 2 * dot, 2 * dot);
      }
      ctx.fill();
      const head = run.xs[last], hx = px(head[0]), hy = py(head[1]);
      if (view.whole || (run.diverged_at !== null && view.t >= run.xs.length - 1)) cross(ctx, hx, hy, 5 * r, run.colour);
      else { ctx.beginPath(); ctx.arc(hx, hy, 4 * r, 0, 2 * Math.PI); ctx.fill(); ctx.strokeStyle = "#fff"; ctx.lineWidth = 1.2 * r; ctx.stroke(); }
    });
    ctx.beginPath(); ctx.arc(px(view.x0[0]), py(view.x0[1]), 3.5 * r, 0, 2 * Math.PI);
    ctx.fillStyle = "#fff"; ctx.fill(); ctx.strokeStyle = "#000"; ctx.lineWidth = 1.2 * r; ctx.stroke();
    landscape.minima.forEach((m) => star(ctx, px(m[0]), py(m[1]), 6.5 * r));
    ctx.fillStyle = "#000"; ctx.font = (12 * r) + "px sans-serif"; ctx.textAlign = "left"; ctx.textBaseline = "alphabetic";
    ctx.fillText(landscape.title + (view.zoomed ? ", zoomed to the ends" : ""), box.left + 6 * r, box.top + 16 * r);
    ctx.restore();
  }

  // The loss (or distance) of every run against the step, log scale, a dashed line at step t.
  function loss(canvas, style, runs, view) {
    const ctx = canvas.getContext("2d"), r = style.ratio, box = area(canvas.width, canvas.height, r), floor = 1e-16;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    // The scale runs from the lowest value to at most 10⁴ times the highest start: a run that
    // blows up leaves through the top instead of flattening the others.
    let lo = Infinity, hi = -Infinity, cap = 0;
    runs.forEach((run) => { if (run.values.length) cap = Math.max(cap, 1e4 * run.values[0]); });
    runs.forEach((run) => run.values.forEach((v) => { if (isFinite(v)) { v = Math.max(v, floor); lo = Math.min(lo, v); hi = Math.max(hi, Math.min(v, cap)); } }));
    if (!isFinite(lo)) return;
    const a = Math.floor(Math.log10(lo)), b = Math.max(Math.ceil(Math.log10(hi)), a + 1), every = Math.max(1, Math.ceil((b - a) / 5));
    const X = (k) => box.left + k / Math.max(1, view.steps) * box.width;
    const Y = (v) => box.top + (b - Math.log10(Math.max(v, floor))) / (b - a) * box.height;
    const decades = [];
    for (let e = a; e <= b; e += every) decades.push(e);
    axes(ctx, box, [0, Math.max(1, view.steps)], [a, b], ticks(0, Math.max(1, view.steps), 5), decades, style,
      { x: String, y: (e) => "1e" + e, xLabel: "step", yLabel: view.metric === "distance" ? "distance to the nearest minimum (log scale)" : "f − f* (log scale)" });
    ctx.save();
    ctx.beginPath(); ctx.rect(box.left, box.top, box.width, box.height); ctx.clip();
    runs.forEach((run) => {
      ctx.strokeStyle = run.colour; ctx.lineWidth = 1.6 * r; ctx.beginPath();
      run.values.forEach((v, k) => ctx.lineTo(X(k), Y(Math.min(v, 1e300))));
      ctx.stroke();
    });
    ctx.restore();
    ctx.strokeStyle = style.text; ctx.lineWidth = r; ctx.setLineDash([4 * r, 3 * r]); ctx.beginPath();
    ctx.moveTo(X(view.t), box.top); ctx.lineTo(X(view.t), box.top + box.height); ctx.stroke(); ctx.setLineDash([]);
  }

  // A window around the ends of the runs (the last quarter of each, at least 5 iterates, up to
  // step t), padded, at the area's aspect (height / width) and inside the landscape's window.
  function zoom(runs, t, base, aspect) {
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    runs.forEach((run) => {
      if (!run.xs.length || run.diverged_at !== null) return;
      const last = Math.min(t, run.xs.length - 1);
      for (let k = Math.max(0, last - Math.max(5, Math.ceil(last / 4))); k <= last; k++) {
        const p = run.xs[k];
        x0 = Math.min(x0, p[0]); x1 = Math.max(x1, p[0]); y0 = Math.min(y0, p[1]); y1 = Math.max(y1, p[1]);
      }
    });
    if (!isFinite(x0)) return base;
    const full = [base[0][1] - base[0][0], base[1][1] - base[1][0]];
    let w = Math.max((x1 - x0) * 1.25, full[0] * 1e-3), h = Math.max((y1 - y0) * 1.25, full[0] * 1e-3 * aspect);
    if (h / w < aspect) h = w * aspect; else w = h / aspect;
    if (w >= full[0] || h >= full[1]) return base;
    const cx = Math.min(Math.max((x0 + x1) / 2, base[0][0] + w / 2), base[0][1] - w / 2);
    const cy = Math.min(Math.max((y0 + y1) / 2, base[1][0] + h / 2), base[1][1] - h / 2);
    return [[cx - w / 2, cx + w / 2], [cy - h / 2, cy + h / 2]];
  }

  // A plain name for a colour, for the text alternative ("orange", "dark blue", "grey").
  function colourName(hex) {
    const n = parseInt(hex.slice(1), 16), c = [n >> 16, (n >> 8) & 255, n & 255].map((v) => v / 255);
    const max = Math.max.apply(null, c), min = Math.min.apply(null, c), d = max - min, l = (max + min) / 2;
    const tone = l < 0.3 ? "dark " : l > 0.7 ? "light " : "";
    if (d < 0.1) return l < 0.2 ? "black" : l > 0.9 ? "white" : tone + "grey";
    let h = max === c[0] ? ((c[1] - c[2]) / d + 6) % 6 : max === c[1] ? (c[2] - c[0]) / d + 2 : (c[0] - c[1]) / d + 4;
    h *= 60;
    const s = d / (1 - Math.abs(2 * l - 1));
    if (h < 45 && h >= 12 && s < 0.65) return tone + "brown";
    const names = [[12, "red"], [45, "orange"], [70, "olive"], [170, "green"], [200, "teal"], [235, "blue"], [275, "violet"], [335, "purple"], [361, "red"]];
    return tone + names.filter((e) => h < e[0])[0][1];
  }

  ol.explorerDraw = { area: area, background: background, paths: paths, loss: loss, zoom: zoom, colourName: colourName, fmt: fmt, pair: pair };
})((typeof window !== "undefined" ? window : globalThis).optimlab);
