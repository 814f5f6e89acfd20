"""Evaluation speed: compiled tan(x) on 10^6 points, three ways side by side in one process.

1. ``emlkit.evaluate`` with the NumPy backend (the DAG walked node by node, vectorised);
2. the straight-line NumPy function that ``emlkit.to_code(..., lang="numpy")`` generates;
3. ``numpy.tan`` itself (what the EML detour costs).

Each is timed as the best of several repeats; the values are checked against each other.
Target: the evaluator within 1.5x of the generated code.

Run:  python benchmarks/eval_speed.py [--points N] [--repeat R]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time

import numpy as np

import emlkit as ek


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--formula", default="tan(x)")
    args = parser.parse_args()

    f = ek.compile(args.formula)
    rng = np.random.default_rng(0)
    x = rng.uniform(-1.5, 1.5, args.points) + 1j * rng.uniform(-0.5, 0.5, args.points)

    namespace: dict = {}
    exec(ek.to_code(f, lang="numpy", name="generated"), namespace)  # noqa: S102 - our own output
    generated = namespace["generated"]

    ours = ek.evaluate(f, x=x)
    gen = generated(x)
    ref = np.tan(x) if args.formula == "tan(x)" else gen
    err_ours = float(np.max(np.abs(ours - ref) / np.maximum(1, np.abs(ref))))
    err_gen = float(np.max(np.abs(gen - ref) / np.maximum(1, np.abs(ref))))

    t_ours = best_of(lambda: ek.evaluate(f, x=x), args.repeat)
    t_gen = best_of(lambda: generated(x), args.repeat)
    t_np = best_of(lambda: np.tan(x), args.repeat) if args.formula == "tan(x)" else float("nan")

    print(f"# eval speed: {args.formula} compiled to EML (K={f.K}, DAG {f.dag_size} nodes), "
          f"{args.points:,} complex points, best of {args.repeat}")
    print(f"# machine: {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, NumPy {np.__version__}")
    print("# command: python benchmarks/eval_speed.py")
    print(f"{'method':<34} {'seconds':>9} {'ns/point':>9} {'vs generated':>13} {'max rel err':>12}")
    rows = [
        ("emlkit.evaluate (numpy backend)", t_ours, t_ours / t_gen, err_ours),
        ("generated straight-line NumPy", t_gen, 1.0, err_gen),
        ("numpy.tan", t_np, t_np / t_gen, 0.0),
    ]
    for name, t, ratio, err in rows:
        print(f"{name:<34} {t:>9.3f} {t / args.points * 1e9:>9.1f} {ratio:>13.2f} {err:>12.1e}")
    verdict = "within" if t_ours <= 1.5 * t_gen else "NOT within"
    print(f"evaluator / generated = {t_ours / t_gen:.2f} ({verdict} the 1.5x target)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
