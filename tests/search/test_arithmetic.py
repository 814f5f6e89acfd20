"""The search policy (emlkit.search.arithmetic, arithmetic_mp) against the backends' semantics.

The search arithmetic is a named policy of the one semantics: wherever it does not depart from
the backends (finite values, off the cuts, no snapping at stake) it gives the same numbers as
the mpmath backend, which is the independent reference here; where it departs, it departs
exactly as ``emlkit.semantics`` states.
"""

from __future__ import annotations

import warnings

import mpmath
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import emlkit as ek
from emlkit.expr import ONE, Eml, Var
from emlkit.nan_policy import EvaluationWarning
from emlkit.search.arithmetic import (
    SearchOps,
    default_points,
    exp_guarded,
    log_guarded,
    search_values,
    snap_sum,
)
from emlkit.search.arithmetic_mp import mp_exp, mp_log, mp_snap_sum, mp_sub
from emlkit.search.verify import evaluate_mp
from emlkit.semantics import EVALUATE, SEARCH
from emlkit.tolerances import SEARCH_EXP_FLOOR, SEARCH_MP_EXP_LIMIT, SEARCH_SNAP


def _random_tree(rng, k):
    if k == 1:
        return ONE if rng.random() < 0.5 else Var("x")
    ka = int(rng.choice(np.arange(1, k - 1, 2)))
    return Eml(_random_tree(rng, ka), _random_tree(rng, k - 1 - ka))


@settings(max_examples=80, deadline=None)
@given(st.integers(min_value=0, max_value=10**9), st.sampled_from([3, 5, 7, 9, 11]))
@example(33557, 11)  # exp(exp(e^(e^e)) / x): the reference cannot reach its digits there
def test_float_policy_agrees_with_the_mpmath_backend_where_finite(seed, K):
    tree = _random_tree(np.random.default_rng(seed), K)
    x = default_points(("x",))["x"]
    got = search_values(tree, {"x": x}, len(x))
    want, reached = [], []
    for z in x:
        # a point whose intermediates need more than the backend's guard digits (a tower such
        # as exp(exp(e^(e^e)) / x)) is reported with an EvaluationWarning: not a reference
        with np.errstate(all="ignore"), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", EvaluationWarning)
            want.append(complex(ek.evaluate(tree, backend="mpmath", dps=30, on_nan="ignore",
                                            **({"x": complex(z)} if tree.free_vars else {}))))
        reached.append(not any(issubclass(w.category, EvaluationWarning) for w in caught))
    want = np.array(want)
    ok = np.isfinite(got) & np.isfinite(want) & (np.abs(want) < 1e12) & np.array(reached)
    np.testing.assert_allclose(got[ok], want[ok], rtol=1e-7, atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=10**9), st.sampled_from([5, 7, 9, 11]))
def test_mpmath_twin_is_the_float_policy_at_high_precision(seed, K):
    tree = _random_tree(np.random.default_rng(seed), K)
    x = default_points(("x",))["x"]
    got = search_values(tree, {"x": x}, len(x))
    for z, g in zip(x, got):
        v = evaluate_mp(tree, {"x": z}, dps=40)
        if v is None or not np.isfinite(g):
            continue
        assert abs(complex(v) - g) <= 1e-8 * (abs(g) + 1)


def test_the_stated_departures_from_the_evaluation_policy():
    assert EVALUATE.snap == 0 and SEARCH.snap == SEARCH_SNAP
    with np.errstate(all="ignore"):
        # ln(-inf): +inf + i*pi for the backends, undefined in the search
        ln_neg_inf = np.log(np.array([complex(-np.inf, 0)]))
    assert ln_neg_inf[0].real == np.inf and ln_neg_inf[0].imag == pytest.approx(np.pi)
    assert np.isnan(log_guarded(np.array([complex(-np.inf, 0)]))).all()
    assert mp_log(mpmath.mpc(-mpmath.inf)) is None
    # exp overflow from a finite argument and |exp| below the floor: undefined, not inf or 0
    assert np.isnan(exp_guarded(np.array([800 + 0j, -700 + 0j]))).all()
    assert np.exp(-700) < SEARCH_EXP_FLOOR
    assert mp_exp(mpmath.mpc(2 * SEARCH_MP_EXP_LIMIT)) is None
    # the conventions that are the same: ln 0 = -inf, exp(-inf) = 0
    assert log_guarded(np.array([0j]))[0] == -np.inf and exp_guarded(np.array([-np.inf]))[0] == 0


def test_snapping_float_and_mpmath_alike():
    e = np.e
    a, b = np.array([complex(e, 1e-15)]), np.array([complex(1.0, 1e-15)])
    assert snap_sum(a - b, a, b)[0].imag == 0.0  # residue below 2**-40 of the operands
    with mpmath.workdps(30):
        A, B = mpmath.mpc(e, 1e-25), mpmath.mpc(1, 1e-25)
        assert mp_snap_sum(A - B, A, B).imag == 0
        assert mp_sub(A, B).imag == 0
        assert mp_snap_sum(mpmath.mpc(mpmath.nan, 1), A) is not None  # NaN is not turned into 0
        assert mpmath.isnan(mp_snap_sum(mpmath.mpc(mpmath.nan, 1), A).real)


def test_search_ops_walk_shared_nodes_once():
    calls = []

    class Counting(SearchOps):
        def eml(self, node, a, b, free_a, free_b):
            calls.append(node)
            return super().eml(node, a, b, free_a, free_b)

    from emlkit.backends._walk import make_plan, run

    t = Eml(Var("x"), ONE)
    x = np.array([0.3 + 0.2j])
    v = run(make_plan(Eml(t, t), fold_constants=False), Counting(1), {"x": x})
    assert len(calls) == 2
    np.testing.assert_allclose(v, np.exp(np.exp(x)) - np.log(np.exp(x)), rtol=1e-14)
