"""optimlab: optimizers from gradient descent to Adam, with PyTorch's semantics.

The package behind the executable book on Adam: optimizers (:mod:`optimlab.optimizers`,
with ``torch.optim``'s names, defaults and update rules, except ``ewma_momentum``, which
torch does not have), learning-rate schedules (:mod:`optimlab.schedules`), test functions
(:mod:`optimlab.functions`), running them (:func:`run`, :func:`trace`, :func:`replay`,
:func:`run_grid`), gradient clipping, and figures and animations of trajectories
(:mod:`optimlab.plotting`).

Example:
    >>> import optimlab as ol
    >>> q = ol.functions.ill_conditioned_quadratic
    >>> xs = ol.run(ol.adam(lr=0.2), q.grad, [9, -3], 100)
    >>> xs.shape
    (101, 2)
"""

from . import functions, mlp, schedules
from .clipping import clip_by_global_norm, clip_by_value
from .memory import state_size
from .loop import DivergenceWarning, Trace, replay, run, run_grid, trace
from .plotting import Animation, animate, animate_figure, plot_loss, plot_paths, plot_surface
from . import optimizers
from .optimizers import *  # noqa: F403  (every optimizer's class and function, State, Optimizer)

__version__ = "0.1.0"

__all__ = [
    "functions",
    "optimizers",
    "mlp",
    "schedules",
    "run",
    "run_grid",
    "trace",
    "replay",
    "Trace",
    "DivergenceWarning",
    "clip_by_global_norm",
    "clip_by_value",
    "state_size",
    *(name for name in optimizers.__all__ if name != "LearningRate"),
    "animate",
    "animate_figure",
    "Animation",
    "plot_surface",
    "plot_paths",
    "plot_loss",
]
