"""The ``rpn`` format: reverse Polish, one token per leaf or node (``ln x`` = ``1 1 x E 1 E E``).

Tokens are ``1``, a variable name and ``E`` (eml of the two expressions below it on the
stack), separated by spaces, tabs or newlines. The token count is the paper's ``K``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..errors import ParseError
from ..expr import ONE, Eml, Expr, rpn_string
from ._lexer import NAME_RE, allowed_names, describe_char, make_var, number_error

__all__ = ["parse", "to_text"]

_WORD = re.compile(r"[^ \t\r\n]+")
_BAD_CHAR = re.compile(r"[^A-Za-z0-9_]")
_EXPECTED = "1, a variable name or E"


def parse(text: str, *, variables: Iterable[str] | None = None) -> Expr:
    """Parse reverse Polish text.

    Parameters
    ----------
    text : str
        Tokens ``1``, variable names and ``E`` separated by whitespace.
    variables : iterable of str, optional
        The only variable names allowed (default: any identifier that is not reserved).

    Returns
    -------
    Expr

    Raises
    ------
    ParseError
        For a bad token, an ``E`` with fewer than two operands below it, or text that leaves
        more than one expression on the stack.

    Examples
    --------
    >>> str(parse("1 1 x E 1 E E"))
    'eml(1, eml(eml(1, x), 1))'
    >>> from emlkit.errors import ParseError
    >>> try:
    ...     parse("1 E")
    ... except ParseError as err:
    ...     print(err.message)
    E needs two operands, found 1: expected 1, a variable name or E before it
    """
    allowed = allowed_names(variables)
    stack: list[Expr] = []
    variables_seen: dict[str, Expr] = {}
    for match in _WORD.finditer(text):
        word = match.group()
        if word == "E":
            if len(stack) < 2:
                raise ParseError(
                    f"E needs two operands, found {len(stack)}: expected {_EXPECTED} before it",
                    text,
                    match.start(),
                )
            right = stack.pop()
            stack[-1] = Eml(stack[-1], right)
        elif word == "1":
            stack.append(ONE)
        else:
            node = variables_seen.get(word)
            if node is None:
                node = variables_seen[word] = _leaf(word, text, match.start(), allowed)
            stack.append(node)
    if len(stack) == 1:
        return stack[0]
    if not stack:
        raise ParseError(f"empty input: expected RPN tokens ({_EXPECTED})", text, len(text))
    raise ParseError(
        f"{len(stack)} expressions left on the stack: expected {len(stack) - 1} more E",
        text,
        len(text),
    )


def _leaf(word: str, text: str, position: int, allowed: frozenset[str] | None) -> Expr:
    bad = _BAD_CHAR.search(word)
    if bad:
        where = position + bad.start()
        raise ParseError(
            f"unexpected {describe_char(bad.group())}: expected {_EXPECTED}", text, where
        )
    if not NAME_RE.match(word):
        raise number_error(("NUMBER", word, position), text)
    return make_var(word, text, position, allowed)


def to_text(expr: Expr) -> str:
    """Print ``expr`` in reverse Polish: ``1``, variable names and ``E``, space separated.

    Examples
    --------
    >>> from emlkit.expr import eml
    >>> to_text(eml(1, eml(eml(1, "x"), 1)))
    '1 1 x E 1 E E'
    """
    return rpn_string(expr)
