"""Optimizers with the semantics, names and defaults of ``torch.optim``.

One module per rule family, as in ``torch/optim``: :mod:`.sgd`, :mod:`.ewma_momentum` (optimlab's
own, not in torch), :mod:`.adagrad`, :mod:`.rmsprop`, :mod:`.adam` (Adam and AdamW),
and Adam's family: :mod:`.nadam`, :mod:`.radam`, :mod:`.adamax`, :mod:`.lion` (from
lion-pytorch, as torch has no Lion), :mod:`.adafactor` (torch's Adafactor) and :mod:`.adopt`
(ADOPT, as its authors' ``torch-adopt``); and three of 2024-25: :mod:`.schedule_free`
(Schedule-Free AdamW, as the ``schedulefree`` package's reference implementation),
:mod:`.ademamix` (AdEMAMix, as ``pytorch-optimizer``'s) and :mod:`.muon` (torch's Muon, for
matrices).

Every optimizer is a small frozen dataclass of hyperparameters (``Adam``), made by the class or
by its lowercase function (``adam``) with the same arguments; the hyperparameters are checked
whenever one is made, also by :func:`dataclasses.replace`. :func:`catalogue` describes every
optimizer's hyperparameters (defaults, checks, messages) as JSON, read from those declarations,
and :func:`from_options` makes an optimizer from JSON options. Two methods:

* ``init(x)`` returns the initial :class:`State` for parameters ``x``;
* ``step(x, g, state)`` takes the parameters, the gradient at them and the state, and returns
  the new parameters and the new state. Nothing is modified in place.

The step counter ``t`` counts from 1: the first call to ``step`` performs step ``t = 1``.
``lr`` is a float or a schedule, a callable of ``t`` returning the learning rate
(see :mod:`optimlab.schedules`).

Example:
    >>> import dataclasses
    >>> import numpy as np
    >>> from optimlab import adam
    >>> opt = adam(lr=0.1)
    >>> x = np.array([1.0, -2.0])
    >>> state = opt.init(x)
    >>> x, state = opt.step(x, np.array([3.0, -0.5]), state)
    >>> x.round(6).tolist(), state.t
    ([0.9, -1.9], 1)
    >>> dataclasses.replace(opt, betas=(2.0, 0.5))
    Traceback (most recent call last):
    ...
    ValueError: betas[0] must be in [0, 1); got 2.0
"""

from ._base import LearningRate, Optimizer, State
from ._catalogue import catalogue, from_options
from .adafactor import Adafactor, adafactor
from .adagrad import Adagrad, adagrad
from .adam import Adam, AdamW, adam, adamw
from .adamax import Adamax, adamax
from .ademamix import AdEMAMix, ademamix
from .adopt import ADOPT, adopt
from .ewma_momentum import EWMAMomentum, ewma_momentum
from .lion import Lion, lion
from .muon import Muon, muon
from .nadam import NAdam, nadam
from .radam import RAdam, radam
from .rmsprop import RMSprop, rmsprop
from .schedule_free import ScheduleFreeAdamW, schedule_free_adamw
from .sgd import SGD, sgd

__all__ = [
    "LearningRate",
    "State",
    "Optimizer",
    "SGD",
    "EWMAMomentum",
    "Adagrad",
    "RMSprop",
    "Adam",
    "AdamW",
    "NAdam",
    "RAdam",
    "Adamax",
    "Adafactor",
    "Lion",
    "ADOPT",
    "ScheduleFreeAdamW",
    "AdEMAMix",
    "Muon",
    "sgd",
    "ewma_momentum",
    "adagrad",
    "rmsprop",
    "adam",
    "adamw",
    "nadam",
    "radam",
    "adamax",
    "adafactor",
    "lion",
    "adopt",
    "schedule_free_adamw",
    "ademamix",
    "muon",
]
# catalogue and from_options are public too, but __all__ lists the optimizers alone (with their
# State and interface): pages and tests iterate its lowercase names as the optimizers' functions.
