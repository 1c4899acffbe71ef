"""Bad arguments to the public plotting functions raise a ValueError that names them."""

from __future__ import annotations

import numpy as np
import pytest

import optimlab as ol

QUADRATIC = ol.functions.ill_conditioned_quadratic
GOOD = np.array([[1.0, 1.0], [0.5, 0.5]])


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: ol.animate("quadratic", {"a": GOOD}), "function"),
        (lambda: ol.animate(QUADRATIC, {}), "trajectories"),
        (lambda: ol.animate(QUADRATIC, 3.0), "trajectories"),
        (lambda: ol.animate(QUADRATIC, {"a": np.zeros((0, 2))}), "trajectories"),
        (lambda: ol.animate(QUADRATIC, {"a": np.zeros((4, 3))}), "trajectories"),
        (lambda: ol.animate(QUADRATIC, {"a": [[1.0, np.nan]]}), "trajectories"),
        (lambda: ol.animate(QUADRATIC, {"a": [["x", "y"]]}), "trajectories"),
        (lambda: ol.animate(QUADRATIC, {str(i): GOOD for i in range(11)}), "trajectories"),
        (lambda: ol.animate(QUADRATIC, {"a": GOOD}, fps=0), "fps"),
        (lambda: ol.animate(QUADRATIC, {"a": GOOD}, fps=2.5), "fps"),
        (lambda: ol.animate(QUADRATIC, {"a": GOOD}, width=100), "width"),
        (lambda: ol.animate(QUADRATIC, {"a": GOOD}, width=801), "width"),
        (lambda: ol.animate(QUADRATIC, {"a": GOOD}, max_frames=1), "max_frames"),
        (lambda: ol.animate(QUADRATIC, {"a": GOOD}, hold_frames=-1), "hold_frames"),
        (lambda: ol.animate(QUADRATIC, {"a": GOOD}, title=5), "title"),
        (lambda: ol.plot_paths(None, {}), "function"),
        (lambda: ol.plot_paths(QUADRATIC, {"a": np.ones(4)}), "trajectories"),
        (lambda: ol.plot_paths(QUADRATIC, {}, ax="axes"), "ax"),
        (lambda: ol.plot_surface(QUADRATIC, resolution=3), "resolution"),
        (lambda: ol.plot_surface(QUADRATIC, cmap="no-such-map"), "cmap"),
        (lambda: ol.plot_loss(QUADRATIC, {}), "trajectories"),
        (lambda: ol.plot_loss(QUADRATIC, {"a": GOOD}, metric="value"), "metric"),
        (lambda: ol.plot_loss(QUADRATIC, {"a": GOOD}, floor=0.0), "floor"),
    ],
)
def test_bad_arguments_raise_value_error_naming_them(call, name):
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        call()
