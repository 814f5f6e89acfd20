"""Deep identification of classes the Möbius stage missed, checked against mpmath."""

from __future__ import annotations

import mpmath
import pytest
import sympy

from emlkit.pcf.deep import deep_identify
from emlkit.pcf.search import search


def _limit(a, b, depth=300):
    p0, p1, q0, q1 = mpmath.mpf(1), mpmath.mpf(a[0]), mpmath.mpf(0), mpmath.mpf(1)
    for n in range(1, depth + 1):
        an = sum(c * n**k for k, c in enumerate(a))
        bn = sum(c * n**k for k, c in enumerate(b))
        p0, p1 = p1, an * p1 + bn * p0
        q0, q1 = q1, an * q1 + bn * q0
    return p1 / q1


def test_finds_what_the_searched_constants_could_not():
    r = search((1, 0, (0, 2)), constants=["E"], executor="serial")
    assert r.find((0, 1), (1,)) is None  # I1(2)/I0(2) is not a Möbius transform of e
    got = deep_identify(r, classes=6, timeout=5)
    assert got
    known = {f.canonical for f in r.formulas}
    for f in got:
        assert f.canonical not in known
        with mpmath.workdps(60):
            want = mpmath.mpf(str(sympy.sympify(f.formula).evalf(60)))
            assert abs(_limit(f.a, f.b) - want) < abs(want) * mpmath.mpf(10) ** -50
    assert any("besseli" in f.formula for f in got)


def test_nothing_to_try_and_bad_arguments():
    r = search((1, 0, (0, 2)), constants=["E"], executor="serial")
    assert deep_identify(r, classes=0) == ()
    with pytest.raises(ValueError, match="classes"):
        deep_identify(r, classes=-1)
