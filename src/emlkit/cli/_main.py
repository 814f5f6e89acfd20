"""The ``eml`` program: the top-level parser over the command modules, and the one error handler.

Bad input of any kind ends with exit status 2 and exactly one line on standard error, such as
``eml: parse error: expected ')' at line 1, column 9``; an interrupt ends with status 130.

>>> main(["compile", "exp(x)"])
eml(x, 1)
0
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence

import emlkit as ek

from ..errors import EMLError, UsageError
from . import (
    bootstrap,
    catalog,
    core,
    esma,
    fit,
    identify,
    pcf,
    recognize,
    search,
    serve,
)
from .common import FORMATTER, PROG, Parser, describe, one_line

__all__ = ["COMMANDS", "build_parser", "main"]

#: The command modules, in the order ``eml --help`` lists their commands.
COMMANDS = (core, recognize, identify, fit, pcf, search, bootstrap, esma, catalog, serve)


def build_parser() -> argparse.ArgumentParser:
    """The ``eml`` argument parser: one subcommand family per module of :data:`COMMANDS`.

    Examples
    --------
    >>> build_parser().parse_args(["eval", "ln(x)", "--at", "x=2"]).at
    ['x=2']
    """
    parser = Parser(
        prog=PROG,
        description="The EML calculus: every elementary function from eml(x, y) = exp(x) - ln(y)"
        " and the constant 1.",
        epilog="examples:\n  eml compile 'sin(x) + y/2' --stats\n"
        "  eml eval 'eml(1, eml(eml(1, x), 1))' --at x=2\n  eml draw 'x*y' -o tree.svg\n\n"
        "Bad input ends with exit status 2 and one line on standard error.",
        formatter_class=FORMATTER,
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {ek.__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in COMMANDS:
        module.register(sub)
    return parser


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

    After Ctrl-C, or once ``eml fit`` has saved and printed its result, every file is already
    closed (the fit checkpoint is written per stage), and tearing down PyTorch, Numba and
    scikit-learn at exit takes up to half a second, so the program flushes its output and leaves
    without it.
    """
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(status)


def _process_start() -> float:
    from ..regress.deadline import process_start

    return process_start()


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
        # when the command began: its time limits count from the process start for the program
        # itself (start-up included), from this call for main([...]) run inside a program
        args.started = _process_start() if argv is None else time.monotonic()
        status = args.run(args)
        if argv is None and getattr(args, "exit_at_once", False):
            _exit_now(status)  # a time-limited command: no teardown past its limit
        return status
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
        print(f"{PROG}: {one_line(describe(exc))}", file=sys.stderr)
        return 2
    except Exception as exc:  # a bug: still one line, but say so
        if os.environ.get("EMLKIT_DEBUG"):
            raise
        name = type(exc).__name__
        print(
            f"{PROG}: internal error: {name}: {one_line(str(exc))} "
            "(set EMLKIT_DEBUG=1 for a traceback)",
            file=sys.stderr,
        )
        return 1
