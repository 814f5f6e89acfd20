"""limit(): values against mpmath's own constants at 1000+ digits, statuses, edges, errors."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest

from emlkit.errors import DomainError
from emlkit.pcf import PCF
from emlkit.pcf.limit import Limit, limit

# (a, b, the published value as an mpmath expression); the indexing of each was checked against
# the convention p_n = a(n) p_{n-1} + b(n) p_{n-2}, value a(0) + b(1)/(a(1) + ...)
KNOWN = [
    ("2n+1", "n^2", lambda m: 4 / m.pi),
    ("34n^3+51n^2+27n+5", "-n^6", lambda m: 6 / m.zeta(3)),
    ("11n^2+11n+3", "n^4", lambda m: 30 / m.pi**2),
    ("7n^2+7n+2", "8n^4", lambda m: 24 / m.pi**2),
    ("n+3", "-n", lambda m: m.e),
    ("n+2", "-n", lambda m: m.e / (m.e - 1)),
    ("n+4", "-n", lambda m: m.e / (m.e - 2)),
    ("n+1", "n+1", lambda m: m.e - 1),
    ("6n+3", "-n^2", lambda m: 2 / m.log(2)),
    ("3n+2", "-2n^2", lambda m: 1 / m.log(2)),
    ("3n+3", "-2n^2", lambda m: 1 / (2 * m.log(2) - 1)),
    ("2n+1", "-1", lambda m: m.cot(1)),
    ("2n+1", "1", lambda m: m.coth(1)),
    ("1", "1", lambda m: m.phi),
    ("2n+3", "n(n+2)", lambda m: 4 / (m.pi - 2)),
    ("3n+3", "-n(2n-1)", lambda m: 4 / (3 * m.pi - 8)),
    ("n", "1", lambda m: m.besseli(1, 2) / m.besseli(0, 2)),
]


def _check(lim: Limit, ref_fn, digits: int) -> None:
    assert lim.status == "converged" and lim.digits == digits
    with mpmath.workdps(digits + 30):
        ref = ref_fn(mpmath.mp)
        printed = mpmath.mpf(lim.as_decimal())
        unit = mpmath.mpf(10) ** (int(mpmath.floor(mpmath.log10(abs(ref)))) - digits + 1)
        # the printed digits are within one unit of the last digit of the true value
        assert abs(printed - ref) < unit
        mantissa = lim.as_decimal().lstrip("-").split("e")[0]
        assert len(mantissa.replace(".", "").lstrip("0")) <= digits


@pytest.mark.parametrize("a, b, ref", KNOWN, ids=[f"{a}|{b}" for a, b, _ in KNOWN])
def test_known_formulas_to_1000_digits(a, b, ref):
    lim = limit(PCF(a, b), digits=1000)
    _check(lim, ref, 1000)
    assert lim.method == "arb" and lim.proven  # every one of these has a tail certificate


def test_more_digits_and_small_digit_counts():
    _check(limit(PCF("2n+1", "n^2"), digits=3000), lambda m: 4 / m.pi, 3000)
    for d in (1, 2, 5, 17):
        _check(limit(PCF("34n^3+51n^2+27n+5", "-n^6"), digits=d), lambda m: 6 / m.zeta(3), d)


def test_negative_and_tiny_values_and_rational_coefficients():
    # -4/pi: the negated fraction
    _check(limit(PCF("-2n-1", "n^2"), digits=200), lambda m: -4 / m.pi, 200)
    # an equivalence transform with factor 1/2 leaves the value unchanged
    _check(limit(PCF("n + 1/2", "n^2/4"), digits=200), lambda m: 2 / m.pi, 200)
    # Gauss' continued fraction: 1/(c + 1/(2c + ...)) = I_1(2/c)/I_0(2/c), here about 1e-4
    c = 10000
    _check(limit(PCF(f"{c}n", "1"), digits=50),
           lambda m: m.besseli(1, m.mpf(2) / c) / m.besseli(0, m.mpf(2) / c), 50)
    # scaling a by s and b by s^2 scales the value by s: huge and tiny magnitudes
    for s in (Fraction(10**40), Fraction(1, 10**40)):
        pcf = PCF([s, 2 * s], [0, 0, s * s])
        _check(limit(pcf, digits=80), lambda m, s=s: m.mpf(s.numerator) / s.denominator * 4 / m.pi,
               80)


@pytest.mark.parametrize("a, b, ref", [KNOWN[1], KNOWN[4], KNOWN[8], KNOWN[0]])
def test_checked_method_without_a_certificate(monkeypatch, a, b, ref):
    import emlkit.pcf._tails as tails

    monkeypatch.setattr(tails, "tail_certificate", lambda pcf: None)
    lim = limit(PCF(a, b), digits=300)
    assert lim.method == "consecutive convergents" and not lim.proven
    assert "checked by consecutive convergents" in str(lim)
    _check(lim, ref, 300)


def test_terminating():
    lim = limit(PCF("n", "n^2 - 3n + 2"), digits=30)  # b(1) = 0
    assert lim.status == "terminating" and lim.value is None and lim.digits == 0
    assert "b(1) = 0" in lim.reason and str(lim).startswith("terminating:")
    lim = limit(PCF("n+5", "n - 7"), digits=30)  # b(7) = 0: a finite fraction
    assert lim.status == "terminating" and "depth 6" in lim.reason
    assert limit(PCF("1", "0"), digits=5).status == "terminating"
    # a zero of b beyond max_depth does not terminate the fraction that far
    assert limit(PCF("n+5", "n - 700"), digits=5, max_depth=100).status != "terminating"


def test_oscillating_divergent_inconclusive():
    osc = limit(PCF("1", "n^10"), digits=20, max_depth=1000)
    assert osc.status == "oscillating" and osc.value is None and "alternate" in osc.reason
    div = limit(PCF("0", "1"), digits=20, max_depth=200)  # 0, inf, 0, inf, ...
    assert div.status == "divergent" and div.value is None
    div = limit(PCF("1", "-n"), digits=20, max_depth=500)
    assert div.status in ("divergent", "inconclusive") and div.value is None
    slow = limit(PCF("1", "n"), digits=50, max_depth=300)  # converges, but slowly
    assert slow.status == "inconclusive" and 0 < slow.digits < 50
    with mpmath.workdps(60):
        exact = PCF("1", "n").limit(digits=40, max_depth=20_000).value
        assert abs(slow.value - exact) < mpmath.mpf(10) ** (-slow.digits + 1)


def test_record_is_frozen_and_prints_its_digits():
    lim = limit(PCF("2n+1", "n^2"), digits=25)
    with pytest.raises(AttributeError):
        lim.digits = 3  # type: ignore[misc]
    assert str(lim) == f"{lim.as_decimal()} (25 digits, proven by an arb ball, depth {lim.depth})"
    d = lim.to_dict()
    assert d["value"] == lim.as_decimal() and d["proven"] is True and d["status"] == "converged"


@pytest.mark.parametrize("kw", [{"digits": 0}, {"digits": -3}, {"digits": 2.5},
                                {"digits": 10**7}, {"max_depth": 0}, {"max_depth": 10**9},
                                {"max_depth": 1.5}])
def test_bad_arguments(kw):
    with pytest.raises(DomainError):
        limit(PCF(1, 1), **kw)
    with pytest.raises(DomainError):
        limit("2n+1", digits=5)  # type: ignore[arg-type]
