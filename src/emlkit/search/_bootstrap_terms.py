"""Terms of the bootstrap verifier (nested tuples ``(name, *children)``): expansion over the
base, sizes, and conversions (all iterative, sharing subterms).

>>> t = ("plus", ("x",), ("1",))
>>> term_call(expand(t, {"plus": ("subtract", ("x",), ("neg", ("y",)))}))
'subtract(x, neg(1))'
>>> dag_size(t), term_rpn(t)
(3, 'x 1 plus')
"""

from __future__ import annotations

from typing import Any

__all__ = ["as_tuple", "dag_size", "expand", "substitute", "term_call", "term_rpn", "to_eml"]


def substitute(body: tuple, env: dict[str, tuple]) -> tuple:
    """``body`` with its variable leaves replaced from ``env`` (iterative, shares subterms)."""
    memo: dict[int, tuple] = {}
    stack: list[tuple[tuple, bool]] = [(body, False)]
    while stack:
        t, ready = stack.pop()
        if id(t) in memo:
            continue
        if len(t) == 1:
            memo[id(t)] = env.get(t[0], t)
        elif not ready:
            stack.append((t, True))
            stack.extend((c, False) for c in t[1:])
        else:
            memo[id(t)] = (t[0], *(memo[id(c)] for c in t[1:]))
    return memo[id(body)]


def expand(term: tuple, expansions: dict[str, tuple]) -> tuple:
    """Replace every derived block in ``term`` by its expansion over the base."""
    memo: dict[int, tuple] = {}
    stack: list[tuple[tuple, bool]] = [(term, False)]
    while stack:
        t, ready = stack.pop()
        if id(t) in memo:
            continue
        if len(t) > 1 and not ready:
            stack.append((t, True))
            stack.extend((c, False) for c in t[1:])
            continue
        kids = [memo[id(c)] for c in t[1:]]
        body = expansions.get(t[0])
        if body is None:
            memo[id(t)] = (t[0], *kids)
        else:
            memo[id(t)] = substitute(body, dict(zip(("x", "y"), kids)))
    return memo[id(term)]


def dag_size(term: tuple) -> int:
    """Tokens of the fully inlined tree (memoised on shared subterms)."""
    size: dict[int, int] = {}
    stack: list[tuple[tuple, bool]] = [(term, False)]
    while stack:
        t, ready = stack.pop()
        if id(t) in size:
            continue
        if len(t) > 1 and not ready:
            stack.append((t, True))
            stack.extend((c, False) for c in t[1:])
            continue
        size[id(t)] = 1 + sum(size[id(c)] for c in t[1:])
    return size[id(term)]


def to_eml(term: tuple) -> Any:
    """A term over {1, eml, variables} as an interned EML expression."""
    from ..expr import ONE, Eml, Var

    memo: dict[int, Any] = {}
    stack: list[tuple[tuple, bool]] = [(term, False)]
    while stack:
        t, ready = stack.pop()
        if id(t) in memo:
            continue
        if len(t) > 1 and not ready:
            stack.append((t, True))
            stack.extend((c, False) for c in t[1:])
            continue
        if t[0] == "eml":
            memo[id(t)] = Eml(memo[id(t[1])], memo[id(t[2])])
        else:
            memo[id(t)] = ONE if t[0] == "1" else Var(t[0])
    return memo[id(term)]


def as_tuple(obj: Any) -> tuple:
    """A term read back from JSON (nested lists) as nested tuples."""
    out: dict[int, tuple] = {}
    stack = [(obj, False)]
    while stack:
        t, ready = stack.pop()
        if len(t) > 1 and not ready:
            stack.append((t, True))
            stack.extend((c, False) for c in t[1:])
            continue
        out[id(t)] = (t[0], *(out[id(c)] for c in t[1:]))
    return out[id(obj)]


def term_call(term: tuple) -> str:
    """A term in call notation over the block names, e.g. ``eml(1, exp(eml(1, x)))``.

    >>> term_call(("eml", ("1",), ("exp", ("eml", ("1",), ("x",)))))
    'eml(1, exp(eml(1, x)))'
    """
    done: dict[int, str] = {}
    stack: list[tuple[tuple, bool]] = [(term, False)]
    while stack:
        t, ready = stack.pop()
        if len(t) > 1 and not ready:
            stack.append((t, True))
            stack.extend((c, False) for c in t[1:])
            continue
        done[id(t)] = t[0] if len(t) == 1 else f"{t[0]}({', '.join(done[id(c)] for c in t[1:])})"
    return done[id(term)]


def term_rpn(term: tuple) -> str:
    out: list[str] = []
    stack: list[tuple[tuple, bool]] = [(term, False)]
    while stack:
        t, ready = stack.pop()
        if len(t) > 1 and not ready:
            stack.append((t, True))
            stack.extend((c, False) for c in reversed(t[1:]))
            continue
        out.append("E" if t[0] == "eml" else t[0])
    return " ".join(out)
