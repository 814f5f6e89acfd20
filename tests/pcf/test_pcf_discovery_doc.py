"""docs/discovery.md tells the truth: its Python examples run and print what it shows."""

from __future__ import annotations

import doctest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_discovery_doc_examples_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the pictures are written here
    text = (ROOT / "docs" / "discovery.md").read_text(encoding="utf-8")
    test = doctest.DocTestParser().get_doctest(text, {}, "discovery.md", None, 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.failures == 0 and runner.tries > 10
