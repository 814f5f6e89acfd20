"""The float sieve: box arithmetic, limits against mpmath constants, statuses and features."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest

from emlkit.pcf.sieve import (
    CONVERGED,
    DIVERGENT,
    FEATURES,
    TERMINATING,
    CoefficientBox,
    sieve,
)

KNOWN = [  # (a, b) lowest degree first -> value from mpmath
    ((1, 2), (0, 0, 1), lambda: 4 / mpmath.pi),
    ((3, 2), (0, 2, 1), lambda: 4 / (mpmath.pi - 2)),
    ((3, 1), (0, -1), lambda: mpmath.e),
    ((2, 3), (0, 0, -2), lambda: 1 / mpmath.log(2)),
    ((4, 1), (0, -1), lambda: mpmath.e / (mpmath.e - 2)),
    ((1, 2), (-1,), lambda: mpmath.cot(1)),
    ((0, 1), (1,), lambda: mpmath.besseli(1, 2) / mpmath.besseli(0, 2)),
    ((1,), (1,), lambda: mpmath.phi),
]


def test_box_size_matches_the_published_count():
    assert CoefficientBox(2, 2, (-5, 5)).size == (11**3 - 1) ** 2 == 1_768_900


def test_index_round_trip_over_a_whole_small_box():
    box = CoefficientBox(1, 2, (-2, 1))
    for i in range(box.size):
        a, b = box.pcf_at(i)
        assert any(a) and any(b)
        assert box.index_of(a, b) == i
    seen = {box.pcf_at(i) for i in range(box.size)}
    assert len(seen) == box.size == (4**2 - 1) * (4**3 - 1)


def test_separate_b_range():
    box = CoefficientBox(0, 1, (1, 1), b_coefficients=(-1, 1))
    assert box.size == 8
    assert box.pcf_at(0) == ((1,), (-1, -1))


@pytest.mark.parametrize("a, b, ref", KNOWN)
def test_known_limits(a, b, ref):
    box = CoefficientBox(max(len(a) - 1, 0), max(len(b) - 1, 0), (-4, 4))
    i = box.index_of(a, b)
    s = sieve(box, i, i + 1, depth=256)
    assert s.status[0] == CONVERGED
    with mpmath.workdps(30):
        want = float(ref())
    assert s.digits[0] >= 9
    assert abs(s.value[0] - want) <= 10 ** (-s.digits[0] + 1) * abs(want)


def test_agrees_with_an_mpmath_recurrence_on_random_members():
    box = CoefficientBox(2, 2, (-5, 5))
    rng = np.random.default_rng(7)
    idx = rng.choice(box.size, 120, replace=False)
    s = sieve(box, 0, 0, depth=64)
    assert len(s) == 0
    checked = 0
    for i in idx:
        r = sieve(box, int(i), int(i) + 1, depth=128)
        if r.status[0] != CONVERGED:
            continue
        a, b = box.pcf_at(int(i))
        with mpmath.workdps(60):
            p0, p1, q0, q1 = mpmath.mpf(1), mpmath.mpf(a[0]), mpmath.mpf(0), mpmath.mpf(1)
            for n in range(1, 129):
                an = sum(c * n**k for k, c in enumerate(a))
                bn = sum(c * n**k for k, c in enumerate(b))
                p0, p1 = p1, an * p1 + bn * p0
                q0, q1 = q1, an * q1 + bn * q0
            want = float(p1 / q1)
        assert abs(r.value[0] - want) <= 1e-6 * max(abs(want), 1e-300) + 1e-12, (a, b)
        checked += 1
    assert checked > 60


def test_terminating_and_divergent():
    box = CoefficientBox(1, 1, (-3, 3))
    # b(n) = n - 2 vanishes at n = 2: PCF = a(0) + b(1)/a(1) = 1 + (-1)/2 with a = 1 + n
    i = box.index_of((1, 1), (-2, 1))
    s = sieve(box, i, i + 1, depth=32)
    assert s.status[0] == TERMINATING
    assert s.value[0] == pytest.approx(0.5, abs=1e-15)
    # PCF(1, -1): x = 1 - 1/x has complex roots, the convergents cycle 1, 0, inf, 1, ...
    j = box.index_of((1, 0), (-1, 0))
    r = sieve(box, j, j + 1, depth=32)
    assert r.status[0] != CONVERGED and r.digits[0] == 0


def test_huge_growth_does_not_overflow():
    box = CoefficientBox(2, 2, (-5, 5))
    i = box.index_of((5, 5, 5), (5, 5, 5))
    s = sieve(box, i, i + 1, depth=2000)  # q_n ~ (n!)^2 5^n: far beyond float64 unscaled
    assert s.status[0] == CONVERGED and np.isfinite(s.value[0])
    assert np.isfinite(s.features[0, FEATURES.index("c")])


def test_features_of_the_golden_ratio():
    box = CoefficientBox(0, 0, (1, 1))
    s = sieve(box, depth=256)
    phi = (1 + math.sqrt(5)) / 2
    f = dict(zip(FEATURES, s.features[0]))
    assert f["c"] == pytest.approx(math.log(phi), abs=0.02)  # q_n ~ phi^n
    assert abs(f["d"]) < 0.01
    assert f["eig_ratio"] == pytest.approx(2 * math.log(phi), rel=1e-9)  # |phi / (-1/phi)|
    # error ~ phi^(-2n): the fitted ln|error| falls by 2 ln phi per step
    def fit(n):
        return f["beta"] * math.log(n) + f["gamma"] * n + f["eta"] * n * math.log(n)
    assert (fit(24) - fit(8)) / 16 == pytest.approx(-2 * math.log(phi), abs=0.05)


def test_counts_cover_every_member():
    box = CoefficientBox(1, 1, (-2, 2))
    s = sieve(box, depth=64, chunk=100)
    assert sum(s.counts().values()) == box.size == len(s)
    assert s.counts()["divergent"] >= 0 and DIVERGENT == 2


@pytest.mark.parametrize("kwargs, msg", [
    ({"deg_a": -1, "deg_b": 1, "coefficients": (0, 1)}, "deg_a"),
    ({"deg_a": 1, "deg_b": 7, "coefficients": (0, 1)}, "deg_b"),
    ({"deg_a": 1, "deg_b": 1, "coefficients": (2, 1)}, "above"),
    ({"deg_a": 1, "deg_b": 1, "coefficients": (0, 0)}, "empty"),
    ({"deg_a": 1, "deg_b": 1, "coefficients": "ab"}, "pair"),
    ({"deg_a": 6, "deg_b": 6, "coefficients": (-20, 20)}, "too large"),
])
def test_bad_boxes(kwargs, msg):
    with pytest.raises(ValueError, match=msg):
        CoefficientBox(**kwargs)


def test_bad_sieve_arguments():
    box = CoefficientBox(1, 1, (-1, 1))
    with pytest.raises(ValueError, match="depth"):
        sieve(box, depth=3)
    with pytest.raises(ValueError, match="outside"):
        sieve(box, 0, box.size + 1)
    with pytest.raises(ValueError, match="not in the box"):
        box.index_of((5,), (1,))


def test_huge_coefficients_against_mpmath():
    box = CoefficientBox(1, 1, (999_998, 1_000_000))
    s = sieve(box, depth=64)
    for k in range(0, box.size, 97):
        a, b = box.pcf_at(k)
        with mpmath.workdps(40):
            p0, p1, q0, q1 = mpmath.mpf(1), mpmath.mpf(a[0]), mpmath.mpf(0), mpmath.mpf(1)
            for n in range(1, 65):
                an, bn = a[0] + a[1] * n, b[0] + b[1] * n
                p0, p1 = p1, an * p1 + bn * p0
                q0, q1 = q1, an * q1 + bn * q0
            want = float(p1 / q1)
        assert s.status[k] == CONVERGED
        assert abs(s.value[k] - want) <= 1e-12 * abs(want)
