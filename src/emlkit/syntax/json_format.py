"""The ``json`` format: the DAG as a node list, each shared node stored once.

Schema (version 1)::

    {"format": "emlkit", "version": 1, "nodes": [
      ["one"],
      ["var", "x"],
      ["eml", 0, 1]
    ], "root": 2}

``nodes`` lists every distinct node children first: ``["one"]``, ``["var", NAME]`` or
``["eml", LEFT, RIGHT]`` where LEFT and RIGHT are indices of *earlier* nodes; ``root`` is the
index of the expression's node. The four keys are required and no others are allowed.
Parsing checks all of it and reports the line and column of the offending JSON value; the
JSON reader is iterative, so hostile nesting depth cannot overflow the stack.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from ..errors import ParseError
from ..expr import ONE, Eml, Expr, Var, postorder
from ._lexer import allowed_names, describe_char, make_var

__all__ = ["parse", "to_text", "FORMAT_TAG", "VERSION"]

FORMAT_TAG = "emlkit"
VERSION = 1
_KEYS = ("format", "version", "nodes", "root")
# (container, element positions, [pending object key]) for each open array or object
_Frame = tuple[Any, Any, list[str | None]]

_WS = re.compile(r"[ \t\n\r]*")
# the decoder's scanner (set in JSONDecoder.__init__; typeshed does not declare it)
_scan_scalar: Callable[[str, int], tuple[Any, int]] = (
    json.JSONDecoder().scan_once  # type: ignore[attr-defined]
)


def _skip_ws(text: str, i: int) -> int:
    """The index of the first non-whitespace character at or after ``i``."""
    m = _WS.match(text, i)
    return m.end() if m else i


class _Located:
    """A JSON value read with the input position of every container element."""

    __slots__ = ("value", "where", "keys")

    def __init__(self) -> None:
        self.value: Any = None
        # id(container) -> list of element positions (arrays) or {key: position} (objects)
        self.where: dict[int, Any] = {}
        # id(object) -> {key: position of the key itself}
        self.keys: dict[int, dict[str, int]] = {}


def _load(text: str) -> _Located:
    """Read JSON iteratively, recording positions; raise ParseError on invalid JSON."""
    located = _Located()
    where = located.where
    stack: list[_Frame] = []
    n = len(text)
    i = _skip_ws(text, 0)
    state = "value"
    while True:
        if state == "value":
            start = i
            ch = text[i] if i < n else ""
            if ch in ("[", "{") and ch:
                container: Any = [] if ch == "[" else {}
                positions: Any = [] if ch == "[" else {}
                where[id(container)] = positions
                _attach(stack, located, container, start)
                stack.append((container, positions, [None]))
                i = _skip_ws(text, i + 1)
                closer = "]" if ch == "[" else "}"
                if text.startswith(closer, i):
                    stack.pop()
                    i = _skip_ws(text, i + 1)
                    state = "after"
                else:
                    state = "value" if ch == "[" else "key"
                continue
            value, i = _scalar(text, i)
            _attach(stack, located, value, start)
            i = _skip_ws(text, i)
            state = "after"
        elif state == "key":
            if not text.startswith('"', i):
                raise _json_error("expected a string key in double quotes", text, i)
            key_start = i
            key, i = _scalar(text, i)
            container, positions, pending = stack[-1]
            if key in container:
                raise ParseError(
                    f"duplicate key {_short(key)}: expected each key once", text, key_start
                )
            pending[0] = key
            located.keys.setdefault(id(container), {})[key] = key_start
            i = _skip_ws(text, i)
            if not text.startswith(":", i):
                raise _json_error("expected ':' after the key", text, i)
            i = _skip_ws(text, i + 1)
            state = "value"
        else:  # after a value
            if not stack:
                if i < n:
                    raise _json_error("expected end of input after the JSON document", text, i)
                return located
            container = stack[-1][0]
            is_list = isinstance(container, list)
            if text.startswith(",", i):
                i = _skip_ws(text, i + 1)
                state = "value" if is_list else "key"
            elif text.startswith("]" if is_list else "}", i):
                stack.pop()
                i = _skip_ws(text, i + 1)
            else:
                closer = "']'" if is_list else "'}'"
                raise _json_error(f"expected ',' or {closer}", text, i)


def _attach(stack: list[_Frame], located: _Located, value: Any, start: int) -> None:
    if not stack:
        located.value = value
        return
    container, positions, pending = stack[-1]
    if isinstance(container, list):
        container.append(value)
        positions.append(start)
    else:
        container[pending[0]] = value
        positions[pending[0]] = start


def _scalar(text: str, i: int) -> tuple[Any, int]:
    """One JSON string, number, true, false or null at ``i`` (never a container)."""
    try:
        return _scan_scalar(text, i)
    except StopIteration:
        raise _json_error("expected a JSON value", text, i) from None
    except json.JSONDecodeError as err:
        if err.msg.startswith("Invalid control character") and err.pos < len(text):
            message = f"{describe_char(text[err.pos])} inside a string: expected it escaped as \\u"
        elif err.msg.startswith("Unterminated string"):
            message = 'unterminated string: expected a closing "'
        elif err.msg.startswith("Invalid \\escape"):
            message = 'invalid escape: expected one of \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX'
        else:
            message = f"{err.msg.removesuffix(' at').lower()}: expected a valid JSON value"
        raise ParseError(f"invalid JSON: {message}", text, err.pos) from None
    except ValueError as err:  # e.g. an integer with too many digits
        raise ParseError(f"invalid JSON: {err}", text, i) from None


def _json_error(message: str, text: str, i: int) -> ParseError:
    if i >= len(text):
        found = "end of input"
    else:
        ch = text[i]
        found = describe_char(ch) if not ch.isprintable() else repr(text[i : i + 12])
    return ParseError(f"invalid JSON: {message}, found {found}", text, i)


def _short(value: Any) -> str:
    """repr for an error message, cut short for long values."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def parse(text: str, *, variables: Iterable[str] | None = None) -> Expr:
    """Parse the JSON node-list format (see the module docstring for the schema).

    Parameters
    ----------
    text : str
        The JSON document.
    variables : iterable of str, optional
        The only variable names allowed (default: any identifier that is not reserved).

    Returns
    -------
    Expr

    Raises
    ------
    ParseError
        For invalid JSON or a document that breaks the schema (wrong tag or version, a
        malformed node, a child index that does not point to an earlier node, ...).

    Examples
    --------
    >>> doc = ('{"format": "emlkit", "version": 1, '
    ...        '"nodes": [["one"], ["var", "x"], ["eml", 0, 1]], "root": 2}')
    >>> str(parse(doc))
    'eml(1, x)'
    >>> try:
    ...     parse(doc.replace('"eml", 0, 1', '"eml", 0, 7'))
    ... except ParseError as err:
    ...     print(err.message, err.line, err.column)
    dangling child index 7 in node 2: expected the index of an earlier node (0 to 1) 1 80
    """
    allowed = allowed_names(variables)
    if not text.strip(" \t\r\n"):
        raise ParseError("empty input: expected a JSON document", text, len(text))
    located = _load(text)
    doc, where = located.value, located.where
    if not isinstance(doc, dict):
        raise ParseError(
            f"expected a JSON object with keys {', '.join(_KEYS)}, found {type(doc).__name__}",
            text,
            _skip_ws(text, 0),
        )
    at = where[id(doc)]
    for key in doc:
        if key not in _KEYS:
            raise ParseError(
                f"unknown key {_short(key)}: expected only {', '.join(_KEYS)}",
                text,
                located.keys[id(doc)][key],
            )
    for key in _KEYS:
        if key not in doc:
            raise ParseError(
                f"missing key {key!r}: expected all of {', '.join(_KEYS)}",
                text,
                _skip_ws(text, 0),
            )
    if doc["format"] != FORMAT_TAG:
        raise ParseError(
            f"format tag {_short(doc['format'])}: expected {FORMAT_TAG!r}", text, at["format"]
        )
    if not _is_int(doc["version"]) or doc["version"] != VERSION:
        raise ParseError(
            f"unsupported version {_short(doc['version'])}: expected {VERSION}", text, at["version"]
        )
    nodes = doc["nodes"]
    if not isinstance(nodes, list) or not nodes:
        raise ParseError("expected 'nodes' to be a non-empty list", text, at["nodes"])
    node_at = where[id(nodes)]
    built: list[Expr] = []
    for index, item in enumerate(nodes):
        built.append(_node(item, index, built, text, node_at[index], where, allowed))
    root = doc["root"]
    if not _is_int(root) or not 0 <= root < len(built):
        raise ParseError(
            f"root {_short(root)}: expected a node index from 0 to {len(built) - 1}",
            text,
            at["root"],
        )
    return built[root]


def _node(
    item: Any,
    index: int,
    built: list[Expr],
    text: str,
    position: int,
    where: dict[int, Any],
    allowed: frozenset[str] | None,
) -> Expr:
    shapes = '["one"], ["var", NAME] or ["eml", LEFT, RIGHT]'
    if not isinstance(item, list) or not item or not isinstance(item[0], str):
        raise ParseError(f"malformed node {index}: expected {shapes}", text, position)
    kind = item[0]
    at = where[id(item)]
    if kind == "one" and len(item) == 1:
        return ONE
    if kind == "var" and len(item) == 2:
        if not isinstance(item[1], str):
            raise ParseError(
                f"variable name in node {index} must be a string: expected {shapes}", text, at[1]
            )
        return make_var(item[1], text, at[1] + 1, allowed)
    if kind == "eml" and len(item) == 3:
        children = []
        for slot in (1, 2):
            child = item[slot]
            if not _is_int(child) or not 0 <= child < index:
                earlier = f"0 to {index - 1}" if index else "none: node 0 cannot be eml"
                raise ParseError(
                    f"dangling child index {_short(child)} in node {index}: "
                    f"expected the index of an earlier node ({earlier})",
                    text,
                    at[slot],
                )
            children.append(built[child])
        return Eml(children[0], children[1])
    if kind in ("one", "var", "eml"):
        raise ParseError(f"node {index} has the wrong length: expected {shapes}", text, position)
    raise ParseError(
        f"unknown node kind {_short(kind)} in node {index}: expected {shapes}", text, position
    )


def to_text(expr: Expr) -> str:
    """Print ``expr``'s DAG as JSON, one node per line, shared nodes once.

    Examples
    --------
    >>> from emlkit.expr import eml
    >>> print(to_text(eml(1, "x")))
    {"format": "emlkit", "version": 1, "nodes": [
      ["one"],
      ["var", "x"],
      ["eml", 0, 1]
    ], "root": 2}
    """
    index: dict[Expr, int] = {}
    lines: list[str] = []
    for node in postorder(expr):
        index[node] = len(lines)
        if isinstance(node, Eml):
            lines.append(f'  ["eml", {index[node.left]}, {index[node.right]}]')
        elif isinstance(node, Var):
            lines.append(f'  ["var", {json.dumps(node.name)}]')
        else:
            lines.append('  ["one"]')
    head = f'{{"format": "{FORMAT_TAG}", "version": {VERSION}, "nodes": [\n'
    return head + ",\n".join(lines) + f'\n], "root": {index[expr]}}}'
