"""``eml bootstrap`` and ``eml scan``: does a base set (or a candidate operator) generate the basis?

Both are thin calls into :func:`emlkit.search.bootstrap.bootstrap` and
:func:`emlkit.search.scan.scan_operators`.

>>> import io, contextlib
>>> from emlkit.cli import main
>>> out = io.StringIO()
>>> with contextlib.redirect_stdout(out):
...     status = main(["bootstrap", "--constants", "1", "--operations", "plus", "--max-K", "5",
...                    "--targets", "2,e", "--quiet"])
>>> status, out.getvalue().splitlines()[-1][:30]
(0, 'incomplete: 1/2 primitives rea')
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..errors import UsageError
from .common import add_command, add_output, print_json

__all__ = ["register", "split_names"]

def split_names(values: list[list[str]] | None) -> list[str]:
    """Flatten repeated and comma-separated command-line lists.

    >>> split_names([["exp,ln"], ["minus"]])
    ['exp', 'ln', 'minus']
    """
    out: list[str] = []
    for group in values or []:
        for item in group:
            out.extend(p.strip() for p in item.split(",") if p.strip())
    return out


def _positive(kind: type, name: str):
    def conv(text: str) -> Any:
        try:
            v = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be a number, not {text!r}") from None
        if v <= 0:
            raise argparse.ArgumentTypeError(f"{name} must be positive, not {text!r}")
        return v
    return conv


def _cmd_bootstrap(args: argparse.Namespace) -> int:
    from ..search.bootstrap import bootstrap

    constants = split_names(args.constants)
    functions = split_names(args.functions)
    operations = split_names(args.operations)
    if not (constants or functions or operations):
        constants, operations = ["1"], ["EML"]
    targets = split_names(args.targets) or None
    if args.graph is not None and not args.graph.lower().endswith((".svg", ".png")):
        raise UsageError(f"--graph {args.graph!r}: the file must end in .svg or .png")
    result = bootstrap(
        constants, functions, operations, max_K=args.max_K, time_limit=args.time_limit,
        progress=not (args.quiet or args.json), catalog=args.catalog, targets=targets,
        domain=args.domain)
    if args.json:
        print_json(result.as_dict())
    elif args.explain:
        print(result.explain())
        if args.expanded:
            for s in result.chain:
                print(f"{s.label}: K={s.expanded_K} {s.expanded or '(too long to print)'}")
    else:
        chain = ", ".join(f"{s.label} {s.K}" for s in result.chain)
        print(f"chain: {chain or '(nothing found)'}")
        print(result.verdict())
    if args.graph is not None:
        from ..viz import draw_chain

        layout = draw_chain(result, args.graph)
        print(f"wrote {args.graph}: {len(layout.nodes)} blocks, {len(layout.edges)} uses, "
              f"{layout.rows} rows", file=sys.stderr)
    return 0


def _cmd_scan(args: argparse.Namespace) -> int:
    from ..search.scan import format_table, scan_operators

    ops = split_names(args.operators) or None
    rows = scan_operators(ops, constant=args.constant, max_K=args.max_K,
                          time_limit=args.time_limit, progress=not (args.quiet or args.json),
                          domain=args.domain)
    if args.json:
        print_json({"constant": args.constant, "max_K": args.max_K,
                    "time_limit": args.time_limit, "rows": [r.as_dict() for r in rows]})
        return 0
    print(format_table(rows))
    good = [r.operator for r in rows if r.complete]
    print(f"generate the whole basis from {{{args.constant}}}: "
          + (", ".join(good) if good else "none of these"))
    return 0


def register(sub: Any) -> None:
    """Add the ``bootstrap`` and ``scan`` subcommands."""
    p = add_command(sub, "bootstrap", _cmd_bootstrap)
    p.add_argument("--constants", action="append", nargs="+", metavar="NAME",
                   help="constants of the base (default with nothing given: 1)")
    p.add_argument("--functions", action="append", nargs="+", metavar="NAME",
                   help="unary functions of the base, e.g. exp,ln,minus")
    p.add_argument("--operations", action="append", nargs="+", metavar="NAME",
                   help="binary operations of the base, e.g. EML or plus,times")
    p.add_argument("--targets", action="append", nargs="+", metavar="NAME",
                   help="search only these primitives (default: the whole basis)")
    p.add_argument("--max-K", type=_positive(int, "--max-K"), default=8,
                   help="largest witness size per round (default 8)")
    p.add_argument("--time-limit", type=_positive(float, "--time-limit"), metavar="SECONDS",
                   help="stop after this many seconds with what was found")
    p.add_argument("--catalog", metavar="FILE",
                   help="SQLite catalog: save the chain as it grows; the same command resumes")
    p.add_argument("--explain", action="store_true",
                   help="print the chain as a table (primitive, K, witness, expanded K)")
    p.add_argument("--expanded", action="store_true",
                   help="with --explain: also print each witness expanded over the base")
    p.add_argument("--domain", choices=("complex", "real"), default="complex",
                   help="test points: complex (default; both half-planes of the strip and "
                   "the negative axis) or real (positive reals only, as the reference)")
    p.add_argument("--graph", metavar="FILE",
                   help="also draw the chain as a dependency graph (.svg or .png)")
    add_output(p, quiet="no progress on standard error")

    p = add_command(sub, "scan", _cmd_scan)
    p.add_argument("--operators", action="append", nargs="+", metavar="OP",
                   help="candidates (default: a family of 12, eml first)")
    p.add_argument("--constant", default="1", help="the constant of every base (default 1)")
    p.add_argument("--max-K", type=_positive(int, "--max-K"), default=10,
                   help="largest witness size per round (default 10)")
    p.add_argument("--time-limit", type=_positive(float, "--time-limit"), default=30.0,
                   metavar="SECONDS", help="seconds per operator (default 30)")
    p.add_argument("--domain", choices=("complex", "real"), default="complex",
                   help="test points: complex (default; both half-planes of the strip and "
                   "the negative axis) or real (positive reals only, as the reference)")
    add_output(p, quiet="no progress on standard error")
