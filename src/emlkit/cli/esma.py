"""``eml esma``: signed continued fractions of a constant's transforms with recurring patterns.

>>> from emlkit.cli import main
>>> main(["esma", "cot(1)", "--degree", "0", "--cycle", "1", "--digits", "50", "--quiet"])
cot(1)  signs [-]  LFSR [1, -2, 1] (length 2, 80 proven terms)
  = 1 - 1/(3 - 1/(5 - 1/(7 - 1/(9 - 1/(11 - …)))))
  a(n) = 2*n + 1; signs [-]
  cot(1) = V,  V = PCF(2n + 1, -1)  (50 digits checked with mpmath)
cot(1)  signs [+]  LFSR [1, 0, -2, 0, 1, 0] (length 5, 80 proven terms)
  = 0 + 1/(1 + 1/(1 + 1/(1 + 1/(3 + 1/(1 + …)))))
  a(0) = 0, then a(n) = 1 for n odd, n - 1 for n even; signs [+]
  cot(1) = V,  V = PCF(2n + 1, -1)  (50 digits checked with mpmath)
0
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .common import add_command, add_digits, add_output, nonnegative_int, positive_int, print_json

__all__ = ["register"]


def _run(args: argparse.Namespace) -> int:
    from ..pcf.esma import esma
    from ..progress import Progress

    quiet = args.quiet or args.json
    with Progress("esma", enabled=not quiet, unit="transforms") as bar:
        def report(done: int, total: int, found: int) -> None:
            bar.total = total
            bar.update(done, found=found)

        run = esma(args.constant, degree=args.degree, coefficients=args.coefficients,
                   cycle=args.cycle, max_length=args.max_length, digits=args.digits,
                   progress=report)
    if args.json:
        print_json(run.as_dict())
        return 0 if len(run) else 1
    shown = run.results if not args.all else run.hits
    for r in shown:
        print(r)
    if not quiet:
        print(f"{run.transforms} transforms × {len(run.patterns)} sign cycles: "
              f"{len(run.hits)} expansions with a recurrence shorter than {args.max_length}, "
              f"{len(run.results)} distinct tails ({run.seconds:.1f} s)", file=sys.stderr)
    return 0 if len(run) else 1


def register(sub: Any) -> None:
    """Add ``eml esma`` to the subcommands."""
    p = add_command(sub, "esma", _run)
    p.add_argument("constant", metavar="CONSTANT",
                   help="a table name (e, pi, Catalan, ...) or SymPy text: tan(1), exp(2), E**2")
    p.add_argument("--degree", type=nonnegative_int, default=1,
                   help="highest degree of P and Q (default 1; 0: the constant itself)")
    p.add_argument("--coefficients", type=positive_int, default=2, metavar="N",
                   help="coefficients of P and Q in [-N, N] (default 2)")
    p.add_argument("--cycle", type=positive_int, default=2,
                   help="longest sign cycle (default 2)")
    p.add_argument("--max-length", dest="max_length", type=positive_int, default=25,
                   help="report recurrences shorter than this (default 25)")
    add_digits(p, "digits of the final check against mpmath (default 100)", default=100)
    p.add_argument("--all", action="store_true",
                   help="list every transform with a pattern, not one per tail")
    add_output(p, quiet="no progress or summary on stderr")
