"""Pictures of a regression (emlkit.viz.regression): loss curves and fitted trees."""

from __future__ import annotations

import math

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from emlkit.expr import eml
from emlkit.viz.regression import plot_fit, plot_loss, plot_tree, tree_svg


def test_loss_curve_draws_the_values_on_a_log_scale(tmp_path):
    ax = plot_loss([4.0, 2.0, 1.0, 0.5], path=tmp_path / "loss.png", title="t")
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), [4.0, 2.0, 1.0, 0.5])
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), [0, 1, 2, 3])
    assert ax.get_yscale() == "log" and ax.get_title() == "t"
    assert (tmp_path / "loss.png").read_bytes()[:4] == b"\x89PNG"


def test_loss_curve_with_zero_or_nothing():
    assert plot_loss([1.0, 0.0]).get_yscale() == "linear"  # log of 0 is not drawable
    empty = plot_loss([])
    assert not empty.lines and "no training ran" in empty.texts[0].get_text()
    assert plot_loss([math.inf, 1.0]).get_yscale() == "log"


def test_tree_pictures(tmp_path):
    e = eml(eml("x", 1), 1)  # exp(exp(x)): two eml nodes
    out = plot_tree(e, tmp_path / "t.svg")
    assert out == tmp_path / "t.svg" and "<svg" in out.read_text()
    svg = tree_svg(e)
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")


def test_plot_fit_needs_a_fitted_model():
    class Unfitted:
        pass

    with pytest.raises(ValueError, match="not fitted yet"):
        plot_fit(Unfitted())
