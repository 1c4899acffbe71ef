"""Write tests/explorer/fixtures.json: trajectories made by optimlab.run that the explorer's
JavaScript (_ext/explorer_static/optimlab_core.js) must reproduce (tests/explorer/test_fixtures.py).

Every optimizer of the package's catalogue, with every option the explorer exposes, on every test
function, from random starts with random hyperparameters (seeded, so the file is the same every
time), some settings chosen to diverge, and each optimizer with its defaults alone (so that a
changed default changes the file). tests/explorer/test_fixtures.py makes every case again and
requires the file to be exactly what this script writes. Regenerate with

    .venv/bin/python tests/explorer/generate_fixtures.py
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np

import optimlab as ol
from optimlab import functions
from optimlab.optimizers import catalogue, from_options

OUT = Path(__file__).with_name("fixtures.json")
# Part 4's optimizers join the explorer once its JavaScript has their step functions (issue 24;
# tests/registry.py says the same with Row.explorer, and tests/test_registry.py holds the two
# to each other).
NOT_YET_IN_THE_EXPLORER = ("schedule_free_adamw", "ademamix", "muon")
OPTIMIZERS = {name: entry for name, entry in catalogue()["optimizers"].items()
              if name not in NOT_YET_IN_THE_EXPLORER}
# The test functions by their Python names (optimlab.functions.<name>).
FUNCTIONS = {name: getattr(functions, name) for name in functions.__all__
             if any(getattr(functions, name) is f for f in functions.ALL)}


def log_uniform(rng, low, high):
    return float(np.exp(rng.uniform(np.log(low), np.log(high))))


def options(rng, name: str) -> dict:
    """Random keyword arguments for the factory ``name`` (every option, sometimes on)."""
    lr = log_uniform(rng, 1e-3, 0.5)
    if name == "sgd":
        momentum = float(rng.choice([0.0, rng.uniform(0, 0.99)]))
        nesterov = bool(momentum > 0 and rng.random() < 0.5)
        return {"lr": lr / 10, "momentum": momentum, "nesterov": nesterov,
                "dampening": 0.0 if nesterov else float(rng.choice([0.0, rng.uniform(0, 1)])),
                "weight_decay": float(rng.choice([0.0, rng.uniform(0, 0.5)]))}
    if name == "ewma_momentum":
        return {"lr": lr / 5, "beta": float(rng.uniform(0, 0.99)),
                "bias_correction": bool(rng.random() < 0.7)}
    if name == "adagrad":
        return {"lr": lr * 4, "lr_decay": float(rng.choice([0.0, rng.uniform(0, 0.05)])),
                "weight_decay": float(rng.choice([0.0, rng.uniform(0, 0.5)])),
                "initial_accumulator_value": float(rng.choice([0.0, rng.uniform(0, 1)])),
                "eps": log_uniform(rng, 1e-12, 1e-3)}
    if name == "rmsprop":
        return {"lr": lr / 5, "alpha": float(rng.uniform(0.8, 0.999)),
                "eps": log_uniform(rng, 1e-10, 1e-3),
                "weight_decay": float(rng.choice([0.0, rng.uniform(0, 0.5)])),
                "momentum": float(rng.choice([0.0, rng.uniform(0, 0.95)])),
                "centered": bool(rng.random() < 0.4)}
    if name in ("lion", "adafactor"):
        return family_options(rng, name, lr)
    if name not in ("adam", "adamw", "nadam", "radam", "adamax", "adopt"):
        raise ValueError(f"no random options for {name!r}: add its hyperparameters' ranges to "
                         "tests/explorer/generate_fixtures.py")
    kwargs = {"lr": lr, "betas": [float(rng.uniform(0, 0.99)), float(rng.uniform(0.9, 0.9999))],
              "eps": log_uniform(rng, 1e-10, 1e-3),
              "weight_decay": float(rng.choice([0.0, rng.uniform(0, 0.5)]))}
    switch = {"adam": "amsgrad", "adamw": "amsgrad", "nadam": "decoupled_weight_decay",
              "radam": "decoupled_weight_decay", "adopt": "decouple"}.get(name)
    if switch:
        kwargs[switch] = bool(rng.random() < 0.4)
    if name == "nadam":
        kwargs["momentum_decay"] = float(rng.choice([0.004, rng.uniform(0, 0.1)]))
    if name == "radam" and rng.random() < 0.3:  # rho_inf <= 5: momentum steps throughout
        kwargs["betas"][1] = float(rng.uniform(0.3, 0.7))
    return kwargs


def family_options(rng, name: str, lr: float) -> dict:
    """Lion's and Adafactor's arguments, which are not Adam's."""
    decay = float(rng.choice([0.0, rng.uniform(0, 0.5)]))
    if name == "lion":
        return {"lr": lr / 10, "betas": [float(rng.uniform(0, 0.99)), float(rng.uniform(0.9, 0.999))],
                "weight_decay": decay}
    eps1 = None if rng.random() < 0.5 else log_uniform(rng, 1e-30, 1e-3)
    return {"lr": lr, "beta2_decay": float(rng.uniform(-1, 0)),
            "eps": [eps1, log_uniform(rng, 1e-6, 1e-1)],
            "d": float(rng.choice([1.0, rng.uniform(1, 5)])), "weight_decay": decay}


def with_schedule(rng, kwargs: dict, steps: int) -> dict:
    """Sometimes replace the constant rate by one of the package's schedules."""
    lr, kind = kwargs["lr"], rng.choice(["constant", "step_decay", "cosine_decay",
                                         "warmup_cosine", "none", "none"])
    if kind == "constant":
        spec = {"schedule": "constant", "lr": lr}
    elif kind == "step_decay":
        spec = {"schedule": "step_decay", "lr": lr, "step_size": int(rng.integers(5, 50)),
                "gamma": float(rng.uniform(0.1, 1.0))}
    elif kind == "cosine_decay":
        spec = {"schedule": "cosine_decay", "lr": lr, "total_steps": steps,
                "min_lr": lr * float(rng.uniform(0, 0.5))}
    elif kind == "warmup_cosine":
        warmup = int(rng.integers(1, steps // 2))
        spec = {"schedule": "warmup_cosine", "peak": lr, "warmup_steps": warmup,
                "total_steps": steps, "min_lr": lr * float(rng.uniform(0, 0.5))}
    else:
        return kwargs
    return {**kwargs, "lr": spec}


def case(name: str, kwargs: dict, function: str, x0, steps: int, noise=None) -> dict:
    optimizer = from_options(name, kwargs)
    landscape = FUNCTIONS[function]
    if noise is not None:
        landscape = functions.noisy(landscape, **noise)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trace = ol.trace(optimizer, landscape.grad, x0, steps)
    diverged = [w for w in caught if issubclass(w.category, ol.DivergenceWarning)]
    assert bool(diverged) == (trace.diverged_at is not None)
    spec = {"optimizer": name, "options": kwargs, "function": function,
            "x0": [float(v) for v in x0], "steps": steps}
    if noise is not None:
        spec["noise"] = noise
    return {"spec": spec, "xs": trace.xs.tolist(), "diverged_at": trace.diverged_at}


def random_start(rng, function) -> list[float]:
    (a, b), (c, d) = function.window
    return [float(rng.uniform(a, b)), float(rng.uniform(c, d))]


def diverging_cases() -> list[dict]:
    """Settings that blow up, so that the step of divergence is compared too."""
    q, r = "ill_conditioned_quadratic", "rosenbrock"
    return [
        case("sgd", {"lr": 1.0}, q, [9.0, -3.0], 400),
        case("sgd", {"lr": 0.5, "momentum": 0.9, "nesterov": True}, q, [9.0, -3.0], 400),
        case("sgd", {"lr": 0.01}, r, [-1.5, 2.5], 100),
        case("sgd", {"lr": 0.003, "momentum": 0.9}, "beale", [3.5, 3.5], 100),
        case("sgd", {"lr": 0.05}, "himmelblau", [4.5, 4.5], 100),
        case("sgd", {"lr": 2.5}, "saddle", [1.5, 1.9], 100),
        case("ewma_momentum", {"lr": 3.0, "bias_correction": False, "beta": 0.5}, q,
             [9.0, -3.0], 400),
        case("adamw", {"lr": 10.0, "weight_decay": 10.0}, q, [9.0, -3.0], 300),
        # Adaptive steps are bounded by about lr: these wander but stay finite.
        case("adagrad", {"lr": 5.0}, r, [-1.5, 2.5], 300),
        case("rmsprop", {"lr": 1.0, "momentum": 0.9, "centered": True}, r, [-1.5, 2.5], 300),
        case("adam", {"lr": 2.0, "amsgrad": True}, r, [-1.5, 2.5], 300),
        case("adamax", {"lr": 2.0, "weight_decay": 1.0}, r, [-1.5, 2.5], 300),
        # Adam's family: decoupled decay with lr * weight_decay > 2 flips and grows x; RAdam
        # with beta2 <= 0.6 takes plain momentum steps, too long for the quadratic's curvature.
        case("nadam", {"lr": 3.0, "weight_decay": 3.0, "decoupled_weight_decay": True}, r,
             [-1.5, 2.5], 300),
        case("radam", {"lr": 5.0, "betas": [0.9, 0.5]}, q, [9.0, -3.0], 400),
        case("lion", {"lr": 1.0, "weight_decay": 5.0}, r, [-1.5, 2.5], 300),
        case("adafactor", {"lr": 1.0, "weight_decay": 5.0}, r, [-1.5, 2.5], 300),
        case("adopt", {"lr": 1.0, "weight_decay": 5.0, "decouple": True}, r, [-1.5, 2.5], 300),
    ]


def well_conditioned(drawn: dict) -> bool:
    """Whether a noisy case's run moves by at most 1e-11 when its noise is 4 ulps larger."""
    spec = drawn["spec"]
    nudged = {**spec["noise"], "scale": spec["noise"]["scale"] * (1 + 4 * 2.0**-52)}
    other = case(spec["optimizer"], spec["options"], spec["function"], spec["x0"],
                 spec["steps"], nudged)
    if other["diverged_at"] != drawn["diverged_at"]:
        return False
    return float(np.max(np.abs(np.subtract(other["xs"], drawn["xs"])))) <= 1e-11


def default_cases() -> list[dict]:
    """Each optimizer with its defaults alone (a learning rate only where it has no default),
    so that a default changed in the package changes the fixtures."""
    q = "ill_conditioned_quadratic"
    return [case(name, {h["name"]: 0.1 for h in entry["hyperparameters"] if h["required"]}, q,
                 list(FUNCTIONS[q].start), 100)
            for name, entry in OPTIMIZERS.items()]


def keyword_cases() -> list[dict]:
    """torch's keywords that change the maths: ``maximize`` on every optimizer that takes it,
    climbing Himmelblau's function to its local maximum near (-0.27, -0.92) (and, once, up the
    quadratic until it diverges), and Adam's ``decoupled_weight_decay`` (AdamW's rule) with and
    without AMSGrad, on curved landscapes."""
    h, q, r = "himmelblau", "ill_conditioned_quadratic", "rosenbrock"
    cases = [case(name, {"lr": 0.01, "maximize": True}, h, [-0.6, -1.3], 150)
             for name, entry in OPTIMIZERS.items()
             if any(p["name"] == "maximize" for p in entry["hyperparameters"])]
    cases.append(case("sgd", {"lr": 1.0, "maximize": True}, q, [9.0, -3.0], 400))
    cases.append(case("adam", {"lr": 0.1, "maximize": True, "weight_decay": 0.1,
                               "decoupled_weight_decay": True}, q, [9.0, -3.0], 200))
    for function, x0, amsgrad in [(r, [-1.5, 2.5], False), ("beale", [3.5, 3.5], True),
                                  (q, [9.0, -3.0], False)]:
        cases.append(case("adam", {"lr": 0.05, "weight_decay": 0.5, "amsgrad": amsgrad,
                                   "decoupled_weight_decay": True}, function, x0, 200))
    return cases


# The order in which the random cases are drawn from the one seeded stream: a new optimizer
# goes at the end. (Drawn in another order, the same seed gives other cases, and some of them
# are chaotic enough, on the saddle or Beale's function, that the JavaScript's rounding grows
# past 1e-10.)
DRAW_ORDER = ["sgd", "ewma_momentum", "adagrad", "rmsprop", "adam", "adamw", "nadam", "radam",
              "adamax", "lion", "adafactor", "adopt"]


def fixtures(seed: int = 13) -> list[dict]:
    rng = np.random.default_rng(seed)
    missing = [name for name in OPTIMIZERS if name not in DRAW_ORDER]
    if missing:
        raise ValueError(f"append {missing} to DRAW_ORDER and give them random options")
    names = DRAW_ORDER
    cases = []
    for function_name, function in FUNCTIONS.items():
        for name in names:
            for _ in range(3):
                steps = int(rng.integers(100, 160))
                kwargs = with_schedule(rng, options(rng, name), steps)
                x0 = list(function.start) if not cases or rng.random() < 0.2 \
                    else random_start(rng, function)
                cases.append(case(name, kwargs, function_name, x0, steps))
    # Noisy gradients (optimlab.functions.noisy): numpy's normal draws, seeded. The explorer's
    # draws agree with numpy's to a few units in the last place, so a run that those few units
    # move by more than 1e-11 (optimlab's own run, with the noise scaled by 1 + 4 eps) cannot
    # be compared to 1e-10: such a setting is drawn again.
    for function_name in FUNCTIONS:
        for name in names:
            while True:
                steps = int(rng.integers(100, 160))
                noise = {"scale": float(rng.uniform(0.05, 2.0)),
                         "seed": int(rng.integers(0, 2**40))}
                drawn = case(name, options(rng, name), function_name,
                             list(FUNCTIONS[function_name].start), steps, noise)
                if well_conditioned(drawn):
                    break
            cases.append(drawn)
    return cases + diverging_cases() + keyword_cases() + default_cases()


def main() -> None:
    cases = fixtures()
    OUT.write_text(json.dumps(cases, separators=(",", ":")) + "\n")
    diverged = sum(c["diverged_at"] is not None for c in cases)
    print(f"wrote {len(cases)} cases ({diverged} diverging) to {OUT}")


if __name__ == "__main__":
    main()
