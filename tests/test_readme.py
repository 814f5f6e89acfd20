"""The README tells the truth: its Python examples run, its CLI examples print what it shows, and
CI runs exactly its two quick-start commands."""

from __future__ import annotations

import doctest
import re
import shlex
from pathlib import Path

import pytest

from emlkit.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def quick_start() -> list[str]:
    m = re.search(r"^#+[^\n]*quick ?start[^\n]*\n(.*?)```[^\n]*\n(.*?)```", README,
                  re.IGNORECASE | re.DOTALL | re.MULTILINE)
    assert m, "README has no fenced block under a Quick start heading"
    lines = (line.strip() for line in m.group(2).splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def test_quick_start_has_two_commands_and_ci_runs_them():
    commands = quick_start()
    assert len(commands) == 2
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    for command in commands:
        assert command in (line.strip() for line in ci), f"{command!r} is not a line of .ci/run"


def test_ci_lints_and_type_checks_before_the_tests():
    """ruff and mypy run after the install and before pytest, with ``set -e`` on, so a finding
    fails CI; the README says so."""
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()]
    install, tests = ci.index(quick_start()[0]), ci.index(quick_start()[1])
    for tool in ("ruff check", "mypy"):
        at = next(i for i, line in enumerate(ci) if line.startswith(f"python -m {tool}"))
        assert install < at < tests, f"{tool} must run between the install and the tests"
        switches = [line for line in ci[:at] if line in ("set -e", "set +e")]
        assert switches and switches[-1] == "set -e", f"a {tool} finding must stop CI"
        assert f"python -m {tool}" in README


def test_python_examples_run():
    parser = doctest.DocTestParser()
    test = parser.get_doctest(README, {}, "README.md", str(ROOT / "README.md"), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.failures == 0 and runner.tries > 0


def console_examples() -> list[tuple[str, list[str]]]:
    out = []
    for block in re.findall(r"```console\n(.*?)```", README, re.DOTALL):
        current = None
        for line in block.splitlines():
            if line.startswith("$ "):
                current = (line[2:], [])
                out.append(current)
            elif current is not None:
                current[1].append(line)
    return out


@pytest.mark.parametrize("command,expected", console_examples())
def test_console_examples_print_what_the_readme_shows(command, expected, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)  # examples name files relative to the repository root
    argv = shlex.split(command)
    assert argv[0] == "eml"
    main(argv[1:])
    captured = capsys.readouterr()
    shown = (captured.out + captured.err).rstrip("\n").splitlines()
    assert _matches(shown, expected), "\n".join(shown)


def _matches(shown: list[str], expected: list[str]) -> bool:
    """Line-by-line match; '…' stands for any text within a line (timings), and a line that
    is only '…' for any number of lines."""
    pattern = "".join(
        "(?:.*\n)*?" if line == "…" else ".*".join(map(re.escape, line.split("…"))) + "\n"
        for line in expected
    )
    return re.fullmatch(pattern, "\n".join(shown) + "\n") is not None
