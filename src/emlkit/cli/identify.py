"""``eml identify``: closed forms for a number over the table of named constants.

>>> from emlkit.cli import main
>>> main(["identify", "0.852556797635011581847042853192"])  # doctest: +NORMALIZE_WHITESPACE
0.852556797635011581847042853192 = 7*zeta(3)/pi**2  (power-product; 30 digits matched,
significance 21.7)
0
"""

from __future__ import annotations

import argparse
from typing import Any

from ..errors import UsageError
from .common import add_command, add_digits, add_output, positive_int, print_json, seconds

__all__ = ["register"]


def _run(args: argparse.Namespace) -> int:
    import mpmath

    from ..identify import constants, identify
    from ..identify.target import given_digits

    if args.list:
        for c in constants.TABLE:
            print(f"{c.name:20} {mpmath.nstr(c.value(30), 30):>36}  = {c.mpmath}  "
                  f"(30 digits shown, {constants.STORED_DIGITS} stored)")
        return 0
    if args.value is None:
        raise UsageError("give a VALUE to identify (or --list to see the constants)")
    given = given_digits(args.value)
    if args.digits is not None and given is not None and args.digits > given:
        raise UsageError(f"--digits {args.digits} is more than the {given} digits given")
    r = identify(args.value, basis=args.basis, digits=args.digits, max_coeff=args.max_coeff,
                 kinds=args.kinds, eml=not args.no_eml, timeout=args.timeout,
                 limit=args.limit if args.all else 1)
    if args.json:
        print_json(r.to_dict())
    elif args.all:
        print(r)
    else:
        print(r.message)
    return 0 if r else 1


def register(sub: Any) -> None:
    """Add ``eml identify`` to the subcommands."""
    p = add_command(sub, "identify", _run)
    p.add_argument("value", metavar="VALUE", nargs="?",
                   help="decimal number; its digits are its precision (a trailing ... is ok)")
    p.add_argument("--basis", metavar="NAMES",
                   help="comma-separated constants to use (default: the whole table)")
    add_digits(p, "significant digits to trust")
    p.add_argument("--max-coeff", dest="max_coeff", type=positive_int,
                   help="largest coefficient allowed in a relation")
    p.add_argument("--kinds", metavar="KINDS",
                   help="relation kinds to try: rational,algebraic,mobius,linear,polynomial,"
                   "power-product,eml (default all)")
    p.add_argument("--no-eml", dest="no_eml", action="store_true",
                   help="do not ask the EML recognizer")
    p.add_argument("--timeout", type=seconds, default=10.0,
                   help="start no new search after this many seconds (default 10)")
    p.add_argument("--all", action="store_true", help="print every closed form found, ranked")
    p.add_argument("--limit", type=positive_int, default=5,
                   help="most forms with --all (default 5)")
    p.add_argument("--list", action="store_true", help="list the table of constants")
    add_output(p)
