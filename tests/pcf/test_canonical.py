"""Canonical forms: invariant under the three moves, and the moves really relate the limits."""

from __future__ import annotations

import random

import mpmath
import pytest

from emlkit.pcf.canonical import canonical, shift_poly


def _limit(a, b, depth=400):
    with mpmath.workdps(40):
        p0, p1, q0, q1 = mpmath.mpf(1), mpmath.mpf(_ev(a, 0)), mpmath.mpf(0), mpmath.mpf(1)
        for n in range(1, depth + 1):
            an, bn = _ev(a, n), _ev(b, n)
            p0, p1 = p1, an * p1 + bn * p0
            q0, q1 = q1, an * q1 + bn * q0
        return p1 / q1


def _ev(c, n):
    return sum(x * n**k for k, x in enumerate(c))


def test_shift_poly_against_direct_evaluation():
    rng = random.Random(3)
    for _ in range(50):
        c = tuple(rng.randint(-9, 9) for _ in range(rng.randint(1, 4)))
        k = rng.randint(-6, 6)
        s = shift_poly(c, k)
        for n in range(-3, 4):
            assert _ev(s, n) == _ev(c, n + k)


@pytest.mark.parametrize("a, b", [
    ((1, 2), (0, 0, 1)), ((3, 2), (0, 2, 1)), ((3, 1), (0, -1)), ((2, 3), (0, 0, -2)),
    ((1,), (1,)), ((0, 1), (1,)), ((3, 3), (0, 1, -2)),
])
def test_invariant_under_the_moves(a, b):
    key = canonical(a, b).key
    # common factor c: (c a, c^2 b); sign: (-a, b); shift by one step: (a(n+1), b(n+1))
    assert canonical(tuple(3 * x for x in a), tuple(9 * x for x in b)).key == key
    assert canonical(tuple(-x for x in a), b).key == key
    assert canonical(shift_poly(a, 1), shift_poly(b, 1)).key == key
    assert canonical(shift_poly(a, 2), shift_poly(b, 2)).key == key


def test_representative_limit_is_the_stated_transform():
    rng = random.Random(11)
    checked = 0
    for _ in range(40):
        a = (rng.randint(1, 4), rng.randint(1, 3))
        b = (rng.randint(1, 4), rng.randint(-2, 2), rng.randint(-2, 2))
        if any(_ev(b, n) == 0 for n in range(-10, 12)):
            continue
        c = canonical(a, b)
        with mpmath.workdps(40):
            x, y = _limit(a, b), _limit(c.a, c.b)
            if not (mpmath.isfinite(x) and mpmath.isfinite(y)):
                continue
            if abs(_limit(a, b, 800) - x) > mpmath.mpf(10) ** -30 * abs(x):
                continue  # does not converge (e.g. complex characteristic roots)
            # undo the shift: P_j = a'(j) + b'(j+1)/P_{j+1} on the scaled, signed PCF
            a1 = tuple(c.sign * v // c.scale for v in a)
            b1 = tuple(v // c.scale**2 for v in b)
            if c.shift >= 0:
                z = y
                for j in range(c.shift - 1, -1, -1):
                    z = _ev(a1, j) + _ev(b1, j + 1) / z
                want = x * c.sign / c.scale
            else:  # representative further back: P_j = a'(j) + b'(j+1)/P_{j+1} from P_0 down
                z = x * c.sign / c.scale
                for j in range(-1, c.shift - 1, -1):
                    z = _ev(a1, j) + _ev(b1, j + 1) / z
                z, want = y, z
            assert abs(z - want) < mpmath.mpf(10) ** -25 * max(1, abs(want)), (a, b, c)
            checked += 1
    assert checked >= 10


def test_sign_and_scale_reported():
    c = canonical((-2, -4), (0, 0, 4))
    assert (c.key, c.sign, c.scale) == (((1, 2), (0, 0, 1)), -1, 2)


def test_shift_stops_at_a_root_of_b():
    # b(n) = n(n + 2) vanishes at 0: the shifted-back fraction would not be equivalent
    c = canonical((3, 2), (0, 2, 1))
    assert c.shift >= 0


@pytest.mark.parametrize("a, b", [((0,), (1,)), ((1,), (0, 0)), ((1.5,), (1,))])
def test_bad_input(a, b):
    with pytest.raises(ValueError):
        canonical(a, b)
