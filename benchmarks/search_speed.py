"""Search speed: distinct forms per K, time to reach each K, forms per second, peak memory.

1. ``emlkit.enumerate_forms`` for constants (leaf 1 only) and unary functions (leaves 1, x),
   each in its own child process so that its peak resident memory is its own; per K: new
   distinct forms, candidate pairs evaluated, seconds for the level, time to reach K and
   pairs per second.
2. References side by side in one process, on a small K:
   * a naive pure-Python loop (``cmath``, one pair and one test point at a time, a dict of
     rounded value tuples for the dedup) over the same candidate pairs: the ratio is what the
     vectorised kernel buys;
   * the same vectorised kernel without dedup (every syntax tree kept): the ratio of trees to
     distinct forms is what observational equivalence saves, and its time at the same K.

Run:  python benchmarks/search_speed.py [--const-K 31] [--unary-K 21] [--ref-K 15] [--quick]
"""

from __future__ import annotations

import argparse
import cmath
import json
import math
import os
import platform
import resource
import subprocess
import sys
import time

import numpy as np

from emlkit.search import enumerate_forms
from emlkit.search.enumerate import SNAP_TOL, default_points, eml_arrays, exp_guarded, log_guarded


def child(kind: str, max_K: int, memory_gib: float) -> None:
    """Run one enumeration; print its figures as JSON (used in a child process)."""
    variables = () if kind == "constants" else ("x",)
    t0 = time.perf_counter()
    en = enumerate_forms(max_K, variables, memory_limit_bytes=int(memory_gib * 2**30),
                         store_last=False)
    wall = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({
        "counts": en.counts, "seconds": en.seconds, "pairs": en.pairs, "wall": wall,
        "peak_rss": peak, "complete": en.complete, "stop_reason": en.stop_reason,
    }))


def run_child(kind: str, max_K: int, memory_gib: float) -> dict:
    cmd = [sys.executable, __file__, "--child", kind, "--max-K", str(max_K),
           "--memory-gib", str(memory_gib)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    data = json.loads(out)
    for key in ("counts", "seconds", "pairs"):
        data[key] = {int(k): v for k, v in data[key].items()}
    return data


def print_reach(title: str, data: dict) -> None:
    print(f"\n## {title}: wall {data['wall']:.1f} s, peak RSS "
          f"{data['peak_rss'] / 2**30:.2f} GiB"
          + ("" if data["complete"] else f" — {data['stop_reason']}"))
    print(f"{'K':>3} {'new forms':>12} {'total':>12} {'pairs':>13} {'level s':>9} "
          f"{'reach s':>9} {'pairs/s':>12}")
    total, reach = 0, 0.0
    for K in sorted(data["counts"]):
        n, t, p = data["counts"][K], data["seconds"][K], data["pairs"][K]
        total += n
        reach += t
        rate = f"{p / t:>12,.0f}" if t > 1e-3 else f"{'-':>12}"
        print(f"{K:>3} {n:>12,d} {total:>12,d} {p:>13,d} {t:>9.2f} {reach:>9.2f} {rate}")


# ---------------------------------------------------------------- naive reference


def _exp(z: complex) -> complex | None:
    if math.isnan(z.real) or math.isnan(z.imag):
        return None
    if z.real == -math.inf and math.isfinite(z.imag):
        return 0j
    if z.real == math.inf:
        return complex(math.inf, 0) if z.imag == 0 else None
    if not (math.isfinite(z.real) and math.isfinite(z.imag)):
        return None
    try:
        w = cmath.exp(z)
    except OverflowError:
        return None
    a = abs(w)
    return None if (not math.isfinite(a) or a < 1e-290) else w


def _log(z: complex) -> complex | None:
    if z == 0:
        return complex(-math.inf, 0)
    if z.real == -math.inf or not math.isfinite(z.imag) or math.isnan(z.real):
        return None
    if z.real == math.inf:
        return complex(math.inf, 0)
    return cmath.log(z)


def _eml(E: complex, L: complex) -> complex | None:
    r = E - L
    if math.isnan(r.real) or math.isnan(r.imag):
        return None
    thr = max(abs(E.real), abs(E.imag), abs(L.real), abs(L.imag)) * SNAP_TOL
    re, im = r.real, r.imag
    fin = math.isfinite(re) and math.isfinite(im)
    if (fin and abs(im) <= thr) or im == 0:
        im = 0.0
    if (fin and abs(re) <= thr) or re == 0:
        re = 0.0
    return complex(re, im)


def _key(vals: tuple) -> tuple:
    """Each value rounded to 9 significant digits relative to its larger part."""
    out = []
    for v in vals:
        m = max(abs(v.real), abs(v.imag))
        if not math.isfinite(m):
            out.append((v.real, v.imag if math.isfinite(v.imag) else 0.0, "inf"))
            continue
        e = math.frexp(m)[1] if m else 0
        out.append((round(math.ldexp(v.real, -e), 9), round(math.ldexp(v.imag, -e), 9), e))
    return tuple(out)


def naive(max_K: int, variables: tuple[str, ...]) -> tuple[dict, float, int]:
    """Pure-Python enumeration with dedup: (counts, seconds, pairs evaluated)."""
    pts = default_points(variables)
    P = len(next(iter(pts.values()))) if pts else 1
    t0 = time.perf_counter()
    leaves = [tuple(complex(1) for _ in range(P))] + [
        tuple(complex(z) for z in pts[v]) for v in variables]
    seen, levels = set(), {1: []}
    for v in leaves:
        k = _key(v)
        if k not in seen:
            seen.add(k)
            levels[1].append(v)
    expl = {1: [tuple(_exp(z) for z in v) for v in levels[1]]}
    logl = {1: [tuple(_log(z) for z in v) for v in levels[1]]}
    pairs = 0
    for K in range(3, max_K + 1, 2):
        new = []
        for Ka in range(1, K - 1, 2):
            for Ea in expl[Ka]:
                for Lb in logl[K - 1 - Ka]:
                    pairs += 1
                    if None in Ea or None in Lb:
                        continue
                    v = tuple(_eml(e, lg) for e, lg in zip(Ea, Lb))
                    if None in v:
                        continue
                    k = _key(v)
                    if k not in seen:
                        seen.add(k)
                        new.append(v)
        levels[K] = new
        expl[K] = [tuple(_exp(z) for z in v) for v in new]
        logl[K] = [tuple(_log(z) for z in v) for v in new]
    counts = {K: len(v) for K, v in levels.items()}
    return counts, time.perf_counter() - t0, pairs


def no_dedup(max_K: int, variables: tuple[str, ...]) -> tuple[dict, float]:
    """Every syntax tree (no dedup), vectorised like the real kernel: (trees per K, seconds)."""
    pts = default_points(variables)
    P = len(next(iter(pts.values()))) if pts else 1
    t0 = time.perf_counter()
    leaf = np.ones((1 + len(variables), P), dtype=np.complex128)
    for i, v in enumerate(variables, start=1):
        leaf[i] = pts[v]
    E, L, counts = {1: exp_guarded(leaf)}, {1: log_guarded(leaf)}, {1: len(leaf)}
    for K in range(3, max_K + 1, 2):
        parts = [
            eml_arrays(E[Ka][:, None, :], L[K - 1 - Ka][None, :, :]).reshape(-1, P)
            for Ka in range(1, K - 1, 2)
        ]
        vals = np.concatenate(parts)
        counts[K] = len(vals)
        E[K], L[K] = exp_guarded(vals), log_guarded(vals)
    return counts, time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--const-K", type=int, default=31)
    ap.add_argument("--unary-K", type=int, default=21)
    ap.add_argument("--ref-K", type=int, default=15, help="K of the side-by-side references")
    ap.add_argument("--const-ref-K", type=int, default=25,
                    help="K of the no-dedup count for constants")
    ap.add_argument("--memory-gib", type=float, default=16.0)
    ap.add_argument("--quick", action="store_true", help="constants to 27, unary to 17, ref 13")
    ap.add_argument("--child", choices=("constants", "unary"), help=argparse.SUPPRESS)
    ap.add_argument("--max-K", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.max_K, args.memory_gib)
        return 0
    if args.quick:
        args.const_K, args.unary_K, args.ref_K, args.const_ref_K = 27, 17, 13, 21

    print(f"# search speed: emlkit.enumerate_forms, constants to K={args.const_K}, unary to "
          f"K={args.unary_K}, memory limit {args.memory_gib:g} GiB")
    print(f"# machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, NumPy {np.__version__}")
    print("# command: python benchmarks/search_speed.py " + " ".join(sys.argv[1:]))
    print("# pairs = candidate forms eml(a, b) evaluated (a, b distinct forms of smaller K)")
    print_reach("constants (leaf 1)", run_child("constants", args.const_K, args.memory_gib))
    print_reach("unary (leaves 1, x)", run_child("unary", args.unary_K, args.memory_gib))

    K = args.ref_K
    print(f"\n## side by side, unary to K={K} (same candidate pairs, same arithmetic)")
    t0 = time.perf_counter()
    en = enumerate_forms(K, ("x",))
    t_ours = time.perf_counter() - t0
    pairs = sum(en.pairs.values())
    counts_naive, t_naive, pairs_naive = naive(K, ("x",))
    trees, t_trees = no_dedup(min(K, 17), ("x",))
    ctrees, t_ctrees = no_dedup(args.const_ref_K, ())
    cen = enumerate_forms(args.const_ref_K, ())
    print(f"{'method':<36} {'seconds':>9} {'pairs/s':>12} {'forms at K':>11} {'ratio':>8}")
    print(f"{'emlkit.enumerate_forms (vectorised)':<36} {t_ours:>9.3f} {pairs / t_ours:>12,.0f} "
          f"{en.counts[K]:>11,d} {1.0:>8.2f}")
    print(f"{'naive Python loop (cmath, dict)':<36} {t_naive:>9.3f} "
          f"{pairs_naive / t_naive:>12,.0f} {counts_naive[K]:>11,d} {t_naive / t_ours:>8.1f}")
    Kt = max(trees)
    print(f"{f'no dedup, every syntax tree (to K={Kt})':<36} {t_trees:>9.3f} "
          f"{sum(trees.values()) / t_trees:>12,.0f} {trees[Kt]:>11,d} "
          f"{t_trees / t_ours:>8.2f}")
    diff = {k: counts_naive[k] - en.counts[k] for k in en.counts if counts_naive[k] != en.counts[k]}
    print("naive counts agree with ours" if not diff else
          f"naive counts minus ours (forms split or merged by the naive dict's grid): {diff}")
    print("syntax trees / distinct forms, unary: " + ", ".join(
        f"K={k}: {trees[k] / en.counts[k]:.1f}" for k in sorted(trees) if k > 1))
    print(f"syntax trees / distinct forms, constants (no dedup to K={args.const_ref_K} "
          f"takes {t_ctrees:.2f} s): " + ", ".join(
        f"K={k}: {ctrees[k] / cen.counts[k]:.1f}" for k in sorted(ctrees) if k > 5))
    print(f"vectorised kernel vs naive loop: {t_naive / t_ours:.0f}x faster")
    return 0


if __name__ == "__main__":
    sys.exit(main())
