"""The text form of a polynomial in n: tokens and a recursive-descent parser with positions.

>>> parse("n(n+2)"), parse("3n/2 - 1")
((0, 2, 1), (-1, Fraction(3, 2)))
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

from ..errors import ParseError
from .polynomial import MAX_DEGREE, Poly

__all__ = ["parse"]

_MAX_NESTING = 100
_TOKEN = re.compile(r"\s*(?:(?P<dec>\d*\.\d+|\d+\.)|(?P<num>\d+)|(?P<name>[A-Za-z_]\w*)"
                    r"|(?P<op>\*\*|[-+*/^()]))")


class _Parser:
    """Recursive descent over the tokens, nesting bounded by ``_MAX_NESTING``."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[tuple[str, str, int]] = []
        pos = 0
        while True:
            while pos < len(text) and text[pos].isspace():
                pos += 1
            if pos >= len(text):
                break
            m = _TOKEN.match(text, pos)
            if m is None:
                raise ParseError(f"unexpected character {text[pos]!r}", text, pos)
            kind = m.lastgroup or ""
            start = m.start(kind)
            self.tokens.append((kind, m.group(kind), start))
            pos = m.end()
        self.tokens.append(("end", "", len(text)))
        self.i = 0
        self.nesting = 0

    def peek(self) -> tuple[str, str, int]:
        return self.tokens[self.i]

    def take(self) -> tuple[str, str, int]:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def fail(self, message: str, pos: int | None = None) -> ParseError:
        return ParseError(message, self.text, self.peek()[2] if pos is None else pos)

    def expr(self) -> Poly:
        acc = self.term(signed=True)
        while self.peek()[1] in ("+", "-"):
            op = self.take()[1]
            rhs = self.term(signed=False)
            acc = acc + rhs if op == "+" else acc - rhs
        return acc

    def term(self, signed: bool) -> Poly:
        sign = 1
        if signed and self.peek()[1] in ("+", "-"):
            sign = -1 if self.take()[1] == "-" else 1
        if self.peek()[1] in ("+", "-"):
            raise self.fail(f"unexpected {self.peek()[1]!r}: two signs in a row")
        acc = self.power()
        while True:
            kind, val, pos = self.peek()
            if val == "*":
                self.take()
                acc = acc * self.power()
            elif val == "/":
                self.take()
                kind, val, pos = self.peek()
                d = self.power()
                if d.degree > 0:
                    raise self.fail("division by a polynomial: only constant divisors are "
                                    "allowed", pos)
                if d.is_zero:
                    raise self.fail("division by zero", pos)
                acc = acc * Poly(1 / Fraction(d.coeffs[0]))
            elif kind == "name" or val == "(":
                acc = acc * self.power()  # implicit multiplication: 2n, n(n+1)
            else:
                return acc * sign

    def power(self) -> Poly:
        base = self.atom()
        if self.peek()[1] in ("^", "**"):
            self.take()
            kind, val, pos = self.peek()
            if val == "-":
                raise self.fail("negative exponent: a polynomial has non-negative integer "
                                "powers only", pos)
            if kind != "num":
                raise self.fail("expected a non-negative integer exponent", pos)
            self.take()
            k = int(val)
            if max(base.degree, 1) * k > MAX_DEGREE:
                raise self.fail(f"degree above the limit {MAX_DEGREE}", pos)
            base = base**k
        return base

    def atom(self) -> Poly:
        kind, val, pos = self.take()
        if kind == "num":
            return Poly(int(val))
        if kind == "dec":
            raise ParseError(f"decimal coefficient {val!r}: write rational coefficients as "
                             "fractions, e.g. 3/2", self.text, pos)
        if kind == "name":
            if val != "n":
                raise ParseError(f"unknown name {val!r}: polynomials are in the variable n "
                                 "with integer or rational coefficients", self.text, pos)
            return Poly([0, 1])
        if val == "(":
            self.nesting += 1
            if self.nesting > _MAX_NESTING:
                raise ParseError("parentheses nested too deeply", self.text, pos)
            inner = self.expr()
            if self.peek()[1] != ")":
                raise self.fail("expected ')'")
            self.take()
            self.nesting -= 1
            return inner
        if kind == "end":
            raise ParseError("unexpected end of input: expected a number, n or '('",
                             self.text, pos)
        raise ParseError(f"unexpected {val!r}: expected a number, n or '('", self.text, pos)


def parse(text: str) -> tuple[Any, ...]:
    """The coefficients (lowest first) of the polynomial ``text``; ParseError with a position.

    >>> parse("2n++1")
    Traceback (most recent call last):
    ...
    emlkit.errors.ParseError: unexpected '+': two signs in a row at line 1, column 4
      2n++1
         ^
    """
    if not text.strip():
        raise ParseError("empty polynomial: expected e.g. 2n+1", text, 0)
    parser = _Parser(text)
    poly = parser.expr()
    kind, val, pos = parser.peek()
    if kind != "end":
        raise ParseError(f"unexpected {val!r} after a complete polynomial", text, pos)
    return poly.coeffs
