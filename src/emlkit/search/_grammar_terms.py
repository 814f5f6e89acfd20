"""Terms of a grammar search: nested tuples ``(name, *children)``; size, text, mpmath value.

>>> term_size(("plus", ("x",), ("exp", ("1",))))
4
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .grammar import Grammar

__all__ = ["evaluate_term_mp", "format_term", "term_postorder", "term_size"]


def _atomic(text: str) -> bool:
    if re.fullmatch(r"[A-Za-z_]\w*|\d+(?:\.\d+)?", text):
        return True
    m = re.match(r"[A-Za-z_]\w*\(", text)
    if not m or not text.endswith(")"):
        return False
    depth = 0
    for i, ch in enumerate(text[m.end() - 1:], start=m.end() - 1):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0:
            return i == len(text) - 1
    return False



def term_postorder(term: tuple) -> Iterator[tuple]:
    """Every distinct subterm (by identity) after its children: the one walk over a term.

    >>> [t[0] for t in term_postorder(("plus", ("x",), ("exp", ("1",))))]
    ['x', '1', 'exp', 'plus']
    """
    seen: set[int] = set()
    stack: list[tuple[tuple, bool]] = [(term, False)]
    while stack:
        t, ready = stack.pop()
        if id(t) in seen:
            continue
        if not ready and len(t) > 1:
            stack.append((t, True))
            stack.extend((c, False) for c in reversed(t[1:]))
            continue
        seen.add(id(t))
        yield t


def format_term(term: tuple, table: Mapping[str, Any]) -> str:
    """Calculator notation of a term whose every name is in ``table`` (name -> :class:`Op`).

    Iterative, with minimal parentheses: an argument is wrapped unless it is atomic or the
    template already parenthesises it.

    >>> from emlkit.search.grammar import Op, known_op
    >>> table = {"times": known_op("times"), "plus": known_op("plus"), "x": Op("x", 0, None, "x")}
    >>> format_term(("times", ("plus", ("x",), ("x",)), ("x",)), table)
    '(x + x)*x'
    """
    done: dict[int, str] = {}
    for t in term_postorder(term):
        args = [done[id(c)] for c in t[1:]]
        text = table[t[0]].template
        for k, a in enumerate(args):
            wrapped = a if _atomic(a) or f"({{{k}}})" in text else f"({a})"
            text = text.replace(f"{{{k}}}", wrapped)
        done[id(t)] = text
    return done[id(term)]


def term_size(term: tuple) -> int:
    """Tokens (K) of a term: every leaf and operation counts 1.

    >>> from emlkit.search.grammar import Grammar
    >>> term_size(("plus", ("x",), ("exp", ("1",))))
    4
    """
    n, stack = 0, [term]
    while stack:
        t = stack.pop()
        n += 1
        stack.extend(t[1:])
    return n


def evaluate_term_mp(term: tuple, grammar: Grammar, env: Mapping[str, Any]) -> Any:
    """Value of a term in mpmath at the current precision (``None`` where undefined).

    >>> from emlkit.search.grammar import Grammar
    >>> import mpmath
    >>> g = Grammar.from_names(["1", "eml"], ["x"])
    >>> ln2 = evaluate_term_mp(("eml", ("1",), ("eml", ("eml", ("1",), ("x",)), ("1",))), g,
    ...                        {"x": mpmath.mpf(2)})
    >>> mpmath.nstr(ln2.real, 15)
    '0.693147180559945'
    """
    import mpmath as mp

    from .arithmetic_mp import mp_snap_own, mp_tolerance

    table = {op.name: op for op in grammar.all_ops}
    done: dict[int, Any] = {}
    tol = mp_tolerance()
    for t in term_postorder(term):
        name = t[0]
        if name in grammar.variables:
            done[id(t)] = mp.mpc(env[name])
            continue
        op = table[name]
        args = [done[id(c)] for c in t[1:]]
        if any(a is None for a in args) or op.mp is None:
            done[id(t)] = None
            continue
        try:
            v = op.mp() if op.arity == 0 else op.mp(*args)
            v = None if v is None else mp.mpc(v)
        except (ZeroDivisionError, ValueError, OverflowError):
            v = None
        done[id(t)] = mp_snap_own(v, tol)
    return done[id(term)]


