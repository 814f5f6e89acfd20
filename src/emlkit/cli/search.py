"""``eml search``: enumerate distinct EML forms by size, resumably, into the catalog.

A thin call into :func:`emlkit.search.run.search_run`, which does the work and keeps the run's
levels and checkpoints in the catalog; this module reads the options and prints the table.

>>> from emlkit.cli import main
>>> main(["search", "--max-K", "5", "--constants", "--no-catalog", "--quiet"])
distinct forms by K, variables: constants (leaf 1 only)
...
0
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any

from .common import add_command, add_output, add_ray, positive_int, print_json, ray_spec

__all__ = ["parse_size", "register"]

#: ``search_run``'s ``STORE_LEVEL_FORMS``, for the help text (importing the search package
#: here would load NumPy at startup; a test checks that the two agree).
STORE_LEVEL_FORMS = 20_000


def parse_size(text: str) -> int:
    """Bytes from ``'16G'``, ``'16GiB'``, ``'800M'``, ``'1.5g'`` or a plain number of bytes.

    >>> parse_size("16G") == 16 * 2**30, parse_size("800M"), parse_size("4096")
    (True, 838860800, 4096)
    """
    m = re.fullmatch(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*([kmgt]?)(?:i?b)?\s*", str(text), re.IGNORECASE)
    if not m:
        raise ValueError(f"bad memory size {text!r} (examples: 16G, 800M, 1.5GiB)")
    scale = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40}[m.group(2).lower()]
    value = int(float(m.group(1)) * scale)
    if value <= 0:
        raise ValueError(f"bad memory size {text!r}: must be positive")
    return value



def _variables(args: argparse.Namespace) -> tuple[str, ...]:
    if args.constants:
        return ()
    text = args.variables.strip()
    if text.lower() in ("", "none", "-"):
        return ()
    return tuple(v.strip() for v in re.split(r"[,\s]+", text) if v.strip())


def _cmd_search(args: argparse.Namespace) -> int:
    from ..search.run import SearchInterrupted, check_variables, search_run

    catalog = ":memory:" if args.no_catalog else args.catalog
    executor: Any = None
    if args.ray is not None:
        executor = ray_spec(args.ray)
    elif args.workers is not None:
        executor = "local"
    memory = parse_size(args.memory_limit)
    if args.max_K < 1:
        raise ValueError(f"--max-K must be a whole number >= 1, got {args.max_K!r}")
    variables = _variables(args)
    check_variables(variables)
    if args.store_K is not None and args.store_K < 0:
        raise ValueError(f"--store-K must be >= 0, got {args.store_K}")
    try:
        res = search_run(
            args.max_K, variables, catalog=catalog, memory_limit_bytes=memory,
            store_K=args.store_K, executor=executor, workers=args.workers,
            progress=not args.quiet, on_note=_note,
        )
    except SearchInterrupted as stop:
        _note(f"{stop}; the same command resumes")
        raise
    if res["stop_reason"]:
        _note(f"{res['stop_reason']} (run the same command with a larger --memory-limit to "
              "go on)")
    if args.json:
        print_json(res)
    else:
        _print_table(res)
    return 0


def _note(message: str) -> None:
    print(f"eml search: {message}", file=sys.stderr)


def _print_table(res: dict) -> None:
    names = ",".join(res["variables"]) or "constants (leaf 1 only)"
    print(f"distinct forms by K, variables: {names}")
    print(f"{'K':>3} {'new forms':>12} {'total':>12} {'pairs':>14} {'level s':>9} {'reach s':>9}")
    total = 0
    for k, n in res["counts"].items():
        total += n
        print(f"{k:>3} {n:>12,d} {total:>12,d} {res['pairs'].get(k, 0):>14,d} "
              f"{res['seconds'].get(k, 0.0):>9.2f} {res['reach_seconds'].get(k, 0.0):>9.2f}")
    if res["forms_per_second"]:
        print(f"forms per second (candidate pairs evaluated): {res['forms_per_second']:,d}")
    if res["found"]:
        print("shortest forms found for basis elements (verified digits at the test points):")
        for f in res["found"]:
            print(f"  {f['label']:<14} K={f['K']:<3} {f['verified_digits']:>3} digits  {f['rpn']}")
    if res["stop_reason"]:
        print(f"stopped: {res['stop_reason']}")
    how = "answered from the catalog" if res["from_catalog"] else (
        "resumed" if res["resumed"] else "new run")
    print(f"catalog: {res['catalog']} (run {res['run']}, {how})")


def register(sub: Any) -> None:
    """Add ``eml search`` to the subcommand parser ``sub``."""
    p = add_command(sub, "search", _cmd_search)
    p.add_argument("--max-K", type=int, required=True, metavar="K",
                   help="largest size (RPN token count) to enumerate")
    p.add_argument("--variables", default="x", metavar="NAMES",
                   help="comma-separated variable names (default: x); 'none' for constants")
    p.add_argument("--constants", action="store_true", help="constants only (leaf 1)")
    p.add_argument("--catalog", metavar="FILE", help="catalog file (SQLite)")
    p.add_argument("--no-catalog", action="store_true",
                   help="keep nothing (no resume, no stored forms)")
    p.add_argument("--memory-limit", default="16G", metavar="SIZE",
                   help="stop cleanly before a level that would need more (default: 16G)")
    p.add_argument("--store-K", type=int, default=None, metavar="K",
                   help="store every form up to this size in the catalog (default: each "
                   f"level of at most {STORE_LEVEL_FORMS:,} forms)")
    p.add_argument("--workers", type=positive_int, metavar="N",
                   help="split each level into pair blocks run by N local worker processes "
                   "(default: in this process; the forms found are the same)")
    add_ray(p, "pair blocks")
    add_output(p, quiet="no progress on standard error")
