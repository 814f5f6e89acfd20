"""The test tree mirrors ``src/emlkit`` and collects without the optional extras.

Mirroring: ``tests/<pkg>/`` holds the tests of the package (or module) ``emlkit.<pkg>``, and
``tests/<pkg>/test_<name>.py`` is either about the module ``<pkg>/<name>.py`` (the name may go
on: ``test_exact_depth.py`` is about ``exact.py``, a leading underscore is dropped:
``test_sharded.py`` is about ``_sharded.py``) or, named ``test_<pkg>_<topic>.py``, about the
package as a whole. A top-level ``tests/test_<name>.py`` is about the module or package
``emlkit.<name>``; ``tests/scripts/`` and ``tests/benchmarks/`` mirror the repository's
``scripts/`` and ``benchmarks/`` the same way. Files not named ``test_*.py`` are helpers and go
anywhere. Exceptions are listed in ``ALLOWED_LAYOUT`` with a reason.

Collection: the whole suite (tests and doctests) is collected in a subprocess in which the
optional extras cannot be imported. A test file that needs one must skip with a reason
(``pytest.importorskip`` before the import), not fail to collect; the doctests of a module
that imports one at module level are skipped by the root ``conftest.py``. Known failures are
listed in ``ALLOWED_COLLECT_ERRORS``.

Both tables only shrink: an entry that no longer applies fails the test; delete its line.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "emlkit"
# Repository folders of Python files that are not in the package, mirrored as tests/<folder>/.
REPO_DIRS = ("scripts", "benchmarks")

_REPO_WIDE = "a check over the whole repository, no single module"

# Test paths (relative to tests/, a folder or a file) outside the rule -> reason.
ALLOWED_LAYOUT: dict[str, str] = {
    "numerics": "the cross-backend differential suite: every backend against mpmath at the "
                "float64 limits, no single module",
    "test_architecture.py": _REPO_WIDE + " (the import rules over all of src/emlkit)",
    "test_docs_links.py": _REPO_WIDE + " (links in README.md and docs/)",
    "test_layout.py": _REPO_WIDE + " (this file: the layout of tests/)",
    "test_packaging.py": _REPO_WIDE + " (the extras of pyproject.toml)",
    "test_readme.py": _REPO_WIDE + " (README.md's examples and CI)",
}

# Optional extras made unimportable for the collection check (import names).
EXTRAS = ("torch", "flint", "numba", "ray", "fastapi", "starlette", "uvicorn", "pandas",
          "sklearn", "matplotlib", "playwright", "httpx", "ramanujantools", "gplearn",
          "pyoperon")

_SKLEARN = "`import emlkit.regress` needs scikit-learn (regress/estimator.py imports it " \
           "at module level)"
# Paths (relative to the repository) that fail to collect without the extras -> reason.
ALLOWED_COLLECT_ERRORS: dict[str, str] = {
    "tests/regress/test_estimator.py": _SKLEARN + " (regress)",
    "tests/regress/test_estimator_defaults.py": _SKLEARN + " (regress)",
    "tests/regress/test_estimator_sklearn.py": "imports sklearn at module level (regress)",
    "tests/regress/test_verify.py": _SKLEARN + " (index)",
    "tests/regress/test_vocabulary.py": _SKLEARN + " (index)",
}


def _modules_of(folder: Path) -> set[str]:
    """Names of the modules and subpackages in ``folder``, leading underscores dropped."""
    out = set()
    for p in folder.iterdir():
        if p.suffix == ".py" and p.name != "__init__.py":
            out.add(p.stem.lstrip("_"))
        elif (p / "__init__.py").exists():
            out.add(p.name.lstrip("_"))
    return out


def _about(name: str, modules: set[str]) -> bool:
    return any(name == m or name.startswith(m + "_") for m in modules)


def layout_problems(tests: Path, src: Path, repo: Path) -> dict[str, str]:
    """Test folders and files (relative to ``tests``) that mirror nothing, with why."""
    found: dict[str, str] = {}
    for folder in sorted(p for p in tests.iterdir() if p.is_dir() and p.name != "__pycache__"):
        if folder.name in REPO_DIRS:
            if not (repo / folder.name).is_dir():
                found[folder.name] = f"no folder {folder.name}/ in the repository"
        elif not ((src / folder.name).is_dir() or (src / f"{folder.name}.py").exists()):
            found[folder.name] = f"no package or module emlkit.{folder.name}"
    for path in sorted(tests.rglob("test_*.py")):
        rel = path.relative_to(tests)
        if rel.parts[0] in found:
            continue
        name = path.stem.removeprefix("test_")
        if len(rel.parts) == 1:
            if not _about(name, _modules_of(src)):
                found[rel.as_posix()] = f"no module or package emlkit.{name.split('_')[0]}"
            continue
        top = rel.parts[0]
        if top in REPO_DIRS:
            if not _about(name, {p.stem for p in (repo / top).glob("*.py")}):
                found[rel.as_posix()] = f"no {top}/{name}.py"
            continue
        if not (src / top).is_dir():  # tests of a one-file module (cli.py): anything goes
            continue
        pkg = src.joinpath(*rel.parts[:-1])
        if not pkg.is_dir():
            found[rel.as_posix()] = f"no package emlkit.{'.'.join(rel.parts[:-1])}"
        elif not (name == pkg.name or name.startswith(pkg.name + "_")
                  or _about(name, _modules_of(pkg))):
            found[rel.as_posix()] = (f"no module {name.split('_')[0]} in emlkit."
                                     f"{'.'.join(rel.parts[:-1])} (package-level tests: "
                                     f"test_{pkg.name}_<topic>.py)")
    return found


def _check(found: dict[str, str], allowed: dict[str, str], what: str) -> None:
    lines = [f"{what}: {k} ({found[k]})" for k in sorted(set(found) - set(allowed))]
    lines += [f"allow-listed {what} no longer occurs, delete its entry: {k}"
              for k in sorted(set(allowed) - set(found))]
    assert not lines, "\n".join(lines)


def test_layout_rule_on_a_small_tree(tmp_path: Path) -> None:
    """Module tests, package-level tests, helpers and repository folders pass; the rest fail."""
    src, tests = tmp_path / "src" / "emlkit", tmp_path / "tests"
    for d in (src / "pcf", tests / "pcf", tests / "extra", tests / "scripts", tmp_path / "scripts"):
        d.mkdir(parents=True)
    for f in ("expr.py", "pcf/__init__.py", "pcf/_box.py", "pcf/limit.py"):
        (src / f).write_text("")
    (tmp_path / "scripts" / "make_table.py").write_text("")
    for f in ("test_expr_pickle.py", "pcf/test_box.py", "pcf/test_limit_rates.py",
              "pcf/test_pcf_docs.py", "pcf/helpers.py", "scripts/test_make_table.py",
              "test_readme.py", "pcf/test_decompiler.py", "extra/test_x.py",
              "scripts/test_other.py"):
        (tests / f).write_text("")
    assert set(layout_problems(tests, src, tmp_path)) == {
        "test_readme.py", "pcf/test_decompiler.py", "extra", "scripts/test_other.py"}


def test_tests_mirror_src() -> None:
    """Every test folder and file corresponds to a module or package (see the module doc)."""
    _check(layout_problems(ROOT / "tests", SRC, ROOT), ALLOWED_LAYOUT, "misplaced test")


_BLOCKER = f'''
"""pytest plugin (-p): the optional extras cannot be imported, as if not installed."""
import sys

BLOCKED = frozenset({EXTRAS!r})


class Blocker:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {{name!r}} (blocked)", name=name)
        return None


for _name in [m for m in sys.modules if m.split(".")[0] in BLOCKED]:
    del sys.modules[_name]
sys.meta_path.insert(0, Blocker())
'''


def test_everything_collects_without_the_optional_extras(tmp_path: Path) -> None:
    """``pytest --collect-only`` of the whole suite, with the extras unimportable, reports no
    collection error (modules that need an extra skip with a reason instead)."""
    (tmp_path / "_emlkit_no_extras.py").write_text(_BLOCKER, encoding="utf-8")
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1",
               PYTHONPATH=os.pathsep.join([str(tmp_path), str(ROOT / "src"),
                                           os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "_emlkit_no_extras",
         "-p", "no:cacheprovider"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800, check=False)
    out = done.stdout + done.stderr
    errors = {line.split()[1]: line for line in out.splitlines() if line.startswith("ERROR ")}
    assert done.returncode in (0, 2), out[-3000:]  # 2: interrupted by collection errors
    assert (done.returncode == 2) == bool(errors), out[-3000:]
    skipped = [line for line in out.splitlines() if line.startswith("SKIPPED")]
    assert any("torch" in line for line in skipped), "torch tests not skipped: not blocked?"
    _check(errors, ALLOWED_COLLECT_ERRORS, "collection error without the extras")
