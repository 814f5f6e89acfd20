"""Bootstrap verifier speed: wall time of the full discovery chain, next to the reference.

For each base set the verifier (:func:`emlkit.bootstrap`) runs to the end (best of
``--repeat`` runs) and the table shows the wall time of the search (the chain with every
witness verified at 50 digits), the time of the extra check of the expansions over the base,
the chain length, the verdict, and the reference Rust verifier's wall time from docs/references.md
(single thread, this machine kind) with the ratio reference / ours.
Target: the {1; eml} chain in at most a tenth of the reference's 42 s (4.2 s).

Run:  python benchmarks/bootstrap_speed.py [--repeat R] [--quick]
"""

from __future__ import annotations

import argparse
import sys
import time

from _machine import machine  # benchmarks/ is the script folder, first on sys.path

from emlkit.search.bootstrap import bootstrap

# (label, constants, functions, operations, reference wall seconds or None, domain)
BASES = [
    ("{1; eml}", ["1"], [], ["EML"], 42.0, "complex"),
    ("{1; eml}  (real points, as the reference)", ["1"], [], ["EML"], 42.0, "real"),
    ("{pi; exp, ln, minus; plus}", ["pi"], ["exp", "ln", "minus"], ["plus"], 60.0, "complex"),
    ("{1; exp, ln; subtract}", ["1"], ["exp", "ln"], ["subtract"], 76.0, "complex"),
    ("{-1; exp, ln; plus, times}", ["-1"], ["exp", "ln"], ["plus", "times"], None, "complex"),
    ("{1; exp, ln; plus, times}", ["1"], ["exp", "ln"], ["plus", "times"], None, "complex"),
    ("{1; plus}", ["1"], [], ["plus"], None, "complex"),
]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="runs per base set (best is shown)")
    ap.add_argument("--quick", action="store_true", help="only the {1; eml} chains")
    args = ap.parse_args(argv)
    print(f"machine: {machine()}")
    print(f"command: {sys.executable} {' '.join(sys.argv)}")
    print("ours: NumPy, one process (NumPy kernels are single-threaded); reference: Rust, one "
          "thread, docs/references.md")
    print()
    head = ("base set", "verdict", "chain", "max K", "search s", "check s", "reference s",
            "ratio")
    rows = []
    for label, c, f, o, ref, domain in BASES[:2] if args.quick else BASES:
        best = None
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            r = bootstrap(constants=c, functions=f, operations=o, domain=domain)
            wall = time.perf_counter() - t0
            if best is None or r.seconds < best[0].seconds:
                best = (r, wall)
        r, wall = best
        verdict = "complete" if r.complete else f"incomplete ({len(r.found())}/{len(r.targets)})"
        ratio = f"{ref / r.seconds:.1f}x faster" if ref else "-"
        rows.append((label, verdict, str(len(r.chain)),
                     str(max((s.K for s in r.chain), default=0)), f"{r.seconds:.2f}",
                     f"{r.check_seconds:.2f}", f"{ref:.0f}" if ref else "-", ratio))
    w = [max(len(x[i]) for x in [head, *rows]) for i in range(len(head))]
    for row in [head, *rows]:
        print("  ".join(cell.ljust(w[i]) for i, cell in enumerate(row)).rstrip())
    print()
    for eml in rows[:2]:
        print(f"{eml[0]}: search {eml[4]} s against 42 s (target <= 4.2 s): {eml[7]}")
    print("search s: the chain, every witness verified at 50 digits; check s: the extra check "
          "of each witness expanded over the base (not done by the reference)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
