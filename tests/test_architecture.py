"""The layering of emlkit, checked by parsing every module's source with ``ast`` (nothing runs).

The rules are the ones written in ``docs/architecture.md``: packages sit in numbered layers and
import only from lower layers (or from a same-layer package named in ``SAME_LAYER``); there are
no import cycles at module level; each heavy library is imported only where its rule says; the
library (layers 1-6) never prints. Known exceptions live in the ``ALLOWED_*`` tables, each with
a reason. An exception that no longer occurs fails the test too, so the tables only shrink: when
you remove a violation, delete its line.

Set ``EMLKIT_ARCH_SRC`` to another ``src/emlkit`` folder to check that tree instead.
"""

from __future__ import annotations

import ast
import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(os.environ.get("EMLKIT_ARCH_SRC",
                         Path(__file__).resolve().parents[1] / "src" / "emlkit"))

# Layer of every top-level package or module of emlkit ("emlkit" is the package's __init__).
LAYERS: dict[str, int] = {
    "errors": 1, "expr": 1, "progress": 1, "paths": 1, "tolerances": 1,  # know nothing else
    "semantics": 2, "nan_policy": 2, "syntax": 2,
    "backends": 3,
    "compiler": 4, "decompiler": 4,
    "search": 5, "catalog": 5, "identify": 5, "pcf": 5, "runtime": 5,
    "regress": 6,
    "viz": 7, "cli": 7, "commands": 7, "web": 7, "__main__": 7, "emlkit": 7,  # commands: alias
}
LIBRARY_LAYERS = range(1, 7)
LAYER_NAMES = {1: "core", 2: "meaning and text", 3: "backends", 4: "compilers",
               5: "search and constants", 6: "regression", 7: "interfaces"}

# Same-layer package imports that are part of the design (importer -> imported).
SAME_LAYER: frozenset[tuple[str, str]] = frozenset({
    ("expr", "errors"), ("progress", "errors"), ("paths", "errors"),  # errors is the floor
    ("__main__", "cli"),  # python -m emlkit runs the CLI
    ("semantics", "nan_policy"),  # the contract re-exports its NaN reporting
    ("decompiler", "compiler"),  # reads the shortest-forms table and constant values
    ("search", "catalog"),  # bootstrap results stored as catalog records
    ("search", "runtime"),  # enumeration levels split into pair blocks on an executor
    ("identify", "search"),  # the pure-EML candidate comes from search.recognize
    ("pcf", "identify"), ("pcf", "search"), ("pcf", "catalog"), ("pcf", "runtime"),
    ("cli", "emlkit"), ("viz", "emlkit"), ("web", "emlkit"),  # the public API only
    ("cli", "viz"), ("cli", "web"), ("web", "viz"),  # draw / serve on request
    ("commands", "cli"),  # the deprecated emlkit.commands.pcf_search re-exports cli.pcf_search
    ("emlkit", "viz"),  # the facade re-exports drawing functions lazily
})

# Known layering violations (importer module, imported module) -> reason.
ALLOWED_LAYER: dict[tuple[str, str], str] = {
}

# Known module-level import cycles, as the sorted tuple of modules in the cycle -> reason.
ALLOWED_CYCLES: dict[tuple[str, ...], str] = {}

# Known cycles closed by a lazy (function-level) import, sorted modules -> reason.
ALLOWED_LAZY_CYCLES: dict[tuple[str, ...], str] = {
    ("emlkit.pcf._poly_text", "emlkit.pcf.polynomial"):
        "the text parser builds Poly values; Poly parses text lazily",
    ("emlkit.pcf._dynamics_record", "emlkit.pcf.dynamics", "emlkit.pcf.limit", "emlkit.pcf.pcf"):
        "PCF.dynamics() delegates to dynamics, which uses PCF and limits",
}

# Heavy libraries: where they may be imported (module prefixes) and whether a module-level
# import is allowed there (the module itself is then reached only lazily, see the closure test).
HEAVY: dict[str, tuple[tuple[str, ...], bool]] = {
    "torch": (("emlkit.backends.torch", "emlkit.backends.torch_train"), True),
    "flint": (("emlkit.backends.arb",), True),
    "numba": (("emlkit.pcf._box_kernel",), True),
    "ray": (("emlkit.runtime",), False),
    "fastapi": (("emlkit.web",), True),
    "starlette": (("emlkit.web",), True),
    "uvicorn": (("emlkit.web", "emlkit.cli.serve"), False),
    "matplotlib": (("emlkit.viz",), False),
    "sklearn": (("emlkit.regress", "emlkit.pcf.cluster"), True),
}
# flint is also used for exact integers and lattice reduction, always lazily, in these packages.
HEAVY_LAZY_EXTRA: dict[str, tuple[str, ...]] = {"flint": ("emlkit.pcf", "emlkit.identify")}

# Known heavy-library imports outside their rule (module, library) -> reason.
ALLOWED_HEAVY: dict[tuple[str, str], str] = {
}

# Known prints in library code (module) -> reason.
ALLOWED_PRINT: dict[str, str] = {}
# The one library module allowed to write to sys.stderr (progress lines), none to sys.stdout.
STDERR_WRITERS = frozenset({"emlkit.progress"})


@dataclass(frozen=True)
class Import:
    """One import statement's target as seen in the source."""

    src: str  # importing module, e.g. "emlkit.pcf.limit"
    dst: str  # imported internal module ("emlkit.pcf.exact") or external top name ("flint")
    line: int
    lazy: bool  # inside a function body
    type_only: bool  # under ``if TYPE_CHECKING:``

    @property
    def internal(self) -> bool:
        return self.dst == "emlkit" or self.dst.startswith("emlkit.")


def _module_name(path: Path, src: Path) -> str:
    parts = list(path.relative_to(src.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules(src: Path = SRC) -> dict[str, ast.Module]:
    return {_module_name(p, src): ast.parse(p.read_text(encoding="utf-8"), str(p))
            for p in sorted(src.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _resolve(name: str, known: set[str]) -> str:
    """The longest known internal module that ``name`` starts with, or its top-level name."""
    if not (name == "emlkit" or name.startswith("emlkit.")):
        return name.split(".")[0]
    parts = name.split(".")
    while ".".join(parts) not in known:
        parts.pop()
    return ".".join(parts)


def _from_module(node: ast.ImportFrom, mod: str, is_pkg: bool) -> str:
    """The absolute module named by ``from ... import`` in ``mod`` (relative ones resolved)."""
    if not node.level:
        return node.module or ""
    base = mod.split(".") if is_pkg else mod.split(".")[:-1]
    base = base[: len(base) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def _imports(modules: dict[str, ast.Module], src: Path = SRC) -> list[Import]:
    known = set(modules)
    found: list[Import] = []
    for mod, tree in modules.items():
        is_pkg = (src.parent / mod.replace(".", "/") / "__init__.py").exists()
        stack: list[tuple[ast.AST, bool, bool]] = [(tree, False, False)]
        while stack:  # iterative walk carrying (inside a function, under TYPE_CHECKING)
            node, lazy, typed = stack.pop()
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                stem = _from_module(node, mod, is_pkg)
                targets = [f"{stem}.{a.name}" if f"{stem}.{a.name}" in known else stem
                           for a in node.names]
            for t in dict.fromkeys(targets):
                found.append(Import(mod, _resolve(t, known), node.lineno, lazy, typed))
            for child in ast.iter_child_nodes(node):
                stack.append((
                    child,
                    lazy or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)),
                    typed or (isinstance(node, ast.If) and _is_type_checking(node)
                              and child in node.body),
                ))
    return found


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "emlkit"


@pytest.fixture(scope="module")
def modules() -> dict[str, ast.Module]:
    return _modules()


@pytest.fixture(scope="module")
def imports(modules: dict[str, ast.Module]) -> list[Import]:
    return _imports(modules)


def _check_exceptions(found: dict, allowed: dict, what: str) -> None:
    new = sorted(set(found) - set(allowed))
    gone = sorted(set(allowed) - set(found))
    lines = [f"new {what}: {k} ({found[k]})" for k in new]
    lines += [f"allow-listed {what} no longer occurs, delete its entry: {k}" for k in gone]
    assert not lines, "\n".join(lines)


def test_resolver_sees_known_edges(imports: list[Import]) -> None:
    """The parser finds imports we know exist (guards against a walker that finds nothing)."""
    pairs = {(i.src, i.dst, i.lazy) for i in imports}
    assert ("emlkit.expr", "emlkit.errors", False) in pairs
    assert ("emlkit.backends.torch", "torch", False) in pairs
    assert ("emlkit.cli.search", "emlkit.search.run", True) in pairs


def test_parser_on_a_small_tree(tmp_path: Path) -> None:
    """Relative, absolute, lazy and TYPE_CHECKING imports are resolved and flagged."""
    pkg = tmp_path / "emlkit"
    (pkg / "pcf").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "expr.py").write_text("from .pcf import limit\n")  # layer 1 -> layer 5
    (pkg / "pcf" / "__init__.py").write_text("from . import limit\n")
    (pkg / "pcf" / "limit.py").write_text(
        "from typing import TYPE_CHECKING\nfrom ..expr import x\nif TYPE_CHECKING:\n"
        "    from emlkit.pcf import nothing\ndef f():\n    import flint.types\n")
    got = {(i.src, i.dst, i.lazy, i.type_only) for i in _imports(_modules(pkg), pkg)}
    assert ("emlkit.expr", "emlkit.pcf.limit", False, False) in got
    assert ("emlkit.pcf", "emlkit.pcf.limit", False, False) in got
    assert ("emlkit.pcf.limit", "emlkit.expr", False, False) in got
    assert ("emlkit.pcf.limit", "emlkit.pcf", False, True) in got
    assert ("emlkit.pcf.limit", "flint", True, False) in got
    eager = _eager_graph(_imports(_modules(pkg), pkg), lambda m: m)
    assert _cycles(eager) == [("emlkit.expr", "emlkit.pcf.limit")]


def test_every_package_has_a_layer(modules: dict[str, ast.Module]) -> None:
    """A new top-level package or module must be placed in a layer (here and in the docs)."""
    missing = sorted({_package(m) for m in modules} - set(LAYERS))
    assert not missing, f"give these a layer in LAYERS and docs/architecture.md: {missing}"


def test_no_import_goes_up_a_layer(imports: list[Import]) -> None:
    """Every import (module-level or lazy) goes to a lower layer or an allowed same-layer one."""
    found: dict[tuple[str, str], str] = {}
    for imp in imports:
        if not imp.internal or imp.type_only:
            continue
        a, b = _package(imp.src), _package(imp.dst)
        if a == b or a not in LAYERS or b not in LAYERS:
            continue
        la, lb = LAYERS[a], LAYERS[b]
        if lb > la or (lb == la and (a, b) not in SAME_LAYER):
            found[(imp.src, imp.dst)] = (
                f"line {imp.line}{' (lazy)' if imp.lazy else ''}: layer {la} {a} -> layer {lb} {b}")
    _check_exceptions(found, ALLOWED_LAYER, "layer violation")


def _cycles(graph: dict[str, set[str]]) -> list[tuple[str, ...]]:
    """Strongly connected components with more than one node (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on: set[str] = set()
    stack: list[str] = []
    out: list[tuple[str, ...]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on.add(root)
        while work:
            node, it = work[-1]
            nxt = next(it, None)
            if nxt is not None:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on.add(nxt)
                    work.append((nxt, iter(sorted(graph.get(nxt, ())))))
                elif nxt in on:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == node:
                        break
                if len(comp) > 1:
                    out.append(tuple(sorted(comp)))
    return out


def test_cycle_finder_on_a_known_graph() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert _cycles(graph) == [("a", "b", "c")]


def _eager_graph(imports: list[Import], key) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for imp in imports:
        if imp.internal and not imp.lazy and not imp.type_only:
            a, b = key(imp.src), key(imp.dst)
            if a != b:
                graph[a].add(b)
                graph.setdefault(b, set())
    return graph


def test_no_package_cycles_at_module_level(imports: list[Import]) -> None:
    """Importing any package never needs a package that needs it back."""
    assert _cycles(_eager_graph(imports, _package)) == []


def test_no_module_cycles_at_module_level(imports: list[Import]) -> None:
    """No two modules import each other at module level (lazy imports may close a loop)."""
    found = {c: "module-level cycle" for c in _cycles(_eager_graph(imports, lambda m: m))}
    _check_exceptions(found, ALLOWED_CYCLES, "import cycle")


def test_lazy_cycles_are_known(imports: list[Import]) -> None:
    """Cycles closed by lazy imports (between modules, or between packages) are listed."""
    def graph(key) -> dict[str, set[str]]:
        g: dict[str, set[str]] = defaultdict(set)
        for imp in imports:
            if imp.internal and not imp.type_only and key(imp.src) != key(imp.dst):
                g[key(imp.src)].add(key(imp.dst))
                g.setdefault(key(imp.dst), set())
        return g
    cycles = _cycles(graph(lambda m: m)) + [
        tuple(f"emlkit.{p}" for p in c) for c in _cycles(graph(_package))]
    _check_exceptions({c: "cycle through a lazy import" for c in cycles}, ALLOWED_LAZY_CYCLES,
                      "lazy import cycle")


def test_heavy_libraries_stay_in_their_modules(imports: list[Import]) -> None:
    """torch, flint, numba, ray, web frameworks, matplotlib, scikit-learn: only where allowed."""
    found: dict[tuple[str, str], str] = {}
    for imp in imports:
        if imp.dst not in HEAVY or imp.type_only:
            continue
        homes, eager_ok = HEAVY[imp.dst]
        extra = HEAVY_LAZY_EXTRA.get(imp.dst, ())
        at_home = any(imp.src == h or imp.src.startswith(h + ".") for h in homes)
        in_extra = any(imp.src == h or imp.src.startswith(h + ".") for h in extra)
        if at_home and (eager_ok or imp.lazy) or in_extra and imp.lazy:
            continue
        found[(imp.src, imp.dst)] = f"line {imp.line}{' (lazy)' if imp.lazy else ''}"
    _check_exceptions(found, ALLOWED_HEAVY, "heavy-library import")


@pytest.mark.parametrize("start", ["emlkit", "emlkit.cli"])
def test_startup_imports_no_heavy_library(imports: list[Import], start: str) -> None:
    """``import emlkit`` and the ``eml`` startup reach no heavy (or numeric) library eagerly."""
    eager: dict[str, set[str]] = defaultdict(set)
    for imp in imports:
        if not imp.lazy and not imp.type_only:
            eager[imp.src].add(imp.dst)
    seen, todo = {start}, [start]
    while todo:
        mod = todo.pop()
        parts = mod.split(".")
        # importing a.b.c runs a/__init__ and a.b/__init__ first
        for k in range(1, len(parts)):
            parent = ".".join(parts[:k])
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
        for dst in eager.get(mod, ()):
            if dst not in seen:
                seen.add(dst)
                todo.append(dst)
    assert "emlkit.errors" in seen
    # not even NumPy, SymPy or mpmath: `import emlkit` and `import emlkit.cli` stay fast
    assert sorted(seen & (set(HEAVY) | {"numpy", "sympy", "mpmath", "scipy"})) == []


def test_library_never_prints(modules: dict[str, ast.Module]) -> None:
    """Layers 1-6 return values; only the interfaces (layer 7) print or write to stdout."""
    found: dict[str, str] = {}
    for mod, tree in modules.items():
        if LAYERS.get(_package(mod)) not in LIBRARY_LAYERS:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                    and node.func.id == "print":
                found.setdefault(mod, f"print( at line {node.lineno}")
            if isinstance(node, ast.Attribute) and node.attr in ("stdout", "stderr") \
                    and isinstance(node.value, ast.Name) and node.value.id == "sys" \
                    and not (node.attr == "stderr" and mod in STDERR_WRITERS):
                found.setdefault(mod, f"sys.{node.attr} at line {node.lineno}")
    _check_exceptions(found, ALLOWED_PRINT, "print in library code")


# Private names used across modules (importer module, "defining.module.name") -> reason, and
# private modules (``pkg._mod``) imported from outside their package (importer, module) ->
# reason. An underscore name belongs to its module, an underscore module to its package; to
# share one, make it public (drop the underscore) in the module that owns the idea.
ALLOWED_PRIVATE: dict[tuple[str, str], str] = {
}


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _private_uses(modules: dict[str, ast.Module], src: Path = SRC) -> dict[tuple[str, str], str]:
    """(importer, what) for every private name taken from another module and every private
    module imported from outside its package, with the line; relative imports resolved, module
    aliases followed (``from . import m`` then ``m._x``)."""
    known = set(modules)
    found: dict[tuple[str, str], str] = {}
    for mod, tree in modules.items():
        is_pkg = (src.parent / mod.replace(".", "/") / "__init__.py").exists()
        aliases: dict[str, str] = {}  # local name -> emlkit module it is bound to
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.name.split(".")[0] == "emlkit":
                        aliases[a.asname or a.name] = a.name
                        _check_private_module(mod, a.name, node.lineno, found)
                continue
            if not isinstance(node, ast.ImportFrom):
                continue
            stem = _from_module(node, mod, is_pkg)
            if stem.split(".")[0] != "emlkit":
                continue
            for a in node.names:
                full = f"{stem}.{a.name}"
                if full in known:  # a module
                    aliases[a.asname or a.name] = full
                    _check_private_module(mod, full, node.lineno, found)
                else:
                    _check_private_module(mod, stem, node.lineno, found)
                    if _is_private(a.name) and stem != mod:
                        found[(mod, full)] = f"line {node.lineno}"
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                    and node.value.id in aliases and _is_private(node.attr) \
                    and aliases[node.value.id] != mod:
                found.setdefault((mod, f"{aliases[node.value.id]}.{node.attr}"),
                                 f"line {node.lineno}")
    return found


def _check_private_module(mod: str, target: str, line: int, found: dict) -> None:
    parts = target.split(".")
    for k, part in enumerate(parts):
        if _is_private(part):
            home = ".".join(parts[:k])  # the package the private module belongs to
            if not (mod == home or mod.startswith(home + ".")):
                found.setdefault((mod, ".".join(parts[: k + 1])), f"line {line}")
            return


def test_private_finder_on_a_small_tree(tmp_path: Path) -> None:
    """Private names and modules crossing a module or package boundary are all seen."""
    pkg = tmp_path / "emlkit"
    (pkg / "pcf").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "expr.py").write_text("def _hidden(): pass\n_x = 1\n")
    (pkg / "pcf" / "__init__.py").write_text("from ._impl import thing\n")  # inside: fine
    (pkg / "pcf" / "_impl.py").write_text("thing = 1\n")
    (pkg / "pcf" / "limit.py").write_text(
        "from ..expr import _hidden\nfrom emlkit import expr\ny = expr._x + expr.__name__\n")
    (pkg / "viz.py").write_text("from emlkit.pcf._impl import thing\nimport emlkit.pcf._impl\n")
    got = set(_private_uses(_modules(pkg), pkg))
    assert got == {("emlkit.pcf.limit", "emlkit.expr._hidden"),
                   ("emlkit.pcf.limit", "emlkit.expr._x"),
                   ("emlkit.viz", "emlkit.pcf._impl")}


def test_private_names_stay_in_their_module(modules: dict[str, ast.Module]) -> None:
    """No module takes another module's ``_name``, nor another package's ``_module``."""
    _check_exceptions(_private_uses(modules), ALLOWED_PRIVATE, "private name used across modules")
