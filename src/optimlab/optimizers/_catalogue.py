"""The catalogue: every optimizer's hyperparameters (name, default, check, messages) and the
checks between them, read from the declarations in each optimizer's module, as JSON; and
:func:`from_options`, which makes an optimizer from such JSON options.

The explorer receives the catalogue at build time (``window.optimlab.catalogue``) and keeps no
default, range or message of its own; the fixture generators and the reference tests make their
optimizers with :func:`from_options`. The shape, for one optimizer::

    {"class": "Adam", "reference": "torch.optim.Adam (torch 2.13)", "elementwise": true,
     "hyperparameters": [{"name": "lr", "default": 0.001, "required": false,
                          "check": {"kind": "number", "low": 0.0, "high": null, ...,
                                    "messages": {"type": "...", "range": "..."}}}, ...],
     "constraints": [{"if": [[name, op, value]], "require": [[name, op, value]],
                      "message": "..."}],
     "messages": {"unknown": "{value} is not a parameter of adam (lr, betas, ...)"}}

Check kinds: ``number`` (low/high, null for no bound, with low_inclusive/high_inclusive;
``schedule``: a schedule ``{"schedule": name, ...}`` is accepted too), ``integer`` (>= low),
``flag``, ``tuple`` (``length`` entries, each a check with its ``name``), ``optional`` (null
stands for ``none_means``, else ``check``) and ``choice`` (one of ``choices``). A message is
fully written out except ``{value}``, the value received (Python writes its repr, the
JavaScript its JSON); a constraint's message has ``{name}`` fields for the values received,
and the message a required hyperparameter gets when it is missing is its ``messages.missing``.
"""

from __future__ import annotations

from .. import _checks, schedules
from . import _base

CONSTRAINT_SHAPE = (
    'each constraint: {"if": [[name, op, value], ...], "require": [[name, op, value or '
    '{"param": name}], ...], "message": "... {momentum} ... {dampening}"}; ops: ==, !=, <, <=, '
    '>, >=; the message\'s {name} fields are filled with the received values')


def optimizers() -> dict[str, type]:
    """Every optimizer's class by the name of its function (``"adam": Adam``), in the order of
    ``optimlab.optimizers.__all__``."""
    from .. import optimizers as package  # noqa: PLC0415 (the package imports this module)

    found = {}
    for name in package.__all__:
        made = getattr(getattr(package, name), "made", None)
        if isinstance(made, type) and issubclass(made, _base.Optimizer):
            found[name] = made
    return found


def unknown_optimizer() -> str:
    return f"optimizer {{value}} is not one of {', '.join(optimizers())}"


def describe(name: str, cls: type) -> dict:
    """One optimizer's entry of the catalogue."""
    described = cls.describe(name)
    return {"class": described["class"], "reference": cls.reference,
            "elementwise": cls.elementwise, "hyperparameters": described["parameters"],
            "constraints": described["constraints"], "messages": described["messages"]}


def catalogue() -> dict:
    """Every optimizer and schedule the package has, with each hyperparameter's default and
    check and the checks between them, as JSON-ready data (see the module's docstring).

    Example:
        >>> from optimlab.optimizers import catalogue
        >>> adam = catalogue()["optimizers"]["adam"]
        >>> [(h["name"], h["default"]) for h in adam["hyperparameters"]][:3]
        [('lr', 0.001), ('betas', [0.9, 0.999]), ('eps', 1e-08)]
        >>> adam["hyperparameters"][1]["check"]["entries"][0]["messages"]["range"]
        'betas[0] must be in [0, 1); got {value}'
    """
    return {
        "optimizers": {name: describe(name, cls) for name, cls in optimizers().items()},
        "schedules": schedules.catalogue(),
        "constraint_shape": CONSTRAINT_SHAPE,
        "messages": {"unknown_optimizer": unknown_optimizer(),
                     "unknown_schedule": schedules.UNKNOWN,
                     "schedule_returned": _base.SCHEDULE_RETURNED},
    }


def from_options(name: str, options: dict | None = None) -> _base.Optimizer:
    """The optimizer ``name`` (its function's name, ``"adam"``) with JSON ``options``: a list
    becomes a tuple where the hyperparameter is a pair, ``{"schedule": kind, ...}`` the
    schedule, None stays None. A ValueError names an unknown optimizer or hyperparameter, a
    missing required one, or a bad value, with the catalogue's message.

    Example:
        >>> from optimlab.optimizers import from_options
        >>> from_options("adam", {"lr": 0.2, "betas": [0.8, 0.99]}).betas
        (0.8, 0.99)
        >>> from_options("adamm", {})  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: optimizer 'adamm' is not one of sgd, ewma_momentum, adagrad, rmsprop, ...
    """
    known = optimizers()
    if not isinstance(name, str) or name not in known:
        raise ValueError(_checks.fill(unknown_optimizer(), name))
    return known[name].from_json({} if options is None else options, name)
