"""PCF convergence dynamics: emlkit's dynamics() next to ramanujantools' delta, in one process.

1. Known PCFs at depths 100, 300, 1000, 2000: δ from ``emlkit.pcf.dynamics`` (the whole
   record: δ, naive δ, fits, eigenvalues, predicted δ) and ``ramanujantools`` ``PCF.delta``
   (δ only), values and times side by side.
2. PCFs drawn from the "Unsupervised Discovery" box (deg a, b ≤ 2, coefficients in [-5, 5],
   a and b not zero) at depth 2000: time per PCF of the full dynamics record, of
   ramanujantools' delta, and of a plain loop taking a gcd at every step (the reference
   method, about 0.72 s per PCF with its own code on this machine kind).

Run:  python benchmarks/pcf_dynamics.py [--box N] [--depth D] [--seed S]
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import random
import sys
import time

KNOWN = [
    ("4/pi", "2n+1", "n^2"),
    ("6/zeta(3)", "34n^3+51n^2+27n+5", "-n^6"),
    ("e", "n+3", "-n"),
    ("phi", "1", "1"),
    ("4/(pi-2)", "2n+3", "n(n+2)"),
    ("1/ln 2", "3n+2", "-2n^2"),
]


def _sympy(text: str):
    import sympy as sp

    n = sp.Symbol("n")
    t = text.replace("^", "**")
    t = "".join(f"{c}*" if c.isdigit() and i + 1 < len(t) and t[i + 1] in "n(" else c
                for i, c in enumerate(t))
    t = t.replace("n(", "n*(")
    return sp.sympify(t, locals={"n": n})


def rt_delta(a: str, b: str, depth: int) -> tuple[float, float]:
    from ramanujantools.pcf import PCF as RtPCF

    p = RtPCF(_sympy(a), _sympy(b))
    t = time.perf_counter()
    v = float(p.delta(depth))
    return v, time.perf_counter() - t


def ours(a: str, b: str, depth: int) -> tuple[object, float]:
    from emlkit.pcf import PCF
    from emlkit.pcf.dynamics import dynamics

    p = PCF(a, b)
    t = time.perf_counter()
    d = dynamics(p, depth=depth)
    return d, time.perf_counter() - t


def gcd_every_step(a: list[int], b: list[int], depth: int) -> float:
    """Reference method: step the recurrence, take gcd(p_n, q_n) at every n (seconds)."""
    t = time.perf_counter()
    p0, p1, q0, q1 = 1, a[0], 0, 1
    for n in range(1, depth + 1):
        an = a[0] + a[1] * n + a[2] * n * n
        bn = b[0] + b[1] * n + b[2] * n * n
        p0, p1 = p1, an * p1 + bn * p0
        q0, q1 = q1, an * q1 + bn * q0
        math.gcd(p1, q1)
    return time.perf_counter() - t


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--box", type=int, default=30, help="PCFs drawn from the box")
    parser.add_argument("--depth", type=int, default=2000, help="depth for the box PCFs")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    from importlib.metadata import version

    print(f"# PCF dynamics: emlkit dynamics() vs ramanujantools {version('ramanujantools')} "
          "PCF.delta, same PCFs and depths")
    print(f"# machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}")
    print(f"# command: python benchmarks/pcf_dynamics.py {' '.join(sys.argv[1:])}".rstrip())
    ours("1", "1", 10)                      # warm imports outside the timings
    rt_delta("1", "1", 10)
    print(f"{'PCF':<11}{'depth':>6}{'delta emlkit':>15}{'delta rt':>15}{'|diff|':>9}"
          f"{'emlkit s':>10}{'rt s':>8}{'rt/emlkit':>10}{'pred delta':>11}")
    for name, a, b in KNOWN:
        for depth in (100, 300, 1000, 2000):
            d, t1 = ours(a, b, depth)
            v, t2 = rt_delta(a, b, depth)
            diff = abs(d.delta - v)
            pred = f"{d.predicted_delta:11.4f}" if d.predicted_delta is not None else f"{'-':>11}"
            print(f"{name:<11}{depth:>6}{d.delta:>15.9f}{v:>15.9f}{diff:>9.1e}{t1:>10.4f}"
                  f"{t2:>8.3f}{t2 / t1:>10.1f}{pred}")

    rng = random.Random(args.seed)
    picked = []
    while len(picked) < args.box:
        a = [rng.randint(-5, 5) for _ in range(3)]
        b = [rng.randint(-5, 5) for _ in range(3)]
        if any(a) and any(b):
            picked.append((a, b))
    from emlkit.pcf import PCF
    from emlkit.pcf.dynamics import dynamics

    t_ours = t_rt = t_ref = 0.0
    statuses: dict[str, int] = {}
    agree = compared = 0
    for a, b in picked:
        p = PCF(a, b)
        t = time.perf_counter()
        d = dynamics(p, depth=args.depth)
        t_ours += time.perf_counter() - t
        statuses[d.status] = statuses.get(d.status, 0) + 1
        try:
            v, tr = rt_delta(str(p.a), str(p.b), args.depth)
        except Exception:  # noqa: BLE001 - ramanujantools fails on some (q_n = 0, ...)
            v, tr = math.nan, math.nan
        if not math.isnan(tr):
            t_rt += tr
        if d.delta is not None and math.isfinite(v):
            compared += 1
            agree += abs(d.delta - v) < 1e-6
        t_ref += gcd_every_step(a, b, args.depth)
    n = len(picked)
    print(f"\n# {n} PCFs from the box deg a, b <= 2, coefficients in [-5, 5], depth {args.depth}"
          f" (seed {args.seed}); statuses {statuses}")
    print(f"{'method':<46}{'s/PCF':>10}{'vs emlkit':>11}")
    print(f"{'emlkit dynamics() (whole record, 48 gcds)':<46}{t_ours / n:>10.4f}{1.0:>11.1f}")
    print(f"{'ramanujantools delta (delta only)':<46}{t_rt / n:>10.4f}{t_rt / t_ours:>11.1f}")
    print(f"{'plain loop, gcd every step (reference method)':<46}{t_ref / n:>10.4f}"
          f"{t_ref / t_ours:>11.1f}")
    print(f"{'reference code (docs/references.md figure)':<46}{0.72:>10.4f}"
          f"{0.72 * n / t_ours:>11.1f}")
    print(f"delta equal to ramanujantools' (|diff| < 1e-6) on {agree}/{compared} PCFs where "
          f"both give a value")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
