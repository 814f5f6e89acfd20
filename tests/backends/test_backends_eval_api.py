"""The public evaluation API: argument handling, options, output types, lazy imports."""

from __future__ import annotations

import subprocess
import sys

import mpmath
import numpy as np
import pytest

import emlkit as ek
from emlkit import ONE, DomainError, EMLError, EvaluationError, Var, eml
from emlkit.backends import BACKENDS, EvaluationWarning, MissingVariableError

X = Var("x")
EXP = eml(X, ONE)


def test_public_names_resolve_lazily():
    assert ek.evaluate is ek.backends.evaluate
    assert ek.trace_nan is ek.backends.trace_nan
    assert ek.certify is ek.backends.certify


def test_values_by_keyword_and_by_mapping():
    f = eml(X, Var("y"))
    by_kw = ek.evaluate(f, x=0.5, y=2.0)
    by_map = ek.evaluate(f, {"x": 0.5, "y": 2.0, "unused": 9})
    mixed = ek.evaluate(f, {"y": 2.0}, x=0.5)
    assert by_kw == by_map == mixed == complex(np.exp(0.5) - np.log(2.0))


def test_variable_named_like_an_option_goes_through_the_mapping():
    f = eml(Var("dps"), Var("backend"))
    assert ek.evaluate(f, {"dps": 0.0, "backend": 1.0}) == 1


def test_missing_variable_is_named():
    with pytest.raises(MissingVariableError, match="variable 'y'") as info:
        ek.evaluate(eml(X, Var("y")), x=1.0)
    assert isinstance(info.value, EMLError) and isinstance(info.value, TypeError)


def test_unknown_keyword_suggests_a_variable_or_an_option():
    with pytest.raises(TypeError, match="unexpected keyword argument 'xx'; did you mean 'x'"):
        ek.evaluate(EXP, xx=1.0)
    with pytest.raises(TypeError, match="did you mean 'backend'"):
        ek.evaluate(EXP, x=1.0, backnd="mpmath")
    with pytest.raises(TypeError, match="variables are: x"):
        ek.evaluate(EXP, x=1.0, zzz=2)


def test_value_given_twice():
    with pytest.raises(TypeError, match="two values for variable 'x'"):
        ek.evaluate(EXP, {"x": 1.0}, x=2.0)


def test_values_must_be_a_mapping():
    with pytest.raises(TypeError, match="mapping"):
        ek.evaluate(EXP, [1.0])


def test_unknown_backend_lists_the_valid_ones():
    with pytest.raises(ValueError, match="valid backends: numpy, mpmath, torch, arb"):
        ek.evaluate(EXP, x=1.0, backend="jax")
    assert BACKENDS == ("numpy", "mpmath", "torch", "arb")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"dps": 30}, "dps applies to the mpmath and arb"),
        ({"backend": "mpmath", "real": True}, "numpy backend only"),
        ({"backend": "arb", "strict": True}, "does not apply to arb"),
        ({"on_nan": "loud"}, "on_nan='loud'"),
        ({"backend": "mpmath", "dps": 0}, "positive integer"),
    ],
)
def test_option_values_that_do_not_fit(options, message):
    with pytest.raises(DomainError, match=message):
        ek.evaluate(EXP, x=1.0, **options)


def test_output_types_per_backend():
    flint = pytest.importorskip("flint")
    torch = pytest.importorskip("torch")
    assert type(ek.evaluate(EXP, x=0.0)) is np.complex128
    assert ek.evaluate(EXP, x=[0.0, 1.0]).dtype == np.complex128
    assert isinstance(ek.evaluate(EXP, x=0.0, backend="mpmath"), mpmath.mpc)
    out = ek.evaluate(EXP, x=[0.0, 1.0], backend="mpmath", dps=10)
    assert out.dtype == object and isinstance(out[1], mpmath.mpc)
    t = ek.evaluate(EXP, x=0.0, backend="torch")
    assert isinstance(t, torch.Tensor) and t.dtype == torch.complex128 and t.shape == ()
    assert isinstance(ek.evaluate(EXP, x=0.0, backend="arb"), flint.acb)


def test_mpmath_rounds_to_dps():
    v = ek.evaluate(eml(ONE, ONE), backend="mpmath", dps=30)
    assert mpmath.nstr(v.real, 30) == "2.71828182845904523536028747135"
    with mpmath.workdps(40):
        assert abs(v.real - mpmath.e) < mpmath.mpf(10) ** -29


def test_constant_expression_needs_no_values():
    assert ek.evaluate(eml(ONE, ONE)) == np.e


def test_nan_policy_warn_raise_ignore():
    f = eml(EXP, ONE)  # exp(exp(x)); exp(i·∞) is NaN
    bad = [0.0, complex(0, np.inf), complex(0, np.inf)]
    with pytest.warns(EvaluationWarning, match="NaN at 2 of 3 points") as rec:
        out = ek.evaluate(f, x=bad)
    assert rec[0].message.node is EXP and rec[0].message.count == 2
    assert rec[0].filename == __file__  # points at the caller
    assert np.isnan(out[1:]).all() and not np.isnan(out[0])
    with pytest.raises(EvaluationError) as info:
        ek.evaluate(f, x=bad, on_nan="raise")
    assert info.value.node is EXP
    assert np.isnan(ek.evaluate(f, x=bad, on_nan="ignore")[1])


@pytest.mark.parametrize("backend", ["mpmath", "torch", "arb"])
def test_nan_policy_on_every_backend(backend):
    pytest.importorskip({"mpmath": "mpmath", "torch": "torch", "arb": "flint"}[backend])
    # C99: exp(i·∞) is NaN; arb has no such value, its NaN comes from ln of a ball holding 0
    f, x = (eml(ONE, X), 0.0) if backend == "arb" else (eml(EXP, ONE), complex(0, np.inf))
    with pytest.raises(EvaluationError):
        ek.evaluate(f, x=x, backend=backend, on_nan="raise")


@pytest.mark.parametrize("backend", ["numpy", "mpmath", "torch", "arb"])
def test_trace_nan(backend):
    pytest.importorskip({"arb": "flint"}.get(backend, backend))
    f = eml(eml(EXP, ONE), Var("y"))
    assert ek.trace_nan(f, x=1.0, y=2.0, backend=backend) is None
    if backend == "arb":  # balls do not follow C99: ln 0 is where arb's NaN starts
        assert ek.trace_nan(eml(ONE, Var("y")), y=0.0, backend=backend) is eml(ONE, Var("y"))
    else:
        assert ek.trace_nan(f, x=complex(0, np.inf), y=2.0, backend=backend) is EXP


def test_lazy_imports():
    code = (
        "import sys, emlkit as ek\n"
        "ek.evaluate(ek.eml('x', 1), x=1.0)\n"
        "print(sorted(m for m in ('torch', 'flint', 'mpmath', 'sympy') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
