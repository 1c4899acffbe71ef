"""One colour per optimizer: names and aliases, page-wide mappings, contrast, colour blindness."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import optimlab as ol
from optimlab.plotting import (OPTIMIZER_COLOURS, SWEEP_COLOURS, colour_for, colours_for,
                               sweep_colours)
from optimlab.plotting.colours import _SWEEP_CLASHES, SPARE_COLOURS

PALETTE = [*OPTIMIZER_COLOURS.values(), *SPARE_COLOURS]

QUADRATIC = ol.functions.ill_conditioned_quadratic
PAGE_BACKGROUNDS = {"light": "#ffffff", "dark": "#14181e"}  # pydata-sphinx-theme's two pages


def rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])


def linear(c):
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def luminance(c) -> float:
    return float(linear(c) @ [0.2126, 0.7152, 0.0722])


def contrast(a, b) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


# Machado, Oliveira and Fernandes (2009), severity 1.0, on linear RGB.
SIMULATIONS = {
    "normal": np.eye(3),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}


def lab(c_linear) -> np.ndarray:
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                    [0.0193, 0.1192, 0.9505]]) @ np.clip(c_linear, 0, 1)
    t = xyz / [0.95047, 1.0, 1.08883]
    f = np.where(t > 0.008856, np.cbrt(t), 7.787 * t + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def smallest_difference(colours) -> float:
    """The smallest CIELAB ΔE*ab between two of ``colours`` over the four kinds of vision."""
    return min(np.linalg.norm(lab(m @ linear(rgb(a))) - lab(m @ linear(rgb(b))))
               for m in SIMULATIONS.values() for a, b in itertools.combinations(colours, 2))


def test_every_known_optimizer_has_its_own_colour_and_names_find_it():
    assert len(set(PALETTE)) == len(PALETTE) >= 19  # room for the next wave's five
    for name in ("SGD", "Momentum", "Nesterov", "AdaGrad", "RMSProp", "Adam", "AdamW",
                 "AMSGrad", "NAdam", "RAdam", "Adamax", "Adafactor", "Lion", "ADOPT",
                 "Schedule-Free AdamW", "AdEMAMix", "Muon", "signSGD"):
        assert colour_for(name) == colour_for(name.lower()) == OPTIMIZER_COLOURS[name]
    # the next wave's optimizers by their function names
    for function, name in [("schedule_free_adamw", "Schedule-Free AdamW"),
                           ("ademamix", "AdEMAMix"), ("muon", "Muon"), ("signsgd", "signSGD")]:
        assert colour_for(function) == OPTIMIZER_COLOURS[name]
    assert colour_for("signSGD, η = 0.01") != colour_for("SGD")
    assert colour_for("gradient descent") == colour_for("GD (η = 0.1)") == colour_for("SGD")
    assert colour_for("EWMA momentum") == colour_for("momentum") == OPTIMIZER_COLOURS["Momentum"]
    assert colour_for("AdamW, λ = 0.1") == OPTIMIZER_COLOURS["AdamW"] != colour_for("Adam")
    assert colour_for("Adam (η = 0.2)") == OPTIMIZER_COLOURS["Adam"]


@pytest.mark.parametrize("label", ["η = 0.19", "Adamant", "no clipping", ""])
def test_a_label_that_names_no_optimizer_has_no_fixed_colour(label):
    with pytest.raises(ValueError, match="^label must start with an optimizer's name"):
        colour_for(label)


def test_colours_for_keeps_known_colours_and_gives_other_labels_distinct_ones():
    labels = ["η = 0.02", "Adam", "η = 0.19", "gradient descent", "Adam, β₂ = 0.99"]
    colours = colours_for(labels)
    assert list(colours) == labels
    assert colours["Adam"] == colour_for("Adam")
    assert colours["gradient descent"] == colour_for("SGD")
    assert len(set(colours.values())) == len(labels)  # the second Adam gets another colour
    # labels that name no optimizer (and the second Adam) take the sweep colours, in order
    assert [colours[label] for label in ("η = 0.02", "η = 0.19", "Adam, β₂ = 0.99")] == \
        sweep_colours(3)
    assert colours_for(labels) == colours  # the same labels, the same colours
    every = len(SWEEP_COLOURS) + len(PALETTE)
    assert len(set(colours_for([f"run {i}" for i in range(every)]).values())) == every
    with pytest.raises(ValueError, match=f"^labels may hold at most {every}"):
        colours_for([f"run {i}" for i in range(every + 1)])


def test_an_animation_and_a_still_of_the_same_labels_use_the_same_colours():
    paths = {"η = 0.02": ol.run(ol.sgd(lr=0.02), QUADRATIC.grad, QUADRATIC.start, 20),
             "Adam": ol.run(ol.adam(lr=0.2), QUADRATIC.grad, QUADRATIC.start, 20)}
    page = colours_for(["η = 0.02", "η = 0.19", "Adam"])
    still = ol.plot_paths(QUADRATIC, paths, colours=page)
    loss = ol.plot_loss(QUADRATIC, paths, colours=page)
    scene_colours = {line.get_label(): line.get_color() for line in still.axes[0].lines
                     if line.get_label() in paths}
    loss_colours = {line.get_label(): line.get_color() for line in loss.axes[0].lines
                    if line.get_label() in paths}
    assert scene_colours == loss_colours == {label: page[label] for label in paths}
    # Without a mapping a known optimizer still gets its own colour.
    default = ol.plot_paths(QUADRATIC, {"Adam": paths["Adam"]})
    assert [line.get_color() for line in default.axes[0].lines
            if line.get_label() == "Adam"] == [colour_for("Adam")]


@pytest.mark.parametrize("page", PAGE_BACKGROUNDS)
def test_every_colour_stands_out_at_3_to_1_on_the_light_and_the_dark_page(page):
    for colour in PALETTE:
        assert contrast(rgb(colour), rgb(PAGE_BACKGROUNDS[page])) >= 3.0, colour


def test_colours_stay_apart_for_colour_blind_readers():
    everything = PALETTE
    assert smallest_difference(everything) >= 12.5
    assert smallest_difference(everything[:8]) >= 15.0  # SGD to AMSGrad, the ones shown today


def test_a_sweep_has_a_fixed_sequence_of_colours_that_no_optimizer_uses():
    assert sweep_colours(2) == list(SWEEP_COLOURS[:2]) == sweep_colours(6)[:2]
    assert len(set(SWEEP_COLOURS)) == len(SWEEP_COLOURS) == 6
    assert not set(SWEEP_COLOURS) & set(OPTIMIZER_COLOURS.values())
    for bad in (0, 7, 2.0, True, "3"):
        with pytest.raises(ValueError, match="^n must be a whole number from 1 to 6"):
            sweep_colours(bad)


@pytest.mark.parametrize("page", PAGE_BACKGROUNDS)
def test_every_sweep_colour_stands_out_at_3_to_1_on_the_light_and_the_dark_page(page):
    for colour in SWEEP_COLOURS:
        assert contrast(rgb(colour), rgb(PAGE_BACKGROUNDS[page])) >= 3.0, colour


def test_sweep_colours_stay_apart_from_each_other_and_from_the_optimizers_colours():
    assert smallest_difference(SWEEP_COLOURS) >= 22.0
    assert smallest_difference(SWEEP_COLOURS[:2]) >= 60.0  # the two of a two-setting sweep
    for colour in SWEEP_COLOURS:
        clashes = set()
        for optimizer in PALETTE:
            normal = np.linalg.norm(lab(linear(rgb(colour))) - lab(linear(rgb(optimizer))))
            if smallest_difference([colour, optimizer]) < 8.0 or normal < 15.0:
                clashes.add(optimizer)
        assert clashes == set(_SWEEP_CLASHES.get(colour, ())), colour
    # the first eight optimizers' colours (parts 1 and 2) clash with no sweep colour
    assert not set().union(*_SWEEP_CLASHES.values()) & set(PALETTE[:8])


def test_a_figure_with_an_optimizer_skips_the_sweep_colour_too_close_to_its_colour():
    colours = colours_for(["Schedule-Free AdamW", "η = 0.1", "η = 0.2"])
    assert colours["η = 0.1"] == SWEEP_COLOURS[1] and colours["η = 0.2"] == SWEEP_COLOURS[2]
    assert list(colours_for(["Adam", "η = 0.1"]).values()) == [colour_for("Adam"),
                                                               SWEEP_COLOURS[0]]
