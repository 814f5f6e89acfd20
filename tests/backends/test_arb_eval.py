"""arb backend and certify(): rigorous enclosures, and where and why a form is not certified."""

from __future__ import annotations

import math

import pytest
from eval_forms import NEG_INF, X, Y, add, exp_, ln_, mul, sub
from mpmath import mp

import emlkit as ek
from emlkit import ONE, eml

flint = pytest.importorskip("flint")
from flint import acb, arb  # noqa: E402  (after importorskip: the module needs python-flint)

from emlkit.backends.arb import Certificate  # noqa: E402


def contains_mp(ball, z) -> bool:
    """Does the ball contain the mpmath value z (converted exactly through a decimal string)?"""
    with mp.workdps(80):
        point = acb(arb(mp.nstr(z.real, 70)), arb(mp.nstr(z.imag, 70)))
    return ball.overlaps(point)


@pytest.mark.parametrize("x", [0.7, 3.5, 1e-8, 0.3 - 2j, -1 + 1j])
@pytest.mark.parametrize(
    "form", [exp_, ln_, lambda z: mul(z, add(z, ONE))], ids=["exp", "ln", "x(x+1)"]
)
def test_enclosures_contain_the_mpmath_value(form, x):
    f = form(X)
    ball = ek.evaluate(f, x=x, backend="arb", dps=30, on_nan="ignore")
    m = ek.evaluate(f, x=x, backend="mpmath", dps=40, on_nan="ignore")
    if ball.is_finite():
        assert contains_mp(ball, m) or ball.rad() < 1e-35


def test_certified_value_and_reason_when_not():
    f = ln_(X)
    ok, zero = ek.certify(f, [2.0, 0.0])
    assert ok.certified and ok.node is None and ok.reason == ""
    assert ok.value.overlaps(acb(2).log()) and ok.value.rad() < 1e-29
    assert ok.value.imag.contains(0)  # the perturbation's residue is absorbed
    assert not zero.certified and zero.node is X and "contains 0" in zero.reason
    assert "not certified" in zero.summary() and "x=0.0" in zero.summary()


def test_both_sides_of_the_cut_are_certified():
    """The 7-node ln's landing exp(e − ln x) is exactly on the cut (its imaginary part is
    structurally −π); the input's direction picks the side, the limit's. A reference callable
    gets the true input, so it gives the principal (upper) value."""
    up, down = ek.certify(ln_(X), [-2.0, complex(-2.0, -0.0)], reference=lambda x: x.log())
    assert up.certified and down.certified and up.equal and down.equal is False
    assert up.value.overlaps(acb(-2).log()) and down.value.overlaps(acb(-2).log().conjugate())
    assert up.value.imag.overlaps(arb.pi()) and down.value.imag.overlaps(-arb.pi())


def test_forms_through_ln_zero_use_the_exact_infinite_constant():
    """−∞ is a constant: its exact value (semantics §2) is used, so exp(−∞) = 0 exactly."""
    (c,) = ek.certify(NEG_INF)
    assert not c.certified and "infinite" in c.reason  # a ball cannot hold the value itself
    (c,) = ek.certify(sub(X, Y), [{"x": 1.5, "y": 0.5}])  # exp(ln a) − ln(exp b): no ln 0
    assert c.certified
    (c,) = ek.certify(add(X, Y), [{"x": 1.5, "y": 0.5}])  # a + b goes through 0 − b, ln 0
    assert c.certified and c.value.overlaps(acb(2))


def test_intermediate_zero_at_the_input_is_reported():
    """ln(x − 1) at x = 1: perturbed, x − 1 is i·η, whose ln is ln η, not the −∞ of the
    limit. arb reports the node instead of certifying ln η."""
    (c,) = ek.certify(eml(ONE, sub(X, ONE)), [1.0])
    assert not c.certified and c.node is sub(X, ONE)
    assert "perturbation" in c.reason or "contains 0" in c.reason
    (c,) = ek.certify(eml(ONE, sub(X, ONE)), [1.5])
    assert c.certified


def test_ties_between_variables():
    """x − y at x = 1, y = 3: every input moves with the same ε, so x − y is exactly real; it
    takes the principal +iπ in mpmath and NumPy. arb proves the value exactly real, but its
    first-order term is a ball around 0 (the two terms cancel only in exact arithmetic), so the
    side is undecided and the value is not certified: sound, not complete."""
    g = eml(ONE, X)  # e − ln x: ln sees x itself
    up, down = ek.certify(g, [-2.0, complex(-2.0, -0.0)])
    assert up.certified and down.certified
    assert up.value.imag < 0 < down.value.imag  # e − (ln 2 ± iπ)
    f = eml(ONE, sub(X, Y))
    m = complex(ek.evaluate(f, x=1.0, y=3.0, backend="mpmath"))
    assert abs(m - complex(math.e - math.log(2), -math.pi)) < 1e-12
    assert abs(complex(ek.evaluate(f, x=1.0, y=3.0)) - m) < 1e-12
    (c,) = ek.certify(f, [{"x": 1.0, "y": 3.0}])
    assert not c.certified and c.node is sub(X, Y) and "undecided" in c.reason


def test_reference_callable_and_expression():
    f = ln_(X)
    reports = ek.certify(f, [0.5, 3.0, 1j, -1 - 1j], reference=lambda x: x.log())
    assert all(isinstance(r, Certificate) and r.equal is True and bool(r) for r in reports)
    # a reference gets the true inputs: at −2 − 0j it must take the lower side itself
    def low(x):
        return acb(1).exp() - x.log().conjugate()

    (c,) = ek.certify(eml(ONE, X), [complex(-2, -0.0)], reference=low)
    assert c.equal is True
    # ln(exp x) = x in the strip |Im x| < π: two different trees, certified equal
    for c in ek.certify(exp_(X), [0.5 + 1j, -2.0], reference=exp_(ln_(exp_(X)))):
        assert c.certified and c.equal is True
    (c,) = ek.certify(mul(X, Y), [{"x": 2.0, "y": 1.5}], reference=mul(Y, X))
    assert c.certified and c.equal is True  # through ln 0, with the exact constant −∞
    (c,) = ek.certify(exp_(X), [{"x": 1.0, "y": 2.0}], reference=exp_(Y))
    assert c.certified and c.equal is False and not c
    assert "DIFFERS" in c.summary()


def test_reference_not_tight_leaves_equality_undecided():
    (c,) = ek.certify(exp_(X), [0.5], reference=lambda x: acb(x.real.mid(), arb(0, 1)))
    assert c.certified and c.equal is None


def test_points_formats():
    f = exp_(X)
    a = ek.certify(f, [0.5, 1.5])
    b = ek.certify(f, [{"x": 0.5}, {"x": 1.5}])
    c = ek.certify(f, {"x": [0.5, 1.5]})
    assert (
        [r.value.mid().real for r in a]
        == [r.value.mid().real for r in b]
        == [r.value.mid().real for r in c]
    )
    assert len(ek.certify(eml(ONE, ONE))) == 1
    with pytest.raises(TypeError, match="mappings"):
        ek.certify(mul(X, Y), [1.0])
    with pytest.raises(TypeError, match="needs points"):
        ek.certify(f)
    with pytest.raises(TypeError, match="reference must be"):
        ek.certify(f, [1.0], reference=3.0)


def test_inputs_of_many_types_are_exact():
    for v in (0.1, mp.mpf("0.1"), "0.1", arb("0.1"), acb("0.1"), complex(0.1, 0)):
        ball = ek.evaluate(exp_(X), x=v, backend="arb", dps=20)
        assert ball.overlaps(acb("0.1").exp())


def test_tightness_uses_dps():
    (c,) = ek.certify(exp_(exp_(exp_(X))), [2.0], dps=50)
    assert c.certified and c.value.rad() <= abs(c.value.mid()) * arb(10) ** -50
    assert math.isclose(float(c.value.real.mid().log().log()), math.exp(2), rel_tol=1e-12)


def test_negative_mpmath_inputs_keep_their_sign():
    """mpmath's ``man_exp`` is the unsigned mantissa: the conversion must use the sign bit."""
    from mpmath import mpf

    for v in (mpf(-4), mpf("-0.75"), mpf(3)):
        ball = ek.evaluate(X, x=v, backend="arb")
        assert ball.overlaps(acb(float(v))) and not ball.overlaps(acb(-float(v)))
