"""Exact recovery of random EML targets (the paper's protocol), next to the published sweep.

Protocol: for each depth d in 2..6, the targets of :func:`emlkit.regress.paper_targets`
(64 per depth, seeded with 260321852 + d, "master" distribution: random snaps of the
depth-d master formula over {1, x} kept when their depth is exactly d; at depth 2 every
acceptable depth-2 tree), data y at 24 real points uniform in [0.5, 3] (seed 123) computed
exactly (mpmath) and rounded to complex128, optionally times (1 + noise * N(0, 1)).
A target counts as recovered when the best candidate of :func:`emlkit.regress.search_exact`
equals the target at 50 digits on held-out points (:func:`emlkit.regress.verify_exact`), not
merely fits. Targets search does not recover are passed to the gradient path (``gradient``: how
many it recovered) with the rest of the time limit. ``ambiguous`` counts misses (noisy runs only)
where the tree returned fits the noisy data as well as the target itself (RMSE within 1.5x of the
target's): there the data cannot tell the two apart, e.g. ``exp(exp(e)) - ln x`` near 4e6 with
1e-6 relative noise hides the ``ln x`` term.

    python benchmarks/sr_recovery.py                 # the whole sweep, noise-free and 1e-6
    python benchmarks/sr_recovery.py --quick         # 4 targets per depth
    python benchmarks/sr_recovery.py --depths 5 6 --n 16 --noise 1e-6 --time-limit 30
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

import emlkit
from emlkit.regress.exact import search_exact
from emlkit.regress.targets import exact_values, paper_targets, sample_points
from emlkit.regress.verify import verify_exact

#: The paper's sweep (one RTX 5080): recovered / total and minutes per depth.
PUBLISHED = {2: (32, 32, 5), 3: (17, 64, 14), 4: (15, 64, 20), 5: (1, 64, 25), 6: (0, 64, 27)}
PUBLISHED_TOTAL_S = 2 * 3600 + 25 * 60


def run_depth(depth: int, n: int, noise: float, time_limit: float, seed: int = 123,
              gradient: bool = True) -> dict:
    """Recover the ``n`` paper targets of one depth; the gradient path gets what search misses."""
    from emlkit.regress.trainable import train

    pts = sample_points(24, np.random.default_rng(seed))
    targets = paper_targets(depth, n, points=pts)
    rng = np.random.default_rng(seed + 1000 * depth)
    t0 = time.perf_counter()
    ok = by_gradient = ambiguous = 0
    misses = []
    for t in targets:
        y = exact_values(t, pts)
        if noise:
            y = y * (1 + noise * rng.standard_normal(len(y)))
        start = time.perf_counter()
        cands = search_exact(pts["x"], y, random_state=0, time_limit=time_limit,
                             rtol=None if not noise else 10 * noise)
        good = bool(cands) and verify_exact(cands[0].expr, t, ("x",), dps=50) is not None
        left = time_limit - (time.perf_counter() - start)
        if not good and gradient and left > 1:
            res = train(pts["x"], y, depth=depth, time_limit=left, random_state=0,
                        tol=max(1e-9, 30 * noise))
            good = any(verify_exact(c.expr, t, ("x",), dps=50) is not None
                       for c in res.candidates[:3] if c.exact)
            by_gradient += good
        ok += good
        if not good:
            misses.append(str(t))
            # the noisy data may not tell the target from the tree found: it fits them as well
            if noise and cands:
                law = float(np.sqrt(np.mean(np.abs(exact_values(t, pts) - y) ** 2)))
                ambiguous += cands[0].rmse <= 1.5 * law
    return {"depth": depth, "recovered": ok, "total": len(targets), "by_gradient": by_gradient,
            "ambiguous": ambiguous, "seconds": time.perf_counter() - t0, "misses": misses}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--depths", type=int, nargs="+", default=[2, 3, 4, 5, 6])
    ap.add_argument("--n", type=int, default=64, help="targets per depth (default 64)")
    ap.add_argument("--noise", type=float, nargs="+", default=[0.0, 1e-6],
                    help="relative noise levels of y (default: 0 and 1e-6)")
    ap.add_argument("--quick", action="store_true", help="4 targets per depth (smoke check)")
    ap.add_argument("--time-limit", type=float, default=60.0, help="seconds per target")
    ap.add_argument("--no-gradient", action="store_true",
                    help="search only (no gradient training of the targets search misses)")
    ap.add_argument("--json", type=Path, help="also write the results to this file")
    ap.add_argument("--nguyen", action="store_true", help="also run benchmarks/sr_nguyen.py")
    args = ap.parse_args(argv)
    n = 4 if args.quick else args.n
    print(f"machine: {platform.machine()} {platform.processor() or ''} "
          f"{os.cpu_count()} cpu(s), Python {platform.python_version()}, "
          f"NumPy {np.__version__}, emlkit {getattr(emlkit, '__version__', '?')}")
    print("command: python " + " ".join([sys.argv[0], *(sys.argv[1:] if argv is None else argv)]))
    results = []
    for noise in args.noise:
        print(f"\nnoise {noise:g} (relative), {n} targets per depth, "
              f"time limit {args.time_limit:g} s per target")
        print(f"{'depth':>5} {'ours':>9} {'gradient':>8} {'ambiguous':>9} {'time':>9} {'paper':>9} "
              f"{'paper time':>11}")
        total = 0.0
        for d in args.depths:
            r = run_depth(d, n, noise, args.time_limit, gradient=not args.no_gradient)
            r["noise"] = noise
            results.append(r)
            total += r["seconds"]
            pr, pn, pm = PUBLISHED.get(d, (None, None, None))
            paper = f"{pr}/{pn}" if pr is not None else "-"
            print(f"{d:>5} {r['recovered']:>4}/{r['total']:<4} {r['by_gradient']:>8} "
                  f"{r['ambiguous']:>9} {r['seconds']:>8.1f}s "
                  f"{paper:>9} {f'~{pm} min' if pm else '-':>11}", flush=True)
        print(f"sweep time {total:.0f} s; published GPU sweep {PUBLISHED_TOTAL_S} s "
              f"(ratio {PUBLISHED_TOTAL_S / max(total, 1e-9):.1f}x faster"
              f"{'' if n == 64 and args.depths == [2, 3, 4, 5, 6] else ', partial sweep'})")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    if args.nguyen:
        path = Path(__file__).with_name("sr_nguyen.py")
        if path.exists():
            spec = importlib.util.spec_from_file_location("sr_nguyen", path)
            mod = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(mod)
            if hasattr(mod, "run_nguyen"):
                print(mod.run_nguyen(args))
        else:
            print("benchmarks/sr_nguyen.py not present: Nguyen table skipped")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
