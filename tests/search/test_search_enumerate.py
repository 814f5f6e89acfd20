"""Tests of the bottom-up enumeration (emlkit.search.enumerate)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emlkit.expr import ONE, Eml, Var, postorder
from emlkit.search import enumerate_forms
from emlkit.search.enumerate import eml_arrays, exp_guarded, log_guarded


@pytest.fixture(scope="module")
def constants():
    return enumerate_forms(19, variables=())


@pytest.fixture(scope="module")
def unary():
    return enumerate_forms(11, variables=("x",))


def values_of(expr, points):
    """Values of a tree at the test points with the search's arithmetic (independent of the
    enumeration's bookkeeping)."""
    P = len(next(iter(points.values()))) if points else 1
    vals = {}
    for n in postorder(expr):
        if isinstance(n, Eml):
            vals[id(n)] = eml_arrays(exp_guarded(vals[id(n.left)]), log_guarded(vals[id(n.right)]))
        elif isinstance(n, Var):
            vals[id(n)] = np.asarray(points[n.name], dtype=complex)
        else:
            vals[id(n)] = np.ones(P, dtype=complex)
    return vals[id(expr)]


@pytest.mark.parametrize("value, K", [(np.e, 3), (0.0, 7), (-1.0, 15), (2.0, 19)])
def test_published_shortest_constants(constants, value, K):
    ids = constants.find_values(value)
    assert ids, f"{value} not found up to K=19"
    assert constants.size_of(ids[0]) == K
    expr = constants.expr(ids[0])
    assert expr.K == K
    assert abs(values_of(expr, {})[0] - value) < 1e-12


def test_counts_consistent(constants, unary):
    for en in (constants, unary):
        assert sorted(en.counts) == list(range(1, en.max_K + 1, 2))
        assert en.total == sum(en.counts.values())
        for K, n in en.counts.items():
            assert len(en.ids(K)) == n
            assert en.values(K).shape == (n, en.P)
        seq = [en.counts[K] for K in sorted(en.counts)]
        assert all(a <= b for a, b in zip(seq, seq[1:])), seq
        assert en.collisions == 0
    # a deeper run reproduces the shallower one's counts
    assert enumerate_forms(13, variables=()).counts == {
        K: n for K, n in constants.counts.items() if K <= 13
    }


def test_representatives_rebuild(unary):
    for K in unary.counts:
        ids = list(unary.ids(K))
        for g in ids[:: max(1, len(ids) // 50)]:
            expr = unary.expr(g)
            assert expr.K == K
            got = values_of(expr, unary.points)
            want = unary.values(K)[g - ids[0]]
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=0)


def test_values_distinct_within_and_across_levels(unary):
    rows = np.concatenate([unary.values(K) for K in sorted(unary.counts)])
    # 12 significant digits per part: two representatives share a key only if they agree to
    # ~1e-12 relative at every test point, i.e. they are the same function kept twice (a value
    # on a dedup grid boundary may do that, rarely)
    keys = {tuple(f"{z.real:.11e} {z.imag:.11e}" for z in r) for r in rows}
    assert len(keys) >= len(rows) * 0.999


def _all_trees(K, leaves):
    """Every syntax tree of size K (brute force, for small K)."""
    memo = {1: list(leaves)}
    for k in range(3, K + 1, 2):
        memo[k] = [
            Eml(a, b)
            for ka in range(1, k - 1, 2)
            for a, b in itertools.product(memo[ka], memo[k - 1 - ka])
        ]
    return memo


def test_counts_match_brute_force():
    en = enumerate_forms(9, variables=("x",))
    trees = _all_trees(9, [ONE, Var("x")])
    kept: list[np.ndarray] = []
    brute = {}
    for K in range(1, 10, 2):
        brute[K] = 0
        for t in trees[K]:
            v = values_of(t, en.points)
            if np.isnan(v).any():
                continue
            if kept:
                rows = np.array(kept)
                with np.errstate(invalid="ignore"):
                    same = np.where(
                        np.isfinite(v), np.abs(rows - v) <= 1e-9 * (np.abs(v) + 1), rows == v
                    ).all(axis=1)
                if same.any():
                    continue
            kept.append(v)
            brute[K] += 1
    assert brute == en.counts


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=10**9), st.sampled_from([5, 7, 9, 11]))
def test_every_small_tree_is_represented(unary, seed, K):
    rng = np.random.default_rng(seed)
    trees = {}

    def random_tree(k):
        if k == 1:
            return ONE if rng.random() < 0.5 else Var("x")
        ka = int(rng.choice(np.arange(1, k - 1, 2)))
        return Eml(random_tree(ka), random_tree(k - 1 - ka))

    t = random_tree(K)
    trees[K] = t
    v = values_of(t, unary.points)
    if np.isnan(v).any():
        return  # undefined at a test point: not enumerated by design
    ids = unary.find_values(v, rtol=1e-9)
    assert ids, f"{t} has no representative"
    assert unary.size_of(ids[0]) <= t.K


def test_extended_values():
    en = enumerate_forms(11, variables=())
    (neg_inf,) = en.find_values(-np.inf)
    assert str(en.expr(neg_inf)) == "eml(1, eml(1, eml(1, eml(eml(1, 1), 1))))"
    assert en.size_of(en.find_values(np.inf)[0]) == 9


def test_memory_limit_stops_early():
    en = enumerate_forms(25, variables=("x",), memory_limit_bytes=2_000_000)
    assert not en.complete
    assert en.max_K < 25
    assert sorted(en.counts) == list(range(1, en.max_K + 1, 2))


def test_custom_points_and_errors():
    en = enumerate_forms(5, variables=("x",), points={"x": [0.3 + 0.2j, -0.7 + 1.1j]})
    assert en.P == 2 and en.strip.all()
    with pytest.raises(ValueError):
        enumerate_forms(5, variables=("x", "y"), points={"x": [1j], "y": [1j, 2j]})
    with pytest.raises(ValueError):
        enumerate_forms(5, variables=("x", "x"))
