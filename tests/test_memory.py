"""state_size (optimlab.memory): the numbers an optimizer keeps between steps, measured."""

from __future__ import annotations

import pytest

import optimlab as ol

SHAPE = (24, 10)
N = SHAPE[0] * SHAPE[1]


@pytest.mark.parametrize("optimizer, per_parameter", [
    (ol.sgd(lr=0.1), 0),  # no momentum: PyTorch keeps no buffer, optimlab's stays untouched
    (ol.sgd(lr=0.1, momentum=0.9), 1),
    (ol.adagrad(), 1),
    (ol.rmsprop(), 1),
    (ol.rmsprop(centered=True, momentum=0.5), 3),
    (ol.adam(), 2),
    (ol.adamw(), 2),
    (ol.adam(amsgrad=True), 3),
    (ol.adopt(), 2),
    (ol.radam(), 2),
    (ol.adamax(), 2),
    (ol.lion(), 1),
], ids=["sgd", "momentum", "adagrad", "rmsprop", "rmsprop-centered-momentum", "adam",
        "adamw", "amsgrad", "adopt", "radam", "adamax", "lion"])
def test_elementwise_optimizers_keep_a_whole_number_of_copies_of_the_parameters(
        optimizer, per_parameter):
    assert ol.state_size(optimizer, SHAPE) == per_parameter * N
    assert ol.state_size(optimizer, (7,)) == per_parameter * 7


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


def test_nadams_product_of_momentum_factors_is_one_number_beside_m_and_v():
    # optimlab stores it per coordinate (batched runs may differ); it is one scalar in torch.
    assert ol.state_size(ol.nadam(), SHAPE) == 2 * N + 1
    assert ol.state_size(ol.nadam(), (7,)) == 2 * 7 + 1
