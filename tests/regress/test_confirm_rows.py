"""The 50-digit confirmation of an exact claim checks a bounded subset of the samples (issue 16):
its cost does not grow with the rows, and it still refutes a near-twin or a single bad sample."""

import time

import mpmath
import numpy as np
import pytest

import emlkit as ek
from emlkit.backends import walk
from emlkit.regress._candidate import Candidate
from emlkit.regress._confirm_rows import MAX_CONFIRM_ROWS, confirmation_rows
from emlkit.regress.holdout import confirm_exact, confirmed_rows, rounding_digits
from emlkit.search.arithmetic_mp import MpSearchOps

LAW = "exp(exp(x)) - x"
TWIN = "exp(exp(x)) - ln(x)"  # differs from the law by (x - ln x) / e^(e^x): 4e-9 .. 5e-11


@pytest.fixture
def walks(monkeypatch):
    """Counts the 50-digit walks (one per sample checked)."""
    calls = []
    real = walk.run

    def counting(plan, ops, inputs, hook=None):
        if isinstance(ops, MpSearchOps):
            calls.append(dict(inputs))
        return real(plan, ops, inputs, hook)

    monkeypatch.setattr(walk, "run", counting)
    return calls


def _law_data(n):
    x = np.linspace(3.0, 3.2, n)
    return x[:, None], np.exp(np.exp(x)) - x


def test_the_rows_checked_are_bounded_for_100x_the_data(walks):
    X, y = _law_data(160_000)  # 100x the 1,600 rows the search tests use
    assert rounding_digits(ek.compile(LAW), X, y) >= 13
    assert 0 < len(walks) <= MAX_CONFIRM_ROWS
    xs = sorted(float(mpmath.re(p["x"])) for p in walks)
    assert xs[0] == 3.0 and xs[-1] == 3.2  # the extremes of the variable are among them
    gaps = np.diff(xs)
    assert gaps.max() < 0.2 * 4 / MAX_CONFIRM_ROWS  # spread over the whole range


def test_every_row_without_a_bound_or_under_it(walks):
    X, y = _law_data(300)
    assert rounding_digits(ek.compile(LAW), X, y, max_rows=None) >= 13
    assert len(walks) == 300
    walks.clear()
    X, y = _law_data(MAX_CONFIRM_ROWS)
    assert rounding_digits(ek.compile(LAW), X, y) >= 13
    assert len(walks) == MAX_CONFIRM_ROWS


def test_the_near_twin_is_still_refuted_on_the_subset():
    X, y = _law_data(160_000)
    twin = ek.compile(TWIN)
    # the independent reference: mpmath's own functions say the twin is off by more than 1e-12
    x0 = mpmath.mpf(float(X[80_000, 0]))
    gap = abs((mpmath.exp(mpmath.exp(x0)) - mpmath.log(x0)) - (mpmath.exp(mpmath.exp(x0)) - x0))
    assert gap / (mpmath.exp(mpmath.exp(x0)) - x0) > 1e-12
    assert len(confirmed_rows(twin, X, y)) <= MAX_CONFIRM_ROWS
    assert rounding_digits(twin, X, y) is None
    cands = [Candidate(twin, TWIN, 1e-9, True, "search", 9),
             Candidate(ek.compile(LAW), LAW, 1e-16, True, "search", 15)]
    got_twin, got_law = confirm_exact(cands, X, y)
    assert not got_twin.exact and "rounding" in got_twin.info["not_exact"]
    assert got_law.exact and got_law.verified_digits >= 13


def test_one_bad_sample_among_many_is_found():
    x = np.linspace(0.5, 3.0, 50_000)
    y = x**2 + 1
    bad = 31_337  # neither an extreme nor on a regular grid
    y[bad] *= 1 + 1e-10  # off by far more than float64 rounding, at this sample only
    e = ek.compile("x**2 + 1")
    assert bad in confirmed_rows(e, x[:, None], y)
    assert rounding_digits(e, x[:, None], y) is None
    y[bad] = x[bad] ** 2 + 1
    assert rounding_digits(e, x[:, None], y) >= 13


def test_two_variables_keep_the_extremes_of_each():
    rng = np.random.default_rng(3)
    X = rng.uniform(0.5, 2.0, (20_000, 2))
    y = X[:, 0] * X[:, 1]
    rows = confirmation_rows(X, y, y)
    assert len(rows) <= MAX_CONFIRM_ROWS and len(set(rows.tolist())) == len(rows)
    for j in range(2):
        assert {int(np.argmin(X[:, j])), int(np.argmax(X[:, j]))} <= set(rows.tolist())
    assert rounding_digits(ek.compile("x * y"), X, y) >= 13


def test_a_deadline_passed_means_not_confirmed(walks):
    X, y = _law_data(1_000)
    law = ek.compile(LAW)
    assert rounding_digits(law, X, y, deadline=time.monotonic() - 1.0) is None
    assert walks == []  # nothing was evaluated: the claim is simply not confirmed
    c = Candidate(law, LAW, 1e-16, True, "search", 15)
    (late,) = confirm_exact([c], X, y, deadline=time.monotonic() - 1.0)
    assert not late.exact and late.verified_digits is None
    assert "not confirmed exact" in late.info["not_exact"]
    (in_time,) = confirm_exact([c], X, y, deadline=time.monotonic() + 1e6)
    assert in_time.exact and in_time.verified_digits >= 13


def test_bad_limit():
    with pytest.raises(ValueError, match="limit"):
        confirmation_rows(np.ones((3, 1)), np.ones(3), np.ones(3), limit=0)


def test_the_estimator_reports_an_unconfirmed_claim_as_not_exact():
    pytest.importorskip("sklearn")
    from emlkit.regress.estimator import EMLRegressor

    x = np.linspace(0.5, 3.0, 5_000)[:, None]
    y = np.full(5_000, 2.0)  # constant data: exact without any search, once confirmed
    reg = EMLRegressor(random_state=0).fit(x, y, deadline=time.monotonic() + 1e6)
    assert reg.exact_ and reg.candidates_[0].verified_digits >= 13
    late = EMLRegressor(random_state=0).fit(x, y, deadline=time.monotonic() - 1.0)
    assert not late.exact_
    assert "not confirmed exact" in late.candidates_[0].info["not_exact"]
