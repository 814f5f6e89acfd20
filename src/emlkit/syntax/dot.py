"""The ``dot`` format: the DAG as a Graphviz digraph, each shared node drawn once.

Nodes are labelled ``eml``, ``1`` or a variable name; each eml node has one edge labelled
``L`` to its left child and one labelled ``R`` to its right child; the root is the only node
without parents. ``ordering=out`` makes Graphviz draw left children on the left::

    digraph eml {
      graph [ordering=out];
      n0 [label="1"];
      n1 [label="x"];
      n2 [label="eml"];
      n2 -> n0 [label="L"];
      n2 -> n1 [label="R"];
    }

The parser reads this back and a useful subset of DOT around it: ``strict``, a graph name,
comments, quoted or bare IDs, ``graph``/``node``/``edge`` attribute statements (node and edge
default labels are honoured), edge chains ``a -> b -> c`` and ``;``/``,`` separators. A node
without a label is labelled by its ID, as in Graphviz. Subgraphs, ports and HTML labels are
refused with a ParseError.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ..errors import ParseError
from ..expr import ONE, Eml, Expr, Var, postorder
from ._lexer import END, Lexer, Token, TokenStream, allowed_names, make_var

__all__ = ["parse", "to_text"]

LEXER = Lexer(
    [
        # a '#' line (C preprocessor output) is a comment; WS stops at a newline to spot it
        ("COMMENT", r"(?:(?<=\n)|(?<![\s\S]))[ \t]*\#[^\n]*|//[^\n]*|/\*.*?\*/"),
        ("WS", r"[ \t\r]*\n|[ \t\r]+"),
        ("BADCOMMENT", r"/\*"),
        ("STRING", r'"(?:[^"\\]|\\.)*"'),
        ("BADSTRING", r'"'),
        ("ARROW", r"->"),
        ("UNDIRECTED", r"--"),
        ("ID", r"[A-Za-z_][A-Za-z0-9_]*|-?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)"),
        ("LBRACE", r"\{"),
        ("RBRACE", r"\}"),
        ("LBRACK", r"\["),
        ("RBRACK", r"\]"),
        ("SEMI", r";"),
        ("COMMA", r","),
        ("EQ", r"="),
        ("COLON", r":"),
        ("HTML", r"<"),
    ]
)
# The exact layout that to_text writes, read line by line without tokenizing (10x faster).
_OWN_HEADER = "digraph eml {\n  graph [ordering=out];\n"
_OWN_LINE = re.compile(
    r'  (?:(n[0-9]+) \[label="([A-Za-z0-9_]+)"\]|(n[0-9]+) (->) (n[0-9]+) \[label="([LR])"\]);\n'
)
_OWN_FOOTER = re.compile(r"\}[ \t\r\n]*\Z")
_KEYWORDS = frozenset({"strict", "graph", "digraph", "node", "edge", "subgraph"})
_ID_KINDS = ("ID", "STRING")
# an edge as read: (tail node, head node, its label or None, input position)
_Edge = tuple[str, str, str | None, int]


def _keyword(token: Token) -> str:
    if token[0] == "ID":
        word = token[1].lower()
        if word in _KEYWORDS:
            return word
    return ""


def _unquote(token: Token) -> str:
    if token[0] == "STRING":
        return token[1][1:-1].replace("\\\r\n", "").replace("\\\n", "").replace('\\"', '"')
    return token[1]


def _expect_id(ts: TokenStream, what: str) -> Token:
    token = ts.peek()
    if token[0] not in _ID_KINDS or _keyword(token):
        _refuse_unsupported(ts, token)
        raise ts.error(what)
    ts.index += 1
    return token


def _refuse_unsupported(ts: TokenStream, token: Token) -> None:
    kind = token[0]
    if kind == "HTML":
        raise ts.fail("HTML-like labels are not supported: expected a quoted string", token)
    if kind == "BADSTRING":
        raise ts.fail('unterminated string: expected a closing "', token)
    if kind == "BADCOMMENT":
        raise ts.fail("unterminated comment: expected a closing */", token)
    if kind == "LBRACE" or _keyword(token) == "subgraph":
        raise ts.fail("subgraphs are not supported: expected a node or edge statement", token)
    if kind == "COLON":
        raise ts.fail("ports are not supported: expected an edge label L or R instead", token)
    if kind == "UNDIRECTED":
        raise ts.fail("'--' is an undirected edge: expected '->'", token)


def _attributes(ts: TokenStream) -> dict[str, tuple[str, int]]:
    """``[a=b, c=d][...]`` → {name: (value, position of the value)}."""
    attrs: dict[str, tuple[str, int]] = {}
    while ts.peek()[0] == "LBRACK":
        ts.index += 1
        while ts.peek()[0] != "RBRACK":
            key = _unquote(_expect_id(ts, "an attribute name or ']'"))
            ts.expect("EQ", f"'=' after the attribute {key}")
            value = _expect_id(ts, f"a value for the attribute {key}")
            attrs[key] = (_unquote(value), value[2])
            if ts.peek()[0] in ("COMMA", "SEMI"):
                ts.index += 1
        ts.index += 1
    return attrs


def parse(text: str, *, variables: Iterable[str] | None = None) -> Expr:
    """Parse a Graphviz digraph written by :func:`to_text` (or hand-written in that style).

    Parameters
    ----------
    text : str
        The DOT source.
    variables : iterable of str, optional
        The only variable names allowed (default: any identifier that is not reserved).

    Returns
    -------
    Expr

    Raises
    ------
    ParseError
        For DOT outside the supported subset, or a graph that is not one EML expression: an
        edge without label L or R, a leaf with children, an eml node missing a child, no or
        several roots, a cycle, an unreachable node.

    Examples
    --------
    >>> src = 'digraph { a [label=eml]; a -> b [label=L]; a -> 1 [label=R]; b [label=x] }'
    >>> str(parse(src))
    'eml(x, 1)'
    """
    allowed = allowed_names(variables)
    own = _read_own_layout(text)
    if own is not None:
        return _build(text, *own, allowed)
    ts = LEXER.tokenize(text)
    if ts.peek()[0] == END:
        raise ts.fail("empty input: expected a DOT digraph such as digraph { ... }")
    if _keyword(ts.peek()) == "strict":
        ts.index += 1
    head = ts.peek()
    if _keyword(head) == "graph":
        raise ts.fail("undirected graph: expected 'digraph'")
    if _keyword(head) != "digraph":
        raise ts.error("'digraph'")
    ts.index += 1
    if ts.peek()[0] in _ID_KINDS and not _keyword(ts.peek()):
        ts.index += 1
    ts.expect("LBRACE", "'{' opening the digraph")

    # node id -> [label, position of the label (or of the node's first mention)]
    nodes: dict[str, list[Any]] = {}
    edges: list[_Edge] = []
    defaults: dict[str, str | None] = {"node": None, "edge": None}

    def mention(token: Token) -> str:
        name = _unquote(token)
        if name not in nodes:
            nodes[name] = [defaults["node"], token[2]]
        return name

    while True:
        token = ts.peek()
        kind = token[0]
        if kind == "RBRACE":
            ts.index += 1
            break
        if kind == "SEMI" or kind == "COMMA":
            ts.index += 1
            continue
        word = _keyword(token)
        if word in ("graph", "node", "edge"):
            ts.index += 1
            if ts.peek()[0] != "LBRACK":
                raise ts.error(f"'[' after {word}")
            attrs = _attributes(ts)
            if word != "graph" and "label" in attrs:
                defaults[word] = attrs["label"][0]
            continue
        if kind not in _ID_KINDS or word:
            _refuse_unsupported(ts, token)
            raise ts.error("a node or edge statement or '}'")
        ts.index += 1
        following = ts.peek()[0]
        if following == "EQ":  # graph attribute a = b
            ts.index += 1
            _expect_id(ts, "a value after '='")
            continue
        chain = [token]
        arrows = []
        while ts.peek()[0] == "ARROW":
            arrows.append(ts.next()[2])
            chain.append(_expect_id(ts, "a node ID after '->'"))
        _refuse_unsupported(ts, ts.peek())
        attrs = _attributes(ts)
        names = [mention(t) for t in chain]
        if len(chain) == 1:
            if "label" in attrs:
                nodes[names[0]] = list(attrs["label"])
            continue
        label = attrs["label"][0] if "label" in attrs else defaults["edge"]
        for src, dst, where in zip(names, names[1:], arrows, strict=False):
            edges.append((src, dst, label, where))
    ts.expect_end()
    return _build(text, nodes, edges, allowed)


def _read_own_layout(text: str) -> tuple[dict[str, list[Any]], list[_Edge]] | None:
    """Nodes and edges of text in exactly :func:`to_text`'s layout, else None (use the lexer)."""
    if not text.startswith(_OWN_HEADER):
        return None
    nodes: dict[str, list[Any]] = {}
    edges: list[_Edge] = []
    position = len(_OWN_HEADER)
    match_line = _OWN_LINE.match
    while True:
        m = match_line(text, position)
        if m is None:
            break
        position = m.end()
        name, label, src, _, dst, side = m.groups()
        if name is not None:
            nodes[name] = [label, m.start(2) - 1]
            continue
        for end in (src, dst):
            if end not in nodes:
                nodes[end] = [None, m.start(3) if end == src else m.start(5)]
        edges.append((src, dst, side, m.start(4)))
    if not _OWN_FOOTER.match(text, position):
        return None
    return nodes, edges


def _build(
    text: str,
    nodes: dict[str, list[Any]],
    edges: list[_Edge],
    allowed: frozenset[str] | None,
) -> Expr:
    leaves: dict[str, Expr] = {}
    for name, (label, where) in nodes.items():
        label = name if label is None else label
        if label == "1":
            leaves[name] = ONE
        elif label != "eml":
            leaves[name] = make_var(label, text, where, allowed)
    children: dict[str, list[Any]] = {name: [None, None] for name in nodes if name not in leaves}
    has_parent: set[str] = set()
    for src, dst, label, where in edges:
        if src in leaves:
            raise ParseError(
                f"leaf node {src!r} cannot have children: expected edges only out of eml nodes",
                text,
                where,
            )
        if label not in ("L", "R"):
            found = "no label" if label is None else f"label {label!r}"
            raise ParseError(
                f'edge {src} -> {dst} has {found}: expected label="L" or label="R"',
                text,
                where,
            )
        slot = 0 if label == "L" else 1
        if children[src][slot] is not None:
            raise ParseError(
                f"eml node {src!r} has two {label} edges: expected one L and one R", text, where
            )
        children[src][slot] = (dst, where)
        has_parent.add(dst)
    for name, (left, right) in children.items():
        if left is None or right is None:
            missing = "L" if left is None else "R"
            raise ParseError(
                f"eml node {name!r} has no {missing} edge: expected one L and one R child",
                text,
                nodes[name][1],
            )
    roots = [name for name in nodes if name not in has_parent]
    if len(roots) != 1:
        if not roots:
            position = edges[0][3] if edges else 0
            raise ParseError(
                "no root: expected exactly one node without incoming edges (is there a cycle?)",
                text,
                position,
            )
        shown = ", ".join(repr(r) for r in roots[:5]) + (", ..." if len(roots) > 5 else "")
        raise ParseError(
            f"several roots ({shown}): expected exactly one node without incoming edges",
            text,
            nodes[roots[1]][1],
        )
    root = roots[0]
    built: dict[str, Expr] = dict(leaves)
    expanded: set[str] = set()  # eml nodes whose children are on the stack: the current path
    stack: list[str] = [root]
    while stack:
        name = stack[-1]
        if name in built:
            stack.pop()
            continue
        (left, left_at), (right, right_at) = children[name]
        if name in expanded:  # both children are built by now
            built[name] = Eml(built[left], built[right])
            expanded.discard(name)
            stack.pop()
            continue
        expanded.add(name)
        for child, where in ((right, right_at), (left, left_at)):
            if child not in built:
                if child in expanded:
                    raise ParseError(
                        f"cycle through node {child!r}: expected an acyclic graph", text, where
                    )
                stack.append(child)
    if len(built) != len(nodes):
        lost = next(name for name in nodes if name not in built)
        raise ParseError(
            f"node {lost!r} is not reachable from the root {root!r}: expected one expression",
            text,
            nodes[lost][1],
        )
    return built[root]


def to_text(expr: Expr) -> str:
    """Print ``expr``'s DAG as a Graphviz digraph (shared nodes once, edges labelled L and R).

    Examples
    --------
    >>> from emlkit.expr import eml
    >>> print(to_text(eml(1, "x")))
    digraph eml {
      graph [ordering=out];
      n0 [label="1"];
      n1 [label="x"];
      n2 [label="eml"];
      n2 -> n0 [label="L"];
      n2 -> n1 [label="R"];
    }
    """
    ids: dict[Expr, str] = {}
    lines = ["digraph eml {", "  graph [ordering=out];"]
    for node in postorder(expr):
        name = ids[node] = f"n{len(ids)}"
        if isinstance(node, Eml):
            left, right = ids[node.left], ids[node.right]
            lines.append(f'  {name} [label="eml"];')
            lines.append(f'  {name} -> {left} [label="L"];')
            lines.append(f'  {name} -> {right} [label="R"];')
        else:
            label = node.name if isinstance(node, Var) else "1"
            lines.append(f'  {name} [label="{label}"];')
    lines.append("}")
    return "\n".join(lines)
