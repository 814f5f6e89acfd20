"""The public entry points :func:`parse` and :func:`to_text`, dispatching on the format name."""

from __future__ import annotations

import re
from collections.abc import Iterable
from types import ModuleType

from ..expr import Expr
from . import dot, eml_text, json_format, latex, rpn, wolfram

__all__ = ["FORMATS", "parse", "to_text", "detect_format"]

#: Format names understood by :func:`parse` and :func:`to_text` (``parse`` also takes "auto").
FORMATS: tuple[str, ...] = ("eml", "rpn", "wolfram", "json", "latex", "dot")
_MODULES: dict[str, ModuleType] = {
    "eml": eml_text,
    "rpn": rpn,
    "wolfram": wolfram,
    "json": json_format,
    "latex": latex,
    "dot": dot,
}
_LET_FORMATS = ("eml", "wolfram")  # let=True names shared subterms
_DAG_FORMATS = ("json", "dot")  # always store shared nodes once; let=True changes nothing
_LEADING_WORD = re.compile(r"[ \t\r\n]*([A-Za-z_][A-Za-z0-9_]*|)[ \t\r\n]*(.?)", re.DOTALL)
_DOT_START = re.compile(
    r"[ \t\r\n]*(?:[/#]|(?:strict[ \t\r\n]+)?(?:di)?graph\b[^{]*\{)", re.IGNORECASE
)
_SPACE_INSIDE = re.compile(r"[^ \t\r\n][ \t\r\n]+[^ \t\r\n]")


def _check_format(format: str, allowed: tuple[str, ...]) -> None:
    if format not in allowed:
        valid = ", ".join(repr(f) for f in allowed)
        raise ValueError(f"unknown format {format!r}: expected one of {valid}")


def detect_format(text: str) -> str:
    """Guess the format of ``text`` from how it starts (``"eml"`` when unsure).

    JSON starts with ``{`` or ``[``, LaTeX with ``\\``, DOT with ``digraph ... {`` (or
    ``strict``, ``graph``, a comment); otherwise the first word decides: followed by ``(`` it
    is eml text (so is ``let #``), by ``[`` Wolfram, by ``\\`` LaTeX. Bracket-free text of
    several whitespace-separated tokens is RPN. A lone leaf (``x``, ``1``) reads the same in
    every format and is reported as ``"eml"``. Variables named like keywords (``digraph``,
    ``With``) do not confuse it.

    Examples
    --------
    >>> [detect_format(t) for t in ["eml(1, x)", "1 x E", "EML[1, x]", '{"format": 0}']]
    ['eml', 'rpn', 'wolfram', 'json']
    >>> detect_format(r"\\operatorname{eml}\\left(1, x\\right)"), detect_format("digraph {}")
    ('latex', 'dot')
    """
    if _DOT_START.match(text):
        return "dot"
    match = _LEADING_WORD.match(text)
    assert match is not None  # every part of the pattern may be empty
    word, after = match.groups()
    if not word:
        if after in ("{", "["):
            return "json"
        if after == "\\":
            return "latex"
    elif after == "(" or (word == "let" and after == "#"):
        return "eml"
    elif after == "[":
        return "wolfram"
    elif after == "\\":
        return "latex"
    if "(" not in text and "[" not in text and _SPACE_INSIDE.search(text):
        return "rpn"
    return "eml"


def parse(text: str, format: str = "eml", *, variables: Iterable[str] | None = None) -> Expr:
    """Read an EML expression from text.

    Parameters
    ----------
    text : str
        The text to parse.
    format : str, default "eml"
        One of ``"eml"``, ``"rpn"``, ``"wolfram"``, ``"json"``, ``"latex"``, ``"dot"``, or
        ``"auto"`` to guess it with :func:`detect_format`. Let-forms are accepted for
        ``"eml"`` (``let #1 = ... in ...``) and ``"wolfram"`` (``With[{$1 = ...}, ...]``).
    variables : iterable of str, optional
        The only variable names allowed; any other name is a ParseError. By default any
        identifier that is not reserved (see :data:`emlkit.expr.RESERVED_NAMES`).

    Returns
    -------
    Expr
        The (hash-consed) expression.

    Raises
    ------
    ParseError
        For malformed text, with the line, column and what was expected.
    ValueError
        For an unknown format name.

    Examples
    --------
    >>> from emlkit.syntax import parse
    >>> ln_x = parse("eml(1, eml(eml(1, x), 1))")
    >>> parse("1 1 x E 1 E E", "rpn") is ln_x
    True
    >>> parse("EML[1, EML[EML[1, x], 1]]", "auto") is ln_x
    True
    >>> parse("eml(1, z)", variables=["x"])
    Traceback (most recent call last):
    ...
    emlkit.errors.ParseError: unknown variable 'z': expected one of x at line 1, column 8
      eml(1, z)
             ^
    """
    if not isinstance(text, str):
        raise TypeError(f"parse() needs text as str, got {type(text).__name__}")
    _check_format(format, (*FORMATS, "auto"))
    if format == "auto":
        format = detect_format(text)
    parsed: Expr = _MODULES[format].parse(text, variables=variables)  # each format's parse
    return parsed


def to_text(expr: Expr, format: str = "eml", *, let: bool = False) -> str:
    """Write an EML expression as text.

    Parameters
    ----------
    expr : Expr
        The expression.
    format : str, default "eml"
        One of ``"eml"``, ``"rpn"``, ``"wolfram"``, ``"json"``, ``"latex"``, ``"dot"``.
    let : bool, default False
        For ``"eml"`` and ``"wolfram"``: name each eml subterm used more than once and write it
        once, so the text grows with ``dag_size`` instead of ``K``. ``"json"`` and ``"dot"``
        always write shared nodes once and ignore it; ``"rpn"`` and ``"latex"`` refuse it.

    Returns
    -------
    str
        Text that :func:`parse` reads back to the same object.

    Raises
    ------
    ValueError
        For an unknown format name, or ``let=True`` with ``"rpn"`` or ``"latex"``.

    Examples
    --------
    >>> from emlkit.expr import eml
    >>> from emlkit.syntax import to_text
    >>> ln_x = eml(1, eml(eml(1, "x"), 1))
    >>> to_text(ln_x), to_text(ln_x, "rpn")
    ('eml(1, eml(eml(1, x), 1))', '1 1 x E 1 E E')
    >>> print(to_text(eml("x", 1), "latex"))
    \\operatorname{eml}\\left(x, 1\\right)
    >>> a = eml(1, "x")
    >>> print(to_text(eml(a, a), let=True))
    let #1 = eml(1, x)
    in eml(#1, #1)
    """
    if not isinstance(expr, Expr):
        raise TypeError(f"to_text() needs an Expr, got {type(expr).__name__}")
    _check_format(format, FORMATS)
    if let and format in _LET_FORMATS:
        text: str = _MODULES[format].to_text(expr, let=True)
        return text
    if let and format not in _DAG_FORMATS:
        raise ValueError(
            f"let=True is not available for format {format!r}: expected one of "
            f"{', '.join(repr(f) for f in _LET_FORMATS + _DAG_FORMATS)}"
        )
    plain: str = _MODULES[format].to_text(expr)
    return plain
