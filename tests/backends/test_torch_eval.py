"""torch backend: agreement with NumPy, autograd through the walk, holomorphic derivatives checked
against finite differences and against mpmath.diff."""

from __future__ import annotations

import numpy as np
import pytest
from eval_forms import X, Y, add, div, exp_, inv, ln_, mul, sub
from mpmath import mp

import emlkit as ek
from emlkit import DomainError

torch = pytest.importorskip("torch")
from emlkit.backends.torch import gradient  # noqa: E402  (after importorskip: needs torch)

FORMS = {
    "exp": (exp_(X), lambda x: np.exp(x)),
    "ln": (ln_(X), lambda x: 1 / x),
    "x*x": (mul(X, X), lambda x: 2 * x),
    "1/x": (inv(X), lambda x: -1 / x**2),
    "exp(exp x)": (exp_(exp_(X)), lambda x: np.exp(x + np.exp(x))),
    "e^x - ln x": (sub(exp_(X), ln_(X)), lambda x: np.exp(x) - 1 / x),
}
POINTS = [0.7, 2.5, -1.5, complex(-1.5, -0.0), 0.3 + 1.1j, -2 - 0.5j]


def test_agrees_with_numpy_on_arrays():
    x = np.array([0.5, -2.0, 1 + 1j, complex(-3, -0.0)])
    for f in (ln_(X), add(X, exp_(X)), div(X, add(X, X))):
        t = ek.evaluate(f, x=torch.tensor(x), backend="torch")
        assert np.allclose(t.numpy(), ek.evaluate(f, x=x), rtol=1e-13)


def test_inputs_that_require_grad_keep_the_graph():
    x = torch.tensor([0.5, 2.0], dtype=torch.float64, requires_grad=True)
    y = ek.evaluate(mul(X, X), x=x, backend="torch")  # x², as exp(2 ln x)
    assert y.requires_grad
    y.real.sum().backward()
    assert torch.allclose(x.grad, 2 * x.detach(), rtol=1e-12)


def test_backward_follows_the_conjugate_wirtinger_convention():
    z = torch.tensor(0.3 + 1.1j, dtype=torch.complex128, requires_grad=True)
    f = ek.evaluate(exp_(X), x=z, backend="torch")
    f.backward(torch.ones_like(f))
    assert abs(complex(z.grad) - np.conj(np.exp(0.3 + 1.1j))) < 1e-13  # conj(f'(z))
    assert abs(complex(gradient(exp_(X), x=0.3 + 1.1j)) - np.exp(0.3 + 1.1j)) < 1e-13  # f'(z)


@pytest.mark.parametrize("name", FORMS)
def test_gradient_matches_the_derivative_and_finite_differences(name):
    f, df = FORMS[name]
    g = gradient(f, x=np.array(POINTS)).numpy()
    z = np.array(POINTS, dtype=np.complex128)
    assert np.allclose(g, df(z), rtol=1e-9)
    h = 1e-6  # central differences along the real axis (f is holomorphic away from its cuts)
    off_cut = np.array([p.imag != 0 or p.real > 0 for p in map(complex, POINTS)])
    fd = (ek.evaluate(f, x=z + h) - ek.evaluate(f, x=z - h)) / (2 * h)
    assert np.allclose(g[off_cut], fd[off_cut], rtol=1e-6)


@pytest.mark.parametrize("name", ["ln", "x*x", "1/x", "e^x - ln x"])
@pytest.mark.parametrize("x0", [0.7, 1.9, 0.4 + 0.8j])
def test_gradient_matches_mpmath_diff(name, x0):
    f, _ = FORMS[name]
    with mp.workdps(20):
        ref = mp.diff(lambda t: ek.evaluate(f, x=t, backend="mpmath", dps=40), mp.mpc(x0))
    assert abs(complex(gradient(f, x=x0)) - complex(ref)) < 1e-10 * max(1, abs(complex(ref)))


def test_gradient_with_two_variables_and_broadcasting():
    g = gradient(mul(X, Y), x=[1.0, 2.0, 3.0], y=4.0, wrt="y")
    assert g.shape == (3,) and np.allclose(g.numpy(), [1, 2, 3])
    gx = gradient(mul(X, Y), {"x": 2.0, "y": [1.0, -5.0]}, wrt="x")
    assert np.allclose(gx.numpy(), [1.0, -5.0])
    with pytest.raises(TypeError, match="wrt="):
        gradient(mul(X, Y), x=1.0, y=1.0)
    with pytest.raises(DomainError, match="no variable 'z'"):
        gradient(mul(X, Y), x=1.0, y=1.0, wrt="z")


def test_gradient_on_the_cut_is_the_one_sided_derivative():
    for x in (-2.0, complex(-2.0, -0.0)):
        assert abs(complex(gradient(ln_(X), x=x)) - (-0.5)) < 1e-12
