"""Exact convergents: balanced matrix products against a step-by-step reference."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from emlkit.errors import DomainError
from emlkit.pcf import PCF
from emlkit.pcf.exact import convergents, matrix_product, pq, pq_sequence


def _reference(a, b, depth):
    """The textbook recurrence with Fractions, written independently of the library."""
    p1, p, q1, q = Fraction(1), Fraction(a(0)), Fraction(0), Fraction(1)
    out = [(p, q)]
    for k in range(1, depth + 1):
        p1, p = p, a(k) * p + b(k) * p1
        q1, q = q, a(k) * q + b(k) * q1
        out.append((p, q))
    return out


def _fn(coeffs):
    return lambda k: sum(Fraction(c) * k**i for i, c in enumerate(coeffs))


def test_known_small_convergents():
    # PCF(2n+1, n^2): 1, 1 + 1/3, 1 + 1/(3 + 4/5), ...
    assert convergents(PCF("2n+1", "n^2"), [0, 1, 2]) == [1, Fraction(4, 3), Fraction(24, 19)]
    # Fibonacci ratios for the golden ratio
    assert convergents(PCF(1, 1), range(1, 6)) == [Fraction(f1, f0) for f0, f1 in
                                                    [(1, 2), (2, 3), (3, 5), (5, 8), (8, 13)]]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-3, 3), min_size=1, max_size=3),
       st.lists(st.integers(-3, 3), min_size=1, max_size=3), st.integers(0, 70))
def test_pq_matches_the_step_by_step_recurrence(ca, cb, depth):
    if not any(ca) and not any(cb):
        return
    pcf = PCF(ca, cb)
    ref = _reference(_fn(ca), _fn(cb), depth)
    p1, p, q1, q = (int(x) for x in pq(pcf, depth))
    assert (p, q) == ref[depth]
    if depth:
        assert (p1, q1) == ref[depth - 1]
    # determinant identity p_n q_{n-1} - p_{n-1} q_n = (-1)^(n+1) prod b(k)
    prod = 1
    for k in range(1, depth + 1):
        prod *= _fn(cb)(k)
    assert p * q1 - p1 * q == (-1) ** (depth + 1) * prod


def test_rational_coefficients_keep_the_ratios():
    pcf = PCF("n/2 + 1/3", "3n/4")
    ref = _reference(_fn(pcf.a.coeffs), _fn(pcf.b.coeffs), 40)
    got = convergents(pcf, range(41))
    assert got == [r[0] / r[1] for r in ref]
    _, p, _, q = pq(pcf, 40)
    assert Fraction(int(p), int(q)) == ref[40][0] / ref[40][1]


def test_deep_product_against_sympy_reference_values():
    # p_n/q_n of PCF(1, 1) is F(n+2)/F(n+1): check at depth 5000 against SymPy's Fibonacci
    _, p, _, q = pq(PCF(1, 1), 5000)
    assert int(p) == sympy.fibonacci(5002) and int(q) == sympy.fibonacci(5001)
    # e = PCF(n+3, -n): q_n grows like n!, the product stays exact
    seq = list(pq_sequence(PCF("n+3", "-n"), 300))
    assert seq[-1] == tuple(int(x) for x in pq(PCF("n+3", "-n"), 300))


def test_pq_sequence_start_and_reduce():
    full = list(pq_sequence(PCF("2n+1", "n^2"), 20))
    assert list(pq_sequence(PCF("2n+1", "n^2"), 20, start=15)) == full[15:]
    assert list(pq_sequence(PCF(1, 1), 3, start=5)) == []
    p1, p, q1, q = pq(PCF("2n+2", "2n^2"), 12, reduce=True)
    assert sympy.gcd(int(p), int(q)) == 1 and sympy.gcd(int(p1), int(q1)) == 1
    assert Fraction(int(p), int(q)) == convergents(PCF("2n+2", "2n^2"), 12)[0]


def test_zero_denominator_is_none():
    assert convergents(PCF(0, 1), [0, 1, 2, 3]) == [0, None, 0, None]


def test_balanced_product_equals_left_fold():
    rng = random.Random(5)
    mats = [tuple(rng.randint(-9, 9) for _ in range(4)) for _ in range(37)]
    acc = (1, 0, 0, 1)
    for m in mats:
        a, b, c, d = acc
        e, f, g, h = m
        acc = (a * e + b * g, a * f + b * h, c * e + d * g, c * f + d * h)
    assert tuple(int(x) for x in matrix_product(mats)) == acc


@pytest.mark.parametrize("bad", [-1, 1.5, True, "3", 10**9])
def test_bad_depths(bad):
    with pytest.raises(DomainError):
        pq(PCF(1, 1), bad)
    with pytest.raises(DomainError):
        convergents(PCF(1, 1), [2, bad])


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(-5, 5), min_size=1, max_size=4),
       st.lists(st.integers(-5, 5), min_size=1, max_size=4), st.integers(128, 700))
def test_deep_products_match_step_by_step(ca, cb, depth):
    """Deep products take the run-of-32 polynomial leaves: compare with a plain recurrence."""
    if not any(ca) and not any(cb):
        return
    pcf = PCF(ca, cb)
    *_, last = pq_sequence(pcf, depth)  # one step at a time, Python ints
    assert tuple(int(x) for x in pq(pcf, depth)) == last
    mid = depth // 3
    assert convergents(pcf, [mid, depth]) == [
        None if q == 0 else Fraction(p, q)
        for p, q in ((r[1], r[3]) for r in (list(pq_sequence(pcf, mid))[-1], last))]
