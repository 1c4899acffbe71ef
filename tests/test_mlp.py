"""Tests for optimlab.mlp: the gradient against finite differences, shapes, training, checks."""

import numpy as np
import pytest

import optimlab as ol
from optimlab.mlp import MLP, MinibatchGradient, two_spirals


def central_differences(model, params, X, y, h=1e-6):
    grad = np.empty_like(params)
    for i in range(params.size):
        step = np.zeros_like(params)
        step[i] = h
        grad[i] = (model.loss(params + step, X, y) - model.loss(params - step, X, y)) / (2 * h)
    return grad


@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gradient_matches_central_differences(activation, seed):
    rng = np.random.default_rng(seed)
    model = MLP(sizes=(2, 5, 4, 1), activation=activation)
    params = model.init_params(seed=seed) + 0.3 * rng.standard_normal(model.n_params)
    X = rng.normal(size=(9, 2))
    y = rng.integers(0, 2, size=9).astype(float)
    loss, grad = model.loss_and_grad(params, X, y)
    numeric = central_differences(model, params, X, y)
    assert loss == pytest.approx(model.loss(params, X, y), rel=1e-12)
    assert np.linalg.norm(grad - numeric) / np.linalg.norm(numeric) < 1e-6


def test_gradient_with_soft_labels_and_three_hidden_layers():
    rng = np.random.default_rng(7)
    model = MLP(sizes=(3, 4, 4, 3, 1))
    params = model.init_params(seed=7)
    X = rng.normal(size=(6, 3))
    y = rng.uniform(size=6)
    _, grad = model.loss_and_grad(params, X, y)
    numeric = central_differences(model, params, X, y)
    assert np.linalg.norm(grad - numeric) / np.linalg.norm(numeric) < 1e-6


def test_shapes_and_parameter_count():
    model = MLP(sizes=(2, 32, 32, 1))
    params = model.init_params(seed=0)
    assert model.n_params == 2 * 32 + 32 + 32 * 32 + 32 + 32 + 1
    assert params.shape == (model.n_params,) and params.dtype == np.float64
    layers = model.unflatten(params)
    assert [w.shape for w, _ in layers] == [(2, 32), (32, 32), (32, 1)]
    assert [b.shape for _, b in layers] == [(32,), (32,), (1,)]
    X = np.zeros((5, 2))
    assert model.logits(params, X).shape == (5,)
    assert model.predict_proba(params, X).shape == (5,)
    loss, grad = model.loss_and_grad(params, X, np.ones(5))
    assert isinstance(loss, float) and grad.shape == params.shape


def test_unflatten_returns_views_in_layer_order():
    model = MLP(sizes=(2, 3, 1))
    params = np.arange(model.n_params, dtype=float)
    (w1, b1), (w2, b2) = model.unflatten(params)
    assert w1.ravel().tolist() == [0, 1, 2, 3, 4, 5]
    assert b1.tolist() == [6, 7, 8]
    assert w2.ravel().tolist() == [9, 10, 11]
    assert b2.tolist() == [12]


def test_loss_is_stable_for_huge_logits():
    model = MLP(sizes=(1, 1))
    X = np.array([[1.0], [1.0]])
    y = np.array([1.0, 0.0])
    loss, grad = model.loss_and_grad(np.array([1000.0, 0.0]), X, y)
    # The correct example costs ~0, the wrong one ~1000 (= its logit); halved by the mean.
    assert np.isfinite(loss) and loss == pytest.approx(500.0)
    assert np.all(np.isfinite(grad))
    proba = model.predict_proba(np.array([1000.0, 0.0]), np.array([[1.0], [-1.0]]))
    assert proba.tolist() == [1.0, 0.0]


def test_loss_matches_the_cross_entropy_definition():
    rng = np.random.default_rng(3)
    model = MLP(sizes=(2, 4, 1))
    params = model.init_params(seed=3)
    X = rng.normal(size=(10, 2))
    y = rng.integers(0, 2, size=10).astype(float)
    p = model.predict_proba(params, X)
    expected = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert model.loss(params, X, y) == pytest.approx(expected, rel=1e-12)


def test_a_few_adam_steps_decrease_the_loss_on_an_easy_problem():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    y = (X[:, 0] + X[:, 1] > 0).astype(float)
    model = MLP(sizes=(2, 8, 1))
    params = model.init_params(seed=0)
    grad = lambda p: model.loss_and_grad(p, X, y)[1]  # noqa: E731
    xs = ol.run(ol.adam(lr=0.05), grad, params, 50)
    losses = [model.loss(x, X, y) for x in xs[::10]]
    assert all(b < a for a, b in zip(losses, losses[1:]))
    assert losses[-1] < 0.5 * losses[0]
    accuracy = np.mean((model.predict_proba(xs[-1], X) > 0.5) == y)
    assert accuracy > 0.95


def test_minibatch_gradient_is_reproducible_and_records_losses():
    X, y = two_spirals(100, seed=1)
    model = MLP(sizes=(2, 6, 1))
    params = model.init_params(seed=1)
    first = MinibatchGradient(model, X, y, batch_size=10, seed=4)
    second = MinibatchGradient(model, X, y, batch_size=10, seed=4)
    other = MinibatchGradient(model, X, y, batch_size=10, seed=5)
    a, b, c = first(params), second(params), other(params)
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    assert len(first.losses) == 1
    full = MinibatchGradient(model, X, y, batch_size=100, seed=0)
    assert np.allclose(full(params), model.loss_and_grad(params, X, y)[1])
    assert full.losses[0] == pytest.approx(model.loss(params, X, y))


def test_two_spirals_is_reproducible_and_balanced():
    X1, y1 = two_spirals(301, noise=0.1, seed=3)
    X2, y2 = two_spirals(301, noise=0.1, seed=3)
    X3, _ = two_spirals(301, noise=0.1, seed=4)
    assert np.array_equal(X1, X2) and np.array_equal(y1, y2)
    assert not np.array_equal(X1, X3)
    assert X1.shape == (301, 2) and y1.shape == (301,)
    assert y1.sum() == 150 and set(np.unique(y1)) == {0.0, 1.0}


def test_two_spirals_classes_are_mirror_images_without_noise():
    X, y = two_spirals(400, noise=0.0, seed=0)
    assert np.all(np.linalg.norm(X, axis=1) <= 1 + 1e-12)
    # Every point of class 1 is the reflection through the origin of a point on class 0's arm:
    # its angle and radius satisfy theta = 3 pi r after reflection.
    reflected = -X[y == 1]
    radius = np.linalg.norm(reflected, axis=1)
    theta = 3 * np.pi * radius
    assert np.allclose(reflected, radius[:, None] * np.stack([np.cos(theta), np.sin(theta)], 1))
    radius0 = np.linalg.norm(X[y == 0], axis=1)
    theta0 = 3 * np.pi * radius0
    assert np.allclose(X[y == 0], radius0[:, None] * np.stack([np.cos(theta0), np.sin(theta0)], 1))


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"sizes": (2,)}, "sizes"),
        ({"sizes": (2, 0, 1)}, "sizes"),
        ({"sizes": (2, 3, 2)}, "sizes"),
        ({"sizes": (2, 3.5, 1)}, "sizes"),
        ({"sizes": 5}, "sizes"),
        ({"activation": "sigmoid"}, "activation"),
    ],
)
def test_bad_architecture_is_rejected(kwargs, name):
    with pytest.raises(ValueError, match=name):
        MLP(**kwargs)


def test_bad_inputs_are_rejected_with_the_parameter_named():
    model = MLP(sizes=(2, 3, 1))
    params = model.init_params()
    X, y = np.zeros((4, 2)), np.zeros(4)
    with pytest.raises(ValueError, match=r"params.*\(13,\).*\(12,\)"):
        model.loss(params[:-1], X, y)
    with pytest.raises(ValueError, match=r"X must have shape \(n, 2\)"):
        model.loss(params, np.zeros((4, 3)), y)
    with pytest.raises(ValueError, match="X must have shape"):
        model.predict_proba(params, np.zeros(2))
    with pytest.raises(ValueError, match=r"y must have shape \(4,\)"):
        model.loss_and_grad(params, X, np.zeros(3))
    with pytest.raises(ValueError, match=r"y must hold labels in \[0, 1\]"):
        model.loss(params, X, np.array([0.0, 1.0, 2.0, 0.0]))
    with pytest.raises(ValueError, match="batch_size"):
        MinibatchGradient(model, X, y, batch_size=5)
    with pytest.raises(ValueError, match="model"):
        MinibatchGradient("net", X, y, batch_size=2)
    with pytest.raises(ValueError, match="n must be"):
        two_spirals(1)
    with pytest.raises(ValueError, match="noise"):
        two_spirals(10, noise=-0.1)


def test_a_matrix_of_parameter_vectors_gives_each_run_its_own_loss_and_gradient():
    rng = np.random.default_rng(5)
    model = MLP(sizes=(2, 5, 4, 1))
    runs = np.stack([model.init_params(seed=s) for s in range(3)])
    X = rng.normal(size=(7, 2))
    y = rng.integers(0, 2, size=7).astype(float)
    losses = model.loss(runs, X, y)
    assert losses.shape == (3,) and model.logits(runs, X).shape == (3, 7)
    batches = rng.integers(0, 7, size=(3, 4))
    batch_losses, grads = model.backpropagate(model.unflatten(runs), X[batches], y[batches])
    assert grads.shape == runs.shape
    for k in range(3):
        assert losses[k] == pytest.approx(model.loss(runs[k], X, y), rel=1e-13)
        loss, grad = model.loss_and_grad(runs[k], X[batches[k]], y[batches[k]])
        assert batch_losses[k] == pytest.approx(loss, rel=1e-13)
        assert np.allclose(grads[k], grad, rtol=1e-12, atol=1e-15)


def test_minibatch_gradient_with_one_seed_per_run_matches_separate_runs():
    X, y = two_spirals(120, seed=2)
    model = MLP(sizes=(2, 6, 6, 1))
    seeds = [3, 4, 5]
    starts = np.stack([model.init_params(seed=s) for s in seeds])
    together = MinibatchGradient(model, X, y, batch_size=10, seed=seeds)
    grid = ol.run_grid([ol.adam(lr=0.05)] * 3, lambda offsets: together(starts + offsets),
                       np.zeros(model.n_params), 20)
    assert len(together.losses) == 20 and together.losses[0].shape == (3,)
    for k, seed in enumerate(seeds):
        alone = MinibatchGradient(model, X, y, batch_size=10, seed=seed)
        xs = ol.run(ol.adam(lr=0.05), alone, starts[k], 20)
        assert np.allclose(starts[k] + grid[:, k], xs, rtol=1e-9, atol=1e-12)
        assert np.allclose([losses[k] for losses in together.losses], alone.losses, rtol=1e-12)
    shared = MinibatchGradient(model, X, y, batch_size=10, seed=3)
    first = shared(starts)
    assert np.allclose(first[0], together.__class__(model, X, y, 10, seed=3)(starts[0]))


def test_minibatch_gradient_rejects_bad_seeds_and_mismatched_runs():
    X, y = two_spirals(40, seed=0)
    model = MLP(sizes=(2, 3, 1))
    for seed in ([], "a", [1.5, 2], [[1, 2]], None):
        with pytest.raises(ValueError, match="seed"):
            MinibatchGradient(model, X, y, batch_size=4, seed=seed)
    grads = MinibatchGradient(model, X, y, batch_size=4, seed=[0, 1])
    with pytest.raises(ValueError, match=r"params must have shape \(2, 13\)"):
        grads(model.init_params())
    with pytest.raises(ValueError, match="params"):
        model.loss(np.zeros((2, 3, model.n_params)), X, y)
