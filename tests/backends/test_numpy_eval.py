"""The NumPy walk: one vectorised step per DAG node, buffers, broadcasting, real and strict modes,
and trees far deeper than Python's recursion limit (NumPy and mpmath)."""

from __future__ import annotations

import cmath
import sys

import mpmath
import numpy as np
import pytest
from eval_forms import NEG_INF, ZERO, X, Y, exp_, inv, ln_, mul, sub

import emlkit as ek
from emlkit import ONE, DomainError, EvaluationError, eml
from emlkit.backends import numpy as nb
from emlkit.backends._walk import make_plan, run


class CountingOps(nb.NumpyOps):
    """NumpyOps that counts its calls and the points each call covers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.calls = 0
        self.sizes = set()

    def eml(self, node, a, b, free_a, free_b):
        self.calls += 1
        out = super().eml(node, a, b, free_a, free_b)
        self.sizes.add(np.size(out[0] if type(out) is tuple else out))
        return out


def shared_dag(levels: int):
    """A tree with K = 2**(levels + 1) − 1 that is a DAG of one node per level."""
    t = X
    for _ in range(levels):
        t = eml(t, t)
    return t


def test_one_vectorised_step_per_distinct_node():
    f = shared_dag(12)
    assert f.K == 2**13 - 1 and f.dag_size == 12
    x = np.linspace(0.5, 2.0, 10**6) + 0.25j
    ops = CountingOps(foreign=[id(x)])
    with np.errstate(all="ignore"):
        out, _ = run(make_plan(f, fold_constants=True), ops, nb.dual_inputs({"x": x}))
    assert ops.calls == f.dag_size  # every eml node is variable-dependent here
    assert ops.sizes == {10**6}  # each call handles all points at once
    small = ek.evaluate(f, x=x[::250000], on_nan="ignore")
    assert np.allclose(out[::250000], small, equal_nan=True)


def test_constant_subtrees_are_folded_not_walked():
    c = ln_(ln_(ln_(eml(ONE, ONE))))  # a constant of 10 eml nodes
    ops = CountingOps()
    run(make_plan(eml(X, c), fold_constants=True), ops, {"x": np.ones(3, complex)})
    assert ops.calls == 1


def test_inputs_are_never_written_and_results_are_fresh():
    x = np.array([0.5, 1.5, -2.0], dtype=np.complex128)
    keep = x.copy()
    f = ln_(exp_(X))  # a chain that reuses buffers in place
    out = ek.evaluate(f, x=x)
    assert np.array_equal(x, keep) and np.allclose(out, x)
    same = ek.evaluate(X, x=x)
    assert same is not x and np.array_equal(same, x)
    same[0] = 99
    assert x[0] == keep[0]


def test_broadcasting_and_scalars():
    out = ek.evaluate(sub(X, Y), x=np.arange(3.0)[:, None], y=np.arange(4.0)[None, :] + 1)
    assert out.shape == (3, 4)
    assert np.allclose(out, np.arange(3.0)[:, None] - (np.arange(4.0)[None, :] + 1))
    s = ek.evaluate(mul(X, Y), x=2.0, y=3.0)
    assert type(s) is np.complex128 and abs(s - 6) < 1e-12
    assert ek.evaluate(exp_(X), x=[[0.0]]).shape == (1, 1)


def test_real_mode():
    out = ek.evaluate(ln_(X), x=[1.0, np.e, 0.0], real=True)
    assert out.dtype == np.float64
    assert np.allclose(out[:2], [0.0, 1.0]) and out[2] == -np.inf  # ln 0 = −∞ is allowed
    message = r"ln of a negative value.*first at x=np.float64\(-0.5\)"
    with pytest.raises(EvaluationError, match=message) as info:
        ek.evaluate(ln_(X), x=[1.0, -0.5, -2.0], real=True)
    assert info.value.node is eml(ONE, X)  # e − ln x: the node that takes ln of x < 0
    with pytest.raises(DomainError, match="complex values"):
        ek.evaluate(exp_(X), x=1j, real=True)
    assert ek.evaluate(exp_(X), x=np.array([1 + 0j]), real=True)[0] == np.e


def test_real_mode_refuses_constants_with_complex_intermediates():
    minus_one = sub(ZERO, ONE)  # 0 − 1, through ln 0 = −∞
    with pytest.raises(EvaluationError, match="complex intermediate"):
        ek.evaluate(mul(X, ln_(minus_one)), x=1.0, real=True)
    with pytest.raises(EvaluationError, match="negative constant"):
        ek.evaluate(eml(X, minus_one), x=1.0, real=True)  # exp x − ln(−1)


def test_strict_refuses_infinities_and_names_the_node():
    e_minus_ln0 = eml(ONE, ZERO)  # e − ln 0 = +∞: the first infinite value of these forms
    assert ek.evaluate(exp_(X), x=2.0, strict=True) == np.exp(2.0)
    for backend in ("numpy", "mpmath", "torch"):
        # the textbook 1/x passes through ln 0 = −∞ even at x = 2
        with pytest.raises(EvaluationError, match="strict=True refuses infinities") as info:
            ek.evaluate(inv(X), x=2.0, backend=backend, strict=True)
        assert info.value.node is e_minus_ln0
        with pytest.raises(EvaluationError) as info:
            ek.evaluate(ln_(X), x=0.0, backend=backend, strict=True)
        assert info.value.node is eml(ONE, X)  # e − ln 0
    with pytest.raises(EvaluationError) as info:
        ek.evaluate(NEG_INF, strict=True)
    assert info.value.node is e_minus_ln0


def deep_ln_chain(depth: int):
    t = X
    for _ in range(depth // 3):
        t = ln_(t)  # iterating ln converges to its fixed point 0.318… + 1.337…i
    return t


@pytest.fixture(scope="module")
def deep():
    f = deep_ln_chain(100_002)
    assert f.depth > 100_000 > sys.getrecursionlimit()
    return f


FIXED_POINT = complex(0.31813150520476413, 1.3372357014306895)


def test_deep_tree_numpy(deep):
    out = ek.evaluate(deep, x=[0.5, 3.0, -2.0, 1j])
    assert np.allclose(out, FIXED_POINT)
    assert ek.trace_nan(deep, x=0.5) is None


def test_deep_tree_mpmath(deep):
    out = ek.evaluate(deep, x=0.5 + 0.25j, backend="mpmath", dps=15)
    assert abs(complex(out) - FIXED_POINT) < 1e-13


def test_deep_constant_tree():
    t = eml(ONE, eml(ONE, ONE))  # e − 1
    for _ in range(1_000):  # ln iterated, as one constant deeper than the recursion limit
        t = ln_(t)
    assert t.depth > sys.getrecursionlimit()
    # e − 1 → 0.54 → −0.61: the 7-node ln of that negative constant is exactly on the lower
    # side (see the semantics), and ln iterated from there goes to the conjugate fixed point
    assert abs(complex(ek.evaluate(t)) - FIXED_POINT.conjugate()) < 1e-9
    got = complex(ek.evaluate(eml(X, t), x=0.0))
    assert abs(got - (1 - cmath.log(FIXED_POINT.conjugate()))) < 1e-9


def test_overflow_is_infinite_in_floats_but_not_in_mpmath():
    out = ek.evaluate(exp_(exp_(X)), x=[1.0, 800.0])
    assert np.isfinite(out[0]) and out[1].real == np.inf
    m = ek.evaluate(exp_(X), x=800.0, backend="mpmath", dps=20)  # e**800: no exponent limit
    assert mpmath.isfinite(m.real) and abs(mpmath.log(m.real) - 800) < 1e-15


def test_signed_zero_of_a_real_input_survives_the_nudge():
    """The nudge's residue is replaced by a zero of the same sign: x at −2 − 0j stays −0j."""
    import numpy as np

    import emlkit as ek

    for z in (complex(-2.0, -0.0), complex(3.0, -0.0), complex(-2.0, 0.0)):
        got = ek.evaluate(ek.Var("x"), x=z)
        assert got == z and np.signbit(got.imag) == np.signbit(z.imag)
        arr = ek.evaluate(ek.Var("x"), x=np.array([z, z]))
        assert np.all(np.signbit(arr.imag) == np.signbit(z.imag))
