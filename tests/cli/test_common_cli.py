"""What the commands share (``emlkit.cli.common``): the parser that raises, the shared options,
the argument types and the one-line error text."""

from __future__ import annotations

import argparse
import errno

import pytest

from emlkit.cli import build_parser, main
from emlkit.cli.common import (
    Parser,
    add_command,
    add_digits,
    add_output,
    command_texts,
    describe,
    nonnegative_int,
    one_line,
    positive_int,
    ray_spec,
    seconds,
)
from emlkit.errors import DomainError, EvaluationError, ParseError, UnsupportedError, UsageError


def test_parser_raises_a_usage_error_naming_the_help():
    p = Parser(prog="eml demo")
    p.add_argument("expr", metavar="EXPR")
    with pytest.raises(UsageError, match=r"required: EXPR.*goes after '--'.*'eml demo --help'"):
        p.parse_args([])


def test_add_command_sets_run_the_formatter_and_the_texts():
    sub = Parser(prog="eml").add_subparsers(dest="command")
    p = add_command(sub, "search", lambda args: 7)
    add_output(p, quiet="no progress")
    args = p.parse_args(["--json", "--quiet"])
    assert args.run(args) == 7 and args.json and args.quiet
    assert p.description == command_texts()["search"]["description"]
    assert "variables\nby size K" in p.format_help()  # RawDescriptionHelpFormatter keeps breaks
    with pytest.raises(UsageError, match="--jso"):  # no abbreviations
        p.parse_args(["--jso"])
    q = add_command(sub, "catalog", None)
    assert "run" not in vars(q.parse_args([]))
    with pytest.raises(LookupError, match="no texts for 'eml frobnicate'"):
        add_command(sub, "frobnicate", None)


def test_every_text_in_commands_toml_is_a_command_s_help(capsys):
    """No stale table: each one is shown by ``eml PATH --help``."""
    texts = command_texts()
    assert {"compile", "search", "pcf search", "catalog export"} <= set(texts)
    for path, text in texts.items():
        assert main([*path.split(), "--help"]) == 0
        out = capsys.readouterr().out
        assert out.startswith(f"usage: eml {path} ") and text["description"] in out, path
        assert text.get("epilog", "") in out


def test_add_output_without_quiet_and_add_digits():
    p = Parser(prog="x")
    add_output(p)
    add_digits(p, "digits", default=50)
    assert vars(p.parse_args([])) == {"json": False, "digits": 50}
    with pytest.raises(UsageError, match="--quiet"):
        p.parse_args(["--quiet"])
    with pytest.raises(UsageError, match="must be at least 1"):
        p.parse_args(["--digits", "0"])


def test_every_command_with_json_has_it_once():
    """The shared options are added by one helper: --json means the same everywhere."""
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    with_json = [name for name, p in sub.choices.items() if "--json" in p._option_string_actions]
    assert {"compile", "eval", "recognize", "identify", "fit", "pcf", "search", "bootstrap",
            "scan", "esma", "serve"} <= set(with_json)


@pytest.mark.parametrize("conv, text, message", [
    (positive_int, "0", "0 must be at least 1"),
    (positive_int, "1.5", "'1.5' is not a whole number"),
    (nonnegative_int, "-1", "-1 must be at least 0"),
    (seconds, "0", "'0' must be a positive number of seconds"),
    (seconds, "inf", "'inf' must be a positive number of seconds"),
    (seconds, "soon", "'soon' is not a number of seconds"),
])
def test_argument_types_refuse_with_the_value(conv, text, message):
    with pytest.raises(argparse.ArgumentTypeError) as info:
        conv(text)
    assert str(info.value) == message


def test_argument_types_accept():
    assert (positive_int("12"), nonnegative_int("0"), seconds("1e-3")) == (12, 0, 0.001)


@pytest.mark.parametrize("address, spec", [
    ("", "ray"), ("auto", "ray:auto"), ("ray:auto", "ray:auto"),
    ("ray://head:10001", "ray://head:10001"), ("10.0.0.1:6379", "ray:10.0.0.1:6379"),
])
def test_ray_spec(address, spec):
    assert ray_spec(address) == spec


def test_one_line_is_printable_single_and_bounded():
    assert one_line("") == "unknown error"
    assert one_line("  first line\nsecond") == "first line"
    assert one_line("a\x00b\x1b") == "a\\x00b\\x1b"
    long = one_line("y" * 10_000)
    assert len(long) == 300 and long.endswith("…")


def test_describe_names_the_kind_of_error():
    err = ParseError("expected ')'", text="eml(1, x", position=8)
    assert describe(err) == "parse error: expected ')' at line 1, column 9"
    assert describe(UsageError("u")) == "usage error: u"
    assert describe(UnsupportedError("s")) == "unsupported: s"
    assert describe(EvaluationError("e")) == "evaluation error: e"
    assert describe(DomainError("d")) == "error: d"
    assert describe(RecursionError()) == "error: input nested too deeply"
    assert describe(MemoryError()) == "error: out of memory (input too large)"
    missing = FileNotFoundError(errno.ENOENT, "No such file or directory", "/no/such")
    assert describe(missing) == "error: No such file or directory: /no/such"
    assert describe(ValueError("v")) == "error: v"
