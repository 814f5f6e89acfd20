"""``eml recognize``: the shortest EML forms of a number, or of a function given as CSV samples.

>>> from emlkit.cli import main
>>> main(["recognize", "2.718281828459045", "--max-K", "7", "--quiet"])
2.718281828459045 (16 significant digits, +-5e-16) = E  (K = 3, 16 digits)
  K=3  digits=16  arb=yes  E  =  eml(1, 1)
0
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..errors import UsageError
from .common import add_command, add_output, positive_int, print_json, seconds
from .samples import read_samples

__all__ = ["MAX_ROWS", "register"]

#: Rows ``eml recognize --data`` keeps by default (a uniform sample of longer files).
MAX_ROWS = 10_000


def _run(args: argparse.Namespace) -> int:
    from ..search.recognizer import recognize

    if (args.value is None) == (args.data is None):
        raise UsageError("give either a VALUE or --data FILE")
    if args.target is not None and args.data is None:
        raise UsageError("--target needs --data")
    if args.exact and args.approx:
        raise UsageError("--exact and --approx exclude each other")
    exact = True if args.exact else (False if args.approx else None)
    if args.data is not None:
        counts: list[int] = []
        X, y, names = read_samples(args.data, args.target, max_rows=args.max_rows,
                                   counts=counts)
        if counts[0] > len(y) and not (args.quiet or args.json):
            print(f"note: {args.data} has {counts[0]:,} rows; searching a uniform sample of "
                  f"{len(y):,} (--max-rows raises it)", file=sys.stderr)
        subject: Any = (X, y)
        variables: Any = names
    else:
        subject, variables = args.value, None
    r = recognize(subject, variables=variables, max_K=args.max_K, vocabulary=args.vocabulary,
                  dps=args.dps, limit=args.limit, time_limit=args.time_limit,
                  progress=not (args.quiet or args.json), exact=exact, rtol=args.rtol)
    if args.json:
        print_json(r.to_dict())
        return 0 if r.found else 1
    print(r.message)
    for c in r:
        eml = str(c.expr) if c.expr is not None else "(not compiled to EML)"
        extra = f" (pure EML K={c.expr.K})" if c.expr is not None and c.expr.K != c.K else ""
        print(f"  K={c.K}  digits={c.digits}  arb={'yes' if c.certified else 'no'}  "
              f"{c.formula}  =  {eml}{extra}")
        if c.note and not args.quiet:
            print(f"      note: {c.note}")
    if not args.quiet:
        for n in r.notes:
            print(f"note: {n}", file=sys.stderr)
        reach = f"; forms up to K = {r.reached_K} with both halves in the table" \
            if r.reached_K > r.searched_K else ""
        print(f"searched every form with K ≤ {r.searched_K}{reach} ({r.seconds:.1f} s)",
              file=sys.stderr)
    return 0 if r.found else 1


def register(sub: Any) -> None:
    """Add ``eml recognize`` to the subcommands."""
    p = add_command(sub, "recognize", _run)
    p.add_argument("value", metavar="VALUE", nargs="?",
                   help="number: 3.14159, -1+2i, 0.5j, or a decimal string of any length")
    p.add_argument("--data", metavar="FILE", help="CSV file of samples ('-' reads stdin)")
    p.add_argument("--target", metavar="COLUMN", help="name of the target column in --data")
    p.add_argument("--max-rows", dest="max_rows", type=positive_int, default=MAX_ROWS,
                   metavar="N", help=f"rows of --data kept: a longer file is read as a uniform "
                   f"sample of N rows, so memory stays bounded (default {MAX_ROWS})")
    p.add_argument("--max-K", dest="max_K", type=positive_int,
                   help="search every form up to this size (default: 33 constants, 19 unary, "
                   "15 binary, 15 over a vocabulary)")
    p.add_argument("--vocabulary", metavar="NAMES",
                   help="extra building blocks, comma-separated: pi,e,i,2,plus,times,sqrt,exp,ln,"
                   "... (added to 1 and eml; '-eml' removes eml)")
    p.add_argument("--dps", type=positive_int, default=50,
                   help="digits of the mpmath/arb verification (default 50, at least 15)")
    p.add_argument("--limit", type=positive_int, default=10, help="most candidates (default 10)")
    p.add_argument("--time-limit", dest="time_limit", type=seconds, metavar="SECONDS",
                   help="stop searching deeper after this many seconds")
    p.add_argument("--rtol", type=float, help="tolerance for --data (default 1e-12)")
    p.add_argument("--exact", action="store_true",
                   help="read VALUE as exact (default: only integers are exact)")
    p.add_argument("--approx", action="store_true",
                   help="read VALUE as rounded to its last digit, even an integer")
    add_output(p, quiet="no progress or notes on stderr")
