"""Generated code (C compiled with gcc, NumPy, torch) agrees with ek.evaluate for every basis
function of the compiler at ±0, ±inf, tiny and huge inputs and on both sides of every cut."""

from __future__ import annotations

import numpy as np
import pytest
from _gcc import c_library, needs_gcc, run_c  # tests/backends/codegen/_gcc.py

import emlkit as ek
from emlkit.backends.codegen import to_code

UNARY = ["exp(x)", "ln(x)", "sqrt(x)", "sin(x)", "cos(x)", "tan(x)", "asin(x)", "acos(x)",
         "atan(x)", "sinh(x)", "cosh(x)", "tanh(x)", "asinh(x)", "acosh(x)", "atanh(x)", "-x",
         "1/x", "x^2", "x/2", "2^x", "x*2"]
BINARY = ["x+y", "x-y", "x*y", "x/y", "x^y", "hypot(x,y)"]

_MAGS = [0.0, 1e-300, 1e-20, 1e-12, 0.5, 1.0, 1.9, 3.0, 1e20, 1e300, np.inf]
POINTS = np.array(
    [complex(s * m, z) for m in _MAGS for s in (1.0, -1.0) for z in (0.0, -0.0)]
    + [complex(r, i) for r in (0.0, -0.0) for i in (2.0, -2.0, 0.5, 1e-300)]
    + [0.3 + 0.7j, -1.2 - 0.4j, 2.0 - 2.0j, 1e10 + 1e-10j],
    dtype=np.complex128,
)

def _same(got, want):
    """Equal up to 1e-9 relative, infinities of the same sign part by part, NaN where NaN."""
    got, want = np.asarray(got, complex), np.asarray(want, complex)
    ok = np.ones(got.shape, bool)
    with np.errstate(all="ignore"):
        scale = np.maximum(np.nan_to_num(np.abs(want), nan=0.0), 1e-300)
        for g, w in ((got.real, want.real), (got.imag, want.imag)):
            both_nan = np.isnan(g) & np.isnan(w)
            inf = np.isinf(w) | np.isinf(g)
            close = np.abs(g - w) <= 1e-9 * scale
            ok &= both_nan | (g == w) | (close & ~inf)
    return ok


def _cases():
    xx, yy = np.meshgrid(POINTS[::2], POINTS[::3])
    out = {f: (POINTS,) for f in UNARY}
    out.update({f: (xx.ravel(), yy.ravel()) for f in BINARY})
    return out


@needs_gcc
def test_generated_code_agrees_with_evaluate_on_special_points(tmp_path):
    torch = pytest.importorskip("torch")
    cases = _cases()
    exprs = {f"g{i}": ek.compile(f) for i, f in enumerate(cases)}
    lib = c_library(tmp_path, exprs)
    for (name, e), (formula, args) in zip(exprs.items(), cases.items()):
        names = sorted(e.free_vars)
        assert len(names) == len(args), formula
        want = ek.evaluate(e, dict(zip(names, args)), on_nan="ignore")
        ns: dict = {}
        exec(to_code(e, "numpy", name="g"), ns)  # noqa: S102 - our own generated code
        exec(to_code(e, "torch", name="h"), ns)  # noqa: S102
        got = {
            "c": run_c(lib, name, args),
            "numpy": ns["g"](*args),
            "torch": ns["h"](*[torch.as_tensor(a) for a in args]).numpy(),
        }
        for target, g in got.items():
            ok = _same(g, want)
            bad = np.flatnonzero(~ok)
            assert ok.all(), (formula, target, [a[bad[0]] for a in args], g[bad[0]], want[bad[0]])


def test_generated_mpmath_code_takes_the_side_of_the_cut():
    """The mpmath output reads the side from its inputs' signed zeros like the mpmath backend."""
    import mpmath

    e = ek.compile("asin(x)")
    ns: dict = {}
    exec(to_code(e, "mpmath", name="g"), ns)  # noqa: S102
    with mpmath.workdps(30):
        for z in (complex(1.9, 0.0), complex(1.9, -0.0), complex(-3.0, 0.0), complex(-3, -0.0)):
            want = ek.evaluate(e, x=z, backend="mpmath", dps=30)
            assert abs(ns["g"](z) - want) < 1e-20, z
