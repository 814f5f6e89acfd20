"""Wrong values per basis function and backend against mpmath's one-sided limits.

For every basis function of the compiler: about 14,500 points (unary; log-spaced magnitudes
1e-300…1e300 of both signs on both sides of the real axis, ±0, ±inf, the imaginary axis with
±0 real parts, complex points) or 10,900 pairs (binary), the reference from
``tests/numerics/limits.py`` (mpmath at 40 digits, one-sided limits on the cuts), and the count
of wrong values for each backend and generated-code target; for arb the count of *unsound*
certificates (certified balls that exclude the reference) and of certified points. NumPy,
torch and the generated NumPy/torch/C code run on every point; mpmath, arb and generated
mpmath on a stratified subsample (``--sample``, default 400; ``--sample 0`` for all points).

Run:  python benchmarks/differential_counts.py [--only asin,sinh] [--sample N]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))

import numpy as np
from numerics.limits import BASES, points_for, reference, subsample
from numerics.runners import FAST_RUNNERS, SLOW, count, have_gcc

import emlkit as ek


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default="", help="comma-separated basis names")
    ap.add_argument("--sample", type=int, default=400, help="points for mpmath/arb (0 = all)")
    ap.add_argument("--examples", action="store_true", help="print a wrong value per cell")
    opts = ap.parse_args()
    only = {s for s in opts.only.split(",") if s}
    targets = [t for t in FAST_RUNNERS if t != "gen-c" or have_gcc()] + list(SLOW)
    print(f"# emlkit {ek.__version__} differential counts — Python {platform.python_version()}, "
          f"{platform.machine()}, NumPy {np.__version__}")
    print(f"# command: python benchmarks/differential_counts.py {' '.join(sys.argv[1:])}")
    print("# cells: wrong values / points (arb: unsound certificates / points, certified)")
    print(f"{'function':9} {'points':>6}  " + "  ".join(f"{t:>13}" for t in targets))
    totals = {t: [0, 0] for t in targets}
    t0 = time.time()
    for basis in BASES:
        if only and basis.name not in only:
            continue
        args = points_for(basis)
        ref = reference(basis, args)
        expr = ek.compile(basis.formula)
        names = sorted(expr.free_vars)
        idx = subsample(args, ref, opts.sample) if opts.sample else None
        cells, notes = [], []
        for t in targets:
            try:
                c = count(expr, names, args, ref, t, idx if t in SLOW else None)
            except Exception as exc:  # noqa: BLE001 - a crash is a finding, not the end of the table
                cells.append(f"{'ERR':>13}")
                notes.append(f"  {t}: {type(exc).__name__}: {str(exc)[:100]}")
                continue
            extra = f",{c.certified}" if t == "arb" else ""
            cells.append(f"{f'{c.wrong}/{c.points}{extra}':>13}")
            totals[t][0] += c.wrong
            totals[t][1] += c.points
            if opts.examples and c.examples:
                notes.append(f"  {t}: {c.examples[0]}")
        print(f"{basis.name:9} {len(args[0]):6}  " + "  ".join(cells), flush=True)
        for n in notes:
            print(n)
    print(f"{'total':9} {'':6}  " + "  ".join(f"{f'{w}/{p}':>13}" for w, p in totals.values()))
    print(f"# {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
