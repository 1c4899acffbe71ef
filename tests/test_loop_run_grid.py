"""run_grid (in optimlab.loop): a batch of runs gives, row by row, what optimlab.run gives one run at a time."""

import warnings

import numpy as np
import pytest

import optimlab as ol
from optimlab.functions import ill_conditioned_quadratic, rosenbrock
from registry import ROWS


def _one_at_a_time(optimizers, grad, x0, steps):
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", ol.DivergenceWarning)
        return [ol.run(opt, grad, x0, steps) for opt in optimizers]


def test_a_diverging_run_is_nan_from_the_step_where_run_stops():
    q = ill_conditioned_quadratic
    optimizers = [ol.sgd(lr=0.1), ol.sgd(lr=1.0)]  # 1.0 > 2/10: x2 grows 9-fold a step
    batch = ol.run_grid(optimizers, q.grad, q.start, 400)
    stable, unstable = _one_at_a_time(optimizers, q.grad, q.start, 400)
    assert len(stable) == 401 and len(unstable) < 401
    assert np.isfinite(batch[:, 0]).all()
    np.testing.assert_array_equal(batch[: len(unstable), 1], unstable)
    assert np.isnan(batch[len(unstable):, 1]).all()


def test_a_shared_schedule_is_allowed_and_different_schedules_are_each_runs_own():
    q = ill_conditioned_quadratic
    schedule = ol.schedules.cosine_decay(0.2, total_steps=50)
    optimizers = [ol.adam(lr=schedule, betas=(b1, 0.999)) for b1 in (0.5, 0.9)]
    batch = ol.run_grid(optimizers, q.grad, q.start, 50)
    np.testing.assert_array_equal(batch[:, 1], ol.run(optimizers[1], q.grad, q.start, 50))
    peaks = [ol.adamw(lr=ol.schedules.warmup_cosine(peak, 10, 50)) for peak in (0.05, 0.3)]
    matrix = np.arange(6.0).reshape(2, 3) - 2
    for start, grad in ((q.start, q.grad), (matrix, lambda w: w - 1.0)):
        batch = ol.run_grid([*peaks, ol.adamw(lr=ol.schedules.constant(0.1))], grad, start, 50)
        for k, optimizer in enumerate(peaks):
            np.testing.assert_array_equal(batch[:, k], ol.run(optimizer, grad, start, 50))


def test_schedules_and_numbers_cannot_mix_and_a_bad_rate_names_its_step():
    q = ill_conditioned_quadratic
    with pytest.raises(ValueError, match=r"^run_grid cannot mix schedules and numbers in lr"):
        ol.run_grid([ol.adam(lr=ol.schedules.constant(0.1)), ol.adam(lr=0.1)], q.grad,
                    q.start, 5)
    with pytest.raises(ValueError, match=r"^lr schedule returned -1.0 at step t=3"):
        ol.run_grid([ol.adam(lr=lambda t: 0.1), ol.adam(lr=lambda t: 0.1 if t < 3 else -1.0)],
                    q.grad, q.start, 5)


def sweep(row, name: str, options: dict) -> list:
    """The optimizers of one sweep: ``name`` over the registry's values, with ``options``
    (settings a declared constraint refuses, such as Nesterov without momentum, left out)."""
    grid = []
    for value in row.sweeps[name]:
        try:
            grid.append(row.make(**{"lr": row.sweeps["lr"][0], **options, name: value}))
        except ValueError:
            continue
    return grid


SWEEPS = [(row, name) for row in ROWS for name in row.sweepable()]


def test_every_hyperparameter_that_is_not_a_rule_option_is_swept_and_every_option_too():
    for row in ROWS:
        assert set(row.sweeps) == set(row.sweepable()), row.name
        options = set(row.rule_options())
        switched = {name for choice in row.sweep_options for name in choice} & options
        assert switched == options, row.name


@pytest.mark.parametrize("row, name", SWEEPS, ids=[f"{r.name}-{n}" for r, n in SWEEPS])
def test_every_numeric_hyperparameter_can_vary_and_each_row_is_a_separate_run_bit_for_bit(
        row, name):
    for index, options in enumerate(row.sweep_options):
        optimizers = sweep(row, name, options)
        # the first options take every value; a constraint may leave one with the others
        assert len({repr(getattr(opt, name)) for opt in optimizers}) >= (2 if index == 0
                                                                         else 1), options
        for function in (ill_conditioned_quadratic, rosenbrock):
            batch = ol.run_grid(optimizers, function.grad, function.start, 60)
            separate = _one_at_a_time(optimizers, function.grad, function.start, 60)
            for k, single in enumerate(separate):
                np.testing.assert_array_equal(batch[: len(single), k], single,
                                              err_msg=f"{options} {function.name} run {k}")
                assert np.isnan(batch[len(single):, k]).all()


def flag_pairs():
    """For every rule option of every optimizer (a flag, a choice): the same settings with the
    option at its default and switched."""
    for row in ROWS:
        defaults = {h["name"]: h["default"] for h in row.entry["hyperparameters"]}
        for flag in row.rule_options():
            options = next(o for o in row.sweep_options if flag in o)
            on = {"lr": row.sweeps["lr"][0], **options}
            off = not on[flag] if isinstance(on[flag], bool) else defaults[flag]
            yield [row.make(**{**on, flag: off}), row.make(**on)], flag


@pytest.mark.parametrize("optimizers, name", list(flag_pairs()))
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


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_a_grid_of_matrix_runs_gives_each_run_bit_for_bit_and_its_evaluation_points(row):
    """Parameters that are a matrix (Adafactor factors it, Muon orthogonalises it): each run of
    the grid is its separate run, the points where gradients are taken and those a user
    evaluates (which differ for Schedule-Free AdamW) alike."""
    curvature = np.array([[0.2, 1.0, 4.0, 0.5], [2.0, 0.1, 1.5, 8.0], [0.3, 3.0, 0.05, 1.0]])

    def grad(w):
        return curvature * (w - 1.0)

    start = np.arange(12.0).reshape(3, 4) / 6 - 1
    grid = [row.make(**{**options, "lr": lr}) for lr in row.sweeps["lr"][:2]
            for options in row.settings[:1]]
    for points in ("gradient", "evaluation"):
        batch = ol.run_grid(grid, grad, start, 30, points=points)
        assert batch.shape == (31, len(grid), 3, 4)
        separate = [ol.run(opt, grad, start, 30, points=points) for opt in grid]
        for k, single in enumerate(separate):
            np.testing.assert_array_equal(batch[: len(single), k], single, err_msg=points)
