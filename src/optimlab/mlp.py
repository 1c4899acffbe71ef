r"""A small multilayer perceptron in numpy, with its parameters in one flat vector.

The network is a binary classifier: hidden layers with a tanh or ReLU activation and one output
unit whose logistic sigmoid is the predicted probability of class 1. All its weights and biases
live in a single float64 vector, so every optimizer in :mod:`optimlab.optimizers` (and
:func:`optimlab.run`) trains it unchanged: the optimizer sees a vector and its gradient, exactly
as on the two-dimensional test functions.

For layer sizes :math:`(n_0, n_1, \dots, n_L)` with :math:`n_L = 1` and inputs :math:`X` (one
example per row), the forward pass is

.. math::

    h_0 = X, \qquad a_l = h_{l-1} W_l + b_l, \qquad h_l = \sigma(a_l) \quad (l < L), \qquad
    z = a_L,

and the loss is the mean binary cross-entropy of the labels :math:`y \in [0, 1]` given the
logits :math:`z`, written so that it never overflows:

.. math::

    \ell(z, y) = -y \log s(z) - (1 - y) \log(1 - s(z)) = \log(1 + e^{z}) - y z,
    \qquad s(z) = \frac{1}{1 + e^{-z}}.

Example:
    >>> from optimlab.mlp import MLP, two_spirals
    >>> X, y = two_spirals(200, noise=0.05, seed=0)
    >>> model = MLP(sizes=(2, 16, 16, 1))
    >>> params = model.init_params(seed=0)
    >>> params.shape
    (337,)
    >>> loss, grad = model.loss_and_grad(params, X, y)
    >>> grad.shape == params.shape
    True
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import _checks

__all__ = ["MLP", "MinibatchGradient", "two_spirals"]

_ACTIVATIONS = ("tanh", "relu")


def _log_sigmoid(z: np.ndarray) -> np.ndarray:
    """log s(z) = -log(1 + e^{-z}), finite for every finite z."""
    return -np.logaddexp(0.0, -z)


def _mean_loss(z: np.ndarray, y: np.ndarray):
    """The mean cross-entropy over the last axis: a float, or one per run."""
    loss = np.mean(np.logaddexp(0.0, z) - y * z, axis=-1)
    return float(loss) if loss.ndim == 0 else loss


def _transposed(a: np.ndarray) -> np.ndarray:
    """The matrix transpose of ``a``, or of each matrix in a stack of them."""
    return np.swapaxes(a, -1, -2)


@dataclass(frozen=True)
class MLP:
    r"""A fully connected binary classifier whose parameters form one flat vector.

    The parameter vector holds, layer after layer, the weight matrix :math:`W_l` (shape
    ``(n_{l-1}, n_l)``, row-major) followed by the bias :math:`b_l` (shape ``(n_l,)``).

    Args:
        sizes: the layer widths :math:`(n_0, \dots, n_L)`, from the input dimension to the
            single output unit; default ``(2, 32, 32, 1)``. At least two entries, all positive
            integers, and the last must be 1.
        activation: ``"tanh"`` (default) or ``"relu"``, for the hidden layers.

    Example:
        >>> model = MLP(sizes=(2, 3, 1))
        >>> model.n_params  # 2*3 + 3 + 3*1 + 1
        13
        >>> model.predict_proba(model.init_params(seed=1), [[0.0, 0.0]]).shape
        (1,)
    """

    sizes: tuple[int, ...] = (2, 32, 32, 1)
    activation: str = "tanh"

    def __post_init__(self):
        try:
            sizes = tuple(self.sizes)
        except TypeError:
            raise ValueError(f"sizes must be a sequence of layer widths; got {self.sizes!r}") from None
        if len(sizes) < 2 or any(
            not _checks.is_integer(n) or n < 1 for n in sizes
        ):
            raise ValueError(
                f"sizes must hold at least two positive integers; got {self.sizes!r}")
        if sizes[-1] != 1:
            raise ValueError(
                f"sizes must end with 1 (one output unit, a binary classifier); got {self.sizes!r}")
        if self.activation not in _ACTIVATIONS:
            raise ValueError(
                f"activation must be one of {_ACTIVATIONS}; got {self.activation!r}")
        object.__setattr__(self, "sizes", tuple(int(n) for n in sizes))

    @property
    def n_params(self) -> int:
        """The length of the parameter vector."""
        return sum(a * b + b for a, b in zip(self.sizes[:-1], self.sizes[1:]))

    def init_params(self, seed: int = 0) -> np.ndarray:
        r"""A random starting vector: normal weights scaled by fan-in, zero biases.

        :math:`W_l` has entries drawn from :math:`\mathcal N(0, g^2 / n_{l-1})` with gain
        :math:`g = 1` for tanh and :math:`g = \sqrt 2` for ReLU (LeCun and He initialisation),
        which keeps the pre-activations of order one at the start.

        Example:
            >>> model = MLP(sizes=(2, 4, 1))
            >>> a, b = model.init_params(seed=3), model.init_params(seed=3)
            >>> bool((a == b).all()), a.dtype.name
            (True, 'float64')
        """
        rng = np.random.default_rng(seed)
        gain = 1.0 if self.activation == "tanh" else math.sqrt(2.0)
        pieces = []
        for fan_in, fan_out in zip(self.sizes[:-1], self.sizes[1:]):
            pieces.append(rng.normal(0.0, gain / math.sqrt(fan_in), size=fan_in * fan_out))
            pieces.append(np.zeros(fan_out))
        return np.concatenate(pieces)

    def unflatten(self, params) -> list[tuple[np.ndarray, np.ndarray]]:
        """Split the flat vector into ``[(W_1, b_1), ..., (W_L, b_L)]`` (views, no copies).

        A matrix of parameter vectors, one run per row (shape ``(runs, n_params)``, as
        :func:`optimlab.run_grid` passes them), gives each ``W_l`` and ``b_l`` a leading axis
        of runs; every method of the network then computes all the runs at once.
        """
        params = self._check_params(params)
        runs = params.shape[:-1]
        layers, start = [], 0
        for fan_in, fan_out in zip(self.sizes[:-1], self.sizes[1:]):
            weights = params[..., start:start + fan_in * fan_out].reshape(*runs, fan_in, fan_out)
            start += fan_in * fan_out
            layers.append((weights, params[..., start:start + fan_out]))
            start += fan_out
        return layers

    def logits(self, params, X) -> np.ndarray:
        """The output before the sigmoid, :math:`z`, one per row of ``X``: shape ``(n,)``
        (``(runs, n)`` for a matrix of parameter vectors)."""
        return self._forward(self.unflatten(params), self._check_inputs(X))[-1]

    def predict_proba(self, params, X) -> np.ndarray:
        r"""The predicted probability of class 1, :math:`s(z)`, one per row of ``X``.

        Example:
            >>> model = MLP(sizes=(2, 1))  # logistic regression
            >>> model.predict_proba(np.array([0.0, 0.0, 0.0]), [[1.0, 2.0]]).tolist()
            [0.5]
        """
        return np.exp(_log_sigmoid(self.logits(params, X)))

    def loss(self, params, X, y) -> float:
        r"""The mean binary cross-entropy :math:`\frac1n \sum_i \log(1 + e^{z_i}) - y_i z_i`.

        For a matrix of parameter vectors (one run per row), an array of one loss per run.

        Example:
            >>> model = MLP(sizes=(2, 1))
            >>> round(model.loss(np.zeros(3), [[1.0, 2.0], [3.0, 4.0]], [0, 1]), 6)  # log 2
            0.693147
        """
        X = self._check_inputs(X)
        y = self._check_labels(y, X.shape[0])
        z = self._forward(self.unflatten(params), X)[-1]
        return _mean_loss(z, y)

    def loss_and_grad(self, params, X, y) -> tuple[float, np.ndarray]:
        r"""The loss and its gradient with respect to the parameter vector (backpropagation).

        With :math:`\delta_L = (s(z) - y) / n` (the derivative of the mean loss with respect to
        the logits), each layer, from the last to the first, contributes

        .. math::

            \frac{\partial \ell}{\partial W_l} = h_{l-1}^\top \delta_l, \qquad
            \frac{\partial \ell}{\partial b_l} = \mathbf 1^\top \delta_l, \qquad
            \delta_{l-1} = (\delta_l W_l^\top) \odot \sigma'(a_{l-1}),

        with :math:`\sigma'(a) = 1 - \tanh^2 a` for tanh and :math:`[a > 0]` for ReLU.

        Returns:
            ``(loss, grad)``: a float and a float64 vector shaped like ``params``.

        Example:
            >>> model = MLP(sizes=(2, 1))
            >>> loss, grad = model.loss_and_grad(np.zeros(3), [[1.0, 2.0]], [1])
            >>> grad.tolist()  # (s(0) - 1) * (x1, x2, 1)
            [-0.5, -1.0, -0.5]
        """
        X = self._check_inputs(X)
        y = self._check_labels(y, X.shape[0])
        return self.backpropagate(self.unflatten(params), X, y)

    def backpropagate(self, layers, X, y) -> tuple[float, np.ndarray]:
        """The loss and its gradient by backpropagation, for ``layers`` as
        :meth:`unflatten` returns them and ``X``, ``y`` already checked (as
        :meth:`loss_and_grad` and the mini-batch gradient check them once). With a leading
        axis of runs on the layers (and on ``X`` and ``y``, one batch per run), one loss and
        one gradient per run."""
        hidden = self._forward(layers, X)
        z = hidden[-1]
        loss = _mean_loss(z, y)
        delta = ((np.exp(_log_sigmoid(z)) - y) / X.shape[-2])[..., None]
        runs = delta.shape[:-2]
        pieces = []
        for index in range(len(layers) - 1, -1, -1):
            weights, _ = layers[index]
            below = hidden[index]
            pieces.append(delta.sum(axis=-2))
            pieces.append((_transposed(below) @ delta).reshape(*runs, -1))
            if index > 0:
                delta = (delta @ _transposed(weights)) * self._derivative(below)
        return loss, np.concatenate(pieces[::-1], axis=-1)

    def _forward(self, layers, X) -> list[np.ndarray]:
        """[h_0, h_1, ..., h_{L-1}, z]: the input, each hidden output, and the logits (n,)."""
        outputs = [X]
        h = X
        for index, (weights, bias) in enumerate(layers):
            a = h @ weights + bias[..., None, :]
            if index < len(layers) - 1:
                h = np.tanh(a) if self.activation == "tanh" else np.maximum(a, 0.0)
            else:
                h = a[..., 0]
            outputs.append(h)
        return outputs

    def _derivative(self, h: np.ndarray) -> np.ndarray:
        # Both derivatives can be written with the layer's output h = σ(a), which is kept.
        return 1.0 - h * h if self.activation == "tanh" else (h > 0).astype(float)

    def _check_params(self, params) -> np.ndarray:
        params = np.asarray(params, dtype=np.float64)
        if params.ndim not in (1, 2) or params.shape[-1] != self.n_params:
            raise ValueError(
                f"params must be a vector of shape ({self.n_params},) for sizes {self.sizes}, "
                f"or a matrix of such rows (one per run); got shape {params.shape}")
        return params

    def _check_inputs(self, X) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.sizes[0] or X.shape[0] == 0:
            raise ValueError(
                f"X must have shape (n, {self.sizes[0]}) with n >= 1; got shape {X.shape}")
        return X

    @staticmethod
    def _check_labels(y, n: int) -> np.ndarray:
        y = np.asarray(y, dtype=np.float64)
        if y.shape != (n,):
            raise ValueError(f"y must have shape ({n},), one label per row of X; got shape {y.shape}")
        if np.any((y < 0) | (y > 1)) or not np.all(np.isfinite(y)):
            raise ValueError(f"y must hold labels in [0, 1]; got values from {y.min()} to {y.max()}")
        return y


class MinibatchGradient:
    """A gradient function for :func:`optimlab.run` that draws a fresh mini-batch at each call.

    Each call samples ``batch_size`` distinct rows of ``(X, y)`` with a generator seeded by
    ``seed``, so two objects built with the same arguments see the same sequence of batches (give
    every optimizer in a comparison its own fresh object). The loss of each batch, before the
    step, is appended to :attr:`losses`, the training curve of the run.

    Several runs at once (the matrix of parameter vectors that :func:`optimlab.run_grid` passes,
    one run per row) share one sequence of batches when ``seed`` is one integer; with a sequence
    of seeds, one per run, each run draws its own batches, exactly those a separate object with
    its seed would draw, and :attr:`losses` holds one array of losses per call.

    Args:
        model: the :class:`MLP`.
        X, y: the training inputs ``(n, d)`` and labels ``(n,)``.
        batch_size: rows per batch, an integer from 1 to ``n``.
        seed: the seed of the batch sampler, default 0; or a sequence of seeds, one per run.

    Example:
        >>> import optimlab as ol
        >>> from optimlab.mlp import MLP, MinibatchGradient, two_spirals
        >>> X, y = two_spirals(100, seed=0)
        >>> model = MLP(sizes=(2, 8, 1))
        >>> grad = MinibatchGradient(model, X, y, batch_size=16, seed=0)
        >>> xs = ol.run(ol.adam(lr=0.01), grad, model.init_params(seed=0), 5)
        >>> xs.shape, len(grad.losses)
        ((6, 33), 5)
        >>> grads = MinibatchGradient(model, X, y, batch_size=16, seed=[0, 1, 2])
        >>> grads(np.tile(model.init_params(seed=0), (3, 1))).shape
        (3, 33)
    """

    def __init__(self, model: MLP, X, y, batch_size: int, seed=0):
        if not isinstance(model, MLP):
            raise ValueError(f"model must be an MLP; got {model!r}")
        self.model = model
        self.X = model._check_inputs(X)
        self.y = model._check_labels(y, self.X.shape[0])
        n = self.X.shape[0]
        if not _checks.is_integer(batch_size) or not 1 <= batch_size <= n:
            raise ValueError(f"batch_size must be an integer from 1 to {n}; got {batch_size!r}")
        self.batch_size = int(batch_size)
        seeds = [seed] if _checks.is_integer(seed) else list(np.atleast_1d(seed))
        if not seeds or not all(_checks.is_integer(s) for s in seeds) or np.ndim(seed) > 1:
            raise ValueError(f"seed must be an integer or a sequence of integers (one per run); "
                             f"got {seed!r}")
        # None for one run; else the number of runs, one sampler each
        self.runs = None if _checks.is_integer(seed) else len(seeds)
        self._samplers = [np.random.default_rng(int(s)) for s in seeds]
        self.losses: list = []

    def __call__(self, params) -> np.ndarray:
        n = self.X.shape[0]
        rows = [rng.choice(n, size=self.batch_size, replace=False)
                for rng in self._samplers]
        layers = self.model.unflatten(params)
        if self.runs is None:
            rows = rows[0]   # one batch, for one run or shared by all
        elif np.shape(params) != (self.runs, self.model.n_params):
            raise ValueError(f"params must have shape ({self.runs}, {self.model.n_params}), "
                             f"one row per seed; got shape {np.shape(params)}")
        loss, grad = self.model.backpropagate(layers, self.X[rows],
                                              self.y[rows])
        self.losses.append(loss)
        return grad


def two_spirals(n: int = 600, noise: float = 0.05, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    r"""Two interleaved spirals, one per class: a data set no straight line can separate.

    Class 0 lies along :math:`r(\cos\theta, \sin\theta)` and class 1 along its mirror image
    :math:`-r(\cos\theta, \sin\theta)`, with :math:`\theta = 3\pi\sqrt u`, :math:`u` uniform on
    [0, 1] and :math:`r = \theta / 3\pi`: one and a half turns each, inside the unit disc, with
    the two arms a third of a unit apart along any ray. Gaussian noise of standard deviation
    ``noise`` is added to each coordinate, and the rows are shuffled.

    Args:
        n: the number of points, at least 2 (class 0 gets the extra one when n is odd).
        noise: the standard deviation of the noise, default 0.05; must be >= 0.
        seed: the seed of the generator, default 0.

    Returns:
        ``(X, y)``: float64 arrays of shapes ``(n, 2)`` and ``(n,)``, with labels 0.0 and 1.0.

    Example:
        >>> X, y = two_spirals(7, noise=0.0, seed=0)
        >>> X.shape, sorted(y.tolist())
        ((7, 2), [0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0])
        >>> bool((np.linalg.norm(X, axis=1) <= 1).all())
        True
    """
    n = _checks.integer("n", n, 2)
    noise_value = _checks.number("noise", noise)
    rng = np.random.default_rng(seed)
    theta = 3.0 * np.pi * np.sqrt(rng.uniform(size=n))
    radius = theta / (3.0 * np.pi)
    y = (np.arange(n) >= (n + 1) // 2).astype(float)
    sign = 1.0 - 2.0 * y
    X = (sign * radius)[:, None] * np.stack([np.cos(theta), np.sin(theta)], axis=1)
    X = X + noise_value * rng.standard_normal(X.shape)
    order = rng.permutation(n)
    return X[order], y[order]
