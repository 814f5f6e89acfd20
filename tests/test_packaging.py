"""The extras (issue 16): [all] holds what users need, the benchmark-only packages are in
[bench], and PyTorch stays pinned."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXTRAS = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]


def _expand(name: str) -> set[str]:
    out: set[str] = set()
    for req in EXTRAS[name]:
        m = re.fullmatch(r"emlkit\[(.*)\]", req)
        if m:
            for sub in m.group(1).split(","):
                out |= _expand(sub.strip())
        else:
            out.add(re.split(r"[<>=!~\[ ]", req, maxsplit=1)[0].lower())
    return out


def test_all_has_no_benchmark_only_packages():
    everything = _expand("all")
    assert not everything & {"gplearn", "pyoperon"}  # pandas is in [web]: the fit panel's columns
    assert {"torch", "python-flint", "matplotlib", "scikit-learn"} <= everything


def test_all_has_the_lint_and_type_checkers_ci_runs():
    assert {"ruff", "mypy"} <= _expand("test") <= _expand("all")


def test_bench_has_the_comparison_tools_and_torch_is_pinned():
    assert {"gplearn", "pyoperon"} <= _expand("bench")
    assert "torch==2.13.0" in EXTRAS["torch"]
