"""The optimizers under test: one row per optimizer, which every generic test iterates (as
torch's ``optim_db`` and optax's optimizers-under-test).

A row holds only what the package cannot say for itself: settings for the generic tests and
the values a sweep varies. The name, class, factory, defaults, checks, reference and whether
the rule is elementwise come from the package (``optimlab.optimizers.catalogue``), so a row
cannot disagree with it; tests/test_registry.py fails when the package, this registry, the
explorer's JavaScript, its fixtures, the colours or the README's table miss an optimizer.

Adding an optimizer adds a row here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import optimlab as ol
from optimlab.optimizers import catalogue, from_options

CATALOGUE = catalogue()["optimizers"]


@dataclass(frozen=True)
class Row:
    """An optimizer under test.

    Attributes:
        name: its function's name, the catalogue's key (``"adam"``).
        settings: settings for the interface tests (steps, schedules, a zero rate), with
            every option that changes the rule switched on in at least one of them.
        sweeps: for every hyperparameter run_grid can vary (every one that is not a flag),
            the values a sweep takes; ``sweep_options`` are the options (flags) each sweep is
            also run with.
        scale_free: settings with which a step does not change when the gradient is scaled
            (None where the rule is not scale-free).
        coupled: settings to which ``weight_decay`` adds ``weight_decay * x`` to the gradient;
        decoupled: settings with which ``weight_decay`` shrinks x by ``1 - lr * weight_decay``
            before a step on the plain gradient (None where the rule has no such decay).
        state_size: ``(settings, copies, extra)``: the state holds ``copies`` numbers per
            parameter and ``extra`` more (empty for a rule that is not elementwise).
        explorer: whether the explorer's JavaScript runs it (its step function, its fixtures).
            Part 4's optimizers join when the explorer branch has landed (issue 24).
    """

    name: str
    settings: tuple[dict, ...]
    sweeps: dict[str, tuple]
    sweep_options: tuple[dict, ...] = ({},)
    scale_free: dict | None = None
    coupled: dict | None = None
    decoupled: dict | None = None
    state_size: tuple[tuple[dict, int, int], ...] = field(default=())
    explorer: bool = True

    @property
    def entry(self) -> dict:
        """The optimizer's entry in the package's catalogue."""
        return CATALOGUE[self.name]

    @property
    def factory(self):
        return getattr(ol, self.name)

    @property
    def cls(self) -> type:
        return self.factory.made

    @property
    def elementwise(self) -> bool:
        return self.entry["elementwise"]

    def hyperparameters(self, kind: str | None = None) -> list[str]:
        """The catalogue's hyperparameter names (of one check kind, if given)."""
        return [h["name"] for h in self.entry["hyperparameters"]
                if kind is None or h["check"]["kind"] == kind]

    def rule_options(self) -> list[str]:
        """The options that change the rule itself: flags (``nesterov``) and choices
        (``adjust_lr_fn``), which run_grid cannot vary."""
        return [h["name"] for h in self.entry["hyperparameters"] if _is_rule_option(h["check"])]

    def sweepable(self) -> list[str]:
        """The hyperparameters run_grid can vary: every one that is not a rule option."""
        return [h["name"] for h in self.entry["hyperparameters"]
                if not _is_rule_option(h["check"])]

    def make(self, **options):
        return from_options(self.name, options)


def _is_rule_option(check: dict) -> bool:
    inner = check["check"] if check["kind"] == "optional" else check
    return inner["kind"] in ("flag", "choice")


BETAS = ((0.0, 0.9), (0.9, 0.999), (0.5, 0.99))
DECAYS = (0.0, 0.1, 0.5)
EPSILONS = (1e-8, 1e-3, 0.5)

ROWS = [
    Row("sgd",
        settings=({"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.1},
                  {"lr": 0.1, "momentum": 0.5, "dampening": 0.3, "maximize": True}),
        sweeps={"lr": (0.001, 0.01, 0.05), "momentum": (0.0, 0.5, 0.9),
                "dampening": (0.0, 0.5, 1.0), "weight_decay": (0.0, 0.3)},
        sweep_options=({"momentum": 0.5}, {"momentum": 0.5, "nesterov": True},
                       {"maximize": True}),
        coupled={"lr": 0.05, "momentum": 0.9},
        state_size=(({"lr": 0.1}, 0, 0), ({"lr": 0.1, "momentum": 0.9}, 1, 0))),
    Row("ewma_momentum",
        settings=({"lr": 0.1}, {"lr": 0.1, "beta": 0.5, "bias_correction": False}),
        sweeps={"lr": (0.01, 0.1), "beta": (0.0, 0.5, 0.9, 0.99)},
        sweep_options=({}, {"bias_correction": False}),
        state_size=(({"lr": 0.1}, 1, 0),)),
    Row("adagrad",
        settings=({"lr": 0.1, "weight_decay": 0.1}, {"lr": 0.1, "maximize": True}),
        sweeps={"lr": (0.1, 0.5, 2.0), "lr_decay": (0.0, 0.01), "weight_decay": (0.0, 0.05),
                "initial_accumulator_value": (0.0, 0.1), "eps": (1e-10, 1e-3, 0.5)},
        sweep_options=({}, {"maximize": True}),
        scale_free={"eps": 0.0, "lr_decay": 0.1},
        coupled={"lr": 0.1},
        state_size=(({}, 1, 0),)),
    Row("rmsprop",
        settings=({"lr": 0.1, "momentum": 0.5, "centered": True},
                  {"lr": 0.1, "weight_decay": 0.1, "maximize": True}),
        sweeps={"lr": (0.01, 0.1), "alpha": (0.0, 0.9, 0.99), "eps": EPSILONS,
                "weight_decay": (0.0, 0.2), "momentum": (0.0, 0.5, 0.9)},
        sweep_options=({}, {"centered": True}, {"maximize": True}),
        scale_free={"eps": 0.0, "momentum": 0.7},
        coupled={"lr": 0.01, "centered": True, "momentum": 0.5},
        state_size=(({}, 1, 0), ({"centered": True, "momentum": 0.5}, 3, 0))),
    Row("adam",
        settings=({"lr": 0.1, "amsgrad": True},
                  {"lr": 0.1, "weight_decay": 0.1, "decoupled_weight_decay": True,
                   "maximize": True}),
        sweeps={"lr": (0.01, 0.3), "betas": BETAS, "eps": (1e-8, 1e-3, 1.0),
                "weight_decay": DECAYS},
        sweep_options=({}, {"amsgrad": True}, {"decoupled_weight_decay": True},
                       {"maximize": True}),
        scale_free={"eps": 0.0, "amsgrad": True, "betas": (0.5, 0.9)},
        coupled={"lr": 0.1, "amsgrad": True},
        decoupled={"decoupled_weight_decay": True},
        state_size=(({}, 2, 0), ({"amsgrad": True}, 3, 0))),
    Row("adamw",
        settings=({"lr": 0.1}, {"lr": 0.1, "amsgrad": True, "maximize": True}),
        sweeps={"lr": (0.01, 0.05), "betas": BETAS, "eps": EPSILONS, "weight_decay": DECAYS},
        sweep_options=({}, {"amsgrad": True}, {"maximize": True}),
        scale_free={"eps": 0.0, "weight_decay": 0.0},
        decoupled={"amsgrad": True},
        state_size=(({}, 2, 0),)),
    Row("nadam",
        settings=({"lr": 0.1, "weight_decay": 0.1, "decoupled_weight_decay": True},
                  {"lr": 0.1, "maximize": True}),
        sweeps={"lr": (0.01, 0.2), "betas": BETAS, "eps": (1e-8, 0.1),
                "weight_decay": (0.0, 0.2), "momentum_decay": (0.0, 0.004, 0.1)},
        sweep_options=({}, {"decoupled_weight_decay": True}, {"maximize": True}),
        scale_free={"eps": 0.0, "momentum_decay": 0.1},
        coupled={"lr": 0.1},
        decoupled={"decoupled_weight_decay": True},
        # optimlab keeps NAdam's product of momentum factors per coordinate (batched runs may
        # differ); torch keeps one number, counted here.
        state_size=(({}, 2, 1),)),
    Row("radam",
        settings=({"lr": 0.1, "weight_decay": 0.1},
                  {"lr": 0.1, "decoupled_weight_decay": True, "maximize": True}),
        # beta2 0.5 is never rectified, 0.9 from step 3 on, 0.999 from step 6 on.
        sweeps={"lr": (0.005, 0.05), "betas": ((0.0, 0.5), (0.9, 0.9), (0.9, 0.999)),
                "eps": (1e-8, 0.1), "weight_decay": (0.0, 0.2)},
        sweep_options=({}, {"decoupled_weight_decay": True}, {"maximize": True}),
        coupled={"lr": 0.1},
        decoupled={"decoupled_weight_decay": True},
        state_size=(({}, 2, 0),)),
    Row("adamax",
        settings=({"lr": 0.1, "weight_decay": 0.1}, {"lr": 0.1, "maximize": True}),
        sweeps={"lr": (0.01, 0.2), "betas": ((0.0, 0.5), (0.9, 0.999), (0.5, 0.5)),
                "eps": (1e-8, 0.5), "weight_decay": (0.0, 0.2)},
        sweep_options=({}, {"maximize": True}),
        scale_free={"eps": 0.0, "betas": (0.5, 0.9)},
        coupled={"lr": 0.1},
        state_size=(({}, 2, 0),)),
    Row("adafactor",
        settings=({"lr": 0.1, "weight_decay": 0.1}, {"lr": 0.1, "maximize": True}),
        # Adafactor's step is relative to the RMS of each run's own parameters, so these also
        # check that a batch's rows are separate vectors, not one matrix.
        sweeps={"lr": (0.01, 0.1, 0.5, 2.0), "beta2_decay": (-0.8, -0.5, -0.3, 0.0),
                "eps": ((None, 1e-3), (1e-3, 1e-3), (None, 10.0)), "d": (1.0, 3.0),
                "weight_decay": (0.0, 0.2)},
        sweep_options=({}, {"maximize": True}),
        scale_free={"eps": (0.0, 1e-3), "weight_decay": 0.1}),
    Row("lion",
        settings=({"lr": 0.1, "weight_decay": 0.1},),
        sweeps={"lr": (0.001, 0.02), "betas": ((0.0, 0.9), (0.9, 0.99), (0.9, 0.9)),
                "weight_decay": (0.0, 1.0)},
        scale_free={},
        decoupled={},
        state_size=(({}, 1, 0),)),
    Row("adopt",
        # ADOPT's first step leaves x where it is: the interface test checks step 2.
        settings=({"lr": 0.1, "weight_decay": 0.1},
                  {"lr": 0.1, "weight_decay": 0.1, "decouple": True, "maximize": True}),
        sweeps={"lr": (0.01, 0.2), "betas": ((0.0, 0.5), (0.9, 0.9999), (0.5, 0.9)),
                "eps": (1e-6, 0.5), "weight_decay": (0.0, 0.3)},
        sweep_options=({}, {"decouple": True}, {"maximize": True}),
        scale_free={"eps": 0.0, "betas": (0.5, 0.9)},
        coupled={"lr": 0.1, "betas": (0.5, 0.9)},
        state_size=(({}, 2, 0),)),
    Row("schedule_free_adamw",
        # Its decay acts on z, at y: tests/optimizers/test_schedule_free.py checks it.
        settings=({"lr": 0.1, "warmup_steps": 3, "weight_decay": 0.1},
                  {"lr": 0.1, "weight_decay": 0.1, "decay_at_z": True, "r": 1.0}),
        sweeps={"lr": (0.01, 0.1, 0.5), "betas": BETAS, "eps": EPSILONS, "weight_decay": DECAYS,
                "warmup_steps": (0, 5, 20), "r": (0.0, 1.0, 2.0),
                "weight_lr_power": (0.0, 1.0, 2.0)},
        sweep_options=({}, {"warmup_steps": 10}, {"decay_at_z": True, "weight_decay": 0.2}),
        scale_free={"eps": 0.0},
        # z, x and v, and two numbers of the whole tensor: the largest rate and the weights' sum
        state_size=(({}, 3, 2),),
        explorer=False),
    Row("ademamix",
        settings=({"lr": 0.1, "t_alpha_beta3": 10.0, "weight_decay": 0.1},
                  {"lr": 0.1, "weight_decay": 0.1, "weight_decouple": True, "fixed_decay": True,
                   "maximize": True}),
        sweeps={"lr": (0.01, 0.2), "betas": ((0.9, 0.999, 0.9999), (0.0, 0.9, 0.99),
                                             (0.5, 0.99, 1.0)),
                "weight_decay": DECAYS, "alpha": (0.0, 2.0, 8.0), "t_alpha_beta3": (5.0, 50.0),
                "eps": EPSILONS},
        sweep_options=({}, {"t_alpha_beta3": 20.0}, {"weight_decouple": True},
                       {"weight_decouple": True, "fixed_decay": True}, {"maximize": True}),
        scale_free={"eps": 0.0},
        coupled={"lr": 0.1},
        decoupled={"weight_decouple": True},
        state_size=(({}, 3, 0),),
        explorer=False),
    Row("muon",
        settings=({"lr": 0.1, "weight_decay": 0.1},
                  {"lr": 0.1, "nesterov": False, "adjust_lr_fn": "match_rms_adamw"}),
        sweeps={"lr": (0.01, 0.1), "weight_decay": (0.0, 0.1, 0.5), "momentum": (0.0, 0.5, 0.95),
                "ns_coefficients": ((3.4445, -4.775, 2.0315), (2.0, -1.5, 0.5), (1.5, -0.5, 0.0)),
                "eps": (1e-7, 0.5, 10.0), "ns_steps": (0, 1, 5)},
        sweep_options=({}, {"nesterov": False}, {"adjust_lr_fn": "match_rms_adamw"}),
        scale_free={"eps": 0.0},
        decoupled={},
        explorer=False),
]
BY_NAME = {row.name: row for row in ROWS}


def ids(rows) -> list[str]:
    return [row.name for row in rows]


def bad_values(check: dict):
    """``(value, message key)`` pairs that a check, as the catalogue describes it, refuses."""
    kind = check["kind"]
    if kind == "number":
        yield "x", "type"
        yield True, "type"
        yield math.nan, "range"
        low, high = check["low"], check["high"]
        if low is not None:
            yield (low if not check["low_inclusive"] else low - 0.5), "range"
        if high is not None:
            yield (high if not check["high_inclusive"] else high + 0.5), "range"
        else:
            yield math.inf, "range"
    elif kind == "integer":
        yield check["low"] - 1, "range"
        yield 2.5, "range"
        if check["high"] is not None:
            yield check["high"] + 1, "range"
    elif kind == "choice":
        yield "something else", "type"
        yield 1, "type"
    elif kind == "flag":
        yield 1, "type"
        yield "yes", "type"
    elif kind == "tuple":
        yield [0.5] * (check["length"] + 1), "type"
        yield "ab", "type"
    elif kind == "optional":
        yield from bad_values(check["check"])
