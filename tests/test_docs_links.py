"""The documentation is self-contained (issue 16): every relative link in the README, docs/ and
benchmarks/README.md points at a file of the repository, and nothing refers to files outside it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", ROOT / "benchmarks" / "README.md",
        *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")
OUTSIDE = re.compile(r"\.\./shared|ANCHORS\.md|ARCHITECTURE\.md|STYLE\.md|team workspace")


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_stay_in_the_repository(doc):
    for target in LINK.findall(doc.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+://|#|mailto:", target):
            continue
        path = (doc.parent / target.split("#")[0]).resolve()
        assert ROOT in path.parents, f"{doc.name} links outside the repository: {target}"
        assert path.exists(), f"{doc.name} links to a missing file: {target}"


def test_no_file_mentions_the_team_workspace():
    files = [*DOCS, *ROOT.glob("benchmarks/*.py"), *ROOT.glob("src/emlkit/**/*.py"),
             *ROOT.glob("tests/**/*.py"), *ROOT.glob("examples/**/*"), ROOT / "pyproject.toml"]
    me = Path(__file__).resolve()
    bad = [str(f.relative_to(ROOT)) for f in files
           if f.is_file() and f.resolve() != me
           and OUTSIDE.search(f.read_text(encoding="utf-8", errors="replace"))]
    assert bad == []
