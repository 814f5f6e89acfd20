"""``eml compile``, ``eml eval`` and ``eml draw``: formulas and EML text in, EML, values and
pictures out.

>>> from emlkit.cli import main
>>> main(["compile", "exp(x)"])
eml(x, 1)
0
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import warnings
from typing import Any

import emlkit as ek

from ..errors import DomainError, EMLError, ParseError, UsageError
from .common import PROG, add_command, add_output, one_line, positive_int, print_json
from .values import dps_type, format_value, number, parse_at

ORDER = 10
__all__ = ["ORDER", "register", "text_size"]

FORMATS = ("eml", "rpn", "wolfram", "json", "latex", "dot")
BACKENDS = ("numpy", "mpmath", "torch", "arb")
DOMAINS = ("strip", "plane")
_DEFAULT_DPS = {"mpmath": 50, "arb": 30}  # digits those backends compute without --dps


# ---------------------------------------------------------------- reading EXPR


def _read_expr(text: str) -> str:
    """EXPR as given, or standard input when it is ``-``."""
    if text != "-":
        return text
    data = sys.stdin.buffer.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"standard input is not UTF-8 text (byte {exc.start})") from None


_EML_MARKERS = re.compile(r"\beml\s*\(|\bEML\s*\[|\\operatorname|\\mathrm")
_EML_START = re.compile(r"\s*(?:\{|\[|let\s|let#|digraph\b|strict\b|graph\b)")
_RPN = re.compile(r"\s*(?:(?:1|[A-Za-z_]\w*)\s+){2,}E(?:\s+(?:1|[A-Za-z_]\w*|E))*\s*\Z")


_FORMULA_CONSTANTS = frozenset({"pi", "e", "E", "i", "I", "j"})


def _looks_like_eml(text: str) -> bool:
    """True when the text is meant as EML (so its parse error is the one worth reporting)."""
    head = text[:4096]
    return bool(_EML_MARKERS.search(head) or _EML_START.match(head) or _RPN.match(text))


def _load(args: argparse.Namespace) -> Any:
    """EXPR as an Expr: EML text in any format, else a formula compiled to pure EML."""
    text = _read_expr(args.expr)
    if args.formula:
        return ek.compile(text, domain=args.domain)
    if args.eml or _looks_like_eml(text):
        return ek.parse(text, format="auto")
    try:
        expr = ek.parse(text, format="auto")
    except ParseError:
        return ek.compile(text, domain=args.domain)
    if isinstance(expr, ek.Var) and expr.name in _FORMULA_CONSTANTS:
        return ek.compile(text, domain=args.domain)  # "pi" means the number, not a variable
    return expr


# ---------------------------------------------------------------- compile, eval, draw


_LET_FORMATS = ("eml", "wolfram")
_TREE_FORMATS = ("eml", "rpn", "wolfram", "latex")  # shared subtrees written out every time
MAX_CHARS = 1_000_000  # default --max-chars


def text_size(expr: ek.Expr, format: str) -> int:
    """Characters of ``ek.to_text(expr, format)`` for a tree format, in time linear in the DAG
    (the text itself can be exponentially long).

    >>> f = ek.compile("sin(x)")
    >>> text_size(f, "eml") == len(ek.to_text(f)), text_size(f, "rpn") == len(ek.to_text(f, "rpn"))
    (True, True)
    """
    overhead = len(ek.to_text(ek.eml(1, 1), format)) - 2
    size: dict[int, int] = {}
    for node in ek.postorder(expr):
        if isinstance(node, ek.Eml):
            size[id(node)] = size[id(node.left)] + size[id(node.right)] + overhead
        else:
            size[id(node)] = len(ek.to_text(node, format))
    return size[id(expr)]


def _approx(n: int) -> str:
    """A count for a message, however large: ``9371371`` or ``3.07e11``."""
    if n < 10**7:
        return str(n)
    e = int(math.log10(n))
    return f"{n / 10**e:.2f}e{e}"


def _compile_text(expr: ek.Expr, args: argparse.Namespace) -> tuple[str, bool]:
    """The text to print and whether it was switched to a let-form because of its size."""
    if args.let or args.format not in _TREE_FORMATS:
        return ek.to_text(expr, format=args.format, let=args.let), False
    size = text_size(expr, args.format)
    if size <= args.max_chars:
        return ek.to_text(expr, format=args.format), False
    if args.format not in _LET_FORMATS:
        raise DomainError(
            f"the {args.format} text would have {_approx(size)} characters (more than --max-chars"
            f" {args.max_chars}; K = {_approx(expr.K)}): use --let, --format json or dot, or raise "
            "--max-chars"
        )
    print(
        f"{PROG}: note: the tree text would have {_approx(size)} characters "
        f"(K = {_approx(expr.K)}, more than --max-chars {args.max_chars}); printed as a "
        f"let-form, which grows with dag_size = {expr.dag_size}",
        file=sys.stderr,
    )
    return ek.to_text(expr, format=args.format, let=True), True


def _cmd_compile(args: argparse.Namespace) -> int:
    source = _read_expr(args.expr)
    expr = ek.compile(source, domain=args.domain)
    text, as_let = _compile_text(expr, args)
    if args.json:
        print_json(
            {
                "expr": text,
                "format": args.format,
                "K": expr.K,
                "depth": expr.depth,
                "dag_size": expr.dag_size,
                "domain": args.domain,
                "let": args.let or as_let,
            }
        )
        return 0
    print(text)
    if args.stats:
        print(f"K={expr.K} depth={expr.depth} dag_size={expr.dag_size}")
        for r in _float64_ranges(source):
            print(f"float64: {r.describe()}")
    return 0


def _float64_ranges(source: str) -> list[Any]:
    """The stated float64 ranges of the basis functions in a formula (none for EML text)."""
    from ..compiler.ranges import ranges_for_formula

    try:
        return ranges_for_formula(source)
    except EMLError:
        return []


def _cmd_eval(args: argparse.Namespace) -> int:
    backend = args.backend or ("mpmath" if args.dps else "numpy")
    if args.dps and backend not in ("mpmath", "arb"):
        raise UsageError(f"--dps needs --backend mpmath or arb, not {backend}")
    at = parse_at(args.at)
    expr = _load(args)
    names = sorted(expr.free_vars)
    unknown = sorted(set(at) - set(names))
    if unknown:
        has = ", ".join(names) if names else "no variables"
        raise UsageError(f"unknown variable {unknown[0]!r} in --at: the expression has {has}")
    missing = [n for n in names if n not in at]
    if missing:
        raise UsageError(f"missing value for {missing[0]!r}: add --at {missing[0]}=VALUE")
    values = {name: number(re_, im, backend, args.dps) for name, (re_, im) in at.items()}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = ek.evaluate(expr, values, backend=backend, dps=args.dps)
    digits = args.dps or _DEFAULT_DPS.get(backend)
    re_, im, text = format_value(value, digits)
    notes = [one_line(str(w.message)) for w in caught]
    if args.json:
        print_json(
            {
                "value": text,
                "re": re_,
                "im": im,
                "at": {n: format_value(values[n], args.dps)[2] for n in names},
                "backend": backend,
                "dps": args.dps,
                "K": expr.K,
                "warnings": notes,
            }
        )
    else:
        print(text)
    for note in notes:
        print(f"{PROG}: warning: {note}", file=sys.stderr)
    return 0


def _cmd_draw(args: argparse.Namespace) -> int:
    expr = _load(args)
    layout = ek.draw(
        expr,
        args.output,
        share_leaves=args.share_leaves,
        max_nodes=args.max_nodes,
        labels=False if args.no_labels else None,
    )
    print(
        f"wrote {args.output}: {layout.n_nodes} nodes, {layout.n_edges} edges, "
        f"{layout.n_shared} shared"
    )
    return 0


# ---------------------------------------------------------------- argument parsers

_EXPR_HELP = (
    "EML text in any format (eml(1, x), RPN, EML[..], JSON, LaTeX, DOT; detected) or, when it "
    "is not EML, a formula compiled to EML (sin(x) + y/2); '-' reads standard input"
)


def _add_source(p: argparse.ArgumentParser) -> None:
    p.add_argument("expr", metavar="EXPR", help=_EXPR_HELP)
    kind = p.add_mutually_exclusive_group()
    kind.add_argument("--formula", action="store_true", help="always treat EXPR as a formula")
    kind.add_argument("--eml", action="store_true", help="always treat EXPR as EML text")
    p.add_argument(
        "--domain", choices=DOMAINS, default="strip",
        help="validity domain when a formula is compiled (default: strip)",
    )


def register(sub: Any) -> None:
    """Add ``compile``, ``eval`` and ``draw`` to the subcommand parser ``sub``."""
    p = add_command(sub, "compile", _cmd_compile)
    p.add_argument("expr", metavar="EXPR", help="formula, e.g. 'sin(x) + y/2'; '-' reads stdin")
    p.add_argument("--format", choices=FORMATS, default="eml", help="output format (default: eml)")
    p.add_argument("--let", action="store_true", help="name shared subterms once (let-form)")
    p.add_argument("--stats", action="store_true", help="also print K, depth and dag_size")
    p.add_argument(
        "--max-chars", dest="max_chars", type=positive_int, default=MAX_CHARS, metavar="N",
        help="longest tree text printed (default 1000000); a longer eml/wolfram text is printed "
        "as a let-form instead, a longer rpn/latex text is refused",
    )
    add_output(p)
    p.add_argument(
        "--domain", choices=DOMAINS, default="strip",
        help="strip: real inputs and |Im| < pi (default); plane: every complex input",
    )

    p = add_command(sub, "eval", _cmd_eval)
    _add_source(p)
    p.add_argument(
        "--at", action="append", default=[], metavar="NAME=VALUE",
        help="value of a variable (repeat for each), e.g. --at x=0.7 --at y=-2+0.5j",
    )
    p.add_argument(
        "--backend", choices=BACKENDS, help="evaluator (default: numpy; mpmath with --dps)"
    )
    p.add_argument("--dps", type=dps_type, help="decimal digits for mpmath or arb")
    add_output(p)

    p = add_command(sub, "draw", _cmd_draw)
    _add_source(p)
    p.add_argument("-o", "--output", required=True, help="output file, .svg or .png")
    p.add_argument("--share-leaves", action="store_true", help="draw each leaf once")
    p.add_argument("--max-nodes", type=int, default=1000, help="refuse larger drawings")
    p.add_argument("--no-labels", action="store_true", help="leave out the node labels")
