"""Ablation of the gradient path of symbolic regression (emlkit.regress.trainable).

Each variant trains on the same seeded random EML targets of exact depth 2..4 over {1, x}
(:func:`emlkit.regress.targets.paper_targets`, the benchmark's generator), data at 20 points
in [0.5, 3], and counts exact recoveries: a returned tree whose values match the target's to
50 digits at held-out points (mpmath, :func:`emlkit.regress.verify.verify_exact`).

Variants (each adds one idea to the previous, except the schedule variants):

- ``paper``: train, harden, snap at the end only; no NaN guard, no repair.
- ``+guard``: restarts whose loss/gradient goes non-finite are re-drawn.
- ``+check``: snapped trees checked exactly every 25 steps (stop on an exact fit).
- ``sched:fast`` / ``sched:noent``: other hardening schedules (anneal from 20 % of the steps;
  no entropy penalty).
- ``+repair``: local search over one/two changed choices of the best snapped trees.
- ``+table``: root repair by lookup in a table of depth <= d-1 trees.

Runs are short on purpose (shared CPU): few targets, small time limits — the rates are noisy.

    python benchmarks/sr_ablation.py --targets 8 --depths 2 3 4 --time-limit 4
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from emlkit.regress.targets import paper_targets, sample_points, target_values
from emlkit.regress.trainable import train
from emlkit.regress.verify import verify_exact

VARIANTS: dict[str, dict] = {
    "paper": dict(guard=False, check_every=10**9, repair_top=0),
    "+guard": dict(guard=True, check_every=10**9, repair_top=0),
    "+check": dict(guard=True, check_every=25, repair_top=0),
    "sched:fast": dict(guard=True, check_every=25, repair_top=0, soft=0.2),
    "sched:noent": dict(guard=True, check_every=25, repair_top=0, entropy=0.0),
    "+repair": dict(guard=True, check_every=25, repair_top=4),
    "+table": dict(guard=True, check_every=25, repair_top=4, table_depth=3),
}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--targets", type=int, default=8)
    ap.add_argument("--depths", type=int, nargs="+", default=[2, 3, 4])
    ap.add_argument("--time-limit", type=float, default=4.0)
    ap.add_argument("--steps", type=int, default=1500)
    ap.add_argument("--restarts", type=int, default=64)
    ap.add_argument("--variants", nargs="+", default=list(VARIANTS))
    args = ap.parse_args(argv)
    import os
    import platform
    import sys

    print(f"machine: {platform.machine()} {os.cpu_count()} cpu(s), Python "
          f"{platform.python_version()}, NumPy {np.__version__}")
    print("command: python " + " ".join([sys.argv[0], *(sys.argv[1:] if argv is None else argv)]))
    print(f"{args.targets} targets per depth, {args.restarts} restarts, {args.steps} steps, "
          f"time limit {args.time_limit:g} s per target")
    pts = sample_points(20, np.random.default_rng(123))
    x = pts["x"].real
    rows = []
    head = "".join(f"  depth {d:<10}" for d in args.depths)
    print(f"{'variant':<12}{head}  (recovered/n, wall s)")
    for name in args.variants:
        kw = VARIANTS[name]
        cells = []
        for d in args.depths:
            ok, t0 = 0, time.perf_counter()
            tg = paper_targets(d, n=args.targets)
            for i, t in enumerate(tg):
                y = target_values(t, pts)
                res = train(x, y, depth=d, restarts=args.restarts, steps=args.steps,
                            time_limit=args.time_limit, random_state=i, **kw)
                if res.best is not None and res.best.exact and \
                        verify_exact(res.best.expr, t, ("x",)) is not None:
                    ok += 1
            cells.append(f"{ok}/{len(tg)} {time.perf_counter() - t0:6.1f}s")
            rows.append((name, d, ok, len(tg)))
        print(f"{name:<12}" + "".join(f"  {c:<16}" for c in cells), flush=True)


if __name__ == "__main__":
    main()
