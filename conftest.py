"""pytest setup for the doctests of ``src/emlkit`` (``--doctest-modules``; the test suite's own
setup is ``tests/conftest.py``).

A module that imports an optional extra at module level (``backends/torch.py`` imports torch)
cannot be imported, so not doctested, where that extra is not installed: its doctests are
skipped with a reason naming the missing package, instead of failing the collection. Any other
import error still fails, as it should.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import pytest

# Import names of the packages that the optional extras of pyproject.toml install.
OPTIONAL = frozenset({"torch", "flint", "numba", "ray", "fastapi", "starlette", "uvicorn",
                      "pandas", "sklearn", "matplotlib"})
_SRC = Path(__file__).resolve().parent / "src"


def _missing_extras(path: Path) -> list[str]:
    """Optional packages that ``path`` imports at module level and that are not installed."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    names: set[str] = set()
    for node in tree.body:  # module level only: lazy imports do not stop the doctests
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names.add(node.module.split(".")[0])
    return sorted(n for n in names & OPTIONAL if not _installed(n))


def _installed(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ImportError:  # a finder that refuses the name (tests/test_layout.py blocks extras)
        return False


class _NeedsExtra(pytest.File):
    """Stands in for a module whose doctests need a missing optional package."""

    missing: list[str]

    def collect(self):
        pytest.skip(f"doctests of {self.path.name} need {', '.join(self.missing)} "
                    "(an optional extra, not installed)")


@pytest.hookimpl(wrapper=True)
def pytest_collect_file(file_path: Path, parent: pytest.Collector):
    collectors = yield
    if file_path.suffix == ".py" and file_path.is_relative_to(_SRC):
        missing = _missing_extras(file_path)
        if missing:
            stand_in = _NeedsExtra.from_parent(parent, path=file_path)
            stand_in.missing = missing
            return [stand_in]
    return collectors
