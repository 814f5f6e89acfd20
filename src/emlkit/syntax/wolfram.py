"""The ``wolfram`` format: ``EML[1, x]``, with shared subterms named by nested ``With``.

The let-form is valid Wolfram Language: each shared eml node is bound once, children first,
to a symbol ``$1``, ``$2``, ... (variables never contain ``$``), one ``With`` per binding so
each may use the earlier ones::

    With[{$1 = EML[1, x]},
    With[{$2 = EML[$1, $1]},
    EML[$2, EML[$2, $1]]]]

The parser accepts a chain of ``With[{...}, ...]`` around the body; the bindings in one
``{...}`` list see only the names bound outside it, as in Wolfram.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..expr import ONE, Expr
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

_WORD_END = r"(?![A-Za-z0-9_$])"
LEXER = Lexer(
    [
        ("WS", r"[ \t\r\n]+"),
        ("HEAD", r"EML" + _WORD_END),
        ("WITH", r"With" + _WORD_END),
        ("ONE", r"1(?![A-Za-z0-9_.])"),
        ("NUMBER", r"[0-9][A-Za-z0-9_.]*"),
        ("NAME", r"[A-Za-z_][A-Za-z0-9_]*"),
        ("REF", r"\$[A-Za-z0-9_]*"),
        ("OPEN", r"\["),
        ("CLOSE", r"\]"),
        ("SEP", r","),
        ("LBRACE", r"\{"),
        ("RBRACE", r"\}"),
        ("EQ", r"="),
    ]
)
SYNTAX = CallSyntax(
    head="EML",
    open="[",
    sep=",",
    close="]",
    expression="an expression (1, a variable or EML[a, b])",
)


def _leaf_parser(
    ts: TokenStream, allowed: frozenset[str] | None, env: dict[str, Expr]
) -> Callable[[Token], Expr]:
    text = ts.text

    def leaf(token: Token) -> Expr:
        kind, word, position = token
        if kind == "ONE":
            return ONE
        if kind in ("NAME", "WITH"):
            return make_var(word, text, position, allowed)
        if kind == "REF":
            node = env.get(word)
            if node is None:
                raise ts.fail(f"undefined symbol {word!r}: expected a symbol bound by With")
            return node
        if kind == "NUMBER":
            raise number_error(token, text)
        raise ts.error(SYNTAX.expression)

    return leaf


def parse(text: str, *, variables: Iterable[str] | None = None) -> Expr:
    """Parse ``EML[a, b]`` text, optionally wrapped in ``With[{$n = ...}, ...]`` bindings.

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
    >>> str(parse("EML[1, EML[EML[1, x], 1]]"))
    'eml(1, eml(eml(1, x), 1))'
    >>> str(parse("With[{$1 = EML[x, 1]}, EML[$1, $1]]"))
    'eml(eml(x, 1), eml(x, 1))'
    """
    ts = LEXER.tokenize(text)
    allowed = allowed_names(variables)
    if ts.peek()[0] == END:
        raise ts.fail("empty input: expected an expression such as EML[1, x]")
    env: dict[str, Expr] = {}
    leaf = _leaf_parser(ts, allowed, env)
    withs = 0
    while ts.peek()[0] == "WITH" and ts.tokens[ts.index + 1][0] == "OPEN":
        ts.index += 2
        ts.expect("LBRACE", "'{' opening the With bindings")
        bound: dict[str, Expr] = {}
        while True:
            token = ts.expect("REF", "a symbol $n to bind")
            name = token[1]
            if name == "$":
                raise ts.fail("expected a name after '$', such as $1", token)
            if name in env or name in bound:
                raise ts.fail(f"symbol {name!r} is already bound: expected a new name", token)
            ts.expect("EQ", f"'=' after {name}")
            bound[name] = parse_call(ts, SYNTAX, leaf)
            if ts.peek()[0] != "SEP":
                break
            ts.next()
        ts.expect("RBRACE", "',' or '}' after a With binding")
        ts.expect("SEP", "',' before the body of With")
        env.update(bound)
        withs += 1
    expr = parse_call(ts, SYNTAX, leaf)
    for _ in range(withs):
        ts.expect("CLOSE", "']' closing With")
    ts.expect_end()
    return expr


def to_text(expr: Expr, *, let: bool = False) -> str:
    """Print ``expr`` as ``EML[a, b]`` text.

    Parameters
    ----------
    expr : Expr
    let : bool, default False
        Bind every eml node used more than once with nested ``With`` (symbols ``$1``,
        ``$2``, ...), so the text grows with the DAG size, not with ``K``.

    Examples
    --------
    >>> from emlkit.expr import eml
    >>> to_text(eml(1, eml(eml(1, "x"), 1)))
    'EML[1, EML[EML[1, x], 1]]'
    >>> a = eml(1, "x")
    >>> b = eml(a, a)
    >>> print(to_text(eml(b, eml(b, a)), let=True))
    With[{$1 = EML[1, x]},
    With[{$2 = EML[$1, $1]},
    EML[$2, EML[$2, $1]]]]
    """
    shared = shared_nodes(expr) if let else []
    names: dict[Expr, str] = {node: f"${i}" for i, node in enumerate(shared, 1)}

    def render(node: Expr) -> str:
        return render_call(node, open_="EML[", sep=", ", close="]", leaf=leaf_text, names=names)

    lines = [f"With[{{{names[node]} = {render(node)}}}," for node in shared]
    lines.append(render(expr) + "]" * len(shared))
    return "\n".join(lines)
