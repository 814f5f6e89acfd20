"""Accuracy map of the compiled basis functions in float64 against mpmath's one-sided limits.

For each basis function of the compiler, its pure-EML tree is evaluated with the NumPy backend
(complex128) at the points of ``tests/numerics/limits.py`` (log-spaced magnitudes 1e-300…1e300
of both signs on both sides of the real axis, and complex points with |Im| < 3), and compared
with mpmath at 40+ digits (one-sided limits on the cuts). A cell is the decimal exponent of the
worst error over the magnitude band, measured relative to the value's natural scale
``|f| + Σ|x_i ∂f/∂x_i|`` (so the condition number is allowed for): ``-16`` is full float64
accuracy, ``-12`` the target, ``≥ -8`` is counted wrong by the differential suite, ``inf`` a
non-finite value where the true one is finite, ``·`` no defined point in the band. Binary
functions: the band of the larger argument magnitude, both arguments real.

``--portability``: instead, per basis function, the points where the exported tree evaluated
with plain complex ``exp``/``log`` (NumPy's C99 functions node by node: no nudge, no folding)
is wrong although emlkit's own evaluation is right; a tree is *portable* when there are none.

``--write-ranges PATH``: measure every float64 target (NumPy, torch, generated NumPy, torch and
C), derive the range each basis function is accurate to 1e-12 on (``benchmarks/_range_fit.py``)
and write the table the compiler states (``src/emlkit/data/float64_ranges.json``, read by
``emlkit.float64_range``); ``--ranges``: print that table (Markdown with ``--markdown``).

Run:  python benchmarks/accuracy_map.py [--only sinh,asin] [--backend numpy|torch|gen-c]
      [--markdown] [--portability] [--write-ranges PATH] [--ranges]
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))

import itertools
import json
import subprocess

import numpy as np
from _range_fit import binary, sample, unary
from numerics.limits import BASES, points_for, reference, rel_error, wrong
from numerics.runners import FAST_RUNNERS, run_plain

import emlkit as ek

EDGES = [1e-300, 1e-100, 1e-20, 1e-8, 1e-2, 1e2, 1e8, 1e20, 1e100, 1e300 * 1.8]
BANDS = ["1e-300", "1e-100", "1e-20", "1e-8", "1e-2", "1e2", "1e8", "1e20", "1e100"]


def _cell(e: np.ndarray) -> str:
    e = e[~np.isnan(e)]
    if e.size == 0:
        return "·"
    worst = float(e.max())
    if math.isinf(worst):
        return "inf"
    return str(max(-17, math.floor(math.log10(worst)))) if worst > 0 else "-17"


def rows_for(basis, backend: str) -> tuple[list[str], list[str]]:
    """(negative-side cells, positive-side cells + complex cell) for one basis function."""
    args = points_for(basis)
    ref = reference(basis, args)
    expr = ek.compile(basis.formula)
    z = FAST_RUNNERS[backend](expr, sorted(expr.free_vars), args)
    err = rel_error(ref, z)
    real = np.all([a.imag == 0 for a in args], axis=0)
    mag = np.max([np.abs(a.real) for a in args], axis=0)
    lead = args[0].real if basis.arity == 1 else np.where(
        np.abs(args[0].real) >= np.abs(args[-1].real), args[0].real, args[-1].real)
    out = {}
    for sign, name in ((-1, "neg"), (1, "pos")):
        cells = []
        for lo, hi in itertools.pairwise(EDGES):
            m = real & (np.sign(lead) == sign) & (mag >= lo) & (mag < hi)
            cells.append(_cell(err[m]))
        out[name] = cells
    out["complex"] = [_cell(err[~real & np.isfinite(args[0])])]
    return out["neg"], out["pos"] + out["complex"]


def portability(markdown: bool, only: set[str]) -> None:
    """Print, per basis function, where plain C99 evaluation of the tree goes wrong."""
    head = ["function", "K", "plain wrong", "emlkit wrong", "plain-only", "portable", "example"]
    if markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
    for basis in BASES:
        if only and basis.name not in only:
            continue
        args = points_for(basis)
        ref = reference(basis, args)
        expr = ek.compile(basis.formula)
        names = sorted(expr.free_vars)
        bad_plain = wrong(ref, run_plain(expr, names, args))
        bad_ours = wrong(ref, FAST_RUNNERS["numpy"](expr, names, args))
        only_plain = bad_plain & ~bad_ours
        ex = ""
        if only_plain.any():
            i = int(np.flatnonzero(only_plain)[0])
            ex = ", ".join(repr(complex(a[i])) for a in args)
        cells = [basis.name, str(expr.K), str(int(bad_plain.sum())), str(int(bad_ours.sum())),
                 str(int(only_plain.sum())), "yes" if not only_plain.any() else "no", ex]
        if markdown:
            print("| " + " | ".join(cells) + " |", flush=True)
        else:
            print(f"{cells[0]:9} {cells[1]:>5} {cells[2]:>6} {cells[3]:>6} {cells[4]:>6} "
                  f"{cells[5]:>4}  {cells[6]}", flush=True)


TOL = 1e-12
#: what limits each float64 form outside its range (measured with --only NAME --backend numpy)
LIMITS = {
    "sin": "cancellation in e^(2ix) − 1 at small |x|; e^(2ix) of a huge argument",
    "cos": "e^(2ix) of a huge argument",
    "tan": "cancellation in e^(2ix) ∓ 1 at small |x|; e^(2ix) of a huge argument",
    "asin": "cancellation at small |x|; an exp of the argument overflows above 709.78",
    "acos": "π/2 − asin cancels near 1; an exp of the argument overflows above 709.78",
    "atan": "cancellation in ln(1 − ix) − ln(1 + ix) at small |x|",
    "sinh": "e^(2x) − 1 cancels at small |x|; e^(2x) overflows above 354.9",
    "cosh": "e^(2x) overflows above 354.9",
    "tanh": "e^(2x) − 1 cancels at small |x|; e^(2x) overflows above 354.9",
    "asinh": "ln(exp y) steps lose small values and overflow above 709.78",
    "atanh": "ln(exp y) steps lose small values and overflow above 709.78",
    "acosh": "tiny positive x on the lower side of the cut",
    "neg": "−x = −ln(e^x): e^x loses small x and overflows above 709.78 (every K ≤ 19 tree "
           "does; the plane form exp(ln x + iπ) is right everywhere but K 31 > 17)",
    "square": "the square underflows below 1e-154",
    "add": "x + ln(e^y): e^y loses small y and overflows above 709.78",
    "sub": "x − ln(e^y): e^y loses small y and overflows above 709.78",
    "avg": "as x + y",
    "hypot": "the strip form adds c = e^e to x²: tiny squares are lost; they overflow above 1e154",
    "pow": "exp(y·ln x) with a huge y·ln x",
}


def dense_pairs() -> tuple:
    """Extra pairs for the ranges of binary functions (the suite's grid is 12.5 decades
    coarse): 90 log-spaced magnitudes 1e-300…1e300 and 40 in 1e-6…1e4, both signs, ±0."""
    rng = np.random.default_rng(2024)
    mags = np.concatenate([np.logspace(-300, 300, 90), np.logspace(-6, 4, 40)])
    mags = mags * (1 + 0.07 * rng.random(len(mags)))
    vals = np.concatenate([mags, -mags, [0.0]]) + 0j
    gx, gy = np.meshgrid(vals, vals, indexing="ij")
    return gx.ravel(), gy.ravel()


def dense_complex() -> np.ndarray:
    """Extra non-real points for the ranges of unary functions: both parts log-spaced."""
    re = np.concatenate([np.logspace(-300, 300, 41), -np.logspace(-300, 300, 41), [0.0]])
    im = np.concatenate([np.logspace(-300, math.log10(2.9), 30),
                         -np.logspace(-300, math.log10(2.9), 30)])
    gr, gi = np.meshgrid(re, im, indexing="ij")
    return (gr + 1j * gi).ravel()


def errors(basis, targets: list[str], dense: bool = False, args=None) -> tuple:
    """The points and, per point, the worst error over ``targets`` (inf where one is wrong;
    NaN where the reference is not finite: the guarantee is for finite values). ``dense``:
    binary functions get :func:`dense_pairs` too, unary ones :func:`dense_complex`."""
    if args is None:
        args = points_for(basis)
        if dense and basis.arity == 2:
            args = tuple(np.concatenate([a, d]) for a, d in zip(args, dense_pairs()))
        elif dense:
            args = (np.concatenate([args[0], dense_complex()]),)
    ref = reference(basis, args)
    expr = ek.compile(basis.formula)
    names = sorted(expr.free_vars)
    worst = np.full(len(args[0]), np.nan)
    for t in targets:
        z = FAST_RUNNERS[t](expr, names, args)
        e = np.where(wrong(ref, z), np.inf, rel_error(ref, z))
        worst = np.where(np.isnan(worst), e, np.where(np.isnan(e), worst, np.fmax(worst, e)))
    finite = ref.defined & ~ref.pole & np.isfinite(ref.value)
    return args, np.where(finite, worst, np.nan)


def fast_targets() -> list[str]:
    """The float64 targets that run here (torch and gcc are optional)."""
    from numerics.runners import have_gcc

    out = ["numpy", "gen-numpy"] + (["gen-c"] if have_gcc() else [])
    try:
        import torch  # noqa: F401

        out += ["torch", "gen-torch"]
    except ImportError:
        pass
    return out


def write_ranges(path: str, only: set[str], n_fresh: int = 600) -> None:
    targets = fast_targets()
    funcs = {}
    if only and os.path.exists(path):  # --only: update those entries, keep the others
        with open(path) as fh:
            funcs = json.load(fh)["functions"]
    for basis in BASES:
        if only and basis.name not in only:
            continue
        args, err = errors(basis, targets, dense=True)
        complex_ok = True
        for round_ in range(8):  # fit, measure fresh points inside the fit, fit again
            fit = ({"args": [unary(args[0], err, TOL)]} if basis.arity == 1
                   else binary(*args, err, TOL))
            if not complex_ok:  # scattered bad non-real points: no box to state
                for a in fit["args"]:
                    a.pop("complex", None)
                fit.pop("min_scale_complex", None)
            fresh, ferr = errors(basis, targets, args=sample(fit, n_fresh, seed=round_))
            bad = np.nan_to_num(ferr) > TOL
            print(f"  {basis.name} round {round_}: {int(bad.sum())} of {len(ferr)} fresh "
                  "points bad", flush=True)
            if not bad.any():
                break
            if round_ >= 3 and (fresh[0].imag[bad] != 0).any():
                complex_ok = False
            args = tuple(np.concatenate([a, f]) for a, f in zip(args, fresh))
            err = np.concatenate([err, ferr])
        else:
            raise RuntimeError(f"{basis.name}: the range did not settle in eight rounds")
        funcs[basis.name] = {"formula": basis.formula, **fit, "limit": LIMITS.get(basis.name, "")}
        print(f"{basis.name}: {json.dumps(fit)}", flush=True)
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    table = {"tolerance": TOL, "targets": targets, "measured_at": commit,
             "command": "python benchmarks/accuracy_map.py --write-ranges " + path,
             "functions": {b.name: funcs[b.name] for b in BASES if b.name in funcs}}
    with open(path, "w") as fh:
        json.dump(table, fh, indent=1)
        fh.write("\n")


def print_ranges(markdown: bool) -> None:
    from emlkit.compiler.ranges import float64_ranges

    if markdown:
        print("| function | accurate to 1e-12 in float64 for | what limits the float64 form |")
        print("|---|---|---|")
    for r in float64_ranges().values():
        text = r.describe().split(": ", 1)[1].replace("accurate to 1e-12 in float64 for ", "")
        if markdown:
            print(f"| {r.formula} | {text.replace('|', chr(92) + '|')} | {r.limit or '—'} |")
        else:
            print(r.describe())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default="")
    ap.add_argument("--backend", default="numpy", choices=sorted(FAST_RUNNERS))
    ap.add_argument("--markdown", action="store_true", help="a Markdown table (docs/accuracy.md)")
    ap.add_argument("--portability", action="store_true", help="plain C99 evaluation instead")
    ap.add_argument("--write-ranges", metavar="PATH", help="measure and write the range table")
    ap.add_argument("--ranges", action="store_true", help="print the stated range table")
    ap.add_argument("--fresh", type=int, default=600,
                    help="fresh points per kind and round for --write-ranges")
    opts = ap.parse_args()
    only = {s for s in opts.only.split(",") if s}
    t0 = time.time()
    if opts.write_ranges:
        write_ranges(opts.write_ranges, only, opts.fresh)
        print(f"# {time.time() - t0:.0f} s")
        return
    if opts.ranges:
        print_ranges(opts.markdown)
        return
    if opts.portability:
        print(f"# emlkit {ek.__version__} portability of exported trees — NumPy {np.__version__}")
        print(f"# command: python benchmarks/accuracy_map.py {' '.join(sys.argv[1:])}")
        portability(opts.markdown, only)
        print(f"# {time.time() - t0:.0f} s")
        return
    head = ["function", *[f"−{b}" for b in reversed(BANDS)], *[f"+{b}" for b in BANDS], "complex"]
    print(f"# emlkit {ek.__version__} accuracy map ({opts.backend}) — Python "
          f"{platform.python_version()}, {platform.machine()}, NumPy {np.__version__}")
    print(f"# command: python benchmarks/accuracy_map.py {' '.join(sys.argv[1:])}")
    print("# cell: log10 of the worst error / natural scale over |x| in [band, next band)")
    if opts.markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
    else:
        print(" ".join(f"{h:>7}" for h in head))
    for basis in BASES:
        if only and basis.name not in only:
            continue
        neg, pos = rows_for(basis, opts.backend)
        cells = [basis.name, *reversed(neg), *pos]
        if opts.markdown:
            print("| " + " | ".join(cells) + " |", flush=True)
        else:
            print(" ".join(f"{c:>7}" for c in cells), flush=True)
    print(f"# {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
