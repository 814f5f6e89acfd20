"""Generated code (C, NumPy, torch, mpmath) against trusted references: cmath, mpmath, gcc."""

from __future__ import annotations

import cmath
import math
import random
import re
import subprocess

import mpmath
import numpy as np
import pytest
from _gcc import GCC, c_library, needs_gcc, run_c  # tests/backends/codegen/_gcc.py

import emlkit as ek
from emlkit.backends.codegen import LANGUAGES, fold_constants, to_code
from emlkit.errors import DomainError
from emlkit.expr import ONE, Var, eml

x, y = Var("x"), Var("y")


# Known forms, each with the identity it implements (valid in the strip |Im| < pi).
def ln(z):  # e - ln(e^e / z) = ln z
    return eml(1, eml(eml(1, z), 1))


def exp(z):  # exp(z) - ln 1
    return eml(z, 1)


def sub(a, b):  # exp(ln a) - ln(exp b) = a - b
    return eml(ln(a), exp(b))


ZERO = eml(1, eml(eml(1, 1), 1))  # e - ln(e^e) = 0


def neg(z):  # exp(ln 0) - ln(exp z) = 0 - z, through ln 0 = -inf
    return eml(ln(ZERO), exp(z))


def add(a, b):  # a - (-b)
    return sub(a, neg(b))


E = eml(1, 1)  # e
# A constant whose intermediate exp(e - ln(e^e - e) - i*pi) lies exactly on the negative real
# axis: float evaluation gets a negative imaginary residue and the wrong sign of pi; the exact
# value is e - ln(e^e / (e^e - e)) - i*pi.
CUT = eml(1, eml(eml(1, eml(1, eml(eml(eml(1, 1), 1), 1))), 1))
CUT_VALUE = cmath.e - cmath.log(cmath.e**cmath.e / (cmath.e**cmath.e - cmath.e)) - 1j * cmath.pi

FORMS = {  # name: (expr, reference function of (x, y))
    "ln": (ln(x), lambda a, b: cmath.log(a)),
    "exp": (exp(x), lambda a, b: cmath.exp(a)),
    "e": (E, lambda a, b: cmath.e),
    "eml": (eml(x, y), lambda a, b: cmath.exp(a) - cmath.log(b)),
    "sub": (sub(x, y), lambda a, b: a - b),
    "neg": (neg(x), lambda a, b: -a),
    "add": (add(x, y), lambda a, b: a + b),
    "cut": (eml(x, CUT), lambda a, b: cmath.exp(a) - cmath.log(CUT_VALUE)),
}

# Real points of both signs, complex points in the strip, and a negative real from below.
POINTS = [
    0.5, 1.0, 2.5, -0.5, -1.0, -3.0, 0.3 + 0.7j, -1.2 - 0.4j, 2.0 - 2.0j, -0.7 + 2.9j,
    complex(-2.0, -0.0),
]


def _load(lang: str, expr, name: str = "f"):
    ns: dict = {}
    exec(to_code(expr, lang, name=name), ns)  # noqa: S102 - our own generated code
    return ns[name]


def _args(expr, a, b):
    return [a, b][: len(expr.free_vars)]


# ---------------------------------------------------------------- Python targets vs references


@pytest.mark.parametrize("form", sorted(FORMS))
def test_numpy_matches_cmath(form):
    expr, ref = FORMS[form]
    f = _load("numpy", expr)
    for a in POINTS:
        b = 0.8 - 0.3j
        got = complex(f(*_args(expr, a, b)))
        want = ref(a, b)
        assert cmath.isclose(got, want, rel_tol=1e-12, abs_tol=1e-12), (form, a, got, want)


def test_numpy_broadcasts_arrays():
    f = _load("numpy", sub(x, y))
    got = f(np.array([1.0, 2.0, -3.0]), np.array([[0.5], [1.5]]))
    assert got.shape == (2, 3) and got.dtype == np.complex128
    np.testing.assert_allclose(got, np.array([1.0, 2.0, -3.0]) - np.array([[0.5], [1.5]]))


@pytest.mark.parametrize("form", sorted(FORMS))
def test_mpmath_matches_at_50_digits(form):
    expr, _ = FORMS[form]
    f = _load("mpmath", expr)
    with mpmath.workdps(50):
        a, b = mpmath.mpc("0.7", "0.4"), mpmath.mpc("-1.3", "0.2")
        got = f(*_args(expr, a, b))
        want = {
            "ln": lambda: mpmath.log(a),
            "exp": lambda: mpmath.exp(a),
            "e": lambda: mpmath.e,
            "eml": lambda: mpmath.exp(a) - mpmath.log(b),
            "sub": lambda: a - b,
            "neg": lambda: -a,
            "add": lambda: a + b,
            "cut": lambda: mpmath.exp(a) - mpmath.log(_cut_exact()),
        }[form]()
        # constants are folded to 50 digits, so allow a little less than dps
        assert abs(got - want) <= mpmath.mpf(10) ** -45 * (1 + abs(want)), (form, got, want)


def _cut_exact():
    e = mpmath.e
    return e - mpmath.log(mpmath.exp(e) / (mpmath.exp(e) - e)) - 1j * mpmath.pi


def test_constant_on_the_cut_gets_the_exact_branch():
    # Plain float evaluation of CUT lands on the wrong side of the cut ...
    with np.errstate(all="ignore"):
        v = np.complex128(1)
        inner = np.exp(np.exp(np.e)) - 0  # exp(e^e)
        n = np.e - np.log(inner)  # e - e^e, negative real
        w = np.exp(np.e - np.log(n + 0j))  # exp(e - ln|n| - i*pi): imag residue < 0
        v = np.e - np.log(w)
    assert v.imag > 0 > CUT_VALUE.imag
    # ... the folded literal does not, in every target.
    for lang in ("numpy", "mpmath", "torch"):
        got = complex(_load(lang, CUT)())
        assert cmath.isclose(got, CUT_VALUE, rel_tol=1e-15), (lang, got)
    folded = fold_constants(CUT)[id(CUT)]
    assert abs(complex(folded) - CUT_VALUE) < 1e-15


def test_torch_matches_cmath_and_differentiates():
    torch = pytest.importorskip("torch")
    for form in sorted(FORMS):
        expr, ref = FORMS[form]
        f = _load("torch", expr)
        for a in POINTS:
            got = complex(f(*_args(expr, a, 0.8 - 0.3j)))
            assert cmath.isclose(got, ref(a, 0.8 - 0.3j), rel_tol=1e-12, abs_tol=1e-12)
    t = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    _load("torch", ln(x))(t).real.backward()
    assert t.grad.item() == pytest.approx(0.5)


def test_extended_values_ln0_and_exp_minus_inf():
    f = _load("numpy", eml(x, y))
    assert complex(f(0.0, 0.0)) == complex(math.inf, 0.0)  # 1 - ln 0 = +inf
    # C99 Annex G: clog(-0 + 0i) = -inf + i*pi, as ek.evaluate
    assert complex(f(0.0, -0.0)) == complex(math.inf, -math.pi)
    assert complex(f(0.0, -0.0)) == complex(ek.evaluate(eml(x, y), x=0.0, y=-0.0))
    g = _load("numpy", eml(eml(1, x), 1))  # exp(e - ln x); x = 0 gives exp(inf) = inf
    assert complex(g(0.0)) == complex(math.inf, 0.0)
    assert complex(_load("numpy", neg(x))(2.0)) == -2.0  # passes through exp(-inf) = 0
    assert complex(_load("mpmath", neg(x))(2)) == -2.0


def test_variable_free_and_leaf_expressions():
    for lang in ("numpy", "mpmath", "torch"):
        assert complex(_load(lang, ONE)()) == 1.0
        assert complex(_load(lang, E)()) == pytest.approx(math.e, rel=1e-15)
        assert complex(_load(lang, x)(1.5 - 2j)) == 1.5 - 2j


# ---------------------------------------------------------------- names, errors, deep DAGs


NASTY = ["int", "double", "t0", "c1", "f", "f_ln", "_f_ln", "I", "complex", "v_int", "np", "mp",
         "torch", "float", "NAN", "exp", "y1", "_x"]


def _nasty_expr():
    e = ONE
    for name in NASTY:  # a chain eml(name, eml(...)), sums every variable in
        e = eml(name, e)
    return e


def _nasty_ref(values):
    acc = 1.0 + 0j
    for v in values:  # same nesting as _nasty_expr: eml(v, acc) = exp(v) - ln(acc)
        acc = cmath.exp(v) - cmath.log(acc)
    return acc


@pytest.mark.parametrize("lang", ["numpy", "mpmath", "torch"])
def test_clashing_variable_names_are_mangled(lang):
    e = _nasty_expr()
    src = to_code(e, lang)
    assert "Renamed arguments" in src
    order = sorted(NASTY)
    vals = {n: 0.1 * (i + 1) - 0.05j * i for i, n in enumerate(order)}
    got = complex(_load(lang, e)(*[vals[n] for n in order]))
    assert cmath.isclose(got, _nasty_ref([vals[n] for n in NASTY]), rel_tol=1e-9)


def test_bad_language_and_names():
    with pytest.raises(DomainError, match="unknown language"):
        to_code(x, "fortran")
    for bad in ["2f", "int", "exp", "t3", "_private", "class"]:
        with pytest.raises(DomainError, match="function name"):
            to_code(x, "c", name=bad)
    with pytest.raises(TypeError):
        to_code("eml(1, x)", "c")
    assert set(LANGUAGES) == {"c", "numpy", "torch", "mpmath"}


def test_shared_subexpressions_are_computed_once():
    a = ln(x)
    e = eml(eml(a, a), eml(a, 1))
    for lang in LANGUAGES:
        src = to_code(e, lang)
        temps = re.findall(r"\b(t\d+) = ", src)
        assert len(temps) == len(set(temps)) == e.dag_size  # one temporary per distinct node
        a_temp = "t2"  # ln x is the third node in topological order
        # defined once; read by exp in both parents, and by ln and its first-order term (the
        # mpmath output passes the value, term included, to its parents: eml(a, a) and eml(a, 1))
        reads = 3 if lang == "mpmath" else 4
        assert len(re.findall(rf"\b{a_temp}\b", src)) == 1 + reads


def test_depth_100000_chain_generates_and_runs():
    e = x
    for _ in range(25_000):  # ln(exp(e)) = e in the strip: depth 4 per step
        e = ln(exp(e))
    assert e.depth == 100_000
    assert to_code(e, "c").count("\n") > 100_000
    assert complex(_load("numpy", e)(0.5 + 0.25j)) == pytest.approx(0.5 + 0.25j, abs=1e-9)


# ---------------------------------------------------------------- C, compiled with gcc



def _random_tree(rng: random.Random, leaves: int):
    nodes = [rng.choice([ONE, x, y, x]) for _ in range(leaves)]
    while len(nodes) > 1:
        i = rng.randrange(len(nodes) - 1)
        nodes[i : i + 2] = [eml(nodes[i], nodes[i + 1])]
    return nodes[0]


def _run_c(lib, name, expr, pts):
    """``expr``'s generated function at ``pts``, every argument taking the same values."""
    return run_c(lib, name, [pts] * len(expr.free_vars), n=len(pts))


def _agree(got, want):
    both_finite = np.isfinite(got) & np.isfinite(want)
    same_special = (~both_finite) & (
        (np.isnan(got) == np.isnan(want)) & (np.isinf(got.real) == np.isinf(want.real))
    )
    close = np.isclose(got, want, rtol=1e-9, atol=1e-12)
    return np.all(np.where(both_finite, close, same_special))


GRID = np.array(
    [r + 1j * i for r in (-3.0, -1.0, -0.25, 0.4, 1.0, 2.5) for i in (0.0, 0.6, -1.7, 3.0)]
    + [complex(-2.0, -0.0), complex(-0.5, -0.0), 0j],
    dtype=np.complex128,
)


@needs_gcc
def test_c_compiles_and_matches_numpy(tmp_path):
    rng = random.Random(20240607)
    exprs = {f"k{i}": _random_tree(rng, rng.randrange(2, 9)) for i in range(60)}
    exprs.update({f"form_{n}": e for n, (e, _) in FORMS.items()})
    exprs["nasty"] = _nasty_expr()
    lib = c_library(tmp_path, exprs)
    for name, e in exprs.items():
        got = _run_c(lib, name, e, GRID)
        f = _load("numpy", e)
        want = np.broadcast_to(f(*[GRID] * len(e.free_vars)), GRID.shape)
        assert _agree(got, want), (name, str(e), got, want)
        # the library's NumPy evaluator agrees too, on the whole grid: both carry the inputs'
        # directions and take the side of every cut from them (emlkit.semantics)
        values = {v: GRID for v in e.free_vars}
        ref = np.broadcast_to(ek.evaluate(e, values, on_nan="ignore"), GRID.shape)
        assert _agree(got, ref), (name, str(e), got, ref)
    # and against cmath for the known forms, strictly inside their domain
    for n, (e, ref) in FORMS.items():
        pts = np.array(POINTS, dtype=np.complex128)
        got = _run_c(lib, f"form_{n}", e, pts)
        want = np.array([ref(p, p) for p in POINTS])
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12, err_msg=n)


@needs_gcc
def test_c_signed_zero_picks_the_side_of_the_cut(tmp_path):
    lib = c_library(tmp_path, {"lnx": ln(x)})
    got = _run_c(lib, "lnx", ln(x), np.array([complex(-2.0, 0.0), complex(-2.0, -0.0)]))
    assert got[0].imag == pytest.approx(math.pi) and got[1].imag == pytest.approx(-math.pi)


@needs_gcc
def test_c_program_prints_e(tmp_path):
    src = tmp_path / "main.c"
    src.write_text(
        to_code(eml(x, 1), "c", name="expx")
        + '#include <stdio.h>\nint main(void)\n{\n    double complex z = expx(1.0);\n'
        '    printf("%.17g %.17g\\n", creal(z), cimag(z));\n    return 0;\n}\n'
    )
    exe = tmp_path / "main"
    subprocess.run([GCC, "-std=c99", "-O2", str(src), "-o", str(exe), "-lm"], check=True)
    out = subprocess.run([str(exe)], check=True, capture_output=True, text=True).stdout.split()
    assert float(out[0]) == pytest.approx(math.e, rel=1e-15) and float(out[1]) == 0.0


@needs_gcc
@pytest.mark.parametrize("src", ["asin(x)", "acos(x)", "atanh(x)", "acosh(x)"])
def test_generated_code_takes_the_evaluators_side_of_the_cut(tmp_path, src):
    """At x = ±1.9 ± 0j plain IEEE code loses the sign of zero in 0 − 0; the generated code
    carries first-order terms like ek.evaluate, so C, NumPy and torch output match evaluate and
    NumPy's own function."""
    torch = pytest.importorskip("torch")

    e = ek.compile(src)
    pts = np.array([complex(1.9, 0.0), complex(1.9, -0.0), complex(-1.9, 0.0), complex(-1.9, -0.0)])
    want = ek.evaluate(e, x=pts)
    lib = c_library(tmp_path, {"g": e})
    assert _agree(_run_c(lib, "g", e, pts), want)
    assert _agree(np.asarray(_load("numpy", e)(pts)), want)
    assert _agree(_load("torch", e)(torch.as_tensor(pts)).numpy(), want)
    reference = {
        "asin(x)": np.arcsin, "acos(x)": np.arccos, "atanh(x)": np.arctanh, "acosh(x)": np.arccosh
    }[src]
    assert _agree(want, reference(pts))


def test_numpy_and_torch_match_evaluate_on_random_trees():
    """Independent x and y grids (broadcast), so ties between variables are exercised off the
    diagonal, real inputs with either sign of zero included."""
    torch = pytest.importorskip("torch")
    rng = random.Random(7)
    gx, gy = GRID[:, None], GRID[None, :]
    for _ in range(40):
        e = _random_tree(rng, rng.randrange(2, 9))
        names = sorted(e.free_vars)
        grids = dict(zip(["x", "y"], [gx, gy]))
        args = [grids[n] for n in names]
        shape = np.broadcast_shapes(*(a.shape for a in args)) if args else ()
        want = np.broadcast_to(
            ek.evaluate(e, {n: grids[n] for n in names}, on_nan="ignore"), shape
        )
        got_np = np.broadcast_to(_load("numpy", e)(*args), shape)
        assert _agree(got_np, want), (str(e), got_np, want)
        got_t = _load("torch", e)(*[torch.as_tensor(a) for a in args])
        got_t = np.broadcast_to(got_t.numpy(), shape)
        assert _agree(got_t, want), (str(e), got_t, want)


@pytest.mark.parametrize("lang", ["numpy", "torch"])
def test_wrapper_keeps_the_sign_of_a_zero_imaginary_part(lang):
    """A zero imaginary part of the result takes the sign of its first-order term: x and
    ln(exp(x)) at -2 - 0j stay -2 - 0j (re + 1j*im would turn the -0.0 into +0.0)."""
    if lang == "torch":
        pytest.importorskip("torch")
    pts = [complex(-2.0, -0.0), complex(-2.0, 0.0), complex(3.0, -0.0)]
    for e in (x, ln(exp(x))):
        f = _load(lang, e)
        for p in pts:
            got = complex(f(p))
            assert got.real == pytest.approx(p.real, rel=1e-14) and got.imag == 0, (e, p, got)
            assert math.copysign(1, got.imag) == math.copysign(1, p.imag), (e, p, got)


@needs_gcc
def test_c_wrapper_keeps_the_sign_of_a_zero_imaginary_part(tmp_path):
    e = ln(exp(x))
    pts = np.array([complex(-2.0, -0.0), complex(-2.0, 0.0), complex(3.0, -0.0)])
    got = _run_c(c_library(tmp_path, {"g": e}), "g", e, pts)
    np.testing.assert_allclose(got.real, pts.real, rtol=1e-14)
    assert np.all(got.imag == 0) and np.array_equal(np.signbit(got.imag), np.signbit(pts.imag))


def test_torch_output_broadcasts_and_differentiates_on_the_cut():
    torch = pytest.importorskip("torch")
    f = _load("torch", sub(x, y))
    got = f(torch.tensor([1.0, 2.0, -3.0]), torch.tensor([[0.5], [-1.5]]))
    assert got.shape == (2, 3)
    np.testing.assert_allclose(got.numpy(), np.array([1.0, 2.0, -3.0]) - np.array([[0.5], [-1.5]]))
    t = torch.tensor(-2.0, dtype=torch.float64, requires_grad=True)
    _load("torch", ln(x))(t).real.backward()  # on the cut: d/dx Re ln x = 1/x
    assert t.grad.item() == pytest.approx(-0.5)


def test_wrapper_locals_do_not_rename_variables():
    e = eml(Var("s"), Var("r"))
    for lang in LANGUAGES:
        assert "Renamed arguments" not in to_code(e, lang), lang
    f = _load("numpy", e)  # arguments sorted by name: f(r, s)
    assert complex(f(-2.0, 1.0)) == pytest.approx(cmath.exp(1.0) - cmath.log(complex(-2.0, 0.0)))
