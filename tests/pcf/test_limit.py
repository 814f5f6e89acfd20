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
    assert div.status in ("divergent", "oscillating") and div.value is None
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


def _backward(fa, fb, depth: int, dps: int):
    """fa(0) + fb(1)/(fa(1) + ... + fb(depth)/fa(depth)) evaluated from the bottom up in
    mpmath (an independent reference: no forward recurrence, no emlkit arithmetic)."""
    with mpmath.workdps(dps):
        t = mpmath.mpf(0)
        for k in range(depth, 0, -1):
            t = fb(mpmath.mpf(k)) / (fa(mpmath.mpf(k)) + t)
        return +(fa(mpmath.mpf(0)) + t)


@pytest.mark.parametrize("digits", [10, 50, 400])
def test_limit_zero_is_converged_with_decimal_places(digits):
    # QA 16: PCF(3n+1, -2n^2) converges fast to 0; relative digits mean nothing there, so
    # digits are decimal places, |L| < 10^-digits, proven by the arb ball around 0
    lim = limit(PCF("3n+1", "-2n^2"), digits=digits)
    assert lim.status == "converged" and lim.is_zero and lim.value == 0
    assert lim.digits == digits and lim.method == "arb" and lim.proven
    assert lim.as_decimal() == "0" and f"|L| < 1e-{digits}" in str(lim)
    assert lim.to_dict()["zero"] is True and lim.to_dict()["value"] == "0"
    ref = _backward(lambda k: 3 * k + 1, lambda k: -2 * k * k, 3 * lim.depth, 3 * digits + 50)
    assert abs(ref) < mpmath.mpf(10) ** -digits


@pytest.mark.parametrize("scale", [10**3, 10**12, 10**40])
def test_small_nonzero_limits_keep_relative_digits(scale):
    # PCF(scale·n, 1) = 1/(scale + 1/(2 scale + ...)) ≈ 1/scale: small, not zero
    lim = limit(PCF([0, scale], [1]), digits=30)
    assert not lim.is_zero and lim.digits == 30 and lim.status == "converged"
    with mpmath.workdps(120):
        ref = _backward(lambda k: scale * k, lambda k: 1, 200, 120)
        assert abs(lim.value - ref) < abs(ref) * mpmath.mpf(10) ** -29


def test_zero_identifies_as_rational_zero():
    found = PCF("3n+1", "-2n^2").identify(digits=12)
    best = found.best
    assert best.text == "0" and best.kind == "rational" and best.digits_matched == 12
    assert str(best.formula) == "0" and "not proven" in found.notes[0]


def test_terminating_has_the_exact_rational():
    from fractions import Fraction as F

    lim = limit(PCF("n+5", "n - 7"), digits=30)  # b(7) = 0: the finite fraction to depth 6
    t = F(0)
    for k in range(6, 0, -1):  # the finite fraction from the bottom up, exactly
        t = F(k - 7) / (k + 5 + t)
    assert lim.status == "terminating" and lim.value is None and lim.exact == 5 + t
    assert lim.to_dict()["exact"] == str(5 + t) and "exact value" in lim.reason
    assert limit(PCF("1", "0"), digits=5).exact == 1
    stop = limit(PCF("0", "n - 2"), digits=5)  # 0 + (-1)/0: q_1 = 0, no value
    assert stop.status == "terminating" and stop.exact is None and "∞" in stop.reason


def test_wandering_convergents_are_oscillating():
    # QA 8: PCF(n, -n^2) has convergents that keep jumping (mpmath: depth 1000 vs 2000)
    ref = [_backward(lambda k: k, lambda k: -k * k, d, 60) for d in (999, 1000, 1999, 2000)]
    assert abs(ref[0] - ref[1]) > 0.1 and abs(ref[2] - ref[3]) > 0.1
    lim = limit(PCF("n", "-n^2"), digits=20)
    assert lim.status == "oscillating" and lim.value is None and "do not settle" in lim.reason
    # a slowly converging fraction is not called oscillating
    assert limit(PCF("1", "n"), digits=50, max_depth=300).status == "inconclusive"


def test_limit_zero_without_a_certificate_is_checked(monkeypatch):
    # with no tail certificate the zero bound comes from consecutive convergents (not proven)
    import emlkit.pcf._tails as tails

    monkeypatch.setattr(tails, "tail_certificate", lambda pcf: None)
    lim = limit(PCF("3n+1", "-2n^2"), digits=40)
    assert lim.is_zero and lim.method == "consecutive convergents" and not lim.proven
    assert "checked by consecutive convergents" in str(lim)
    ref = _backward(lambda k: 3 * k + 1, lambda k: -2 * k * k, 4 * lim.depth, 200)
    assert abs(ref) < mpmath.mpf(10) ** -40
