"""Regression honesty: ``exact`` means float64 rounding only at 50 digits; inf/NaN samples."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest

import emlkit as ek
from emlkit.regress._candidate import Candidate
from emlkit.regress.estimator import EMLRegressor
from emlkit.regress.verify import confirm_exact, finite_samples, rounding_digits

LAW = "exp(exp(x)) - x"
TWIN = "exp(exp(x)) - ln(x)"  # differs from the law by (x - ln x) / e^(e^x): 4e-9 .. 5e-11


def _data():
    x = np.linspace(3.0, 3.2, 16)
    return x[:, None], np.exp(np.exp(x)) - x


def _agrees_at_50_digits(expr, law, points):
    for p in points:
        with mpmath.workdps(60):
            got = ek.evaluate(expr, backend="mpmath", dps=60, x=mpmath.mpf(p))
            want = law(mpmath.mpf(p))
            assert abs(got - want) <= mpmath.mpf(10) ** -50 * abs(want), (p, got, want)


def test_the_twin_is_close_enough_to_fool_a_1e9_tolerance():
    X, y = _data()
    twin = ek.evaluate(ek.compile(TWIN), x=X[:, 0])
    rel = np.abs(twin - y) / np.abs(y)
    assert rel.max() < 5e-9 and rel.min() > 1e-11  # under the old "rounding" threshold


def test_near_twin_is_refuted_and_the_law_confirmed():
    X, y = _data()
    assert rounding_digits(ek.compile(TWIN), X, y) is None
    assert rounding_digits(ek.compile(LAW), X, y) >= 13
    cands = [Candidate(ek.compile(TWIN), TWIN, 1e-9, True, "search", 9),
             Candidate(ek.compile(LAW), LAW, 1e-16, True, "search", 15)]
    twin, law = confirm_exact(cands, X, y)
    assert not twin.exact and twin.verified_digits is None and "rounding" in twin.info["not_exact"]
    assert law.exact and law.verified_digits >= 13


def test_a_stated_noise_level_keeps_the_claim():
    X, y = _data()
    c = Candidate(ek.compile(TWIN), TWIN, 1e-9, True, "search", 9)
    assert confirm_exact([c], X, y, noise=1e-6)[0].exact


def test_estimator_never_reports_a_near_twin_as_exact():
    X, y = _data()
    reg = EMLRegressor(max_depth=4, random_state=0, time_limit=60).fit(X, y)
    if reg.exact_:
        _agrees_at_50_digits(reg.formula_, lambda t: mpmath.exp(mpmath.exp(t)) - t,
                             ["3.05", "3.17", "0.5", "4.5"])
    for c in reg.candidates_:
        if c.exact:
            assert rounding_digits(c.expr, X, y) is not None


def test_overflowing_samples_are_dropped_with_a_warning_and_the_law_recovered():
    x = np.linspace(0.5, 7.5, 30)
    with np.errstate(over="ignore"):
        y = np.exp(np.exp(x))  # inf beyond x = 6.56
    assert np.isinf(y).sum() == 4
    with pytest.warns(RuntimeWarning, match="dropped 4 of 30 samples where y is inf or NaN"):
        reg = EMLRegressor(max_depth=3, random_state=0, time_limit=30).fit(x[:, None], y)
    assert reg.exact_
    _agrees_at_50_digits(reg.formula_, lambda t: mpmath.exp(mpmath.exp(t)), ["0.7", "6.0", "9"])


def test_nan_samples_dropped_too():
    x = np.linspace(0.5, 3, 20)
    y = np.log(x)
    y[[3, 11]] = np.nan
    with pytest.warns(RuntimeWarning, match="dropped 2 of 20"):
        reg = EMLRegressor(max_depth=4, random_state=0, time_limit=30).fit(x[:, None], y)
    assert reg.exact_
    _agrees_at_50_digits(reg.formula_, mpmath.log, ["0.7", "2.5", "1e-3", "1e6"])


def test_finite_samples_edges():
    X, y = finite_samples([[1.0], [2.0]], [1.0, 2.0])  # nothing to drop: no warning
    assert y == [1.0, 2.0]
    X, y = finite_samples([[1.0], [2.0]], [np.inf, np.nan])  # nothing left: left to validation
    with pytest.raises(ValueError, match="y"):
        EMLRegressor(time_limit=1).fit([[1.0], [2.0]], [np.inf, np.nan])
    with pytest.warns(RuntimeWarning, match="dropped 1 of 3"):
        X, y = finite_samples(np.array([[1e300], [-1e-300], [0.0]]), np.array([1.0, -np.inf, 0]))
    assert X[:, 0].tolist() == [1e300, 0.0] and y.tolist() == [1.0, 0.0]


def test_finite_samples_keeps_dataframe_rows():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"t": [1.0, 2.0, 3.0]}, index=[10, 20, 30])
    with pytest.warns(RuntimeWarning, match="dropped 1 of 3"):
        X, _ = finite_samples(df, [1.0, math.nan, 3.0])
    assert list(X.index) == [10, 30] and list(X.columns) == ["t"]


def test_rounding_digits_bad_input_and_undefined_values():
    with pytest.raises(ValueError, match="rows"):
        rounding_digits(ek.compile("exp(x)"), np.ones((3, 1)), np.ones(2))
    x = np.array([[0.0], [1.0]])
    assert rounding_digits(ek.compile("ln(x)"), x, np.log(x[:, 0] + 1e-300)) is None  # ln 0
    big = np.array([[700.0], [709.0]])
    assert rounding_digits(ek.compile("exp(x)"), big, np.exp(big[:, 0])) >= 13
