"""Compilation work grows linearly with the formula: measured in interpreter events, not seconds."""

from __future__ import annotations

import sys

import emlkit as ek


def _work(source: str) -> int:
    """Python and builtin calls made while compiling ``source`` (machine-independent)."""
    calls = 0

    def profile(frame, event, arg):
        nonlocal calls
        calls += 1

    sys.setprofile(profile)
    try:
        ek.compile(source)
    finally:
        sys.setprofile(None)
    return calls


def test_sum_chain_is_linear():
    # a chain of n sums: comparing candidates by dag_size (a whole-DAG walk) at each of the n
    # steps made this quadratic (5,000 terms took 58 s); 100x the terms must cost ~100x
    small = _work("+".join(["u"] * 30))
    large = _work("+".join(["v"] * 3000))
    assert large < 150 * small, (small, large)


def test_product_and_nested_chain_is_linear():
    small = _work("*".join(f"exp(a{i % 3})" for i in range(20)))
    large = _work("*".join(f"exp(b{i % 3})" for i in range(2000)))
    assert large < 150 * small, (small, large)


def test_long_chain_value():
    f = ek.compile("+".join(["w"] * 2000))
    assert abs(complex(ek.evaluate(f, w=0.5)) - 1000) < 1e-9
