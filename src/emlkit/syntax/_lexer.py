"""Shared tokenizer, token cursor and error messages for the text parsers.

A lexer is one master regular expression of named alternatives plus a catch-all ``ERROR``
alternative, so every character of the input belongs to exactly one token and tokenizing is
a single linear ``finditer`` pass. Parsers walk the token list with a :class:`TokenStream`,
whose :meth:`~TokenStream.error` builds a :class:`~emlkit.errors.ParseError` saying what was
expected and what was found, at the offending token's line and column.
"""

from __future__ import annotations

import keyword
import re
import unicodedata
from collections.abc import Iterable, Sequence

from ..errors import DomainError, ParseError
from ..expr import RESERVED_NAMES, Expr, Var

__all__ = [
    "Lexer",
    "TokenStream",
    "Token",
    "allowed_names",
    "make_var",
    "number_error",
    "leaf_text",
    "describe_char",
]

#: A token: (kind, text, position in the input).
Token = tuple[str, str, int]

END = "END"
ERROR = "ERROR"
_SKIP = frozenset({"WS", "COMMENT"})
NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class Lexer:
    """Tokenizer built from ``(kind, regex)`` rules tried in order; ``WS``/``COMMENT`` are dropped.

    Parameters
    ----------
    rules : sequence of (str, str)
        Token kinds and their patterns. Anything no rule matches becomes a one-character
        ``ERROR`` token, reported when a parser reaches it.

    Examples
    --------
    >>> lex = Lexer([("WS", r"\\s+"), ("NAME", r"[a-z]+"), ("COMMA", ",")])
    >>> lex.tokenize("ab, c").tokens
    [('NAME', 'ab', 0), ('COMMA', ',', 2), ('NAME', 'c', 4), ('END', '', 5)]
    """

    def __init__(self, rules: Sequence[tuple[str, str]]) -> None:
        alternatives = [f"(?P<{kind}>{pattern})" for kind, pattern in rules]
        self._pattern = re.compile("|".join([*alternatives, f"(?P<{ERROR}>.)"]), re.DOTALL)

    def tokenize(self, text: str) -> TokenStream:
        """Split ``text`` into tokens (one linear pass), ending with an ``END`` token."""
        tokens: list[Token] = [
            (m.lastgroup, m.group(), m.start())  # type: ignore[misc]
            for m in self._pattern.finditer(text)
            if m.lastgroup not in _SKIP
        ]
        tokens.append((END, "", len(text)))
        return TokenStream(text, tokens)


def describe_char(ch: str) -> str:
    """Name one character for an error message; control and format characters by code point.

    >>> describe_char("\\x00"), describe_char("@")
    ('control character U+0000', "character '@'")
    """
    category = unicodedata.category(ch)
    if category[0] == "C":
        return f"control character U+{ord(ch):04X}"
    if category[0] == "Z":
        return f"unsupported space character U+{ord(ch):04X}"
    return f"character {ch!r}"


def describe(token: Token) -> str:
    """How an error message names a token."""
    kind, text, _ = token
    if kind == END:
        return "end of input"
    if kind == ERROR:
        return describe_char(text)
    if len(text) > 40:
        text = text[:37] + "..."
    return repr(text)


class TokenStream:
    """A cursor over a token list (the last token is ``END``), for hand-written parsers.

    Examples
    --------
    >>> ts = Lexer([("WS", " +"), ("A", "a")]).tokenize("a a")
    >>> ts.expect("A", "'a'")[1]
    'a'
    >>> ts.next()[0], ts.peek()[0]
    ('A', 'END')
    >>> ts.expect("A", "'a'")
    Traceback (most recent call last):
    ...
    emlkit.errors.ParseError: expected 'a', found end of input at line 1, column 4
      a a
         ^
    """

    __slots__ = ("text", "tokens", "index")

    def __init__(self, text: str, tokens: list[Token]) -> None:
        self.text = text
        self.tokens = tokens
        self.index = 0

    def peek(self) -> Token:
        """The current token, not consumed."""
        return self.tokens[self.index]

    def next(self) -> Token:
        """Consume and return the current token (``END`` is never consumed)."""
        token = self.tokens[self.index]
        if token[0] != END:
            self.index += 1
        return token

    def expect(self, kind: str, what: str) -> Token:
        """Consume a token of ``kind`` or raise a ParseError saying ``expected {what}``."""
        token = self.tokens[self.index]
        if token[0] != kind:
            raise self.error(what)
        self.index += 1
        return token

    def expect_end(self) -> None:
        """Raise unless every token has been consumed (trailing text is an error)."""
        if self.tokens[self.index][0] != END:
            raise self.error("end of input after the expression")

    def error(self, expected: str, token: Token | None = None) -> ParseError:
        """A ParseError ``expected {expected}, found {token}`` at ``token`` (default: current)."""
        token = self.tokens[self.index] if token is None else token
        return ParseError(f"expected {expected}, found {describe(token)}", self.text, token[2])

    def fail(self, message: str, token: Token | None = None) -> ParseError:
        """A ParseError with a free-form message at ``token`` (default: the current one)."""
        token = self.tokens[self.index] if token is None else token
        return ParseError(message, self.text, token[2])


def allowed_names(variables: Iterable[str] | None) -> frozenset[str] | None:
    """Normalise the ``variables=`` argument of the parsers (``None`` allows any name).

    >>> sorted(allowed_names(["y", "x"]))
    ['x', 'y']
    """
    if variables is None:
        return None
    if isinstance(variables, str):
        raise TypeError(
            "variables must be an iterable of names such as ('x', 'y'), "
            f"not the string {variables!r}"
        )
    return frozenset(variables)


def make_var(name: str, text: str, position: int, allowed: frozenset[str] | None) -> Var:
    """The variable ``name`` found at ``position``, or a ParseError saying why it is refused.

    >>> make_var("x", "x", 0, None)
    Var('x')
    >>> make_var("z", "z", 0, frozenset({"x"}))
    Traceback (most recent call last):
    ...
    emlkit.errors.ParseError: unknown variable 'z': expected one of x at line 1, column 1
      z
      ^
    """
    if not NAME_RE.match(name):
        raise ParseError(
            f"invalid variable name {name!r}: expected an identifier such as x or y1",
            text,
            position,
        )
    if name in RESERVED_NAMES or keyword.iskeyword(name):
        raise ParseError(
            f"reserved word {name!r} cannot be a variable name: expected 1, a variable "
            f"or an eml node",
            text,
            position,
        )
    if allowed is not None and name not in allowed:
        choices = ", ".join(sorted(allowed)) if allowed else "no variables (none allowed)"
        raise ParseError(f"unknown variable {name!r}: expected one of {choices}", text, position)
    try:
        return Var(name)
    except DomainError as err:  # pragma: no cover - the checks above mirror Var's own
        raise ParseError(str(err), text, position) from None


def number_error(token: Token, text: str) -> ParseError:
    """The error for a numeric token other than ``1`` (or a name starting with a digit).

    >>> print(number_error(("NUMBER", "2", 4), "eml(2, x)").one_line())
    number '2' is not allowed: expected 1, the only constant at line 1, column 5
    """
    _, word, position = token
    if any(ch.isalpha() or ch == "_" for ch in word):
        return ParseError(
            f"invalid identifier {word!r}: expected a name starting with a letter or _",
            text,
            position,
        )
    return ParseError(
        f"number {word!r} is not allowed: expected 1, the only constant", text, position
    )


def leaf_text(node: Expr) -> str:
    """``1`` or the variable's name (the leaf spelling shared by most formats)."""
    return node.name if isinstance(node, Var) else "1"
