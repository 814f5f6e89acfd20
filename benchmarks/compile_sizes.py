"""Compiled sizes of the calculator basis: ours next to the reference compilers of the paper.

Prints, per basis element, our K (RPN tokens) and DAG size, the reference "best" K from
docs/references.md (the smaller of the paper's macro and chain forms that are correct; the macro
size where none is), and the ratio; then the totals. Also reports whether each of our forms is
correct on a verification grid (both sides of the real axis, complex points with |Im| < π)
against mpmath's function at 30 digits, and how many grid points python-flint's ball arithmetic
certifies (a form whose intermediates meet a branch cut or ln 0 at a point is not certified there;
see ``emlkit.certify`` for the node and reason).

Run:  python benchmarks/compile_sizes.py [--no-check]
"""

from __future__ import annotations

import argparse
import platform
import sys
import time

import mpmath

import emlkit as ek

# name: (formula, reference best K, reference function or None for constants/binary)
BASIS = [
    ("exp x", "exp(x)", 3), ("ln x", "ln(x)", 7), ("x + y", "x + y", 27), ("x − y", "x - y", 11),
    ("x · y", "x * y", 41), ("x / y", "x / y", 65), ("x ^ y", "x ^ y", 49),
    ("sqrt x", "sqrt(x)", 99),
    ("−x", "-x", 17), ("1/x", "1/x", 25), ("x²", "x^2", 41), ("x/2", "x/2", 91), ("π", "pi", 193),
    ("e", "e", 3), ("i", "i", 131), ("−1", "-1", 17), ("2", "2", 27), ("1/2", "1/2", 91),
    ("0", "0", 7), ("sin x", "sin(x)", 799), ("cos x", "cos(x)", 687), ("tan x", "tan(x)", 1183),
    ("arcsin x", "asin(x)", 723), ("arccos x", "acos(x)", 1015), ("arctan x", "atan(x)", 659),
    ("sinh x", "sinh(x)", 171), ("cosh x", "cosh(x)", 187), ("tanh x", "tanh(x)", 157),
    ("arsinh x", "asinh(x)", 271), ("arcosh x", "acosh(x)", 417), ("artanh x", "atanh(x)", 423),
    ("hypot(x,y)", "hypot(x, y)", 205), ("logistic σ(x)", "sigmoid(x)", 61),
    ("log_x y", "log(y, x)", 77), ("avg(x,y)", "avg(x, y)", 117),
]

REFERENCE = {
    "exp(x)": lambda x, y: mpmath.exp(x), "ln(x)": lambda x, y: mpmath.log(x),
    "x + y": lambda x, y: x + y, "x - y": lambda x, y: x - y, "x * y": lambda x, y: x * y,
    "x / y": lambda x, y: x / y, "x ^ y": lambda x, y: mpmath.power(x, y),
    "sqrt(x)": lambda x, y: mpmath.sqrt(x), "-x": lambda x, y: -x, "1/x": lambda x, y: 1 / x,
    "x^2": lambda x, y: x * x, "x/2": lambda x, y: x / 2, "sin(x)": lambda x, y: mpmath.sin(x),
    "cos(x)": lambda x, y: mpmath.cos(x), "tan(x)": lambda x, y: mpmath.tan(x),
    "asin(x)": lambda x, y: mpmath.asin(x), "acos(x)": lambda x, y: mpmath.acos(x),
    "atan(x)": lambda x, y: mpmath.atan(x), "sinh(x)": lambda x, y: mpmath.sinh(x),
    "cosh(x)": lambda x, y: mpmath.cosh(x), "tanh(x)": lambda x, y: mpmath.tanh(x),
    "asinh(x)": lambda x, y: mpmath.asinh(x), "acosh(x)": lambda x, y: mpmath.acosh(x),
    "atanh(x)": lambda x, y: mpmath.atanh(x),
    "hypot(x, y)": lambda x, y: mpmath.sqrt(x * x + y * y),
    "sigmoid(x)": lambda x, y: 1 / (1 + mpmath.exp(-x)),
    "log(y, x)": lambda x, y: mpmath.log(y) / mpmath.log(x), "avg(x, y)": lambda x, y: (x + y) / 2,
    "pi": lambda x, y: mpmath.pi, "e": lambda x, y: mpmath.e, "i": lambda x, y: mpmath.mpc(0, 1),
    "-1": lambda x, y: -1, "2": lambda x, y: 2, "1/2": lambda x, y: mpmath.mpf(1) / 2,
    "0": lambda x, y: 0,
}

POINTS = [(a, b) for a in (-2.7, -0.6, 0.45, 1.9, 7.5) for b in (-1.3, 0.8)] + [
    (complex(0.3, 0.7), complex(-1.1, -0.4)), (complex(-2.0, 2.5), complex(0.9, 1.7)),
    (complex(1.4, -2.9), complex(-0.2, 0.6)),
]


def verified(expr: ek.Expr, src: str) -> bool:
    """True when the form matches mpmath on every grid point (real inputs on the +0 side)."""
    fn = REFERENCE[src]
    for a, b in POINTS:
        with mpmath.workdps(40):
            xa = mpmath.mpc(a) + (mpmath.mpc(0, 1e-25) if complex(a).imag == 0 else 0)
            yb = mpmath.mpc(b) + (mpmath.mpc(0, 1e-25) if complex(b).imag == 0 else 0)
            try:
                want = mpmath.mpc(fn(xa, yb))
            except ZeroDivisionError:
                continue
        values = {v: {"x": a, "y": b}[v] for v in expr.free_vars}
        got = ek.evaluate(expr, values, backend="mpmath", dps=30)
        if not abs(got - want) <= 1e-20 * max(1, abs(want)):
            return False
    return True


def certified(expr: ek.Expr) -> str:
    """How many grid points python-flint's balls certify (arb backend), e.g. ``13/13``."""
    pts = [{v: {"x": a, "y": b}[v] for v in expr.free_vars} for a, b in POINTS]
    reports = ek.certify(expr, pts if expr.free_vars else [{}], dps=20)
    return f"{sum(1 for r in reports if r.certified)}/{len(reports)}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-check", action="store_true", help="skip the correctness column")
    args = parser.parse_args()
    print(f"# emlkit {ek.__version__} compile sizes — Python {platform.python_version()}, "
          f"{platform.machine()}")
    print("# command: python benchmarks/compile_sizes.py")
    print(f"{'element':<14} {'ours K':>7} {'DAG':>5} {'ref K':>6} {'ours/ref':>9}  "
          f"{'correct':>7}  {'arb-certified':>13}")
    total_ours = total_ref = 0
    worst = 0.0
    t0 = time.perf_counter()
    for name, src, ref in BASIS:
        expr = ek.compile(src)
        ok = "-" if args.no_check else ("yes" if verified(expr, src) else "NO")
        cert = "-" if args.no_check else certified(expr)
        ratio = expr.K / ref
        worst = max(worst, ratio)
        total_ours += expr.K
        total_ref += ref
        print(f"{name:<14} {expr.K:>7} {expr.dag_size:>5} {ref:>6} {ratio:>9.2f}  {ok:>7}  "
              f"{cert:>13}")
    print(f"{'total':<14} {total_ours:>7} {'':>5} {total_ref:>6} {total_ours / total_ref:>9.3f}")
    print(f"largest per-element ratio: {worst:.2f} (must be ≤ 1); "
          f"time {time.perf_counter() - t0:.1f} s")
    return 0 if worst <= 1 else 1


if __name__ == "__main__":
    sys.exit(main())
