"""Simple laws recovered by `EMLRegressor()` with its default settings (issue 16).

Twenty laws a user would try first: polynomials, exp/log/trig of affine arguments, rational
functions and products of two variables, 20 points each (a grid over a domain where the law is
real and finite). A law counts as recovered only when the returned formula is *exactly* the law:
SymPy proves the difference zero, or (when SymPy cannot decide) mpmath agrees to 30 digits at 8
points away from the data. Printed: one line per law with the vocabulary that found it and the
time, then the totals; with ``--reference`` the same laws are fitted with the previous default
(pure EML only, ``vocabulary="eml"``) in the same process, side by side.

    python benchmarks/sr_simple_laws.py [--time-limit 60] [--reference] [--only N,N,...]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time

import mpmath
import numpy as np
import sympy

X, Y = sympy.symbols("x y")

#: (name, law, domain of x, domain of y or None)
LAWS = [
    ("quadratic", X**2 + 1, (-2, 2), None),
    ("cubic", X**3 - X, (-2, 2), None),
    ("affine", 2 * X + 3, (-2, 2), None),
    ("quadratic 3 terms", X**2 + X + 1, (-2, 2), None),
    ("quartic", X**4, (-2, 2), None),
    ("exp(2x)", sympy.exp(2 * X), (-1, 1), None),
    ("exp(-x)", sympy.exp(-X), (-2, 2), None),
    ("log(x + 1)", sympy.log(X + 1), (0.5, 3), None),
    ("log(2x)", sympy.log(2 * X), (0.5, 3), None),
    ("sin(x)", sympy.sin(X), (-2, 2), None),
    ("sin(2x + 1)", sympy.sin(2 * X + 1), (-2, 2), None),
    ("cos(x)", sympy.cos(X), (-2, 2), None),
    ("cos(3x)", sympy.cos(3 * X), (-2, 2), None),
    ("1/(x + 1)", 1 / (X + 1), (0, 2), None),
    ("x/(x^2 + 1)", X / (X**2 + 1), (-2, 2), None),
    ("1/(x^2 + 1)", 1 / (X**2 + 1), (-2, 2), None),
    ("(x + 1)/(x + 3)", (X + 1) / (X + 3), (-2, 2), None),
    ("x*y", X * Y, (0.5, 2), (0.5, 2)),
    ("x*y + 1", X * Y + 1, (0.5, 2), (0.5, 2)),
    ("x^2*y", X**2 * Y, (0.5, 2), (0.5, 2)),
]


def data(law, dx, dy, n: int = 20):
    """``n`` points on a grid (x only, or a jittered 2-D design), and the law's values."""
    if dy is None:
        x = np.linspace(dx[0], dx[1], n)
        cols = [x]
    else:
        rng = np.random.default_rng(0)
        cols = [rng.uniform(*dx, n), rng.uniform(*dy, n)]
    syms = [X] if dy is None else [X, Y]
    f = sympy.lambdify(syms, law, "numpy")
    return np.column_stack(cols), np.asarray(f(*cols), dtype=float)


def is_exact(readable, law, dx, dy) -> tuple[bool, str]:
    """SymPy proof of equality, else agreement at 30 digits at 8 held-out points."""
    try:
        got = sympy.sympify(str(readable), locals={"x": X, "y": Y, "x0": X, "x1": Y})
    except (sympy.SympifyError, TypeError):
        return False, "unreadable"
    try:
        proven = sympy.simplify(got - law) == 0
    except (TypeError, ValueError, ZeroDivisionError):  # fall back to numbers
        proven = False
    if proven:
        return True, "symbolic"
    rng = np.random.default_rng(7)
    with mpmath.workdps(40):
        for _ in range(8):
            sub = {X: sympy.Float(rng.uniform(*dx), 30)}
            if dy is not None:
                sub[Y] = sympy.Float(rng.uniform(*dy), 30)
            a, b = complex(sympy.N(got.subs(sub), 35)), complex(sympy.N(law.subs(sub), 35))
            if abs(a - b) > 1e-25 * max(1.0, abs(b)):
                return False, "numeric"
    return True, "numeric (30 digits)"


def fit(law, dx, dy, vocabulary: str, time_limit: float):
    from emlkit.regress.estimator import EMLRegressor

    Xd, y = data(law, dx, dy)
    t0 = time.perf_counter()
    reg = EMLRegressor(vocabulary=vocabulary, time_limit=time_limit, random_state=0).fit(Xd, y)
    seconds = time.perf_counter() - t0
    ok, how = is_exact(reg.sympy_, law, dx, dy)
    return ok, how, reg.vocabulary_, seconds, str(reg.sympy_)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--time-limit", type=float, default=60.0, help="fit budget (default 60)")
    ap.add_argument("--reference", action="store_true",
                    help="also fit with the previous default vocabulary='eml'")
    ap.add_argument("--only", help="comma-separated law numbers (1-based)")
    args = ap.parse_args(argv)
    import emlkit

    picks = range(len(LAWS)) if not args.only else [int(i) - 1 for i in args.only.split(",")]
    print(f"machine: {platform.machine()}  {os.cpu_count()} cpu(s), Python "
          f"{platform.python_version()}, NumPy {np.__version__}, emlkit {emlkit.__version__}")
    print(f"command: python benchmarks/sr_simple_laws.py --time-limit {args.time_limit:g}"
          + (" --reference" if args.reference else "") + (f" --only {args.only}" if args.only
                                                          else ""))
    head = f"{'#':>2} {'law':<18} {'default':<8} {'vocab':<9} {'s':>6}"
    if args.reference:
        head += f"   {'eml only':<8} {'s':>6}"
    print(head + "   formula (default)")
    n_ok = n_ref = 0
    t_all = t_ref = 0.0
    for i in picks:
        name, law, dx, dy = LAWS[i]
        ok, _, voc, sec, text = fit(law, dx, dy, "auto", args.time_limit)
        n_ok += ok
        t_all += sec
        line = f"{i + 1:>2} {name:<18} {'exact' if ok else 'no':<8} {voc:<9} {sec:6.1f}"
        if args.reference:
            rok, _, _, rsec, _ = fit(law, dx, dy, "eml", args.time_limit)
            n_ref += rok
            t_ref += rsec
            line += f"   {'exact' if rok else 'no':<8} {rsec:6.1f}"
        print(line + f"   {text[:60]}", flush=True)
    total = f"default: {n_ok}/{len(picks)} exact, {t_all:.0f} s"
    if args.reference:
        total += f";  eml only (previous default): {n_ref}/{len(picks)} exact, {t_ref:.0f} s"
    print(total)
    return 0


if __name__ == "__main__":
    sys.exit(main())
