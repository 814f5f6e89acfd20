"""Blind δ from exact convergents: against ramanujantools, theory and bad cases."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest

from emlkit.pcf._blind import blind_delta, blind_deltas
from emlkit.pcf.cluster import cluster_box, fingerprints
from emlkit.pcf.sieve import CoefficientBox

CASES = [  # (sympy text for ramanujantools, coefficients lowest first)
    ("2*n+1", "n**2", (1, 2), (0, 0, 1)),
    ("34*n**3+51*n**2+27*n+5", "-n**6", (5, 27, 51, 34), (0, 0, 0, 0, 0, 0, -1)),
    ("n+3", "-n", (3, 1), (0, -1)),
    ("3*n+2", "-2*n**2", (2, 3), (0, 0, -2)),
]


@pytest.mark.parametrize("ta, tb, a, b", CASES)
@pytest.mark.parametrize("depth", [40, 120])
def test_equals_ramanujantools_delta(ta, tb, a, b, depth):
    rt = pytest.importorskip("ramanujantools.pcf")
    import sympy as sp

    n = sp.Symbol("n")
    theirs = float(rt.PCF(sp.sympify(ta, locals={"n": n}), sp.sympify(tb, locals={"n": n}))
                   .delta(depth))
    assert abs(blind_delta(a, b, depth) - theirs) < 1e-9


@pytest.mark.parametrize("depth", [30, 300, 3000])  # 100x apart
def test_golden_ratio_against_theory(depth):
    # q_N = F_{N+1} (coprime to p_N = F_{N+2}); phi - p_N/q_N = ±1/(F_{N+1}(F_{N+1} phi + F_N))
    with mpmath.workdps(50):
        f1, f0 = mpmath.fib(depth + 1), mpmath.fib(depth)
        err = 1 / (f1 * (f1 * mpmath.phi + f0))
        want = float(-1 - mpmath.log(err) / mpmath.log(f1))
    # L is p_{2N}/q_{2N}, not phi: the relative change of the error is about phi^(-2N)
    assert abs(blind_delta((1,), (1,), depth) - want) < 1e-9


def test_cases_without_a_delta_are_nan():
    assert math.isnan(blind_delta((0,), (1,), 31))      # q_31 = 0 (q alternates 0, 1)
    assert math.isnan(blind_delta((1,), (-3, 1), 20))   # b(3) = 0: p_20/q_20 = p_40/q_40
    assert blind_deltas([], 10).shape == (0,)
    with pytest.raises(ValueError, match="negative"):
        blind_delta((1,), (1,), -3)


def test_fingerprints_and_clustering_with_the_blind_delta():
    box = CoefficientBox(1, 1, (-2, 2))
    fp = fingerprints(box, blind_delta=True)
    assert fp.names[-1] == "blind_delta" and fp.features.shape[1] == len(fp.names)
    plain = fingerprints(box)
    assert np.array_equal(fp.index, plain.index)
    assert np.array_equal(fp.features[:, :-1], plain.features, equal_nan=True)
    for k in range(0, len(fp.index), max(1, len(fp.index) // 10)):
        a, b = box.pcf_at(int(fp.index[k]))
        want = blind_delta(a, b, 256)
        got = fp.features[k, -1]
        assert (math.isnan(want) and math.isnan(got)) or got == want
    from emlkit.pcf.search import search

    r = search(box, constants=["E"], executor="serial")
    rep = cluster_box(r, min_cluster_size=5, blind_delta=True)
    assert rep.fingerprints.names[-1] == "blind_delta" and -1 <= rep.ari <= 1
    with pytest.raises(ValueError, match="unknown feature"):
        cluster_box(r, features=("c", "blind_delta"))       # not asked for
