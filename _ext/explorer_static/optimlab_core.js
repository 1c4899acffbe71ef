/* optimlab's optimizers, schedules and test functions in JavaScript, for the explorer.

   A second copy of the package's rules (src/optimlab), written in the same order of floating-point
   operations; tests/explorer/test_fixtures.py runs it in Node against trajectories made by
   optimlab.run (regenerate them with `python tests/explorer/generate_fixtures.py`).

   window.optimlab.trajectory(spec) is the contract:
     {optimizer, options, function, x0, steps[, noise: {scale, seed}]} -> {xs, diverged_at}
   Adding an optimizer is one declaration: optimizer(name, hyperparameters, step). */
(function (root) {
  "use strict";

  // ---- checks: the package's (_base.py, _checks.py), with its messages ----
  function fail(message) { throw new Error(message); }
  function show(value) { return typeof value === "string" ? JSON.stringify(value) : String(value); }
  function number(name, value, low, high, inclusive) {
    low = low || 0;
    if (typeof value !== "number") fail(name + " must be a number; got " + show(value));
    if (!isFinite(value) || value < low) {
      fail(name + " must be a finite number >= " + low + "; got " + show(value));
    }
    if (high !== undefined && (inclusive ? value > high : value >= high)) {
      fail(name + " must be in [" + low + ", " + high + (inclusive ? "]" : ")") + "; got " + show(value));
    }
    return value;
  }
  function integer(name, value, minimum) {
    if (typeof value !== "number" || !Number.isInteger(value) || value < minimum) {
      fail(name + " must be an integer >= " + minimum + "; got " + show(value));
    }
    return value;
  }
  var checks = {
    nonnegative: function (name, v) { return number(name, v); },
    fraction: function (name, v) { return number(name, v, 0, 1); },
    closed: function (name, v) { return number(name, v, 0, 1, true); },
    flag: function (name, v) {
      if (typeof v !== "boolean") fail(name + " must be True or False; got " + show(v));
      return v;
    },
    betas: function (name, v) {
      if (!Array.isArray(v) || v.length !== 2) {
        fail(name + " must be a pair (beta1, beta2); got " + show(JSON.stringify(v)));
      }
      return [checks.fraction(name + "[0]", v[0]), checks.fraction(name + "[1]", v[1])];
    },
    lr: function (name, v) {
      return (v !== null && typeof v === "object" && !Array.isArray(v)) ? schedule(v) : number(name, v);
    },
  };

  // ---- schedules (schedules.py): {schedule: name, ...its arguments} ----
  function decay(gamma) {
    if (typeof gamma !== "number" || !isFinite(gamma) || gamma <= 0) {
      fail("gamma must be a finite number > 0; got " + show(gamma));
    }
    if (gamma > 1) fail("gamma must be in (0, 1]; got " + gamma);
    return gamma;
  }
  function cosine(progress) { return 0.5 * (1 + Math.cos(Math.PI * progress)); }
  var SCHEDULES = {
    constant: function (a) {
      var lr = number("lr", a.lr);
      return function () { return lr; };
    },
    step_decay: function (a) {
      var gamma = decay(a.gamma === undefined ? 0.1 : a.gamma), lr = number("lr", a.lr);
      var size = integer("step_size", a.step_size, 1);
      return function (t) { return lr * Math.pow(gamma, Math.floor((t - 1) / size)); };
    },
    exponential_decay: function (a) {
      var gamma = decay(a.gamma), lr = number("lr", a.lr);
      return function (t) { return lr * Math.pow(gamma, t - 1); };
    },
    cosine_decay: function (a) {
      var lr = number("lr", a.lr), low = number("min_lr", a.min_lr === undefined ? 0 : a.min_lr);
      if (low > lr) fail("min_lr must not exceed lr=" + lr + "; got " + low);
      var total = integer("total_steps", a.total_steps, 1);
      return function (t) {
        return low + 0.5 * (lr - low) * (1 + Math.cos(Math.PI * (Math.min(t - 1, total) / total)));
      };
    },
    warmup_cosine: function (a) {
      var peak = number("peak", a.peak), warm = integer("warmup_steps", a.warmup_steps, 1);
      var total = integer("total_steps", a.total_steps, 1);
      if (total <= warm) fail("total_steps must exceed warmup_steps=" + warm + "; got " + total);
      var low = number("min_lr", a.min_lr === undefined ? 0 : a.min_lr);
      if (low > peak) fail("min_lr must not exceed peak=" + peak + "; got " + low);
      return function (t) {
        if (t <= warm) return peak * t / warm;
        var span = total - warm;
        return low + (peak - low) * cosine(Math.min(t - warm, span) / span);
      };
    },
  };
  function schedule(spec) {
    var make = SCHEDULES[spec.schedule];
    if (!make) fail("lr schedule " + show(spec.schedule) + " is not one of " + Object.keys(SCHEDULES).join(", "));
    var rate = make(spec);
    return function (t) {
      var value = rate(t);
      if (!isFinite(value) || value < 0) fail("lr schedule returned " + value + " at step t=" + t);
      return value;
    };
  }

  // ---- optimizers (optimizers/*.py) ----
  // hyperparameters: name -> [default (undefined: required), check, the explorer's slider
  // {min, max, kind: "log" | "oneminus" | linear, step}]
  // step(x, g, s, t, lr, o): o the checked options, s the state (an object the rule fills),
  // lr the rate at step t; returns the new iterate (a new array).
  var OPTIMIZERS = {};
  function optimizer(name, hyperparameters, step, extra) {
    OPTIMIZERS[name] = Object.assign({ name: name, hyperparameters: hyperparameters, step: step }, extra || {});
  }
  function coupled(g, x, wd) { return wd !== 0 ? [g[0] + wd * x[0], g[1] + wd * x[1]] : g; }
  function zeros(s, names) { names.forEach(function (n) { if (!s[n]) s[n] = [0, 0]; }); }
  var LR = { min: 1e-4, max: 10, kind: "log", step: 0.01 };
  var EPS = { min: 1e-12, max: 1, kind: "log", step: 0.05 };
  var UNIT = { min: 0, max: 0.99, step: 0.01 };
  var DECAY = { min: 0, max: 2, step: 0.01 };

  optimizer("sgd", {
    lr: [0.001, checks.lr, LR], momentum: [0, checks.fraction, UNIT],
    dampening: [0, checks.closed, { min: 0, max: 1 }], weight_decay: [0, checks.nonnegative, DECAY],
    nesterov: [false, checks.flag],
  }, function (x, g, s, t, lr, o) {
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
  }, {
    together: function (o) {
      if (o.nesterov && (o.momentum === 0 || o.dampening !== 0)) {
        fail("nesterov=True requires momentum > 0 and dampening = 0; got momentum=" + o.momentum +
             ", dampening=" + o.dampening);
      }
    },
  });

  optimizer("ewma_momentum", {
    lr: [undefined, checks.lr, LR], beta: [0.9, checks.fraction, UNIT],
    bias_correction: [true, checks.flag],
  }, function (x, g, s, t, lr, o) {
    zeros(s, ["v"]);
    var out = [0, 0];
    for (var i = 0; i < 2; i++) {
      s.v[i] = o.beta * s.v[i] + (1 - o.beta) * g[i];
      var vh = o.bias_correction ? s.v[i] / (1 - Math.pow(o.beta, t)) : s.v[i];
      out[i] = x[i] - lr * vh;
    }
    return out;
  });

  optimizer("adagrad", {
    lr: [0.01, checks.lr, LR], lr_decay: [0, checks.nonnegative, DECAY],
    weight_decay: [0, checks.nonnegative, DECAY],
    initial_accumulator_value: [0, checks.nonnegative, { min: 0, max: 10 }],
    eps: [1e-10, checks.nonnegative, EPS],
  }, function (x, g, s, t, rate, o) {
    if (!s.sum) s.sum = [o.initial_accumulator_value, o.initial_accumulator_value];
    g = coupled(g, x, o.weight_decay);
    var lr = rate / (1 + (t - 1) * o.lr_decay), out = [0, 0];
    for (var i = 0; i < 2; i++) {
      s.sum[i] = s.sum[i] + g[i] * g[i];
      out[i] = x[i] - lr * g[i] / (Math.sqrt(s.sum[i]) + o.eps);
    }
    return out;
  });

  optimizer("rmsprop", {
    lr: [0.01, checks.lr, LR], alpha: [0.99, checks.fraction, UNIT], eps: [1e-8, checks.nonnegative, EPS],
    weight_decay: [0, checks.nonnegative, DECAY], momentum: [0, checks.fraction, UNIT],
    centered: [false, checks.flag],
  }, function (x, g, s, t, lr, o) {
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

  function adamStep(decoupled) {
    return function (x, g, s, t, lr, o) {
      zeros(s, ["m", "v", "v_max"]);
      var b1 = o.betas[0], b2 = o.betas[1], out = [0, 0];
      if (decoupled) {
        x = [x[0] * (1 - lr * o.weight_decay), x[1] * (1 - lr * o.weight_decay)];
      } else {
        g = coupled(g, x, o.weight_decay);
      }
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
  var ADAM = {
    lr: [0.001, checks.lr, LR], betas: [[0.9, 0.999], checks.betas, UNIT],
    eps: [1e-8, checks.nonnegative, EPS], weight_decay: [0, checks.nonnegative, DECAY],
    amsgrad: [false, checks.flag],
  };
  var READOUT = { readout: ["m_hat", "v_hat", "update"] };
  optimizer("adam", ADAM, adamStep(false), READOUT);
  optimizer("adamw", Object.assign({}, ADAM, { weight_decay: [0.01, checks.nonnegative, DECAY] }),
            adamStep(true), READOUT);

  // ---- Adam's family (nadam.py, radam.py, adamax.py, lion.py, adafactor.py, adopt.py) ----
  // weight_decay_either_way: decoupled shrinks x, coupled adds the L2 term to g
  function eitherWay(x, g, lr, wd, decoupled) {
    if (decoupled) return [[x[0] * (1 - lr * wd), x[1] * (1 - lr * wd)], g];
    return [x, coupled(g, x, wd)];
  }
  // lerp as torch rounds it (from end when weight >= 0.5)
  function lerp(a, b, w) { var d = b - a; return Math.abs(w) < 0.5 ? a + w * d : b - d * (1 - w); }
  function norm(a) { return Math.sqrt(a[0] * a[0] + a[1] * a[1]); }
  var BETAS = [[0.9, 0.999], checks.betas, UNIT];
  var SHARED = { eps: [1e-8, checks.nonnegative, EPS], weight_decay: [0, checks.nonnegative, DECAY] };
  function family(lr, extra) { return Object.assign({ lr: [lr, checks.lr, LR], betas: BETAS }, SHARED, extra); }
  function mu(b1, psi, t) { return b1 * (1 - 0.5 * Math.pow(0.96, t * psi)); }

  optimizer("nadam", family(0.002, {
    momentum_decay: [0.004, checks.nonnegative, { min: 0, max: 0.1, step: 0.001 }],
    decoupled_weight_decay: [false, checks.flag],
  }), function (x, g, s, t, lr, o) {
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

  optimizer("radam", family(0.001, { decoupled_weight_decay: [false, checks.flag] }),
    function (x, g, s, t, lr, o) {
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

  optimizer("adamax", family(0.002, {}), function (x, g, s, t, lr, o) {
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

  optimizer("lion", {
    lr: [1e-4, checks.lr, LR], betas: [[0.9, 0.99], checks.betas, UNIT],
    weight_decay: SHARED.weight_decay,
  }, function (x, g, s, t, lr, o) {
    zeros(s, ["m"]);
    var b1 = o.betas[0], b2 = o.betas[1], out = [0, 0];
    for (var i = 0; i < 2; i++) {
      var y = x[i] * (1 - lr * o.weight_decay);
      out[i] = y - lr * Math.sign(b1 * s.m[i] + (1 - b1) * g[i]);
      s.m[i] = b2 * s.m[i] + (1 - b2) * g[i];
    }
    return out;
  });

  // adafactor.py's checks, with its messages
  var MACHINE_EPS = Math.pow(2, -52);
  checks.nonpositive = function (name, v) {
    if (typeof v !== "number") fail(name + " must be a number; got " + show(v));
    if (!isFinite(v) || v > 0) fail(name + " must be a finite number <= 0; got " + show(v));
    return v;
  };
  checks.epsilons = function (name, v) {
    if (!Array.isArray(v) || v.length !== 2) {
      fail(name + " must be a pair (eps1, eps2); got " + show(JSON.stringify(v)));
    }
    return [v[0] === null ? MACHINE_EPS : number(name + "[0]", v[0]), number(name + "[1]", v[1])];
  };
  checks.at_least_one = function (name, v) { return number(name, v, 1); };
  // The vector path only: the explorer's parameters are one 2-vector.
  optimizer("adafactor", {
    lr: [0.01, checks.lr, LR], beta2_decay: [-0.8, checks.nonpositive, { min: -1, max: 0, step: 0.01 }],
    eps: [[null, 1e-3], checks.epsilons, [null, { min: 1e-8, max: 1, kind: "log", step: 0.05 }]],
    d: [1, checks.at_least_one, { min: 1, max: 10, step: 0.1 }], weight_decay: SHARED.weight_decay,
  }, function (x, g, s, t, lr, o) {
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

  optimizer("adopt", {
    lr: [0.001, checks.lr, LR], betas: [[0.9, 0.9999], checks.betas, UNIT],
    eps: [1e-6, checks.nonnegative, EPS], weight_decay: SHARED.weight_decay, decouple: [false, checks.flag],
  }, function (x, g, s, t, lr, o) {
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
  function options(rule, given) {
    var o = {};
    Object.keys(given || {}).forEach(function (k) {
      if (!(k in rule.hyperparameters)) {
        fail(rule.name + "() got an unexpected keyword argument " + show(k));
      }
    });
    Object.keys(rule.hyperparameters).forEach(function (k) {
      var declared = rule.hyperparameters[k], value = given && k in given ? given[k] : declared[0];
      if (value === undefined) fail(rule.name + "() missing required argument " + show(k));
      o[k] = declared[1](k, value);
    });
    if (rule.together) rule.together(o);
    return o;
  }
  function lookup(table, what, name) {
    if (!Object.prototype.hasOwnProperty.call(table, name)) {
      fail(what + " " + show(name) + " is not one of " + Object.keys(table).join(", "));
    }
    return table[name];
  }
  function start(x0) {
    if (!Array.isArray(x0) || x0.length !== 2 || !x0.every(function (v) { return typeof v === "number" && isFinite(v); })) {
      fail("x0 must be two finite numbers; got " + show(JSON.stringify(x0)));
    }
    return [x0[0], x0[1]];
  }
  // options.record: keep each step's readout buffers (for the explorer's readout)
  function simulate(spec, record) {
    var rule = lookup(OPTIMIZERS, "optimizer", spec.optimizer);
    var fn = lookup(FUNCTIONS, "function", spec["function"]);
    var o = options(rule, spec.options), steps = integer("steps", spec.steps, 0);
    var rate = typeof o.lr === "function" ? o.lr : function () { return o.lr; };
    var x = start(spec.x0), xs = [x], state = {}, readouts = [], gradient = fn.grad;
    if (spec.noise) gradient = root.optimlabNoise.noisy(fn.grad, spec.noise.scale, spec.noise.seed);
    for (var t = 1; t <= steps; t++) {
      var g = gradient(x);
      if (t === 1 && !(isFinite(g[0]) && isFinite(g[1]))) fail("grad must be finite at x0; got " + g);
      x = rule.step(x, g, state, t, rate(t), o);
      if (!(isFinite(x[0]) && isFinite(x[1]))) return { xs: xs, diverged_at: t, readouts: readouts };
      xs.push(x);
      if (record && rule.readout) {
        readouts.push(rule.readout.map(function (n) { return state[n].slice(); }));
      }
    }
    return { xs: xs, diverged_at: null, readouts: readouts };
  }
  function trajectory(spec) {
    var run = simulate(spec, false);
    return { xs: run.xs, diverged_at: run.diverged_at };
  }

  var api = {
    trajectory: trajectory, simulate: simulate, OPTIMIZERS: OPTIMIZERS, FUNCTIONS: FUNCTIONS,
    SCHEDULES: SCHEDULES, optimizer: optimizer, options: options,
  };
  root.optimlab = Object.assign(root.optimlab || {}, api);
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(typeof window !== "undefined" ? window : globalThis);
