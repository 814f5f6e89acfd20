"""PCF: interning, immutability, printing to LaTeX and SymPy, delegation, errors."""

from __future__ import annotations

import pickle
from fractions import Fraction

import pytest
import sympy

import emlkit
from emlkit.errors import DomainError, ParseError
from emlkit.pcf import PCF, Poly


def test_interned_across_input_forms():
    n = sympy.Symbol("n")
    p = PCF("2n+1", "n^2")
    assert p is PCF([1, 2], [0, 0, 1]) is PCF(2 * n + 1, n**2) is PCF(Poly("1+2n"), "n*n")
    assert p is emlkit.PCF("2n+1", "n^2")
    assert p == PCF("2n+1", "n^2") and p != PCF("2n+1", "n^2+1")
    assert hash(p) == hash(PCF([1, 2], [0, 0, 1]))
    assert pickle.loads(pickle.dumps(p)) is p


def test_immutable():
    p = PCF(1, 1)
    with pytest.raises(AttributeError):
        p.a = Poly(2)  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del p.b


def test_errors():
    with pytest.raises(DomainError, match="both polynomials"):
        PCF(0, "0")
    with pytest.raises(ParseError):
        PCF("2n++1", "n")
    with pytest.raises(ParseError):
        PCF("n", "x^2")


def test_str_repr_and_sympy_fraction():
    p = PCF("2n+1", "n^2")
    assert str(p) == "PCF(2n + 1, n^2)"
    assert eval(repr(p), {"PCF": PCF}) is p
    expr = p.to_sympy(5)
    # the unevaluated finite fraction equals the exact convergent at that depth
    assert sympy.nsimplify(expr.doit()) == sympy.Rational(*Fraction(p.convergents(5)[0])
                                                         .as_integer_ratio())
    assert PCF(1, 1).to_sympy(0) == 1
    with pytest.raises(DomainError):
        p.to_sympy(-1)
    with pytest.raises(DomainError):
        p.to_sympy(10_000)


def test_latex_picture():
    tex = PCF("34n^3+51n^2+27n+5", "-n^6").to_latex()
    assert tex.startswith("5 - \\cfrac{1}{117 - \\cfrac{64}{535 - \\cfrac{729}{")
    assert "\\cdots - \\cfrac{n^{6}}{34n^{3} + 51n^{2} + 27n + 5 + \\cdots}" in tex
    assert tex.count("{") == tex.count("}")
    assert PCF("n/2", "1").to_latex(1).startswith("0 + \\cfrac{1}{\\frac{1}{2} + ")
    assert PCF(1, 1)._repr_latex_().startswith("$\\displaystyle 1 + \\cfrac{1}{1")
    with pytest.raises(DomainError):
        PCF(1, 1).to_latex(-2)


def test_identify_and_dynamics_delegate(monkeypatch):
    import sys
    import types

    import emlkit.pcf as pkg

    calls = []
    fake_dyn = types.ModuleType("emlkit.pcf.dynamics")
    fake_dyn.dynamics = lambda pcf, *a, **k: calls.append(("dynamics", pcf, a, k)) or "dyn"
    fake_id = types.ModuleType("emlkit.identify")
    fake_id.identify = lambda value, **k: calls.append(("identify", value, k)) or ["found"]
    monkeypatch.setitem(sys.modules, "emlkit.pcf.dynamics", fake_dyn)
    monkeypatch.setattr(pkg, "dynamics", fake_dyn, raising=False)
    monkeypatch.setitem(sys.modules, "emlkit.identify", fake_id)
    monkeypatch.setattr(emlkit, "identify", fake_id, raising=False)
    p = PCF("2n+1", "n^2")
    assert p.dynamics(100, fit=True) == "dyn"
    assert calls[-1] == ("dynamics", p, (100,), {"fit": True})
    assert p.identify(digits=20, basis=["pi"]) == ["found"]
    kind, value, kwargs = calls[-1]
    assert kind == "identify" and kwargs == {"basis": ["pi"]}
    assert value.digits == 20 and value.pcf is p  # the Limit record is what identify receives


def test_sympy_input_in_two_symbols_is_refused():
    import sympy

    x, n = sympy.symbols("x n")
    assert PCF(2 * x + 1, x**2) is PCF("2n+1", "n^2")  # one symbol, whatever its name
    assert PCF(2 * x + 1, 5) is PCF("2n+1", "5")
    with pytest.raises(DomainError, match=r"different symbols \(n and x\)"):
        PCF(2 * x + 1, n**2)


def test_pcf_package_exports_and_search_is_the_function():
    import subprocess
    import sys

    code = (
        "import emlkit as ek; f = ek.pcf.search; assert callable(f) and f.__module__ == "
        "'emlkit.pcf.search', f\n"
        "import emlkit.pcf.search, emlkit.pcf.dynamics, emlkit.pcf.esma\n"
        "assert callable(ek.pcf.search) and ek.pcf.search is f\n"
        "assert callable(ek.pcf.dynamics) and callable(ek.pcf.esma)\n"
        "assert ek.PCF is ek.pcf.PCF and callable(ek.identify)\n"
        "from emlkit.pcf.search import as_box; assert callable(as_box)\n"
        "missing = [n for n in ek.pcf.__all__ if getattr(ek.pcf, n, None) is None]\n"
        "assert not missing, missing\n"
    )
    for first in ("", "import emlkit.pcf.search\n"):  # the submodule imported before or after
        done = subprocess.run([sys.executable, "-c", first + code], check=False,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr


def test_identify_of_a_terminating_fraction_is_its_exact_rational():
    t = Fraction(0)
    for k in range(6, 0, -1):  # PCF(n+5, n-7) stops at b(7) = 0: the finite fraction exactly
        t = Fraction(k - 7) / (k + 5 + t)
    best = PCF("n+5", "n-7").identify().best
    assert best.kind == "rational" and best.formula == sympy.Rational(5 + t)
