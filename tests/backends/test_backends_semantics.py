"""The shared pieces of the evaluation contract (emlkit.semantics) and the walk itself."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from emlkit import ONE, DomainError, EvaluationError, Var, eml
from emlkit.backends._walk import CONST, EML, VAR, make_plan, run
from emlkit.semantics import (
    EvaluationWarning,
    check_on_nan,
    describe,
    report_nan,
    snap_digits,
    working_dps,
    zero_imag_sign,
)

X = Var("x")


def test_zero_imag_sign_of_every_number_type():
    import mpmath

    assert zero_imag_sign(-2.0) == zero_imag_sign(3) == zero_imag_sign(mpmath.mpf(-1)) == 1
    assert zero_imag_sign(complex(-2, -0.0)) == -1
    assert zero_imag_sign(np.complex128(complex(1, -0.0))) == -1
    assert zero_imag_sign(np.float32(-1)) == 1
    assert zero_imag_sign(1j) is None and zero_imag_sign(complex(1, float("nan"))) is None
    assert zero_imag_sign(mpmath.mpc(1, 0)) == 1 and zero_imag_sign(mpmath.mpc(1, 2)) is None


def test_precision_rules():
    from emlkit.semantics import residue_digits

    for dps in (1, 15, 50, 200):
        wp = working_dps(dps)
        # residue (dropped from results) far above the snapping tolerance < working digits
        assert residue_digits(dps) + 2 * max(dps, 15) <= snap_digits(wp) < wp


def test_describe_is_short_even_for_astronomical_trees():
    t = X
    for _ in range(200):
        t = eml(t, t)  # K = 2**201 − 1
    text = describe(t)
    assert text.startswith(f"K={t.K} depth=200: eml(eml(") and text.endswith("…")
    assert len(text) < 150


def test_nan_policy_helpers():
    assert check_on_nan("ignore") == "ignore"
    with pytest.raises(DomainError):
        check_on_nan("warning")
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        report_nan("warn", X, 2, 5)
        report_nan("ignore", X, 2, 5)
        report_nan("warn", X, 0, 5)
    assert len(rec) == 1 and issubclass(rec[0].category, EvaluationWarning)
    assert rec[0].message.node is X and "2 of 5" in str(rec[0].message)
    with pytest.raises(EvaluationError, match="unidentified"):
        report_nan("raise", None, 1, 1)


def test_plan_folds_constants_and_counts_uses():
    c = eml(ONE, ONE)
    f = eml(eml(X, c), eml(X, c))
    plan = make_plan(f, fold_constants=True)
    assert [k for _, k, _, _ in plan.steps] == [VAR, CONST, EML, EML]
    assert plan.uses[id(eml(X, c))] == 2  # eml(t, t): both slots read the shared node
    assert make_plan(f, fold_constants=True) is plan  # cached per expression


def test_walk_frees_values_after_their_last_use():
    live = []

    class Ops:
        def constant(self, node):
            return 1.0

        def eml(self, node, a, b, free_a, free_b):
            live.append((node, free_a, free_b))
            return a + b

    t = eml(X, 1)
    run(make_plan(eml(t, t), fold_constants=True), Ops(), {"x": 1.0})
    assert live[-1] == (eml(t, t), True, False)  # a is b: only one slot may reuse the buffer
