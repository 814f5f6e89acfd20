"""The mpmath backend's arithmetic as standalone source text, for generated mpmath code.

Generated mpmath code computes exactly what :func:`emlkit.evaluate` computes with
``backend="mpmath"``: it embeds the backend's own modules, :mod:`emlkit.backends._mpops` (exp,
ln and subtraction on exact mpmath values) and :mod:`emlkit.backends._mppoint` (working
precision from the magnitudes, one-sided limits), with the pieces of :mod:`emlkit.semantics`
they use (and the constants those take from :mod:`emlkit.tolerances`). The text is made from
those modules' source (docstrings, annotations and imports dropped; every top-level name
prefixed with ``_eml_`` so it cannot clash with a generated function, whose name never starts
with ``_``), so there is one statement of the arithmetic.

>>> text = runtime_source()
>>> "class _eml_MpmathOps" in text and "def _eml_point_value" in text
True
"""

from __future__ import annotations

import ast
import functools
import inspect

from ... import semantics, tolerances
from .. import _mpops, _mppoint

__all__ = ["PREFIX", "call_source", "runtime_source"]

PREFIX = "_eml_"
#: what the embedded modules take from emlkit.semantics (ONE: the mpmath ops' leaf test only)
_SEMANTICS = ("GUARD_DIGITS", "MAX_EXP_MAG", "cut_sides", "snap_digits", "direction",
              "residue_digits", "working_dps", "zero_imag_sign")
_DROP = frozenset({"__all__", "Body", "Input"})  # names used in annotations only


def _strip(tree: ast.Module, keep: frozenset[str] | None = None) -> list[ast.stmt]:
    """Top-level statements without imports, docstrings and annotation-only aliases."""
    out: list[ast.stmt] = []
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # the module docstring
        names = _defined(node)
        if keep is not None and not names & keep:
            continue
        if names & _DROP:
            continue
        out.append(node)
    return out


def _defined(node: ast.stmt) -> set[str]:
    if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, ast.Assign):
        return {t.id for t in node.targets if isinstance(t, ast.Name)}
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return {node.target.id}
    return set()


class _Rewrite(ast.NodeTransformer):
    """Prefix the top-level names, drop docstrings and annotations."""

    def __init__(self, names: set[str]) -> None:
        self.names = names

    def _name(self, name: str) -> str:
        return PREFIX + name.lstrip("_") if name in self.names else name

    def visit_Name(self, node: ast.Name) -> ast.Name:
        node.id = self._name(node.id)
        return node

    def visit_arg(self, node: ast.arg) -> ast.arg:
        node.arg = self._name(node.arg)
        node.annotation = None
        return node

    def visit_keyword(self, node: ast.keyword) -> ast.keyword:
        if node.arg is not None:
            node.arg = self._name(node.arg)
        self.generic_visit(node)
        return node

    def _body(self, node: ast.FunctionDef | ast.ClassDef) -> None:
        first = node.body[0] if node.body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
            node.body = node.body[1:] or [ast.Pass()]

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.FunctionDef:
        self._body(node)
        node.name = self._name(node.name)
        node.returns = None
        self.generic_visit(node)
        return node

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.ClassDef:
        self._body(node)
        node.name = self._name(node.name)
        self.generic_visit(node)
        return node

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.stmt:
        self.generic_visit(node)
        if node.value is None:
            return ast.Pass()
        return ast.Assign(targets=[node.target], value=node.value, lineno=node.lineno)


@functools.cache
def runtime_source() -> str:
    """The embedded arithmetic (module notes); ``_eml_point_value`` evaluates a body."""
    body: list[ast.stmt] = [ast.parse("_eml_ONE = None").body[0]]  # no tree nodes here
    # the semantics' constants live in emlkit.tolerances, its functions in emlkit.semantics
    for module_ in (tolerances, semantics):
        body += _strip(ast.parse(inspect.getsource(module_)), frozenset(_SEMANTICS))
    body += _strip(ast.parse(inspect.getsource(_mpops)))
    body += _strip(ast.parse(inspect.getsource(_mppoint)))
    names = set().union(*(_defined(n) for n in body)) | {"ONE"}
    module = ast.Module(body=body, type_ignores=[])
    module = _Rewrite(names).visit(module)
    ast.fix_missing_locations(module)
    return ast.unparse(module) + "\n"


def call_source() -> str:
    """``_eml_call(body, point)``: the value at the caller's ``mp.dps``, warning where those
    digits are not reached; ``_eml_constants(fn, ops)``: ``fn(ops)`` kept per precision."""
    return (
        "def _eml_constants(fn, ops):\n"
        "    cache = fn.__dict__.setdefault('values', {})\n"
        "    if ops.wp not in cache:\n"
        "        if len(cache) > 8:\n"
        "            cache.clear()\n"
        "        cache[ops.wp] = fn(ops)\n"
        "    return cache[ops.wp]\n\n\n"
        "def _eml_call(body, point):\n"
        "    z, ok = _eml_point_value(body, point, mp.dps)\n"
        "    if not ok:\n"
        "        warnings.warn(f'could not reach {mp.dps} digits (the working precision hit "
        "its limit)', RuntimeWarning, stacklevel=3)\n"
        "    return z\n"
    )
