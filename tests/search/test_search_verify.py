"""Tests of the mpmath verifier / domain classifier and of the meet-in-the-middle lookup."""

from __future__ import annotations

import mpmath
import numpy as np

from emlkit.expr import ONE, Eml, eml
from emlkit.search import enumerate_forms
from emlkit.search.verify import classify, evaluate_mp, plane_grid, strip_grid

ZERO = eml(1, eml(eml(1, 1), 1))
NEG_INF = eml(1, eml(1, ZERO))
LN_X = eml(1, eml(eml(1, "x"), 1))
NEG_X = eml(NEG_INF, eml("x", 1))  # 0 - ln(exp x): right only for |Im x| < pi


def test_ln_plane_and_negation_strip():
    assert classify(LN_X, "log(x)", ("x",)).domain == "plane"
    c = classify(NEG_X, "-x", ("x",))
    assert c.domain == "strip"
    assert c.through_infinity
    assert "form gives" in c.failure  # where it fails off the strip


def test_wrong_form_rejected():
    c = classify(eml("x", 1), "exp(x) + 1", ("x",))
    assert c.domain is None and c.failure.startswith("at x=")


def test_cut_flag_and_exact_arithmetic():
    minus_one = Eml(NEG_INF, eml(1, 1))  # 0 - ln(e) = -1
    assert abs(evaluate_mp(minus_one) + 1) < mpmath.mpf(10) ** -45
    ln_minus_one = Eml(ONE, Eml(Eml(ONE, minus_one), ONE))
    t: dict = {}
    v = evaluate_mp(ln_minus_one, trace=t)
    # exact arithmetic: the inner exp lands exactly on the negative axis, Arg = +pi there
    with mpmath.workdps(50):
        assert abs(v + mpmath.mpc(0, mpmath.pi)) < mpmath.mpf(10) ** -45
    assert t["cut"]
    assert classify(ln_minus_one, "-I*pi", ()).touches_cut


def test_overflow_is_undefined():
    tower = eml(eml(eml(eml("x", 1), 1), 1), 1)
    assert evaluate_mp(tower, {"x": 25}) is None
    assert evaluate_mp(tower, {"x": -1}) is not None


def test_grids():
    assert all(abs(p["x"].imag) < np.pi for p in strip_grid(("x",)))
    assert all(any(abs(c.imag) >= np.pi for c in p.values()) for p in plane_grid(("x", "y")))
    assert any(p["x"].imag == 0 and p["x"].real < 0 for p in strip_grid(("x",)))


def test_meet_in_the_middle_finds_beyond_enumeration():
    en = enumerate_forms(11, variables=("x",))
    x = en.points["x"]
    roots = en.match_roots(-x, en.strip, rtol=1e-10)
    assert roots and roots[0][0] == 15  # both children within K = 11
    K, a, b = roots[0]
    form = Eml(en.expr(a), en.expr(b))
    assert form.K == K
    assert classify(form, "-x", ("x",)).domain == "strip"
    # nothing matches -x on the whole plane among these roots
    assert en.match_roots(-x, None, rtol=1e-10) == []


def test_meet_in_the_middle_covers_small_forms():
    # every form up to max_K + 2 is reachable: each enumerated level-7 representative of the
    # unary set, seen as a target, is found again with K <= 7 (or an equal function smaller)
    en = enumerate_forms(5, variables=("x",))
    big = enumerate_forms(7, variables=("x",))
    for g in list(big.ids(7))[::7]:
        v = big.values(7)[g - big.ids(7).start]
        if not np.isfinite(v).all():
            continue
        roots = en.match_roots(v, None, rtol=1e-10)
        assert roots and roots[0][0] <= 7, big.rpn(g)
