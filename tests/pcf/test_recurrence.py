"""Recurrence: exact solutions, conversion to and from PCF, limits, errors."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest
import sympy

from emlkit.errors import DomainError
from emlkit.pcf import PCF
from emlkit.pcf.recurrence import Recurrence


def test_fibonacci_and_sympy_rsolve_agree():
    r = Recurrence(1, 1, 1)
    assert r.solution(0, 1, 30)[-1] == sympy.fibonacci(31)
    # a recurrence with non-constant c2: n u_n = (n + 1) u_{n-1}, so u_n = (n + 1) u_0
    r = Recurrence("n", "n+1", 0)
    assert r.solution(5, 1, 6) == [1, 2, 3, 4, 5, 6, 7]


def test_to_pcf_ratio_equals_ratio_of_solutions():
    r = Recurrence("n+1", "3n+2", "-n")
    pcf = r.to_pcf()
    assert pcf is PCF("3n+2", "-n^2")
    u = r.solution(1, r.c1(0), 25)
    v = r.solution(0, 1, 25)
    conv = pcf.convergents(range(26))
    assert all(Fraction(x) / Fraction(y) == c for x, y, c in zip(u, v, conv))


def test_from_pcf_round_trip_and_limit():
    pcf = PCF("34n^3+51n^2+27n+5", "-n^6")
    r = Recurrence.from_pcf(pcf)
    assert r.to_pcf() is pcf
    lim = r.limit(digits=100)
    with mpmath.workdps(120):
        assert abs(mpmath.mpf(lim.as_decimal()) - 6 / mpmath.zeta(3)) < mpmath.mpf(10) ** -98
    assert str(r) == "u(n) = (34n^3 + 51n^2 + 27n + 5) u(n-1) - n^6 u(n-2)"


def test_frozen_and_errors():
    r = Recurrence(1, 1, 1)
    with pytest.raises(AttributeError):
        r.c2 = 2  # type: ignore[misc]
    with pytest.raises(DomainError, match="c2"):
        Recurrence(0, 1, 1)
    with pytest.raises(DomainError, match=r"c2\(3\) = 0"):
        Recurrence("n-3", 1, 1)
    with pytest.raises(DomainError, match="both zero"):
        Recurrence(1, 0, 0)
    with pytest.raises(DomainError):
        r.solution(0, 1, -1)
