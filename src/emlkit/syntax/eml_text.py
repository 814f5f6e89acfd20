"""The ``eml`` text format: ``eml(1, x)``, with an optional let-form naming shared subterms.

Grammar (whitespace and newlines are free)::

    text    := expr | "let" binding+ "in" expr
    binding := "#" NAME "=" expr            (NAME: letters, digits, _)
    expr    := "1" | variable | "#" NAME | "eml" "(" expr "," expr ")"

A ``#name`` refers to an earlier binding; the names cannot clash with variables, which never
start with ``#``. The printer's let-form names every eml node used more than once, in
children-first order, so its size is linear in the DAG size even when ``K`` is astronomical::

    let #1 = eml(1, x)
        #2 = eml(#1, #1)
    in eml(#2, #1)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..expr import ONE, Expr, eml_string
from ._calls import CallSyntax, parse_call, render_call, shared_nodes
from ._lexer import (
    END,
    Lexer,
    Token,
    TokenStream,
    allowed_names,
    leaf_text,
    make_var,
    number_error,
)

__all__ = ["parse", "to_text"]

_WORD_END = r"(?![A-Za-z0-9_])"
LEXER = Lexer(
    [
        ("WS", r"[ \t\r\n]+"),
        ("HEAD", r"eml" + _WORD_END),
        ("LET", r"let" + _WORD_END),
        ("IN", r"in" + _WORD_END),
        ("ONE", r"1(?![A-Za-z0-9_.])"),
        ("NUMBER", r"[0-9][A-Za-z0-9_.]*"),
        ("NAME", r"[A-Za-z_][A-Za-z0-9_]*"),
        ("REF", r"\#[A-Za-z0-9_]*"),
        ("OPEN", r"\("),
        ("CLOSE", r"\)"),
        ("SEP", r","),
        ("EQ", r"="),
    ]
)
SYNTAX = CallSyntax(
    head="eml",
    open="(",
    sep=",",
    close=")",
    expression="an expression (1, a variable or eml(a, b))",
)


def _leaf_parser(
    ts: TokenStream, allowed: frozenset[str] | None, env: dict[str, Expr]
) -> Callable[[Token], Expr]:
    text = ts.text

    def leaf(token: Token) -> Expr:
        kind, word, position = token
        if kind == "ONE":
            return ONE
        if kind in ("NAME", "LET", "IN"):
            return make_var(word, text, position, allowed)
        if kind == "REF":
            node = env.get(word)
            if node is None:
                raise ts.fail(f"undefined name {word!r}: expected a name bound earlier by let")
            return node
        if kind == "NUMBER":
            raise number_error(token, text)
        raise ts.error(SYNTAX.expression)

    return leaf


def parse(text: str, *, variables: Iterable[str] | None = None) -> Expr:
    """Parse ``eml(a, b)`` text, plain or in let-form.

    Parameters
    ----------
    text : str
        The text; whitespace and newlines are free.
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
    >>> str(parse("eml(1, eml(eml(1, x), 1))"))
    'eml(1, eml(eml(1, x), 1))'
    >>> e = parse("let #1 = eml(1, x) in eml(#1, #1)")
    >>> e.left is e.right
    True
    """
    ts = LEXER.tokenize(text)
    allowed = allowed_names(variables)
    if ts.peek()[0] == END:
        raise ts.fail("empty input: expected an expression such as eml(1, x)")
    env: dict[str, Expr] = {}
    leaf = _leaf_parser(ts, allowed, env)
    if ts.peek()[0] == "LET":
        ts.next()
        while ts.peek()[0] == "REF":
            token = ts.next()
            name = token[1]
            if name == "#":
                raise ts.fail("expected a name after '#', such as #1", token)
            if name in env:
                raise ts.fail(f"name {name!r} is already bound: expected a new name", token)
            ts.expect("EQ", f"'=' after {name}")
            env[name] = parse_call(ts, SYNTAX, leaf)
        ts.expect("IN", "another binding '#name = ...' or 'in'")
    expr = parse_call(ts, SYNTAX, leaf)
    ts.expect_end()
    return expr


def to_text(expr: Expr, *, let: bool = False) -> str:
    """Print ``expr`` as ``eml(a, b)`` text.

    Parameters
    ----------
    expr : Expr
    let : bool, default False
        Name every eml node used more than once (``#1``, ``#2``, ...) and print it once, so
        the text grows with the DAG size, not with ``K``. Without shared nodes the plain form
        is printed.

    Examples
    --------
    >>> from emlkit.expr import eml
    >>> a = eml(1, "x")
    >>> b = eml(a, a)
    >>> print(to_text(eml(b, eml(b, a)), let=True))
    let #1 = eml(1, x)
        #2 = eml(#1, #1)
    in eml(#2, eml(#2, #1))
    >>> to_text(eml(a, 1))
    'eml(eml(1, x), 1)'
    """
    if not let:
        return eml_string(expr)
    shared = shared_nodes(expr)
    if not shared:
        return eml_string(expr)
    names: dict[Expr, str] = {node: f"#{i}" for i, node in enumerate(shared, 1)}

    def render(node: Expr) -> str:
        return render_call(node, open_="eml(", sep=", ", close=")", leaf=leaf_text, names=names)

    lines = [
        f"{'let' if i == 0 else '   '} {names[node]} = {render(node)}"
        for i, node in enumerate(shared)
    ]
    lines.append(f"in {render(expr)}")
    return "\n".join(lines)
