r"""The ``latex`` format: ``\operatorname{eml}\left(1, x\right)``.

Printing writes one-letter variables bare and longer names as ``\mathit{name}`` (with ``_``
escaped as ``\_``). The parser accepts what the printer writes and tolerates the usual
variations: spaces, LaTeX spacing commands (``\,`` ``\;`` ``\:`` ``\!`` ``\ `` ``~``), plain
``(``/``)`` instead of ``\left(``/``\right)``, ``\mathrm{eml}`` or ``\text{eml}`` for the head,
``\mathrm{..}``/``\text{..}``/``\operatorname{..}`` around names and bare identifiers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from ..expr import ONE, Expr, Var
from ._calls import CallSyntax, parse_call, render_call
from ._lexer import END, Lexer, Token, TokenStream, allowed_names, make_var, number_error

__all__ = ["parse", "to_text"]

_BOXES = r"\\(?:operatorname|mathrm|mathit|text)\s*"
LEXER = Lexer(
    [
        ("WS", r"(?:[ \t\r\n~]|\\[,;:! ])+"),
        ("HEAD", r"\\(?:operatorname|mathrm|text)\s*\{\s*eml\s*\}"),
        ("BOXED", _BOXES + r"\{[^{}]*\}"),
        ("OPEN", r"\\left\s*\(|\("),
        ("CLOSE", r"\\right\s*\)|\)"),
        ("SEP", r","),
        ("COMMAND", r"\\[A-Za-z]+|\\."),
        ("ONE", r"1(?![A-Za-z0-9_.])"),
        ("NUMBER", r"[0-9][A-Za-z0-9_.]*"),
        ("NAME", r"[A-Za-z_][A-Za-z0-9_]*"),
    ]
)
SYNTAX = CallSyntax(
    head=r"\operatorname{eml}",
    open=r"\left(",
    sep=",",
    close=r"\right)",
    expression=r"an expression (1, a variable or \operatorname{eml}\left(a, b\right))",
    name_kinds=("NAME", "BOXED"),
)
_BOX_CONTENT = re.compile(r"\{\s*(.*?)\s*\}\Z", re.DOTALL)


def _leaf_parser(ts: TokenStream, allowed: frozenset[str] | None) -> Callable[[Token], Expr]:
    text = ts.text

    def leaf(token: Token) -> Expr:
        kind, word, position = token
        if kind == "ONE":
            return ONE
        if kind == "NAME":
            return make_var(word, text, position, allowed)
        if kind == "BOXED":
            content = _BOX_CONTENT.search(word)
            assert content is not None  # the BOXED pattern guarantees the braces
            if content.group(1) == "1":
                return ONE
            name = content.group(1).replace(r"\_", "_")
            return make_var(name, text, position + content.start(1), allowed)
        if kind == "NUMBER":
            raise number_error(token, text)
        if kind == "COMMAND":
            raise ts.fail(f"unknown LaTeX command {word!r}: expected {SYNTAX.expression}")
        raise ts.error(SYNTAX.expression)

    return leaf


def parse(text: str, *, variables: Iterable[str] | None = None) -> Expr:
    r"""Parse ``\operatorname{eml}\left(a, b\right)`` LaTeX.

    Parameters
    ----------
    text : str
        The LaTeX (math mode content, without ``$`` delimiters).
    variables : iterable of str, optional
        The only variable names allowed (default: any identifier that is not reserved).

    Returns
    -------
    Expr

    Raises
    ------
    ParseError
        With the line, column and what was expected.

    Examples
    --------
    >>> str(parse(r"\operatorname{eml}\left(1, \mathit{x\_1}\right)"))
    'eml(1, x_1)'
    >>> str(parse(r"\operatorname{eml} ( x ,\, 1 )"))
    'eml(x, 1)'
    """
    ts = LEXER.tokenize(text)
    allowed = allowed_names(variables)
    if ts.peek()[0] == END:
        raise ts.fail(
            r"empty input: expected an expression such as \operatorname{eml}\left(1, x\right)"
        )
    expr = parse_call(ts, SYNTAX, _leaf_parser(ts, allowed))
    ts.expect_end()
    return expr


def _leaf_latex(node: Expr) -> str:
    if not isinstance(node, Var):
        return "1"
    if len(node.name) == 1:
        return node.name
    return r"\mathit{" + node.name.replace("_", r"\_") + "}"


def to_text(expr: Expr) -> str:
    r"""Print ``expr`` as LaTeX: ``\operatorname{eml}\left(a, b\right)``.

    Examples
    --------
    >>> from emlkit.expr import eml
    >>> print(to_text(eml(1, "x")))
    \operatorname{eml}\left(1, x\right)
    >>> print(to_text(eml("x_1", 1)))
    \operatorname{eml}\left(\mathit{x\_1}, 1\right)
    """
    return render_call(
        expr, open_=r"\operatorname{eml}\left(", sep=", ", close=r"\right)", leaf=_leaf_latex
    )
