"""run_grid (in optimlab.loop): a batch of runs gives, row by row, what optimlab.run gives one run at a time."""

import warnings

import numpy as np
import pytest

import optimlab as ol
from optimlab.functions import himmelblau, ill_conditioned_quadratic, rosenbrock


def _one_at_a_time(optimizers, grad, x0, steps):
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", ol.DivergenceWarning)
        return [ol.run(opt, grad, x0, steps) for opt in optimizers]


@pytest.mark.parametrize(
    "optimizers",
    [
        [ol.adam(lr=lr, betas=(b1, b2)) for lr in (0.01, 0.3) for b1 in (0.0, 0.9)
         for b2 in (0.9, 0.999)],
        [ol.adamw(lr=0.05, weight_decay=wd) for wd in (0.0, 0.1, 1.0)],
        [ol.adam(lr=lr, weight_decay=0.1, amsgrad=True) for lr in (0.01, 0.2)],
        [ol.ewma_momentum(lr=lr, beta=b) for lr in (0.01, 0.1) for b in (0.5, 0.9, 0.99)],
        [ol.rmsprop(lr=lr, alpha=a) for lr in (0.01, 0.1) for a in (0.9, 0.99)],
        [ol.adagrad(lr=lr) for lr in (0.1, 0.5, 2.0)],
        [ol.sgd(lr=lr, momentum=0.9) for lr in (0.001, 0.01)],
        [ol.nadam(lr=lr, betas=(b1, 0.99)) for lr in (0.01, 0.2) for b1 in (0.0, 0.9)],
        [ol.radam(lr=0.01, betas=(0.9, b2)) for b2 in (0.5, 0.9, 0.999)],
        [ol.adamax(lr=lr, betas=(b1, 0.99)) for lr in (0.01, 0.2) for b1 in (0.5, 0.9)],
        [ol.lion(lr=lr, betas=(0.9, b2)) for lr in (0.001, 0.02) for b2 in (0.9, 0.99)],
    ],
    ids=["adam", "adamw", "amsgrad", "ewma", "rmsprop", "adagrad", "sgd-lr", "nadam", "radam",
         "adamax", "lion"],
)
@pytest.mark.parametrize("function", [ill_conditioned_quadratic, rosenbrock, himmelblau],
                         ids=lambda f: f.name)
def test_each_row_matches_a_separate_run(optimizers, function):
    batch = ol.run_grid(optimizers, function.grad, function.start, 40)
    assert batch.shape == (41, len(optimizers), 2)
    for k, single in enumerate(_one_at_a_time(optimizers, function.grad, function.start, 40)):
        np.testing.assert_allclose(batch[: len(single), k], single, rtol=1e-12, atol=1e-12)


def test_a_diverging_run_is_nan_from_the_step_where_run_stops():
    q = ill_conditioned_quadratic
    optimizers = [ol.sgd(lr=0.1), ol.sgd(lr=1.0)]  # 1.0 > 2/10: x2 grows 9-fold a step
    batch = ol.run_grid(optimizers, q.grad, q.start, 400)
    stable, unstable = _one_at_a_time(optimizers, q.grad, q.start, 400)
    assert len(stable) == 401 and len(unstable) < 401
    assert np.isfinite(batch[:, 0]).all()
    np.testing.assert_array_equal(batch[: len(unstable), 1], unstable)
    assert np.isnan(batch[len(unstable):, 1]).all()


def test_a_shared_schedule_is_allowed_and_different_schedules_are_refused():
    q = ill_conditioned_quadratic
    schedule = ol.schedules.cosine_decay(0.2, total_steps=50)
    optimizers = [ol.adam(lr=schedule, betas=(b1, 0.999)) for b1 in (0.5, 0.9)]
    batch = ol.run_grid(optimizers, q.grad, q.start, 50)
    np.testing.assert_allclose(batch[:, 1], ol.run(optimizers[1], q.grad, q.start, 50))
    other = ol.adam(lr=ol.schedules.constant(0.1))
    with pytest.raises(ValueError, match="lr"):
        ol.run_grid([optimizers[0], other], q.grad, q.start, 5)


SWEEPS = {
    "sgd-momentum": [ol.sgd(lr=0.05, momentum=m) for m in (0.0, 0.5, 0.9)],
    "sgd-dampening": [ol.sgd(lr=0.05, momentum=0.9, dampening=d) for d in (0.0, 0.5, 1.0)],
    "sgd-weight_decay": [ol.sgd(lr=0.05, momentum=0.5, weight_decay=w) for w in (0.0, 0.3)],
    "nesterov-momentum": [ol.sgd(lr=0.05, momentum=m, nesterov=True) for m in (0.3, 0.9)],
    "adam-weight_decay": [ol.adam(lr=0.1, weight_decay=w) for w in (0.0, 0.1, 1.0)],
    "adam-eps": [ol.adam(lr=0.1, eps=e) for e in (1e-8, 1e-3, 1.0)],
    "rmsprop-momentum": [ol.rmsprop(lr=0.01, momentum=m) for m in (0.0, 0.5, 0.9)],
    "rmsprop-weight_decay": [ol.rmsprop(lr=0.01, weight_decay=w) for w in (0.0, 0.2)],
    "centered-alpha": [ol.rmsprop(lr=0.01, alpha=a, centered=True) for a in (0.9, 0.99)],
    "adagrad-lr_decay": [ol.adagrad(lr=0.5, lr_decay=d) for d in (0.0, 0.01)],
    "adagrad-accumulator": [ol.adagrad(lr=0.5, initial_accumulator_value=s, weight_decay=w)
                            for s in (0.0, 0.1) for w in (0.0, 0.05)],
    "nadam-betas-momentum_decay": [ol.nadam(lr=0.05, betas=(b1, b2), momentum_decay=p)
                                   for b1 in (0.0, 0.9) for b2 in (0.9, 0.999)
                                   for p in (0.0, 0.004, 0.1)],
    "nadam-eps-weight_decay": [ol.nadam(lr=0.05, eps=e, weight_decay=w)
                               for e in (1e-8, 0.1) for w in (0.0, 0.2)],
    "nadamw-weight_decay": [ol.nadam(lr=0.05, weight_decay=w, decoupled_weight_decay=True)
                            for w in (0.0, 0.2)],
    # beta2 0.5 is never rectified, 0.9 from step 3 on, 0.999 from step 6 on.
    "radam-betas": [ol.radam(lr=0.005, betas=(b1, b2)) for b1 in (0.0, 0.9)
                    for b2 in (0.5, 0.9, 0.999)],
    "radam-eps-weight_decay": [ol.radam(lr=0.005, eps=e, weight_decay=w)
                               for e in (1e-8, 0.1) for w in (0.0, 0.2)],
    "radamw-weight_decay": [ol.radam(lr=0.005, weight_decay=w, decoupled_weight_decay=True)
                            for w in (0.0, 0.2)],
    "adamax-betas-eps": [ol.adamax(lr=0.05, betas=(b1, b2), eps=e) for b1 in (0.0, 0.9)
                         for b2 in (0.5, 0.999) for e in (1e-8, 0.5)],
    "adamax-weight_decay": [ol.adamax(lr=0.05, weight_decay=w) for w in (0.0, 0.2)],
    "lion-betas-weight_decay": [ol.lion(lr=0.01, betas=(b1, b2), weight_decay=w)
                                for b1 in (0.0, 0.9) for b2 in (0.9, 0.99) for w in (0.0, 1.0)],
}
# Adam's family. Adafactor's step is relative to the RMS of each run's own parameters, so
# these also check that a batch's rows are separate vectors, not one matrix.
SWEEPS.update({
    "adafactor-lr": [ol.adafactor(lr=lr) for lr in (0.01, 0.1, 0.5, 2.0)],
    "adafactor-beta2_decay": [ol.adafactor(lr=0.1, beta2_decay=b) for b in (-0.8, -0.5, 0.0)],
    "adafactor-eps": [ol.adafactor(lr=0.1, eps=e) for e in ((None, 1e-3), (1e-3, 1e-3),
                                                            (None, 10.0))],
    "adafactor-d-weight_decay": [ol.adafactor(lr=0.1, d=d, weight_decay=w)
                                 for d in (1.0, 3.0) for w in (0.0, 0.2)],
    "adafactor-same": [ol.adafactor(lr=0.1), ol.adafactor(lr=0.1)],
    "adopt-lr-betas": [ol.adopt(lr=lr, betas=(b1, b2)) for lr in (0.01, 0.2)
                       for b1 in (0.0, 0.9) for b2 in (0.5, 0.9999)],
    "adopt-eps-weight_decay": [ol.adopt(lr=0.1, eps=e, weight_decay=w)
                               for e in (1e-6, 0.5) for w in (0.0, 0.3)],
    "adopt-decouple": [ol.adopt(lr=0.1, weight_decay=w, decouple=True) for w in (0.0, 0.3)],
})


@pytest.mark.parametrize("optimizers", SWEEPS.values(), ids=SWEEPS.keys())
@pytest.mark.parametrize("function", [ill_conditioned_quadratic, rosenbrock],
                         ids=lambda f: f.name)
def test_every_numeric_hyperparameter_can_vary_and_each_row_is_a_separate_run_bit_for_bit(
        optimizers, function):
    batch = ol.run_grid(optimizers, function.grad, function.start, 60)
    for k, single in enumerate(_one_at_a_time(optimizers, function.grad, function.start, 60)):
        np.testing.assert_array_equal(batch[: len(single), k], single)
        assert np.isnan(batch[len(single):, k]).all()


@pytest.mark.parametrize("optimizers, name", [
    ([ol.sgd(lr=0.1, momentum=0.5), ol.sgd(lr=0.1, momentum=0.5, nesterov=True)], "nesterov"),
    ([ol.adam(amsgrad=False), ol.adam(amsgrad=True)], "amsgrad"),
    ([ol.adopt(decouple=False), ol.adopt(decouple=True)], "decouple"),
    ([ol.rmsprop(centered=False), ol.rmsprop(centered=True)], "centered"),
    ([ol.ewma_momentum(lr=0.1), ol.ewma_momentum(lr=0.1, bias_correction=False)],
     "bias_correction"),
    ([ol.nadam(), ol.nadam(decoupled_weight_decay=True)], "decoupled_weight_decay"),
    ([ol.radam(), ol.radam(decoupled_weight_decay=True)], "decoupled_weight_decay"),
])
def test_options_that_change_the_rule_cannot_vary_and_the_error_says_so(optimizers, name):
    q = ill_conditioned_quadratic
    with pytest.raises(ValueError, match=rf"^run_grid cannot vary {name}, an option .*fixed"):
        ol.run_grid(optimizers, q.grad, q.start, 3)


@pytest.mark.parametrize(
    "optimizers, x0, steps, name",
    [
        ([], [1.0, 2.0], 3, "optimizers"),
        ([ol.adam(), ol.adamw()], [1.0, 2.0], 3, "optimizers"),
        ([ol.adam(), "adam"], [1.0, 2.0], 3, "optimizers"),
        ([ol.adam()], [1.0, np.inf], 3, "x0"),
        ([ol.adam()], [1.0, 2.0], -1, "steps"),
        ([ol.adam()], [1.0, 2.0], 2.5, "steps"),
    ],
)
def test_bad_arguments_are_named(optimizers, x0, steps, name):
    with pytest.raises(ValueError, match=name):
        ol.run_grid(optimizers, ill_conditioned_quadratic.grad, x0, steps)


def test_a_gradient_of_the_wrong_shape_is_refused():
    with pytest.raises(ValueError, match="grad"):
        ol.run_grid([ol.adam(), ol.adam(lr=0.1)], lambda x: x[0], [1.0, 2.0], 3)
