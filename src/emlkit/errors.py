"""Exception types shared by every layer of emlkit."""

from __future__ import annotations

__all__ = [
    "EMLError",
    "ParseError",
    "DomainError",
    "UnsupportedError",
    "EvaluationError",
    "UsageError",
]


class EMLError(Exception):
    """Base class of every error that emlkit raises on purpose.

    Examples
    --------
    >>> import emlkit as ek
    >>> try:
    ...     ek.parse("eml(1,")
    ... except ek.EMLError as err:
    ...     print(type(err).__name__)
    ParseError
    """


class ParseError(EMLError, ValueError):
    """Malformed text: carries the 1-based ``line`` and ``column`` and a caret picture.

    Examples
    --------
    >>> err = ParseError("expected ')'", text="eml(1, x", position=8)
    >>> (err.line, err.column)
    (1, 9)
    >>> print(err)
    expected ')' at line 1, column 9
      eml(1, x
              ^
    """

    def __init__(self, message: str, text: str = "", position: int = 0) -> None:
        self.message = message
        self.text = text
        self.position = max(0, min(position, len(text)))
        before = text[: self.position]
        self.line = before.count("\n") + 1
        line_start = before.rfind("\n") + 1
        self.column = self.position - line_start + 1
        line_end = text.find("\n", self.position)
        line_text = text[line_start : len(text) if line_end < 0 else line_end]
        # Keep the picture readable for huge inputs: show a window around the caret.
        offset = self.column - 1
        if len(line_text) > 80:
            lo = max(0, offset - 40)
            line_text = ("…" if lo else "") + line_text[lo : lo + 80] + "…"
            offset = offset - lo + (1 if lo else 0)
        line_text = "".join(ch if ch.isprintable() else "?" for ch in line_text)
        self.caret = f"  {line_text}\n  {' ' * offset}^"
        super().__init__(f"{message} at line {self.line}, column {self.column}\n{self.caret}")

    def one_line(self) -> str:
        """The message without the caret picture, for command-line output."""
        return f"{self.message} at line {self.line}, column {self.column}"


class DomainError(EMLError, ValueError):
    """A value outside the domain that the requested operation accepts (strict mode, bad dps)."""


class UnsupportedError(EMLError, NotImplementedError):
    """A construct emlkit cannot express, e.g. a non-elementary SymPy head such as ``gamma``."""


class EvaluationError(EMLError, ArithmeticError):
    """Evaluation produced NaN (or an infinity in strict mode); ``node`` is the first node that did.

    Attributes
    ----------
    node : Expr or None
        The sub-expression whose value first became invalid.
    """

    def __init__(self, message: str, node: object = None) -> None:
        super().__init__(message)
        self.node = node


class UsageError(Exception):
    """Bad command-line arguments (the ``eml`` command reports them like any other bad input).

    Raised by the command modules of :mod:`emlkit.cli`; the shared
    handler prints ``eml: usage error: ...`` and exits with status 2.

    >>> str(UsageError("--digits: 0 is below 1"))
    '--digits: 0 is below 1'
    """
