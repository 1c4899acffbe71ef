"""state_size (optimlab.memory): the numbers an optimizer keeps between steps, measured."""

from __future__ import annotations

import pytest

import optimlab as ol
from registry import ROWS

SHAPE = (24, 10)
N = SHAPE[0] * SHAPE[1]


SIZES = [(row, options, copies, extra) for row in ROWS
         for options, copies, extra in row.state_size]


def test_every_elementwise_optimizer_has_its_state_measured():
    for row in ROWS:
        assert bool(row.state_size) == row.elementwise, row.name


@pytest.mark.parametrize("row, options, copies, extra", SIZES,
                         ids=[f"{r.name}-{o}" for r, o, _, _ in SIZES])
def test_elementwise_optimizers_keep_a_whole_number_of_copies_of_the_parameters(
        row, options, copies, extra):
    optimizer = row.make(**{"lr": 0.1, **options})
    assert ol.state_size(optimizer, SHAPE) == copies * N + extra
    assert ol.state_size(optimizer, (7,)) == copies * 7 + extra


def test_adafactor_keeps_a_row_and_a_column_for_a_matrix_and_all_of_a_vector():
    assert ol.state_size(ol.adafactor(), SHAPE) == 24 + 10
    assert ol.state_size(ol.adafactor(), (3, 24, 10)) == 3 * (24 + 10)
    assert ol.state_size(ol.adafactor(), (N,)) == N


def test_adopts_first_step_alone_leaves_its_first_moment_unused():
    assert ol.state_size(ol.adopt(), SHAPE, steps=1) == N
    assert ol.state_size(ol.adopt(), SHAPE, steps=2) == 2 * N


def test_the_measurement_does_not_change_with_the_seed():
    sizes = {ol.state_size(ol.adam(amsgrad=True), SHAPE, seed=seed) for seed in range(5)}
    assert sizes == {3 * N}


@pytest.mark.parametrize("kwargs, name", [
    ({"optimizer": "adam"}, "optimizer"),
    ({"shape": ()}, "shape"),
    ({"shape": (3, 0)}, "shape"),
    ({"shape": (2.5,)}, "shape"),
    ({"steps": 0}, "steps"),
    ({"seed": -1}, "seed"),
])
def test_bad_arguments_are_named(kwargs, name):
    arguments = {"optimizer": ol.adam(), "shape": (3,), **kwargs}
    with pytest.raises(ValueError, match=rf"^{name} must"):
        ol.state_size(**arguments)


def test_an_integer_shape_is_a_vector():
    assert ol.state_size(ol.adam(), 5) == ol.state_size(ol.adam(), (5,)) == 10
