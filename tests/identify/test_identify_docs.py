"""docs/identify.md tells the truth: its Python examples run and print what it shows."""

from __future__ import annotations

import doctest
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "identify.md"


def test_python_examples_run():
    text = DOC.read_text(encoding="utf-8")
    test = doctest.DocTestParser().get_doctest(text, {}, "identify.md", str(DOC), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.failures == 0 and runner.tries >= 5


def _console_examples() -> list[tuple[str, str]]:
    examples, cmd, out, inside = [], None, [], False
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("```console"):
            inside = True
            continue
        if not inside:
            continue
        if line.startswith(("```", "$ ")):
            if cmd is not None:
                examples.append((cmd, "\n".join(out)))
            cmd, out = (line[2:], []) if line.startswith("$ ") else (None, [])
            inside = not line.startswith("```")
            continue
        out.append(line)
    return examples


def test_console_examples_print_what_the_doc_shows(capsys):
    import shlex

    from emlkit.cli import main

    checked = 0
    for cmd, expected in _console_examples():
        if "--json" in cmd or "|" in cmd:
            continue  # timings in the JSON; `| head` needs a shell
        main(shlex.split(cmd)[1:])
        out, err = capsys.readouterr()
        assert (out + err).rstrip("\n") == expected, cmd
        checked += 1
    assert checked >= 8
