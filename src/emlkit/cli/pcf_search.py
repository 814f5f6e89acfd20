"""``eml pcf search`` and ``eml pcf formulas``: search a box of PCFs, list what was found.

``eml pcf`` itself belongs to :mod:`emlkit.cli.pcf`, which adds these two subcommands with
:func:`add_subcommands`.

>>> import io, contextlib, tempfile, os
>>> from emlkit.cli import main
>>> path = os.path.join(tempfile.mkdtemp(), "c.sqlite")
>>> out = io.StringIO()
>>> with contextlib.redirect_stdout(out):
...     status = main(["pcf", "search", "--deg-a", "1", "--deg-b", "2", "--coefficients",
...                    "0..2", "--constants", "pi", "--serial", "--quiet", "--catalog", path])
>>> status, [line for line in out.getvalue().splitlines() if "4/pi" in line]
(0, ['  PCF(2n + 1, n^2) = 4/pi  (40 digits checked)'])
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from typing import Any

from ..errors import UsageError
from .common import add_command, add_output, add_ray, positive_int, print_json, ray_spec

__all__ = ["add_subcommands", "coefficient_range"]

_RANGE = re.compile(r"^\s*(-?\d+)\s*\.\.\s*(-?\d+)\s*$")


def coefficient_range(text: str) -> tuple[int, int]:
    """``LOW..HIGH`` (inclusive) as a pair of ints (argparse type).

    >>> coefficient_range("-5..5")
    (-5, 5)
    >>> coefficient_range("5..-5")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: '5..-5': low end above high end
    """
    m = _RANGE.match(text)
    if not m:
        raise argparse.ArgumentTypeError(f"{text!r} is not a range LOW..HIGH (e.g. -5..5)")
    lo, hi = int(m.group(1)), int(m.group(2))
    if lo > hi:
        raise argparse.ArgumentTypeError(f"{text!r}: low end above high end")
    return lo, hi


def _catalog_path(args: argparse.Namespace) -> Any:
    from ..catalog import default_path

    if args.no_catalog:
        return None
    return args.catalog if args.catalog else default_path()


def _run_search(args: argparse.Namespace) -> int:
    from ..pcf.search import DEFAULT_CONSTANTS, search
    from ..pcf.sieve import CoefficientBox

    if args.ray is not None and args.serial:
        raise UsageError("--ray and --serial exclude each other")
    if args.no_catalog and args.catalog:
        raise UsageError("--catalog and --no-catalog exclude each other")
    consts = DEFAULT_CONSTANTS if args.constants is None else tuple(
        c.strip() for c in args.constants.split(";" if ";" in args.constants else ",")
        if c.strip())
    if not consts:
        raise UsageError("--constants is empty")
    box = CoefficientBox(args.deg_a, args.deg_b, args.coefficients, args.b_coefficients)
    executor: Any = None
    if args.serial:
        executor = "serial"
    elif args.ray is not None:
        executor = ray_spec(args.ray)
    r = search(box, consts, depth=args.depth, min_digits=args.min_digits, bound=args.bound,
               verify_digits=args.verify_digits, rationals=not args.no_rationals,
               executor=executor, workers=args.workers, shard_size=args.shard_size,
               catalog=_catalog_path(args), progress=not (args.quiet or args.json))
    deep: tuple = ()
    if args.deep:
        from ..pcf.deep import deep_identify

        deep = deep_identify(r, classes=args.deep, catalog=_catalog_path(args))
    if args.json:
        d = r.to_dict()
        if args.deep:
            d["deep"] = [f.as_dict() for f in deep]
        print_json(d)
        return 0

    def simple(f: Any) -> tuple:
        lead = next((c for c in reversed(f.a) if c), 0)
        return (max(map(abs, f.a + f.b)), sum(map(abs, f.a + f.b)), lead < 0, f.index)

    shown = sorted((f for f in r.formulas if f.kind != "rational" or args.show_rationals),
                   key=simple)
    extra: dict[Any, int] = {}
    if not args.all_equivalent:  # one line per canonical class: its simplest member
        firsts: dict[Any, Any] = {}
        for f in shown:
            if f.canonical in firsts:
                extra[f.canonical] = extra.get(f.canonical, 0) + 1
            else:
                firsts[f.canonical] = f
        shown = list(firsts.values())
    print(r.summary())
    if r.resumed_shards:
        print(f"resumed: {r.resumed_shards} shard(s) were already in the catalog "
              f"(run {r.run_id})")
    for f in shown[: args.limit] if args.limit else shown:
        more = extra.get(f.canonical, 0)
        print(f"  {f}" + (f"  [+{more} equivalent]" if more else ""))
    if args.limit and len(shown) > args.limit:
        print(f"  ... {len(shown) - args.limit} more (--limit 0 shows all; 'eml pcf formulas' "
              "lists the catalog)")
    if args.deep:
        print(f"deep identification of {args.deep} unidentified classes (identify engine): "
              f"{len(deep)} found")
        for f in deep:
            print(f"  {f}")
    return 0


def _run_formulas(args: argparse.Namespace) -> int:
    from ..catalog import Catalog, CatalogError, default_path
    from ..catalog.pcf_store import export_pcf, pcf_formulas
    from ..pcf.search import Formula

    path = args.catalog if args.catalog else default_path()
    if not os.path.exists(path):
        raise CatalogError(f"{path}: no catalog there (run 'eml pcf search' first)")
    filters = {"run_id": args.run_id, "constant": args.constant, "kind": args.kind}
    with Catalog(path) as cat:
        if args.format in ("csv", "json"):
            export_pcf(cat, sys.stdout, args.format, **filters)
            return 0
        recs = pcf_formulas(cat, **filters)
    for r in recs:
        print(f"{r['run_id']:>4}  {r['kind']:<10}  {Formula.from_record(r)}")
    print(f"{len(recs)} formula{'s' if len(recs) != 1 else ''}", file=sys.stderr)
    return 0


def add_subcommands(sub: Any) -> None:
    """Add ``search`` and ``formulas`` to the subparsers of ``eml pcf``."""
    p = add_command(sub, "pcf search", _run_search)
    # "-5..5" is a value here, not an option
    p._negative_number_matcher = re.compile(r"^-\d+(\s*\.\.\s*-?\d+)?$|^-\d*\.\d+$")
    p.add_argument("--deg-a", type=int, default=1, help="largest degree of a (default 1)")
    p.add_argument("--deg-b", type=int, default=2, help="largest degree of b (default 2)")
    p.add_argument("--coefficients", type=coefficient_range, default=(-3, 3), metavar="LO..HI",
                   help="range of every coefficient (default -3..3)")
    p.add_argument("--b-coefficients", type=coefficient_range, metavar="LO..HI",
                   help="range of the coefficients of b (default: --coefficients)")
    p.add_argument("--constants", metavar="NAMES",
                   help="comma-separated SymPy names (';' if a name has a comma), default: "
                   "pi, pi**2, E, log(2), zeta(3), Catalan, cot(1), coth(1), "
                   "besseli(1, 2)/besseli(0, 2), sqrt(2), sqrt(3), sqrt(5)")
    p.add_argument("--depth", type=positive_int, default=256,
                   help="depth of the float sieve (default 256)")
    p.add_argument("--min-digits", dest="min_digits", type=float, default=10.0,
                   help="float digits needed for a lookup (default 10)")
    p.add_argument("--bound", type=positive_int, default=8,
                   help="Möbius coefficient bound (default 8)")
    p.add_argument("--verify-digits", dest="verify_digits", type=positive_int, default=30,
                   help="digits of the exact check (default 30)")
    p.add_argument("--no-rationals", action="store_true", help="do not class rational limits")
    p.add_argument("--workers", type=positive_int, help="local worker processes (default: CPUs)")
    p.add_argument("--serial", action="store_true", help="run in this process only")
    add_ray(p, "shards")
    p.add_argument("--shard-size", dest="shard_size", type=positive_int, default=32768,
                   help="PCFs per shard (default 32768)")
    p.add_argument("--catalog", metavar="PATH", help="catalog file (default: the user catalog)")
    p.add_argument("--no-catalog", action="store_true", help="keep nothing (no resume)")
    p.add_argument("--limit", type=int, default=50,
                   help="formulas printed (default 50, 0 = all)")
    p.add_argument("--show-rationals", action="store_true", help="print rational limits too")
    p.add_argument("--all-equivalent", action="store_true",
                   help="print every formula, not one per canonical class")
    p.add_argument("--deep", type=int, default=0, metavar="N",
                   help="then try the identify engine on the N simplest unidentified classes "
                   "(not stored in the catalog)")
    add_output(p, quiet="no progress on stderr")

    q = add_command(sub, "pcf formulas", _run_formulas)
    q.add_argument("--catalog", metavar="PATH", help="catalog file (default: the user catalog)")
    q.add_argument("--run", dest="run_id", type=positive_int, help="only this run")
    q.add_argument("--constant", help="only formulas of this constant (as searched, e.g. pi)")
    q.add_argument("--kind", choices=("identified", "algebraic", "rational"))
    q.add_argument("--format", choices=("text", "csv", "json"), default="text")
