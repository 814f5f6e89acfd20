"""PCF convergence digits against closed forms of the convergents (Fibonacci ratios, 4/pi)."""

from __future__ import annotations

import mpmath
import pytest

from emlkit.errors import DomainError
from emlkit.viz import convergence_digits, draw_convergence


def fib(n: int) -> int:
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


def test_golden_ratio_digits_match_the_fibonacci_error():
    # PCF(1, 1): p_n / q_n = F(n+2) / F(n+1),
    # |phi - F(n+2)/F(n+1)| = 1 / (F(n+1) * (phi F(n+1) + F(n)))
    with mpmath.workdps(80):
        phi = (1 + mpmath.sqrt(5)) / 2
        points, delta = convergence_digits(lambda n: 1, lambda n: 1, phi, 60)
        for n, digits in points:
            err = abs(phi - mpmath.mpf(fib(n + 2)) / fib(n + 1))
            assert digits == pytest.approx(float(-mpmath.log10(err / phi)), abs=1e-9)
        q = fib(61)
        expect = -1 - mpmath.log(abs(phi - mpmath.mpf(fib(62)) / q)) / mpmath.log(q)
        assert delta == pytest.approx(float(expect), abs=1e-9)
        assert 1.0 < delta < 1.05  # golden ratio: delta tends to 1


def test_four_over_pi_gains_digits_at_the_rate_of_its_convergence():
    # PCF(2n+1, n^2) = 4/pi converges geometrically, the error shrinking by (sqrt(2) - 1)^2
    # = 3 - 2 sqrt(2) per term: -log10(3 - 2 sqrt(2)) = 0.7656 digits per term
    with mpmath.workdps(200):
        points, _ = convergence_digits(lambda n: 2 * n + 1, lambda n: n * n, 4 / mpmath.pi, 110)
    by_n = dict(points)
    assert sorted(by_n) == list(range(1, 111))  # every depth (no thinning below 120 points)
    rate = (by_n[100] - by_n[30]) / 70
    assert rate == pytest.approx(-mpmath.log10(3 - 2 * mpmath.sqrt(2)), abs=0.01)


def test_terminating_fraction_hits_the_precision_cap():
    # b(n) = 0 for n >= 1: every convergent equals a(0) exactly
    with mpmath.workdps(30):
        points, delta = convergence_digits(lambda n: 3, lambda n: 0, mpmath.mpf(3), 10)
        assert points == [(1, 25.0)] and delta is None  # stops at once: 30 - 5 digits reached


def test_draw_and_bad_input(tmp_path):
    with mpmath.workdps(40):
        pts = draw_convergence(lambda n: 1, lambda n: 1, (1 + mpmath.sqrt(5)) / 2,
                               tmp_path / "c.svg", depth=50)
        assert (tmp_path / "c.svg").read_text().startswith("<?xml") and pts[-1][0] == 50
        with pytest.raises(DomainError):
            draw_convergence(lambda n: 1, lambda n: 1, 1, tmp_path / "c.pdf")
        with pytest.raises(DomainError):
            draw_convergence(lambda n: 1, lambda n: 1, 1, tmp_path / "c.png", depth=0)


def test_curve_stops_at_the_trusted_digits_and_is_thinned():
    with mpmath.workdps(60):
        points, delta = convergence_digits(lambda n: 2, lambda n: 1, 1 + mpmath.sqrt(2), 5000,
                                           trusted=50)
    assert points[-1][1] == 50.0 and len(points) <= 120
    # 1 + sqrt 2 = [2; 2, 2, ...]: error ~ (sqrt 2 - 1)^(2n), q ~ (1 + sqrt 2)^n, so delta -> 1
    assert 0.95 < delta < 1.1
