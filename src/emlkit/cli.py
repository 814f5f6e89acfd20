"""The ``eml`` command: parses arguments and calls the library, one call per subcommand.

Bad input of any kind ends with exit status 2 and exactly one line on standard error, such as
``eml: parse error: expected ')' at line 1, column 9``; an interrupt ends with status 130.

>>> main(["compile", "exp(x)"])
eml(x, 1)
0
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
import warnings
from collections.abc import Sequence
from typing import Any, NoReturn

import emlkit as ek

from .commands._argtypes import positive_int
from .errors import (
    DomainError,
    EMLError,
    EvaluationError,
    ParseError,
    UnsupportedError,
    UsageError,
)

__all__ = ["main"]

PROG = "eml"
FORMATS = ("eml", "rpn", "wolfram", "json", "latex", "dot")
BACKENDS = ("numpy", "mpmath", "torch", "arb")
DOMAINS = ("strip", "plane")
MAX_DPS = 10_000
_DEFAULT_DPS = {"mpmath": 50, "arb": 30}  # digits those backends compute without --dps
_MESSAGE_CHARS = 300  # longest message printed (inputs can be megabytes long)


class _Parser(argparse.ArgumentParser):
    """An argument parser that raises instead of printing usage and exiting."""

    def error(self, message: str) -> NoReturn:
        if "required: EXPR" in message:
            message += "; an EXPR that starts with '-' goes after '--', as in: -- '-x'"
        raise UsageError(f"{message} (see '{self.prog} --help')")


# ---------------------------------------------------------------- input helpers


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


_NUM = r"(?:(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?|inf(?:inity)?|nan)"
_REAL = re.compile(rf"\s*(?P<re>[+-]?{_NUM})\s*\Z", re.IGNORECASE)
_IMAG = re.compile(rf"\s*(?P<im>[+-]?(?:{_NUM})?)\s*[ij]\s*\Z", re.IGNORECASE)
_BOTH = re.compile(
    rf"\s*(?P<re>[+-]?{_NUM})\s*(?P<im>[+-]\s*(?:{_NUM})?)\s*[ij]\s*\Z", re.IGNORECASE
)


def parse_value(text: str) -> tuple[str, str]:
    """Split a number such as ``-2+0.5j``, ``1e-3``, ``-0.0``, ``inf`` or ``2i`` into (re, im) text.

    Examples
    --------
    >>> parse_value("-2+0.5j"), parse_value("-0.0"), parse_value("2i"), parse_value("-j")
    (('-2', '+0.5'), ('-0.0', '0'), ('0', '2'), ('0', '-1'))
    """
    for pattern in (_REAL, _IMAG, _BOTH):
        m = pattern.match(text)
        if m:
            groups = m.groupdict()
            re_ = groups.get("re") or "0"
            im = groups["im"].replace(" ", "") if "im" in groups else "0"
            if im in ("", "+", "-"):
                im += "1"
            return re_.lower(), im.lower()
    raise UsageError(f"{text!r} is not a number (examples: 0.7, -2+0.5j, -0.0, inf)")


def _parse_at(items: Sequence[str]) -> dict[str, tuple[str, str]]:
    values: dict[str, tuple[str, str]] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not re.fullmatch(r"[A-Za-z_]\w*", name):
            raise UsageError(f"bad --at {item!r}: expected NAME=VALUE, e.g. --at x=0.7")
        if name in values:
            raise UsageError(f"bad --at {item!r}: {name} is given twice")
        try:
            values[name] = parse_value(value)
        except UsageError as exc:
            raise UsageError(f"bad --at {item!r}: {exc}") from None
    return values


def _dps(text: str) -> int:
    try:
        dps = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of digits") from None
    if not 1 <= dps <= MAX_DPS:
        raise argparse.ArgumentTypeError(f"{dps} is out of range (1 to {MAX_DPS} digits)")
    return dps


# ---------------------------------------------------------------- output helpers


def _float_text(x: float) -> str:
    return repr(float(x))


def format_value(value: Any, dps: int | None = None) -> tuple[str, str, str]:
    """(re, im, "re±imj") text of an evaluation result of any backend.

    Examples
    --------
    >>> format_value(complex(0.5, -0.0))
    ('0.5', '-0.0', '0.5-0.0j')
    >>> from mpmath import mp, mpc, pi
    >>> with mp.workdps(40):
    ...     z = mpc(0, -pi)
    >>> format_value(z, 40)[1]                       # every requested digit of both parts
    '-3.141592653589793238462643383279502884197'
    """
    if getattr(value, "ndim", None) == 0 and hasattr(value, "item"):
        value = value.item()  # numpy scalar or 0-d array, 0-d torch tensor
    if type(value).__module__.startswith("mpmath"):
        from mpmath import mp

        digits = dps or mp.dps
        # nstr of the parts themselves: mp.mpc(value), abs() or unary minus would round them to
        # the global precision (16 digits) before printing
        re_, im = mp.nstr(value.real, digits), mp.nstr(value.imag, digits)
        if im.startswith("-"):
            return re_, im, f"{re_}-{im[1:]}j"
        return re_, im, f"{re_}+{im}j"
    if type(value).__module__.startswith("flint"):  # an arb ball: midpoint +/- radius
        re_, im = value.real.str(dps or 30), value.imag.str(dps or 30)
        return re_, im, f"{re_} + {im}j"
    z = complex(value)
    sign = "-" if math.copysign(1.0, z.imag) < 0 else "+"
    re_, im = _float_text(z.real), _float_text(z.imag)
    return re_, im, f"{re_}{sign}{_float_text(abs(z.imag))}j"


def _print_json(obj: dict) -> None:
    print(json.dumps(obj, ensure_ascii=False))


# ---------------------------------------------------------------- subcommands


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
        _print_json(
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


def _float64_ranges(source: str) -> list:
    """The stated float64 ranges of the basis functions in a formula (none for EML text)."""
    from .compiler.ranges import ranges_for_formula

    try:
        return ranges_for_formula(source)
    except EMLError:
        return []


def _cmd_eval(args: argparse.Namespace) -> int:
    backend = args.backend or ("mpmath" if args.dps else "numpy")
    if args.dps and backend not in ("mpmath", "arb"):
        raise UsageError(f"--dps needs --backend mpmath or arb, not {backend}")
    at = _parse_at(args.at)
    expr = _load(args)
    names = sorted(expr.free_vars)
    unknown = sorted(set(at) - set(names))
    if unknown:
        has = ", ".join(names) if names else "no variables"
        raise UsageError(f"unknown variable {unknown[0]!r} in --at: the expression has {has}")
    missing = [n for n in names if n not in at]
    if missing:
        raise UsageError(f"missing value for {missing[0]!r}: add --at {missing[0]}=VALUE")
    values = {name: _number(re_, im, backend, args.dps) for name, (re_, im) in at.items()}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = ek.evaluate(expr, values, backend=backend, dps=args.dps)
    digits = args.dps or _DEFAULT_DPS.get(backend)
    re_, im, text = format_value(value, digits)
    notes = [_one_line(str(w.message)) for w in caught]
    if args.json:
        _print_json(
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


def _number(re_: str, im: str, backend: str, dps: int | None) -> Any:
    """An input value for the backend from its text.

    A complex128 when both parts are exact doubles (this keeps the sign of a zero imaginary
    part, which picks the side of a cut); for mpmath and arb, a decimal such as ``0.1`` that no
    double holds is passed as an mpmath number carrying all its digits at ``dps``.
    """
    z = complex(float(re_), float(im))
    if backend not in ("mpmath", "arb"):
        return z
    from mpmath import mp

    with mp.workdps((dps or 50) + 10):
        exact = all(
            not mp.isfinite(mp.mpf(text)) or mp.mpf(text) == mp.mpf(part)
            for text, part in ((re_, z.real), (im, z.imag))
        )
        return z if exact else mp.mpc(mp.mpf(re_), mp.mpf(im))


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


# ---------------------------------------------------------------- argument parser

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


def build_parser() -> argparse.ArgumentParser:
    """The ``eml`` argument parser (subcommands ``compile``, ``eval``, ``draw``).

    Examples
    --------
    >>> build_parser().parse_args(["eval", "ln(x)", "--at", "x=2"]).at
    ['x=2']
    """
    fmt = argparse.RawDescriptionHelpFormatter
    parser = _Parser(
        prog=PROG,
        description="The EML calculus: every elementary function from eml(x, y) = exp(x) - ln(y)"
        " and the constant 1.",
        epilog="examples:\n  eml compile 'sin(x) + y/2' --stats\n"
        "  eml eval 'eml(1, eml(eml(1, x), 1))' --at x=2\n  eml draw 'x*y' -o tree.svg\n\n"
        "Bad input ends with exit status 2 and one line on standard error.",
        formatter_class=fmt,
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {ek.__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser(
        "compile",
        help="compile a formula to pure EML",
        description="Compile a formula (calculator notation) to a pure EML expression.",
        epilog="examples:\n  eml compile 'exp(x)'\n  eml compile 'x*y' --format rpn --stats\n"
        "  eml compile 'sin(x)' --let --json\n  eml compile '-x' --stats",
        formatter_class=fmt,
        allow_abbrev=False,
    )
    p.add_argument("expr", metavar="EXPR", help="formula, e.g. 'sin(x) + y/2'; '-' reads stdin")
    p.add_argument("--format", choices=FORMATS, default="eml", help="output format (default: eml)")
    p.add_argument("--let", action="store_true", help="name shared subterms once (let-form)")
    p.add_argument("--stats", action="store_true", help="also print K, depth and dag_size")
    p.add_argument(
        "--max-chars", dest="max_chars", type=positive_int, default=MAX_CHARS, metavar="N",
        help="longest tree text printed (default 1000000); a longer eml/wolfram text is printed "
        "as a let-form instead, a longer rpn/latex text is refused",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument(
        "--domain", choices=DOMAINS, default="strip",
        help="strip: real inputs and |Im| < pi (default); plane: every complex input",
    )
    p.set_defaults(run=_cmd_compile)

    p = sub.add_parser(
        "eval",
        help="evaluate an expression at a point",
        description="Evaluate EML text, or a formula compiled to EML, at the given values.",
        epilog="examples:\n  eml eval 'eml(1, eml(eml(1, x), 1))' --at x=2\n"
        "  eml eval 'sin(x)' --at x=-2+0.5j\n  eml eval 'x - y' --at x=1 --at y=inf --json\n"
        "  eml eval 'eml(1, 1)' --dps 50        (e to 50 digits, mpmath)\n\n"
        "EXPR that parses as EML is used as it is; anything else (and the bare names pi, e,\n"
        "i) is compiled as a formula; --formula / --eml force one reading.\n"
        "Values: 0.7, -2+0.5j, 3i, -0.0, inf, nan.",
        formatter_class=fmt,
        allow_abbrev=False,
    )
    _add_source(p)
    p.add_argument(
        "--at", action="append", default=[], metavar="NAME=VALUE",
        help="value of a variable (repeat for each), e.g. --at x=0.7 --at y=-2+0.5j",
    )
    p.add_argument(
        "--backend", choices=BACKENDS, help="evaluator (default: numpy; mpmath with --dps)"
    )
    p.add_argument("--dps", type=_dps, help="decimal digits for mpmath or arb")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(run=_cmd_eval)

    p = sub.add_parser(
        "draw",
        help="draw the expression DAG to SVG or PNG",
        description="Draw the expression as a DAG (shared nodes drawn once, in orange).",
        epilog="examples:\n  eml draw 'eml(1, eml(eml(1, x), 1))' -o ln.png\n"
        "  eml draw 'x + y' -o add.svg --share-leaves",
        formatter_class=fmt,
        allow_abbrev=False,
    )
    _add_source(p)
    p.add_argument("-o", "--output", required=True, help="output file, .svg or .png")
    p.add_argument("--share-leaves", action="store_true", help="draw each leaf once")
    p.add_argument("--max-nodes", type=int, default=1000, help="refuse larger drawings")
    p.add_argument("--no-labels", action="store_true", help="leave out the node labels")
    p.set_defaults(run=_cmd_draw)

    from . import commands  # search, recognize, bootstrap, catalog, fit, ...

    for module in commands.modules():
        module.register(sub, fmt)
    return parser


# ---------------------------------------------------------------- entry point


def _one_line(message: str) -> str:
    """Printable, single-line, bounded text for standard error."""
    first = str(message).strip().splitlines()[0] if str(message).strip() else "unknown error"
    clean = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in first)
    if len(clean) > _MESSAGE_CHARS:
        clean = clean[: _MESSAGE_CHARS - 1] + "…"
    return clean


def _describe(exc: BaseException) -> str:
    if isinstance(exc, ParseError):
        return f"parse error: {exc.one_line()}"
    if isinstance(exc, UsageError):
        return f"usage error: {exc}"
    if isinstance(exc, UnsupportedError):
        return f"unsupported: {exc}"
    if isinstance(exc, EvaluationError):
        return f"evaluation error: {exc}"
    if isinstance(exc, DomainError):
        return f"error: {exc}"
    if isinstance(exc, RecursionError):
        return "error: input nested too deeply"
    if isinstance(exc, MemoryError):
        return "error: out of memory (input too large)"
    if isinstance(exc, OSError):
        where = f": {exc.filename}" if exc.filename else ""
        return f"error: {exc.strerror or exc}{where}"
    return f"error: {exc}"


def _dash_operands(parser: argparse.ArgumentParser, argv: Sequence[str]) -> list[str]:
    """``argv`` with each ``-x``, ``-sin(x)``, ``-1+2i`` that is no option of its subcommand
    marked as an operand (a leading space, which every reader of EXPR and VALUE skips), so a
    formula may start with ``-`` without ``--``."""
    argv = list(argv)
    current, at = parser, None
    for k, tok in enumerate(argv):  # the deepest subcommand named (e.g. catalog export)
        subs = next((a.choices for a in current._actions
                     if isinstance(a, argparse._SubParsersAction)), {})
        if tok in subs:
            current, at = subs[tok], k
    if at is None:
        return argv
    options = current._option_string_actions
    out, value_next = argv[: at + 1], False
    for k in range(at + 1, len(argv)):
        tok = argv[k]
        if tok == "--":
            return out + argv[k:]
        if value_next or not tok.startswith("-") or tok == "-":
            out.append(tok)
            value_next = False
            continue
        name = tok.split("=", 1)[0] if tok.startswith("--") else tok
        action = options.get(name) or (None if tok.startswith("--") else options.get(tok[:2]))
        if action is None and not tok.startswith("--"):
            out.append(" " + tok)  # not an option: an operand such as -x
            continue
        value_next = action is not None and action.nargs != 0 and name == tok
        out.append(tok)
    return out


def _exit_now(status: int) -> None:
    """End the process with ``status`` now, skipping the interpreter's teardown.

    After Ctrl-C every file is already closed (the fit checkpoint is written per stage), and
    tearing down PyTorch, Numba and scikit-learn at exit takes up to half a second, so the
    program flushes its output and leaves without it.
    """
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(status)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``eml`` command; returns the exit status (0 ok, 2 bad input, 130 interrupted).

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; ``sys.argv[1:]`` by default. Without ``argv``
        (the ``eml`` program itself) an interrupt ends the process at once with status 130.

    Examples
    --------
    >>> main(["eval", "eml(x, 1)", "--at", "x=0"])
    1.0+0.0j
    0
    """
    try:
        parser = build_parser()
        args = parser.parse_args(_dash_operands(parser, sys.argv[1:] if argv is None else argv))
        return args.run(args)
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else 0
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        if argv is None:  # the program itself (eml, python -m emlkit): leave at once
            _exit_now(130)
        return 130
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except (EMLError, UsageError, ValueError, RecursionError, MemoryError, OSError) as exc:
        print(f"{PROG}: {_one_line(_describe(exc))}", file=sys.stderr)
        return 2
    except Exception as exc:  # a bug: still one line, but say so
        if os.environ.get("EMLKIT_DEBUG"):
            raise
        name = type(exc).__name__
        print(
            f"{PROG}: internal error: {name}: {_one_line(str(exc))} "
            "(set EMLKIT_DEBUG=1 for a traceback)",
            file=sys.stderr,
        )
        return 1
