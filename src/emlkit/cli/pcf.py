"""``eml pcf A B``: the limit of a polynomial continued fraction with its proven digits.

``eml pcf`` takes two polynomials; a first word naming a subcommand of
:mod:`emlkit.cli.pcf_search` (``search``, ``formulas``) hands the whole command line to
those subcommands instead (``eml pcf search ...``). The hand-over happens in this parser's
``parse_known_args``, so both forms keep their own ``--help``.

>>> from emlkit.cli import main
>>> main(["pcf", "2n+1", "n^2", "--digits", "30"])
PCF(2n + 1, n^2) = 1.27323954473516268615107010698
  30 digits, proven by an arb ball (depth 46)
0
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any

from ..errors import UsageError
from . import pcf_search
from .common import FORMATTER, Parser, add_command, add_digits, add_output, positive_int, print_json

__all__ = ["register"]

_NEGATIVE_POLY = re.compile(r"-[\d(n]")


def _depths(text: str) -> list[int]:
    """A comma-separated list of depths (argparse type): ``1,2,10``."""
    out = []
    for part in text.split(","):
        part = part.strip()
        try:
            v = int(part)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{part!r} is not a whole number (depths are "
                                             "comma-separated, e.g. 1,2,10)") from None
        if v < 0:
            raise argparse.ArgumentTypeError(f"depth {v} is negative")
        out.append(v)
    return out


def _optional(what: str, call: Any) -> Any:
    try:
        return call()
    except ImportError as exc:
        raise UsageError(f"{what} is not available in this installation ({exc})") from None


def _run(args: argparse.Namespace) -> int:
    from ..pcf import PCF
    from ..pcf.limit import MAX_DIGITS

    if args.digits > MAX_DIGITS:  # before any progress note: one line, nothing else
        raise UsageError(f"--digits: {args.digits} is above the limit {MAX_DIGITS}")
    if args.plot:  # a bad file name is refused before any work
        from ..viz import picture_path

        picture_path(args.plot)
    pcf = PCF(args.a, args.b)
    if args.convergents and max(args.convergents) > 100_000:
        raise UsageError("--convergents: depths above 100000 are not printed exactly")
    if args.digits >= 20_000 and not args.quiet:
        print(f"eml pcf: computing {pcf} to {args.digits} digits ...", file=sys.stderr)
    lim = pcf.limit(digits=args.digits, max_depth=args.max_depth)
    out: dict[str, Any] = {"pcf": str(pcf), "a": str(pcf.a), "b": str(pcf.b),
                           "latex": pcf.to_latex(), "limit": lim.to_dict()}
    if args.convergents:
        conv = pcf.convergents(args.convergents)
        out["convergents"] = [{"depth": d, "value": None if c is None else str(c)}
                              for d, c in zip(args.convergents, conv)]
    if args.dynamics:
        dyn = _optional("--dynamics", lambda: pcf.dynamics())
        out["dynamics"] = dyn.to_dict() if hasattr(dyn, "to_dict") else str(dyn)
        out["_dynamics_text"] = str(dyn)
    if args.identify:
        if lim.status != "converged":
            raise UsageError(f"--identify needs a converged limit, this one is {lim.status}")
        found = _optional("--identify", lambda: pcf.identify(digits=args.digits,
                                                             max_depth=args.max_depth))
        out["identify"] = [r.to_dict() if hasattr(r, "to_dict") else str(r) for r in found]
        out["_identify_text"] = [str(r) for r in found]
    exact = lim.status == "terminating" and lim.exact is not None
    ok = lim.status == "converged" or exact
    if args.plot:
        if lim.status != "converged":
            raise UsageError(f"--plot needs a converged limit, this one is {lim.status}")
        out["plot"] = _plot(pcf, lim, args.plot)
    if args.json:
        out.pop("_identify_text", None)
        out.pop("_dynamics_text", None)
        print_json(out)
    else:
        how = "proven by an arb ball" if lim.proven else \
            "checked by consecutive convergents (not proven)"
        if exact:
            print(f"{pcf} = {lim.exact}")
            print(f"  exact rational value (terminating: b({lim.depth + 1}) = 0, the fraction "
                  f"stops at depth {lim.depth})")
        elif lim.is_zero:
            print(f"{pcf} = 0")
            print(f"  |L| < 1e-{lim.digits} ({lim.digits} decimal places), {how} "
                  f"(depth {lim.depth})")
        elif ok:
            print(f"{pcf} = {lim.as_decimal()}")
            print(f"  {lim.digits} digits, {how} (depth {lim.depth})")
        else:
            print(f"{pcf}: {lim}")
        for c in out.get("convergents", []):
            print(f"  p_{c['depth']}/q_{c['depth']} = {c['value'] or 'undefined (q = 0)'}")
        if "dynamics" in out:
            print("  " + out["_dynamics_text"].replace("\n", "\n  "))
        for text in out.get("_identify_text", []):
            print(f"  = {text}")
        if args.identify and not out.get("_identify_text"):
            print("  no closed form found")
    if not ok:
        print(f"eml: pcf: the limit is not established ({lim.status})", file=sys.stderr)
        return 2
    return 0


def _plot(pcf: Any, lim: Any, path: str) -> str:
    """Draw the digits of agreement against the depth to ``path``; returns the path.

    The convergents up to the depth of ``lim`` are compared with the limit computed to twice
    its digits, so every digit of agreement drawn is one that the deeper limit confirms.
    """
    import mpmath

    from ..viz.convergence import draw_convergence

    ref = pcf.limit(digits=min(2 * lim.digits + 20, 1_000_000))
    with mpmath.mp.workdps(ref.digits + 10):
        draw_convergence(pcf.a, pcf.b, ref.value, path, depth=max(1, min(lim.depth, 100_000)),
                         title=f"{pcf}: digits of agreement with the limit")
    return path


def register(sub: Any) -> None:
    """Add ``eml pcf`` (and hand ``eml pcf search ...`` to :mod:`.pcf_search`)."""
    p = add_command(sub, "pcf", _run)
    p.add_argument("a", metavar="A", help="a(n), e.g. 2n+1, n(n+2), 34n^3+51n^2+27n+5")
    p.add_argument("b", metavar="B", help="b(n), e.g. n^2, -n^6, 3n/2")
    add_digits(p, "significant digits wanted (default 50)", default=50)
    p.add_argument("--max-depth", dest="max_depth", type=positive_int,
                   help="deepest convergent tried (default 20*digits + 2000)")
    p.add_argument("--convergents", type=_depths, metavar="LIST",
                   help="also print the exact convergents p_n/q_n at these depths, e.g. 1,2,10")
    p.add_argument("--dynamics", action="store_true", help="also print the convergence dynamics")
    p.add_argument("--identify", action="store_true", help="also look for a closed form")
    p.add_argument("--plot", metavar="FILE", help="draw the convergence (digits of agreement "
                   "with the limit against the depth) to FILE, .png or .svg")
    add_output(p, quiet="no notes on stderr")

    inner = Parser(prog=p.prog, formatter_class=FORMATTER, allow_abbrev=False, add_help=False)
    names = inner.add_subparsers(dest="pcf_command", metavar="COMMAND")
    pcf_search.add_subcommands(names)
    commands = set(names.choices)
    plain = p.parse_known_args

    def parse_known_args(args: Any = None, namespace: Any = None) -> Any:
        if args and args[0] in commands:
            return inner.parse_known_args(args, namespace)
        # "-n^6" is a polynomial, not an option: a leading space keeps argparse off it
        args = [" " + t if _NEGATIVE_POLY.match(t) else t for t in (args or [])]
        return plain(args, namespace)

    # this one parser's argument reading is wrapped on purpose (argparse has no hook for it)
    p.parse_known_args = parse_known_args  # type: ignore[method-assign]
