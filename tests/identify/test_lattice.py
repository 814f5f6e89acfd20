"""Integer relations by LLL (and the PSLQ fallback): known relations, needed terms, scaling."""

from __future__ import annotations

import mpmath
import pytest

from emlkit.identify import lattice


def _at(dps, f):
    with mpmath.workdps(dps):
        return f()


def test_known_relations():
    vals = _at(40, lambda: [mpmath.zeta(2), mpmath.pi ** 2])
    assert lattice.find_relation(vals, 40) == (6, -1)
    vals = _at(40, lambda: [mpmath.sqrt(2) + mpmath.sqrt(3), 1, mpmath.sqrt(2), mpmath.sqrt(3)])
    assert lattice.find_relation(vals, 40) == (1, 0, -1, -1)


def test_relation_must_use_the_needed_term():
    # 1 and 2 are related (2·1 − 2 = 0) whatever x is; the relation must involve x
    vals = _at(40, lambda: [mpmath.pi, mpmath.mpf(1), mpmath.mpf(2)])
    rel = lattice.find_relation(vals, 40, needed=0)
    assert rel is None or rel[0] != 0


def test_sign_and_gcd_are_normalised():
    vals = _at(40, lambda: [-mpmath.mpf(1) / 3, mpmath.mpf(1)])
    assert lattice.find_relation(vals, 40) == (3, 1)


def test_random_values_give_only_large_relations():
    import random

    rng = random.Random(3)
    for _ in range(20):
        with mpmath.workdps(40):
            vals = [mpmath.mpf(rng.random()) + mpmath.mpf(rng.random()) / 10**15, 1, mpmath.pi,
                    mpmath.e]
        rel = lattice.find_relation(vals, 30)
        assert rel is not None and max(abs(c) for c in rel) > 100


def test_scaled_signs_and_zero():
    assert lattice.scaled([mpmath.mpf(0), mpmath.mpf(0)], 20) is None
    ints = lattice.scaled(_at(30, lambda: [mpmath.mpf(-1) / 3, mpmath.mpf(1), 0]), 20)
    assert ints[0] < 0 < ints[1] and ints[2] == 0
    assert abs(ints[0] * 3 + ints[1]) <= 3


@pytest.mark.parametrize("big", [1e-300, 1e300])
def test_huge_and_tiny_magnitudes(big):
    with mpmath.workdps(40):
        vals = [mpmath.mpf(big) * 7, mpmath.mpf(big)]
    assert lattice.find_relation(vals, 30) == (1, -7)


def test_pslq_fallback_agrees():
    vals = _at(40, lambda: [4 / mpmath.pi - 1, mpmath.mpf(1), 1 / mpmath.pi])
    assert lattice._pslq(vals, 30, (0,)) == (1, 1, -4)
