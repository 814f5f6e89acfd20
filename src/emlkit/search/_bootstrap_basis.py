"""The calculator basis the bootstrap verifier looks for, its labels and the block aliases.

>>> len(BASIS), LABELS["sq"]
(34, 'x^2')
>>> [op.name for op in resolve_blocks(["EML", "minus"], "operation")]
['eml', 'subtract']
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from .grammar import KNOWN_OPS, Op, known_op

__all__ = ["BASIS", "LABELS", "resolve_blocks"]

#: The calculator basis: constants, then 20 unary and 8 binary functions (grammar names).
BASIS: tuple[str, ...] = (
    "-1", "1", "2", "e", "pi", "i",
    "exp", "ln", "neg", "inv", "sq", "sqrt", "half", "sigmoid",
    "sin", "cos", "tan", "sinh", "cosh", "tanh", "asin", "acos", "atan", "asinh", "acosh",
    "atanh",
    "plus", "subtract", "times", "divide", "power", "log", "avg", "hypot",
)
#: Readable names of the basis primitives.
LABELS: dict[str, str] = {
    "-1": "-1", "1": "1", "2": "2", "e": "e", "pi": "pi", "i": "i", "0": "0",
    "exp": "exp x", "ln": "ln x", "neg": "-x", "inv": "1/x", "sq": "x^2", "sqrt": "sqrt x",
    "half": "x/2", "sigmoid": "sigmoid x", "sin": "sin x", "cos": "cos x", "tan": "tan x",
    "sinh": "sinh x", "cosh": "cosh x", "tanh": "tanh x", "asin": "arcsin x",
    "acos": "arccos x", "atan": "arctan x", "asinh": "arsinh x", "acosh": "arcosh x",
    "atanh": "artanh x", "plus": "x + y", "subtract": "x - y", "times": "x * y",
    "divide": "x / y", "power": "x ^ y", "log": "log_x y", "avg": "(x + y)/2",
    "hypot": "hypot(x, y)", "eml": "eml(x, y)",
}
_ALIASES = {
    "constant": {"E": "e", "π": "pi", "I": "i", "minus_one": "-1", "one": "1", "two": "2"},
    "function": {"minus": "neg", "negate": "neg", "inverse": "inv", "reciprocal": "inv",
                 "square": "sq", "logistic": "sigmoid", "log": "ln", "arcsin": "asin",
                 "arccos": "acos", "arctan": "atan", "arsinh": "asinh", "arcsinh": "asinh",
                 "arcosh": "acosh", "arccosh": "acosh", "artanh": "atanh",
                 "arctanh": "atanh"},
    "operation": {"EML": "eml", "add": "plus", "sub": "subtract", "minus": "subtract",
                  "mul": "times", "multiply": "times", "div": "divide", "pow": "power",
                  "log_b": "log", "logb": "log", "mean": "avg"},
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
