"""Convergence dynamics: δ against theory and ramanujantools, fits, eigenvalues, edge cases."""

from __future__ import annotations

import itertools
import json
import math

import mpmath
import pytest

from emlkit.errors import DomainError
from emlkit.pcf import PCF
from emlkit.pcf.dynamics import dynamics, eigenvalue_ratio

APERY = PCF("34n^3+51n^2+27n+5", "-n^6")


def _apery_theory() -> float:
    # delta of Apery's approximations: (4 ln(1+sqrt 2) - 3) / (4 ln(1+sqrt 2) + 3)
    with mpmath.workdps(30):
        l4 = 4 * mpmath.log(1 + mpmath.sqrt(2))
        return float((l4 - 3) / (l4 + 3))


def test_apery_delta_approaches_theory_monotonically():
    theory = _apery_theory()
    assert abs(theory - 0.0805) < 1e-4
    runs = [dynamics(APERY, depth=n) for n in (100, 200, 400, 800)]
    # delta at one depth fluctuates with the gcd; its mean over [N/2, N] approaches smoothly
    gaps = [d.delta_mean - theory for d in runs]
    assert all(g > 0 for g in gaps)                    # approached from above
    assert all(b < a for a, b in itertools.pairwise(gaps))  # monotone
    assert gaps[-1] < 0.01
    assert all(abs(d.delta - theory) < 0.05 for d in runs)
    d = runs[-1]
    assert abs(d.predicted_delta - theory) < 0.015
    assert abs(d.irrationality_bound - (1 + 1 / d.delta)) < 1e-12


def test_measure_bound_never_below_two():
    # golden ratio: |phi - F_(n+1)/F_n| ~ 1/(sqrt(5) F_n^2), so delta -> 1 from above at finite
    # depth; 1 + 1/delta would then claim a measure below 2, which no irrational number has
    d = dynamics(PCF(1, 1), depth=400)
    assert 1 < d.delta < 1.02
    assert d.irrationality_bound == 2.0
    assert "measure      ≤ 2 if δ holds" in str(d)


def test_no_measure_bound_when_the_limit_has_few_digits():
    # 1 - (1/4)/(1 - (1/4)/(1 - ...)) = 1/2 (x = 1 - 1/(4x), a double root): the error falls
    # like 1/n, so depth 2000 fixes about 3 digits; a bound on the measure of the rational 1/2
    # would be noise
    d = dynamics(PCF(1, "-1/4"), depth=1000)
    assert d.limit_digits < 10 and abs(float(d.limit) - 0.5) < 1e-2
    assert d.irrationality_bound is None and "measure" not in str(d)


def test_apery_rates_and_eigenvalues_from_theory():
    d = dynamics(APERY, depth=400)
    ratio = 8 * math.log(1 + math.sqrt(2))             # roots (1 ± sqrt 2)^4 of x^2 - 34x + 1
    assert d.eigen_case == "distinct real"
    assert abs(d.eigenvalue_ratio_limit - ratio) < 1e-12
    assert abs(d.eigenvalue_ratio - ratio) < 0.02      # at n = 400, O(1/n) from the limit
    assert d.convergence == "exponential"
    assert abs(d.digits_per_term - ratio / math.log(10)) < 0.01
    assert abs(d.error_fit[1] + ratio) < 0.01          # gamma = -ln|l+/l-|
    assert d.factorial_reduction                       # gcd ~ (n!)^3 / lcm(1..n)^3
    assert 2.5 < d.gcd_fit[1] < 3.5
    with mpmath.workdps(60):
        assert abs(d.limit - 6 / mpmath.zeta(3)) < mpmath.mpf(10) ** -50
    assert d.limit_digits > 500


def _rt_delta(a: str, b: str, depth: int) -> float:
    import sympy as sp
    from ramanujantools.pcf import PCF as RtPCF

    n = sp.Symbol("n")
    return RtPCF(sp.sympify(a, locals={"n": n}), sp.sympify(b, locals={"n": n})).delta(depth)


@pytest.mark.parametrize("a, b", [
    ("2*n+1", "n**2"), ("34*n**3+51*n**2+27*n+5", "-n**6"), ("n+3", "-n"), ("1", "1"),
    ("2*n+3", "n*(n+2)"), ("3*n+2", "-2*n**2"),
])
@pytest.mark.parametrize("depth", [50, 100, 200])
def test_delta_equals_ramanujantools(a, b, depth):
    pytest.importorskip("ramanujantools")
    theirs = _rt_delta(a, b, depth)
    ours = dynamics(PCF(a.replace("**", "^"), b.replace("**", "^")), depth=depth).delta
    # same definition (reduced q, L from depth 2N, both exact rationals); only the final
    # float logarithms differ, so agreement to 1e-9 leaves room for rounding alone
    assert abs(ours - theirs) < 1e-9


def test_four_over_pi_delta_at_100():
    d = dynamics(PCF("2n+1", "n^2"), depth=100)
    assert abs(d.delta - (-0.161)) < 5e-4              # ramanujantools: -0.161
    assert d.naive_delta < d.delta                     # unreduced q_n is larger
    assert d.eigen_case == "distinct real"             # x^2 - 2x - 1: roots 1 ± sqrt 2
    assert abs(d.eigenvalue_ratio_limit - 2 * math.log(1 + math.sqrt(2))) < 1e-12
    with mpmath.workdps(40):
        assert abs(d.limit - 4 / mpmath.pi) < mpmath.mpf(10) ** -30


def test_golden_ratio_delta_is_one():
    # q_n = F_{n+1}, |phi - p_n/q_n| ~ 1/(sqrt 5 q_n^2): delta -> 1, no reduction
    d = dynamics(PCF(1, 1), depth=10_000)              # 100x the usual depth
    assert abs(d.delta - 1) < 1e-3 and d.delta == d.naive_delta
    assert not d.factorial_reduction
    assert abs(d.eigenvalue_ratio_limit - 2 * math.log((1 + math.sqrt(5)) / 2)) < 1e-12
    assert abs(d.digits_per_term - 2 * math.log10((1 + math.sqrt(5)) / 2)) < 1e-6


def test_e_converges_factorially():
    d = dynamics(PCF("n+3", "-n"), depth=300)          # e, error ~ 1/n!
    assert d.convergence == "factorial"
    assert d.error_fit[2] < -0.5
    assert d.eigen_case == "a dominates"
    with mpmath.workdps(40):
        assert abs(d.limit - mpmath.e) < mpmath.mpf(10) ** -30


def test_rational_limit():
    d = dynamics(PCF("2n+1", "2n+2"), depth=200)
    assert d.rational_limit == 2
    # for L = r/s, |L - p/q| >= 1/(s q) unless equal, so delta <= ln s / ln q -> 0
    assert d.delta <= 1e-9
    p0, p1, q0, q1 = 1, 1, 0, 1                       # independent loop: x_n -> 2
    for n in range(1, 60):
        p0, p1 = p1, (2 * n + 1) * p1 + (2 * n + 2) * p0
        q0, q1 = q1, (2 * n + 1) * q1 + (2 * n + 2) * q0
    assert abs(p1 / q1 - 2) < 1e-12


def test_sub_exponential():
    d = dynamics(PCF(2, -1), depth=200)                # x_n = (n+2)/(n+1) -> 1, error ~ 1/n
    assert d.eigen_case == "double root"
    assert d.convergence == "sub-exponential"
    assert d.digits_per_term < 0.01


@pytest.mark.parametrize("a, b, status", [
    ("1", "-2", "divergent"),         # roots of x^2 - x + 2: equal moduli, irrational angle
    ("0", "1", "undefined"),          # q_n = 0 at every odd n
    ("n+1", "3-n", "terminating"),    # b(3) = 0
    ("1", "0", "terminating"),
    ("1", "-1", "undefined"),         # q_2 = 0
])
def test_status(a, b, status):
    d = dynamics(PCF(a, b), depth=50)
    assert d.status == status and d.delta is None
    assert status in str(d)


def test_rational_coefficients():
    from fractions import Fraction

    # PCF(n + 1/2, n^2/4) is PCF(2n + 1, n^2) after the equivalence transform r_n = 1/2: value
    # halved (2/pi); reduced denominators differ by powers of 2 only, so delta barely moves
    half = PCF([Fraction(1, 2), 1], [0, 0, Fraction(1, 4)])
    d, d0 = dynamics(half, depth=200), dynamics(PCF("2n+1", "n^2"), depth=200)
    with mpmath.workdps(40):
        assert abs(d.limit - 2 / mpmath.pi) < mpmath.mpf(10) ** -30
    assert abs(d.delta - d0.delta) < 0.01


def test_huge_coefficients():
    # q_n ~ 10^(30 n), error ~ 1/(q_n q_{n+1}) = 10^-30 q_n^-2: delta = 1 + 1/n
    d = dynamics(PCF(10 ** 30, 1), depth=50)
    assert abs(d.delta - (1 + 1 / 50)) < 1e-6


def test_given_limit_matches_default():
    with mpmath.workdps(400):
        lim = 6 / mpmath.zeta(3)
        d1 = dynamics(APERY, depth=100, limit=lim)
    d2 = dynamics(APERY, depth=100)
    assert abs(d1.delta - d2.delta) < 1e-9


def test_record_json_and_text():
    d = dynamics(APERY, depth=120)
    data = json.loads(json.dumps(d.as_dict()))
    assert data["status"] == "converged" and data["delta"] == d.delta
    assert len(data["samples"]) == len(data["deltas"]) == 48
    text = str(d)
    assert "digits checked" in text and "delta" in text and "factorial reduction: yes" in text


def test_pcf_method_delegates():
    assert PCF("2n+1", "n^2").dynamics(depth=60).delta == dynamics(PCF("2n+1", "n^2"), 60).delta


def test_eigenvalue_ratio_edges():
    assert eigenvalue_ratio(1, -1, 1) == 0.0           # complex, equal moduli
    assert eigenvalue_ratio(2, -1, 1) == 0.0           # double root
    assert eigenvalue_ratio(3, 0, 1) == math.inf       # a zero root


@pytest.mark.parametrize("kw", [{"depth": 3}, {"depth": 2.5}, {"depth": True},
                                {"samples": 2}, {"depth": 10 ** 7}])
def test_bad_arguments(kw):
    with pytest.raises(DomainError):
        dynamics(APERY, **kw)
    with pytest.raises(DomainError, match="PCF"):
        dynamics("2n+1")
