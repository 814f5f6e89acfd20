"""What every ``eml`` command shares: the parser class, the shared options, argument types and
the one-line error text.

A command module adds its subcommand with :func:`add_command` (the formatter, ``allow_abbrev``,
the ``run`` function, and the command's texts from ``commands.toml``) and its output switches
with :func:`add_output`.

>>> positive_int("3"), seconds("2.5"), ray_spec(""), ray_spec("auto")
(3, 2.5, 'ray', 'ray:auto')
>>> positive_int("0")
Traceback (most recent call last):
...
argparse.ArgumentTypeError: 0 must be at least 1
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import tomllib
from collections.abc import Callable
from importlib import resources
from typing import Any, NoReturn

from ..errors import DomainError, EvaluationError, ParseError, UnsupportedError, UsageError

__all__ = [
    "FORMATTER", "PROG", "Parser", "add_command", "add_digits", "add_output", "add_ray",
    "command_texts", "describe", "nonnegative_int", "one_line", "positive_int", "print_json",
    "ray_spec", "seconds", "whole_number",
]

PROG = "eml"
#: Help formatter of every command: descriptions and epilogs keep their line breaks.
FORMATTER = argparse.RawDescriptionHelpFormatter
_MESSAGE_CHARS = 300  # longest message printed (inputs can be megabytes long)


class Parser(argparse.ArgumentParser):
    """An argument parser that raises instead of printing usage and exiting."""

    def error(self, message: str) -> NoReturn:
        if "required: EXPR" in message:
            message += "; an EXPR that starts with '-' goes after '--', as in: -- '-x'"
        raise UsageError(f"{message} (see '{self.prog} --help')")


@functools.cache
def command_texts() -> dict[str, dict[str, str]]:
    """The help, description and epilog of every command, from ``cli/commands.toml``.

    >>> command_texts()["compile"]["help"]
    'compile a formula to pure EML'
    """
    text = resources.files(__package__).joinpath("commands.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def add_command(sub: Any, path: str, run: Callable[[argparse.Namespace], int] | None) -> Parser:
    """Add the command ``path`` (``"search"``, or ``"pcf search"`` for a subcommand) to the
    subparsers ``sub``, with its texts from ``cli/commands.toml``; ``run(args)`` is its exit
    status (``None`` for a command whose own subcommands set it).

    >>> sub = Parser(prog="eml").add_subparsers(dest="command")
    >>> p = add_command(sub, "compile", lambda args: 0)
    >>> p.prog, p.parse_args([]).run(None), p.description[:18]
    ('eml compile', 0, 'Compile a formula ')
    """
    texts = command_texts().get(path)
    if texts is None:
        raise LookupError(f"no texts for 'eml {path}' in emlkit/cli/commands.toml")
    p = sub.add_parser(path.split()[-1], help=texts["help"], description=texts["description"],
                       epilog=texts.get("epilog"), formatter_class=FORMATTER, allow_abbrev=False)
    if run is not None:
        p.set_defaults(run=run)
    return p


def add_output(p: argparse.ArgumentParser, quiet: str | None = None,
               json_help: str = "print one JSON object") -> None:
    """Add ``--json`` and, when ``quiet`` gives its help text, ``--quiet``.

    >>> p = Parser(prog="x")
    >>> add_output(p, quiet="no progress on standard error")
    >>> vars(p.parse_args(["--json"]))
    {'json': True, 'quiet': False}
    """
    p.add_argument("--json", action="store_true", help=json_help)
    if quiet is not None:
        p.add_argument("--quiet", action="store_true", help=quiet)


def add_digits(p: argparse.ArgumentParser, help: str, default: int | None = None) -> None:
    """Add ``--digits N`` (a whole number >= 1).

    >>> p = Parser(prog="x"); add_digits(p, "digits wanted", default=50)
    >>> p.parse_args([]).digits, p.parse_args(["--digits", "7"]).digits
    (50, 7)
    """
    p.add_argument("--digits", type=positive_int, default=default, help=help)


def add_ray(p: argparse.ArgumentParser, what: str) -> None:
    """Add ``--ray [ADDRESS]``: run ``what`` on Ray (``args.ray`` is ``None`` without it; see
    :func:`ray_spec`)."""
    p.add_argument("--ray", nargs="?", const="", metavar="ADDRESS",
                   help=f"run the {what} on Ray (a local instance, or the cluster at ADDRESS: "
                   "auto, HOST:PORT or ray://HOST:10001)")


def ray_spec(address: str) -> str:
    """The executor spec of ``--ray [ADDRESS]`` (see :func:`emlkit.runtime.get_executor`):
    ``'ray'`` for a local instance, else ``'ray:ADDRESS'`` (``ray://`` addresses as they are).

    >>> ray_spec("ray:auto"), ray_spec("10.0.0.1:6379"), ray_spec("ray://head:10001")
    ('ray:auto', 'ray:10.0.0.1:6379', 'ray://head:10001')
    """
    if address == "":
        return "ray"
    return address if address.startswith("ray:") else f"ray:{address}"


def print_json(obj: Any) -> None:
    """Print ``obj`` as one line of JSON (non-ASCII text kept as it is)."""
    print(json.dumps(obj, ensure_ascii=False))


# ---------------------------------------------------------------- argument types


def whole_number(text: str, least: int = 1) -> int:
    """A whole number >= ``least`` (the check behind the argparse types below).

    >>> whole_number("0", least=0)
    0
    """
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if v < least:
        raise argparse.ArgumentTypeError(f"{v} must be at least {least}")
    return v


def positive_int(text: str) -> int:
    """A whole number >= 1 (argparse type).

    >>> positive_int("12")
    12
    """
    return whole_number(text, 1)


def nonnegative_int(text: str) -> int:
    """A whole number >= 0 (argparse type).

    >>> nonnegative_int("0")
    0
    """
    return whole_number(text, 0)


def seconds(text: str) -> float:
    """A positive, finite number of seconds (argparse type).

    >>> seconds("0.5")
    0.5
    """
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not (v > 0 and math.isfinite(v)):
        raise argparse.ArgumentTypeError(f"{text!r} must be a positive number of seconds")
    return v


# ---------------------------------------------------------------- error text


def one_line(message: str) -> str:
    """Printable, single-line, bounded text for standard error.

    >>> one_line("first\\nsecond"), one_line("tab\\there"), len(one_line("x" * 1000))
    ('first', 'tab\\\\there', 300)
    """
    first = str(message).strip().splitlines()[0] if str(message).strip() else "unknown error"
    clean = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in first)
    if len(clean) > _MESSAGE_CHARS:
        clean = clean[: _MESSAGE_CHARS - 1] + "…"
    return clean


def describe(exc: BaseException) -> str:
    """The message of a bad-input error, with its kind in front.

    >>> describe(UsageError("--at x=1 is given twice")), describe(ValueError("bad size"))
    ('usage error: --at x=1 is given twice', 'error: bad size')
    """
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
