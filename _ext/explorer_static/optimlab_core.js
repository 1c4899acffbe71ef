/* optimlab's update rules, schedule formulas and test functions in JavaScript, for the explorer.

   A second copy of the package's rules (src/optimlab), written in the same order of floating-point
   operations; tests/explorer/test_fixtures.py runs it in Node against trajectories made by
   optimlab.run (regenerate them with `python tests/explorer/generate_fixtures.py`). It only
   computes: every name, default, check and message comes from the package's catalogue, applied
   by optimlab_catalogue.js (loaded first).

   window.optimlab.trajectory(spec) is the contract:
     {optimizer, options, function, x0, steps[, noise: {scale, seed}]} -> {xs, diverged_at}
   Adding an optimizer is its step function here: rule(name, step). */
(function (root) {
  "use strict";
  const ol = root.optimlab = root.optimlab || {};

  // ---- schedule formulas (schedules.py); each receives its checked arguments ----
  function cosine(progress) { return 0.5 * (1 + Math.cos(Math.PI * progress)); }
  const SCHEDULES = {
    constant: (a) => () => a.lr,
    step_decay: (a) => (t) => a.lr * Math.pow(a.gamma, Math.floor((t - 1) / a.step_size)),
    exponential_decay: (a) => (t) => a.lr * Math.pow(a.gamma, t - 1),
    cosine_decay: (a) => (t) =>
      a.min_lr + 0.5 * (a.lr - a.min_lr) * (1 + Math.cos(Math.PI * (Math.min(t - 1, a.total_steps) / a.total_steps))),
    warmup_cosine: (a) => (t) => {
      if (t <= a.warmup_steps) return a.peak * t / a.warmup_steps;
      const span = a.total_steps - a.warmup_steps;
      return a.min_lr + (a.peak - a.min_lr) * cosine(Math.min(t - a.warmup_steps, span) / span);
    },
  };
  function rate(lr) {
    if (typeof lr === "number") return () => lr;
    const formula = SCHEDULES[lr.schedule](lr);
    return (t) => {
      const value = formula(t);
      if (!isFinite(value) || value < 0) {
        throw new Error(ol.catalogue.messages.schedule_returned.replace("{value}", ol.show(value)).replace("{t}", t));
      }
      return value;
    };
  }

  // ---- update rules (optimizers/*.py) ----
  // step(x, g, s, t, lr, o): x the iterate, g the gradient (already negated with maximize),
  // s the state (an object the rule fills), t the step, lr the rate at step t, o the checked
  // options; returns the new iterate (a new array).
  const OPTIMIZERS = {};
  function rule(name, step, extra) { OPTIMIZERS[name] = Object.assign({ name: name, step: step }, extra || {}); }
  function coupled(g, x, wd) { return wd !== 0 ? [g[0] + wd * x[0], g[1] + wd * x[1]] : g; }
  function zeros(s, names) { names.forEach(function (n) { if (!s[n]) s[n] = [0, 0]; }); }

  rule("sgd", function (x, g, s, t, lr, o) {
    zeros(s, ["momentum_buffer"]);
    g = coupled(g, x, o.weight_decay);
    var mu = o.momentum, out = [0, 0], old = s.momentum_buffer, buffer = [0, 0];
    for (var i = 0; i < 2; i++) {
      var b = t === 1 ? g[i] : mu * old[i] + (1 - o.dampening) * g[i];
      var d = o.nesterov ? g[i] + mu * b : b;
      if (mu === 0) { d = g[i]; b = old[i]; }
      buffer[i] = b;
      out[i] = x[i] - lr * d;
    }
    s.momentum_buffer = buffer;
    return out;
  });

  rule("ewma_momentum", function (x, g, s, t, lr, o) {
    zeros(s, ["v"]);
    var out = [0, 0];
    for (var i = 0; i < 2; i++) {
      s.v[i] = o.beta * s.v[i] + (1 - o.beta) * g[i];
      var vh = o.bias_correction ? s.v[i] / (1 - Math.pow(o.beta, t)) : s.v[i];
      out[i] = x[i] - lr * vh;
    }
    return out;
  });

  rule("adagrad", function (x, g, s, t, rate, o) {
    if (!s.sum) s.sum = [o.initial_accumulator_value, o.initial_accumulator_value];
    g = coupled(g, x, o.weight_decay);
    var lr = rate / (1 + (t - 1) * o.lr_decay), out = [0, 0];
    for (var i = 0; i < 2; i++) {
      s.sum[i] = s.sum[i] + g[i] * g[i];
      out[i] = x[i] - lr * g[i] / (Math.sqrt(s.sum[i]) + o.eps);
    }
    return out;
  });

  rule("rmsprop", function (x, g, s, t, lr, o) {
    zeros(s, ["square_avg", "grad_avg", "momentum_buffer"]);
    g = coupled(g, x, o.weight_decay);
    var a = o.alpha, mu = o.momentum, out = [0, 0];
    for (var i = 0; i < 2; i++) {
      s.square_avg[i] = a * s.square_avg[i] + (1 - a) * g[i] * g[i];
      var denom;
      if (o.centered) {
        s.grad_avg[i] = a * s.grad_avg[i] + (1 - a) * g[i];
        denom = Math.sqrt(s.square_avg[i] - s.grad_avg[i] * s.grad_avg[i]) + o.eps;
      } else {
        denom = Math.sqrt(s.square_avg[i]) + o.eps;
      }
      if (mu !== 0) {
        s.momentum_buffer[i] = mu * s.momentum_buffer[i] + g[i] / denom;
        out[i] = x[i] - lr * s.momentum_buffer[i];
      } else {
        out[i] = x[i] - lr * g[i] / denom;
      }
    }
    return out;
  });

  // weight_decay_either_way: decoupled shrinks x, coupled adds the L2 term to g
  function eitherWay(x, g, lr, wd, decoupled) {
    if (decoupled) return [[x[0] * (1 - lr * wd), x[1] * (1 - lr * wd)], g];
    return [x, coupled(g, x, wd)];
  }
  // AdamW is Adam with decoupled weight decay always on (torch's Adam(decoupled_weight_decay=True)).
  function adamStep(always) {
    return function (x, g, s, t, lr, o) {
      zeros(s, ["m", "v", "v_max"]);
      var b1 = o.betas[0], b2 = o.betas[1], out = [0, 0];
      var w = eitherWay(x, g, lr, o.weight_decay, always || o.decoupled_weight_decay);
      x = w[0]; g = w[1];
      s.m_hat = [0, 0]; s.v_hat = [0, 0]; s.update = [0, 0];
      for (var i = 0; i < 2; i++) {
        s.m[i] = b1 * s.m[i] + (1 - b1) * g[i];
        s.v[i] = b2 * s.v[i] + (1 - b2) * g[i] * g[i];
        if (o.amsgrad) s.v_max[i] = Math.max(s.v_max[i], s.v[i]);
        s.m_hat[i] = s.m[i] / (1 - Math.pow(b1, t));
        s.v_hat[i] = (o.amsgrad ? s.v_max[i] : s.v[i]) / (1 - Math.pow(b2, t));
        s.update[i] = lr * s.m_hat[i] / (Math.sqrt(s.v_hat[i]) + o.eps);
        out[i] = x[i] - s.update[i];
      }
      return out;
    };
  }
  var READOUT = { readout: ["m_hat", "v_hat", "update"] };
  rule("adam", adamStep(false), READOUT);
  rule("adamw", adamStep(true), READOUT);

  // ---- Adam's family (nadam.py, radam.py, adamax.py, lion.py, adafactor.py, adopt.py) ----
  // lerp as torch rounds it (from end when weight >= 0.5)
  function lerp(a, b, w) { var d = b - a; return Math.abs(w) < 0.5 ? a + w * d : b - d * (1 - w); }
  function norm(a) { return Math.sqrt(a[0] * a[0] + a[1] * a[1]); }
  function mu(b1, psi, t) { return b1 * (1 - 0.5 * Math.pow(0.96, t * psi)); }

  rule("nadam", function (x, g, s, t, lr, o) {
    zeros(s, ["m", "v"]);
    if (s.mu_product === undefined) s.mu_product = 1;
    var b1 = o.betas[0], b2 = o.betas[1], out = [0, 0], w = eitherWay(x, g, lr, o.weight_decay, o.decoupled_weight_decay);
    x = w[0]; g = w[1];
    var now = mu(b1, o.momentum_decay, t), next = mu(b1, o.momentum_decay, t + 1);
    var product = s.mu_product * now;
    s.mu_product = product;
    for (var i = 0; i < 2; i++) {
      s.m[i] = b1 * s.m[i] + (1 - b1) * g[i];
      s.v[i] = b2 * s.v[i] + (1 - b2) * g[i] * g[i];
      var denom = Math.sqrt(s.v[i] / (1 - Math.pow(b2, t))) + o.eps;
      var y = x[i] - lr * (1 - now) / (1 - product) * g[i] / denom;
      out[i] = y - lr * next / (1 - product * next) * s.m[i] / denom;
    }
    return out;
  });

  rule("radam", function (x, g, s, t, lr, o) {
    zeros(s, ["m", "v"]);
    var b1 = o.betas[0], b2 = o.betas[1], out = [0, 0], w = eitherWay(x, g, lr, o.weight_decay, o.decoupled_weight_decay);
    x = w[0]; g = w[1];
    var p2 = Math.pow(b2, t), infinity = 2 / (1 - b2) - 1;
    var rho = infinity - 2 * t * p2 / (1 - p2);
    var r = Math.sqrt((rho - 4) * (rho - 2) * infinity / ((infinity - 4) * (infinity - 2) * rho));
    for (var i = 0; i < 2; i++) {
      s.m[i] = b1 * s.m[i] + (1 - b1) * g[i];
      s.v[i] = b2 * s.v[i] + (1 - b2) * g[i] * g[i];
      var mhat = s.m[i] / (1 - Math.pow(b1, t));
      out[i] = rho > 5 ? x[i] - mhat * lr * (Math.sqrt(1 - p2) / (Math.sqrt(s.v[i]) + o.eps)) * r
                       : x[i] - mhat * lr;
    }
    return out;
  });

  rule("adamax", function (x, g, s, t, lr, o) {
    zeros(s, ["m", "u"]);
    var b1 = o.betas[0], b2 = o.betas[1], out = [0, 0];
    g = coupled(g, x, o.weight_decay);
    for (var i = 0; i < 2; i++) {
      s.m[i] = b1 * s.m[i] + (1 - b1) * g[i];
      s.u[i] = Math.max(b2 * s.u[i], Math.abs(g[i]) + o.eps);
      out[i] = x[i] - lr / (1 - Math.pow(b1, t)) * (s.m[i] / s.u[i]);
    }
    return out;
  });

  rule("lion", function (x, g, s, t, lr, o) {
    zeros(s, ["m"]);
    var b1 = o.betas[0], b2 = o.betas[1], out = [0, 0];
    for (var i = 0; i < 2; i++) {
      var y = x[i] * (1 - lr * o.weight_decay);
      out[i] = y - lr * Math.sign(b1 * s.m[i] + (1 - b1) * g[i]);
      s.m[i] = b2 * s.m[i] + (1 - b2) * g[i];
    }
    return out;
  });

  // The vector path only: the explorer's parameters are one 2-vector.
  rule("adafactor", function (x, g, s, t, lr, o) {
    zeros(s, ["variance"]);
    var eps1 = o.eps[0], eps2 = o.eps[1], root2 = Math.pow(2, 0.5);
    var weight = Math.pow(t, o.beta2_decay), rho = Math.min(lr, 1 / Math.pow(t, 0.5));
    var alpha = Math.max(eps2, norm(x) / root2) * rho, update = [0, 0], out = [0, 0];
    x = [x[0] * (1 - lr * o.weight_decay), x[1] * (1 - lr * o.weight_decay)];
    for (var i = 0; i < 2; i++) {
      s.variance[i] = lerp(s.variance[i], g[i] * g[i], weight);
      update[i] = g[i] * (1 / Math.sqrt(Math.max(s.variance[i], eps1 * eps1)));
    }
    var clip = Math.max(1, norm(update) / (root2 * o.d));
    for (i = 0; i < 2; i++) out[i] = x[i] - alpha / clip * update[i];
    return out;
  });

  rule("adopt", function (x, g, s, t, lr, o) {
    zeros(s, ["m", "v"]);
    var b1 = o.betas[0], b2 = o.betas[1], wd = o.weight_decay, out = [0, 0];
    if (!o.decouple) g = coupled(g, x, wd);
    if (t === 1) {  // the first gradient only initialises v
      s.v = [s.v[0] + g[0] * g[0], s.v[1] + g[1] * g[1]];
      return [x[0], x[1]];
    }
    var limit = Math.pow(t - 1, 0.25);
    for (var i = 0; i < 2; i++) {
      var y = o.decouple ? x[i] - (lr * wd) * x[i] : x[i];
      var u = g[i] / Math.max(Math.sqrt(s.v[i]), o.eps);
      s.m[i] = lerp(s.m[i], Math.min(Math.max(u, -limit), limit), 1 - b1);
      out[i] = y - lr * s.m[i];
      s.v[i] = b2 * s.v[i] + (1 - b2) * g[i] * g[i];
    }
    return out;
  });

  // ---- test functions (functions.py); value and gradient in numpy's order of operations ----
  function sech2(u) { var d = Math.exp(-2 * Math.abs(u)); return 4 * d / ((1 + d) * (1 + d)); }
  var BEALE = [1.5, 2.25, 2.625];
  function power(x, p) { return p === 0 ? 1 : p === 1 ? x : p === 2 ? x * x : Math.pow(x, p); }
  var FUNCTIONS = {
    ill_conditioned_quadratic: {
      f: function (x) { return 0.1 * (x[0] * x[0]) + 5 * (x[1] * x[1]); },
      grad: function (x) { return [0.2 * x[0], 10 * x[1]]; },
    },
    rosenbrock: {
      f: function (x) { var a = 1 - x[0], b = x[1] - x[0] * x[0]; return a * a + 100 * (b * b); },
      grad: function (x) {
        var inner = x[1] - x[0] * x[0];
        return [-2 * (1 - x[0]) - 400 * x[0] * inner, 200 * inner];
      },
    },
    beale: {
      f: function (x) {
        var total = 0;
        for (var k = 0; k < 3; k++) { var r = BEALE[k] - x[0] + x[0] * power(x[1], k + 1); total += r * r; }
        return total;
      },
      grad: function (x) {
        var d1 = 0, d2 = 0;
        for (var k = 0; k < 3; k++) {
          var p = k + 1, r = BEALE[k] - x[0] + x[0] * power(x[1], p);
          d1 = d1 + 2 * r * (power(x[1], p) - 1);
          d2 = d2 + 2 * r * x[0] * p * power(x[1], p - 1);
        }
        return [d1, d2];
      },
    },
    himmelblau: {
      f: function (x) { var a = x[0] * x[0] + x[1] - 11, b = x[0] + x[1] * x[1] - 7; return a * a + b * b; },
      grad: function (x) {
        var a = x[0] * x[0] + x[1] - 11, b = x[0] + x[1] * x[1] - 7;
        return [4 * x[0] * a + 2 * b, 2 * a + 4 * x[1] * b];
      },
    },
    saddle: {
      f: function (x) { var q = x[1] * x[1]; return 0.5 * (x[0] * x[0]) + 0.25 * (q * q) - 0.5 * q; },
      grad: function (x) { return [x[0], Math.pow(x[1], 3) - x[1]]; },
    },
    cliff: {
      f: function (x) {
        var a = x[0] - 3;
        return 0.05 * (a * a + x[1] * x[1]) + 5 * (1 - Math.tanh(20 * x[0]));
      },
      grad: function (x) { return [0.1 * (x[0] - 3) + -100 * sech2(20 * x[0]), 0.1 * x[1]]; },
    },
  };

  // ---- the run (loop.py): stop at the first iterate that is not finite ----
  // record: keep each step's readout buffers (for the explorer's readout)
  function simulate(spec, record) {
    const o = ol.options(spec.optimizer, spec.options), step = OPTIMIZERS[spec.optimizer].step;
    const fn = FUNCTIONS[ol.setting("function", spec["function"])];
    const steps = ol.setting("steps", spec.steps), lr = rate(o.lr);
    let x = ol.setting("x0", spec.x0).slice(), xs = [x], state = {}, readouts = [], gradient = fn.grad;
    if (spec.noise) {
      const noise = ol.setting("noise", [spec.noise.scale, spec.noise.seed]);
      gradient = root.optimlabNoise.noisy(fn.grad, noise[0], noise[1]);
    }
    const readout = record && OPTIMIZERS[spec.optimizer].readout;
    for (let t = 1; t <= steps; t++) {
      let g = gradient(x);
      if (t === 1 && !(isFinite(g[0]) && isFinite(g[1]))) {
        const shown = (v) => "[" + v.map(ol.show).join(", ") + "]";
        throw new Error(ol.settings.messages.grad_not_finite.replace("{value}", shown(g)).replace("{x0}", shown(x)));
      }
      if (o.maximize) g = [-g[0], -g[1]];  // as the package's signed(g), before any weight decay
      x = step(x, g, state, t, lr(t), o);
      if (!(isFinite(x[0]) && isFinite(x[1]))) return { xs: xs, diverged_at: t, readouts: readouts };
      xs.push(x);
      if (readout) readouts.push(readout.map((n) => state[n].slice()));
    }
    return { xs: xs, diverged_at: null, readouts: readouts };
  }
  function trajectory(spec) {
    const run = simulate(spec, false);
    return { xs: run.xs, diverged_at: run.diverged_at };
  }

  const api = { trajectory: trajectory, simulate: simulate, OPTIMIZERS: OPTIMIZERS, FUNCTIONS: FUNCTIONS, SCHEDULES: SCHEDULES, rule: rule };
  Object.assign(ol, api);
  if (typeof module !== "undefined" && module.exports) module.exports = ol;
})(typeof window !== "undefined" ? window : globalThis);
