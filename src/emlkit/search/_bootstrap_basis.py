"""The calculator basis the bootstrap verifier looks for, its labels and the block aliases.

>>> len(BASIS), LABELS["sq"]
(34, 'x^2')
>>> [op.name for op in resolve_blocks(["EML", "minus"], "operation")]
['eml', 'subtract']
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from ..compiler import registry
from .grammar import KNOWN_OPS, Op, known_op

__all__ = ["BASIS", "LABELS", "resolve_blocks"]

_CONSTANTS: tuple[str, ...] = ("-1", "1", "2", "e", "pi", "i")
_UNARY = registry.functions(arity=1, grammar=True)
_BINARY = tuple(f for f in registry.functions(arity=2, grammar=True) if f.name != "eml")
#: The calculator basis: constants, then 20 unary and 8 binary functions (grammar names, in the
#: order of the function registry, :mod:`emlkit.compiler.registry`).
BASIS: tuple[str, ...] = _CONSTANTS + tuple(
    f.grammar for f in _UNARY + _BINARY if f.grammar is not None)
#: Readable names of the basis primitives.
LABELS: dict[str, str] = {
    **{c: c for c in _CONSTANTS + ("0",)},
    **{f.grammar: f.label for f in registry.functions(grammar=True) if f.grammar is not None},
}
_ALIASES: dict[str, dict[str, str]] = {
    "constant": {"E": "e", "π": "pi", "I": "i", "minus_one": "-1", "one": "1", "two": "2"},
    "function": {a: f.grammar for f in _UNARY if f.grammar is not None
                 for a in f.grammar_aliases},
    "operation": {a: f.grammar for f in registry.functions(arity=2, grammar=True)
                  if f.grammar is not None for a in f.grammar_aliases},
}
_ARITY = {"constant": 0, "function": 1, "operation": 2}


def resolve_blocks(names: Iterable[str | Op], kind: str) -> list[Op]:
    """Building blocks by name for one ``kind`` (``"constant"``, ``"function"``, ``"operation"``).

    Accepts the grammar names (:data:`emlkit.search.grammar.KNOWN_OPS`), the aliases above
    (``EML``, ``minus``, ``square``, ...) and ready :class:`Op` objects.

    >>> [op.name for op in resolve_blocks(["EML", "minus"], "operation")]
    ['eml', 'subtract']
    >>> resolve_blocks(["plus"], "function")
    Traceback (most recent call last):
    ...
    ValueError: 'plus' is a binary operation, not a function: give it with the operations
    """
    want = _ARITY[kind]
    out = []
    for item in names:
        if isinstance(item, Op):
            if item.arity != want:
                raise ValueError(f"block {item.name!r} has arity {item.arity}; a {kind} "
                                 f"needs {want}")
            out.append(item)
            continue
        raw = str(item).strip()
        name = _ALIASES[kind].get(raw, raw)
        if name not in KNOWN_OPS:
            if name.lower() in KNOWN_OPS:
                name = name.lower()
            else:
                pool = [n for n in KNOWN_OPS if known_op(n).arity == want]
                pool += list(_ALIASES[kind])
                close = difflib.get_close_matches(raw, pool, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise ValueError(f"unknown {kind} {raw!r}{hint}; known: " + ", ".join(
                    n for n in KNOWN_OPS if known_op(n).arity == want))
        op = known_op(name)
        if op.arity != want:
            what = {0: "a constant", 1: "a function", 2: "a binary operation"}[op.arity]
            where = {0: "constants", 1: "functions", 2: "operations"}[op.arity]
            raise ValueError(f"{raw!r} is {what}, not {'an' if kind == 'operation' else 'a'} "
                             f"{kind}: give it with the {where}")
        out.append(op)
    return out
