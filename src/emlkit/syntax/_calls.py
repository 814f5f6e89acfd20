"""Call-syntax machinery shared by the eml, Wolfram and LaTeX formats: parse, print, let-names.

All three formats write a node as ``HEAD OPEN left SEP right CLOSE`` (``eml(a, b)``,
``EML[a, b]``, ``\\operatorname{eml}\\left(a, b\\right)``); they differ only in tokens. The
parser here is a loop over tokens with an explicit stack and the printer a loop with an
explicit work list, so depth is unlimited. :func:`shared_nodes` picks the subterms a let-form
names: eml nodes with two or more parents (or one parent using them twice).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ..expr import Eml, Expr, postorder
from ._lexer import Token, TokenStream

__all__ = ["CallSyntax", "parse_call", "render_call", "shared_nodes"]


@dataclass(frozen=True)
class CallSyntax:
    """How one format spells a node: token kinds are HEAD, OPEN, SEP and CLOSE.

    Attributes
    ----------
    head, open, sep, close : str
        The spellings used in error messages (``eml``, ``(``, ``,``, ``)``).
    expression : str
        What an expression looks like, for ``expected ...`` messages.
    name_kinds : tuple of str
        Token kinds of names: one directly followed by OPEN is an unknown function.
    """

    head: str
    open: str
    sep: str
    close: str
    expression: str
    name_kinds: tuple[str, ...] = ("NAME",)


def parse_call(ts: TokenStream, syntax: CallSyntax, leaf: Callable[[Token], Expr]) -> Expr:
    """Parse one expression at the cursor and leave the cursor after it.

    ``leaf(token)`` turns a non-HEAD token into a leaf or raises a ParseError; a name directly
    followed by OPEN is reported as an unknown function.

    Examples
    --------
    >>> from emlkit.syntax.eml_text import LEXER, SYNTAX, _leaf_parser
    >>> ts = LEXER.tokenize("eml(1, eml(x, 1))")
    >>> str(parse_call(ts, SYNTAX, _leaf_parser(ts, None, {})))
    'eml(1, eml(x, 1))'
    """
    tokens = ts.tokens
    i = ts.index
    values: list[Expr] = []
    awaiting_close: list[bool] = []  # per open node: False before SEP, True after it
    while True:
        kind = tokens[i][0]
        if kind == "HEAD":
            if tokens[i + 1][0] != "OPEN":
                ts.index = i + 1
                raise ts.error(f"'{syntax.open}' after {syntax.head}")
            awaiting_close.append(False)
            i += 2
            continue
        if kind in syntax.name_kinds and tokens[i + 1][0] == "OPEN":
            ts.index = i
            raise ts.fail(
                f"unknown function {tokens[i][1]!r}: expected "
                f"{syntax.head}{syntax.open}a{syntax.sep} b{syntax.close}, the only function"
            )
        ts.index = i
        values.append(leaf(tokens[i]))
        i += 1
        while awaiting_close:
            kind = tokens[i][0]
            if not awaiting_close[-1]:
                if kind != "SEP":
                    ts.index = i
                    raise ts.error(f"'{syntax.sep}' between the two arguments of {syntax.head}")
                awaiting_close[-1] = True
                i += 1
                break
            if kind != "CLOSE":
                ts.index = i
                raise ts.error(f"'{syntax.close}' closing {syntax.head}")
            awaiting_close.pop()
            right = values.pop()
            values[-1] = Eml(values[-1], right)
            i += 1
        else:
            ts.index = i
            return values[0]


def render_call(
    expr: Expr,
    *,
    open_: str,
    sep: str,
    close: str,
    leaf: Callable[[Expr], str],
    names: Mapping[Expr, str] | None = None,
) -> str:
    """Print ``expr`` in call syntax; nodes in ``names`` (other than ``expr``) print as names.

    Examples
    --------
    >>> from emlkit.expr import eml
    >>> e = eml(eml(1, "x"), eml(1, "x"))
    >>> render_call(e, open_="E[", sep=",", close="]", leaf=str)
    'E[E[1,x],E[1,x]]'
    >>> render_call(e, open_="E[", sep=",", close="]", leaf=str, names={e.left: "#1"})
    'E[#1,#1]'
    """
    names = names or {}
    parts: list[str] = []
    stack: list[Expr | str] = [expr]
    root = True
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
        elif not root and item in names:
            parts.append(names[item])
        elif isinstance(item, Eml):
            parts.append(open_)
            stack.extend((close, item.right, sep, item.left))
        else:
            parts.append(leaf(item))
        root = False
    return "".join(parts)


def shared_nodes(expr: Expr) -> list[Eml]:
    """The eml nodes used more than once in ``expr``'s DAG, children before parents.

    These are the subterms a let-form names once; leaves are never named (they are short).

    Examples
    --------
    >>> from emlkit.expr import eml
    >>> a = eml(1, "x")
    >>> [str(n) for n in shared_nodes(eml(eml(a, a), a))]
    ['eml(1, x)']
    """
    order = postorder(expr)
    uses: dict[Expr, int] = {}
    for node in order:
        if isinstance(node, Eml):
            uses[node.left] = uses.get(node.left, 0) + 1
            uses[node.right] = uses.get(node.right, 0) + 1
    return [n for n in order if isinstance(n, Eml) and uses.get(n, 0) >= 2]
