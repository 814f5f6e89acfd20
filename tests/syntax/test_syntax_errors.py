"""Malformed input: every parser raises ParseError naming the line, column and what it expected."""

from __future__ import annotations

import pytest

from emlkit.errors import ParseError
from emlkit.syntax import parse

DOC = (
    '{"format": "emlkit", "version": 1, "nodes": [["one"], ["var", "x"], ["eml", 0, 1]], "root": 2}'
)

# (format, text, fragment of the message, line, column)
CASES = [
    # empty input
    ("eml", "", "empty input: expected an expression", 1, 1),
    ("eml", "  \n  ", "empty input", 2, 3),
    ("rpn", " ", "empty input: expected RPN tokens", 1, 2),
    ("wolfram", "", "empty input: expected an expression such as EML[1, x]", 1, 1),
    ("json", "\n", "empty input: expected a JSON document", 2, 1),
    ("latex", "", "empty input", 1, 1),
    ("dot", "", "empty input: expected a DOT digraph", 1, 1),
    ("auto", "", "empty input", 1, 1),
    # unbalanced brackets
    ("eml", "eml(1, x", "expected ')' closing eml, found end of input", 1, 9),
    ("eml", "eml(1,\n  eml(x, 1)", "expected ')' closing eml, found end of input", 2, 12),
    ("eml", "eml(1, x))", "expected end of input after the expression, found ')'", 1, 10),
    ("eml", "eml 1, x)", "expected '(' after eml, found '1'", 1, 5),
    ("eml", "eml(1 x)", "expected ',' between the two arguments of eml, found 'x'", 1, 7),
    ("eml", "eml(1, x, y)", "expected ')' closing eml, found ','", 1, 9),
    ("eml", "eml(, x)", "expected an expression (1, a variable or eml(a, b)), found ','", 1, 5),
    ("wolfram", "EML[1, x", "expected ']' closing EML, found end of input", 1, 9),
    ("wolfram", "EML(1, x)", "expected '[' after EML, found character '('", 1, 4),
    ("wolfram", "With[{$1 = x}, $1", "expected ']' closing With", 1, 18),
    ("latex", r"\operatorname{eml}\left(1, x", r"expected '\right)' closing", 1, 29),
    # trailing garbage
    ("eml", "eml(1, x) y", "expected end of input after the expression, found 'y'", 1, 11),
    (
        "eml",
        "eml(1, x)\n!",
        "expected end of input after the expression, found character '!'",
        2,
        1,
    ),
    ("wolfram", "EML[1, x]]", "expected end of input", 1, 10),
    (
        "json",
        DOC + " 3",
        "expected end of input after the JSON document, found '3'",
        1,
        len(DOC) + 2,
    ),
    ("dot", "digraph { x } y", "expected end of input", 1, 15),
    # unknown functions
    ("eml", "foo(x)", "unknown function 'foo': expected eml(a, b), the only function", 1, 1),
    ("eml", "eml(1, sin(x))", "unknown function 'sin'", 1, 8),
    ("wolfram", "Sin[x]", "unknown function 'Sin': expected EML[a, b]", 1, 1),
    ("latex", r"\sin\left(x\right)", r"unknown LaTeX command '\\sin'", 1, 1),
    ("latex", r"\operatorname{foo}(x)", "unknown function", 1, 1),
    ("auto", "foo(x)", "unknown function 'foo'", 1, 1),
    # numbers other than 1
    ("eml", "eml(2, x)", "number '2' is not allowed: expected 1, the only constant", 1, 5),
    ("eml", "eml(1.0, x)", "number '1.0' is not allowed", 1, 5),
    ("eml", "eml(1, 01)", "number '01' is not allowed", 1, 8),
    ("rpn", "1 2 E", "number '2' is not allowed", 1, 3),
    ("wolfram", "EML[1, 3]", "number '3' is not allowed", 1, 8),
    ("latex", r"\operatorname{eml}\left(1, 2\right)", "number '2' is not allowed", 1, 28),
    ("eml", "eml(1, -1)", "found character '-'", 1, 8),
    # NUL bytes and other control characters
    ("eml", "eml(1,\x00x)", "found control character U+0000", 1, 7),
    ("eml", "eml(1, x\x07)", "expected ')' closing eml, found control character U+0007", 1, 9),
    ("eml", "eml(1,\x0bx)", "found control character U+000B", 1, 7),
    ("eml", "eml(1,\u00a0x)", "found unsupported space character U+00A0", 1, 7),
    ("eml", "eml(1, x)\u200b", "control character U+200B", 1, 10),
    ("rpn", "1 x\x00 E", "unexpected control character U+0000", 1, 4),
    (
        "json",
        DOC.replace("emlkit", "eml\x00kit"),
        "control character U+0000 inside a string",
        1,
        16,
    ),
    ("dot", "digraph {\x01}", "control character U+0001", 1, 10),
    ("latex", "\x7f", "control character U+007F", 1, 1),
    # RPN operand counts
    ("rpn", "1 E", "E needs two operands, found 1", 1, 3),
    ("rpn", "E", "E needs two operands, found 0", 1, 1),
    ("rpn", "1 x", "2 expressions left on the stack: expected 1 more E", 1, 4),
    ("rpn", "1 x 1\n", "3 expressions left on the stack: expected 2 more E", 2, 1),
    ("rpn", "1 x E E", "E needs two operands, found 1", 1, 7),
    # invalid JSON
    ("json", "{", "invalid JSON: expected a string key in double quotes, found end of input", 1, 2),
    ("json", '{"format": "emlkit",}', "invalid JSON: expected a string key", 1, 21),
    ("json", '{"format" "emlkit"}', "invalid JSON: expected ':' after the key", 1, 11),
    ("json", '{"format": emlkit}', "invalid JSON: expected a JSON value, found 'emlkit}'", 1, 12),
    ("json", '{"format": "eml', 'invalid JSON: unterminated string: expected a closing "', 1, 12),
    ("json", "[" * 100_000, "invalid JSON: expected a JSON value, found end of input", 1, 100_001),
    ("json", "[1, 2]", "expected a JSON object with keys format, version, nodes, root", 1, 1),
    ("json", '{"format": "emlkit", "version": 1, "nodes": [["one"]]}', "missing key 'root'", 1, 1),
    ("json", DOC.replace('"root"', '"root": 2, "extra"'), "unknown key 'extra'", 1, 96),
    ("json", DOC.replace('"root": 2', '"root": 2, "root": 2'), "duplicate key 'root'", 1, 96),
    ("json", DOC.replace('"emlkit"', '"other"'), "format tag 'other': expected 'emlkit'", 1, 12),
    (
        "json",
        DOC.replace('"version": 1', '"version": 2'),
        "unsupported version 2: expected 1",
        1,
        33,
    ),
    ("json", DOC.replace('"version": 1', '"version": true'), "unsupported version True", 1, 33),
    ("json", DOC.replace('"nodes": [', '"nodes": [1, '), "malformed node 0", 1, 46),
    ("json", DOC.replace('["one"]', '["two"]'), "unknown node kind 'two' in node 0", 1, 46),
    ("json", DOC.replace('["one"]', '["one", 1]'), "node 0 has the wrong length", 1, 46),
    ("json", DOC.replace('"x"', "7"), "variable name in node 1 must be a string", 1, 63),
    (
        "json",
        DOC.replace("0, 1]", "0, 2]"),
        "expected the index of an earlier node (0 to 1)",
        1,
        80,
    ),
    ("json", DOC.replace("0, 1]", "0, -1]"), "dangling child index -1", 1, 80),
    ("json", DOC.replace("0, 1]", "0, 1.0]"), "dangling child index 1.0", 1, 80),
    (
        "json",
        DOC.replace('"root": 2', '"root": 3'),
        "root 3: expected a node index from 0 to 2",
        1,
        93,
    ),
    (
        "json",
        DOC.replace('"nodes": [["one"], ["var", "x"], ["eml", 0, 1]]', '"nodes": []'),
        "expected 'nodes' to be a non-empty list",
        1,
        45,
    ),
    # variables not in variables=, invalid identifiers, reserved names
    ("eml", "eml(1, z)", "unknown variable 'z': expected one of x, y", 1, 8),
    ("rpn", "z 1 E", "unknown variable 'z': expected one of x, y", 1, 1),
    ("wolfram", "EML[z, 1]", "unknown variable 'z'", 1, 5),
    ("json", DOC.replace('"x"', '"z"'), "unknown variable 'z'", 1, 64),
    ("latex", r"\mathit{zz}", "unknown variable 'zz'", 1, 9),
    ("dot", 'digraph { n [label="z"] }', "unknown variable 'z'", 1, 20),
    (
        "eml",
        "eml(1, 2x)",
        "invalid identifier '2x': expected a name starting with a letter or _",
        1,
        8,
    ),
    ("rpn", "1 2x E", "invalid identifier '2x'", 1, 3),
    ("eml", "eml(1, é)", "found character 'é'", 1, 8),
    ("json", DOC.replace('"x"', '"x-1"'), "invalid variable name 'x-1'", 1, 64),
    ("latex", r"\mathit{x y}", "invalid variable name 'x y'", 1, 9),
    ("eml", "eml(E, x)", "reserved word 'E' cannot be a variable name", 1, 5),
    ("eml", "eml(1, EML)", "reserved word 'EML'", 1, 8),
    ("eml", "eml(1, lambda)", "reserved word 'lambda'", 1, 8),
    ("eml", "eml(in, 1)", "reserved word 'in'", 1, 5),
    ("rpn", "1 eml E", "reserved word 'eml'", 1, 3),
    ("dot", 'digraph { n [label="let"] }', "reserved word 'let'", 1, 20),
    # let-forms
    ("eml", "eml(1, #1)", "undefined name '#1': expected a name bound earlier by let", 1, 8),
    ("eml", "let #1 = eml(1, #1) in #1", "undefined name '#1'", 1, 17),
    ("eml", "let #1 = x eml(#1, 1)", "expected another binding '#name = ...' or 'in'", 1, 12),
    ("eml", "let #1 = x #1 = x in #1", "name '#1' is already bound", 1, 12),
    ("eml", "let # = x in #", "expected a name after '#'", 1, 5),
    ("eml", "let #1 x in #1", "expected '=' after #1", 1, 8),
    ("wolfram", "With[{$1 = x}, EML[$2, 1]]", "undefined symbol '$2'", 1, 20),
    ("wolfram", "With[{x = 1}, x]", "expected a symbol $n to bind", 1, 7),
    ("wolfram", "With[{$1 = x} $1]", "expected ',' before the body of With", 1, 15),
    # DOT structure
    ("dot", "graph { a -- b }", "undirected graph: expected 'digraph'", 1, 1),
    ("dot", "eml(1, x)", "expected 'digraph'", 1, 1),
    ("dot", "digraph { a -> b }", "leaf node 'a' cannot have children", 1, 13),
    (
        "dot",
        'digraph { e [label=eml]; e -> x; e -> 1 [label="R"] }',
        "edge e -> x has no label",
        1,
        28,
    ),
    ("dot", 'digraph { e [label=eml]; e -> x [label="left"] }', "label 'left'", 1, 28),
    ("dot", "digraph { e [label=eml]; e -> x [label=L] }", "eml node 'e' has no R edge", 1, 20),
    ("dot", "digraph { e [label=eml]; e -> x [label=L]; e -> 1 [label=L] }", "two L edges", 1, 46),
    ("dot", "digraph { x; y }", "several roots ('x', 'y')", 1, 14),
    ("dot", "digraph { a [label=eml]; a -> a [label=L]; a -> a [label=R] }", "no root", 1, 28),
    (
        "dot",
        ("digraph { r [label=eml]; r -> a [label=L]; r -> 1 [label=R]; a [label=eml];"
         " a -> b [label=L]; a -> 1 [label=R]; b [label=eml]; b -> a [label=L];"
         " b -> 1 [label=R] }"),
        "cycle through node 'a'",
        1,
        130,
    ),
    ("dot", "digraph { subgraph s { a } }", "subgraphs are not supported", 1, 11),
    ("dot", "digraph { a:n -> b }", "ports are not supported", 1, 12),
    ("dot", "digraph { a [label=<b>] }", "HTML-like labels are not supported", 1, 20),
    ("dot", 'digraph { a [label="x] }', 'unterminated string: expected a closing "', 1, 20),
    ("dot", "digraph { /* a }", "unterminated comment", 1, 11),
    ("dot", "digraph { a -- b }", "'--' is an undirected edge: expected '->'", 1, 13),
    ("dot", "digraph { a [label] }", "expected '=' after the attribute label", 1, 19),
    ("dot", "digraph { a", "expected a node or edge statement or '}', found end of input", 1, 12),
]


@pytest.mark.parametrize(("fmt", "text", "fragment", "line", "column"), CASES)
def test_parse_error(fmt: str, text: str, fragment: str, line: int, column: int) -> None:
    variables = ("x", "y") if "unknown variable" in fragment else None
    with pytest.raises(ParseError) as info:
        parse(text, fmt, variables=variables)
    err = info.value
    assert fragment in err.message
    assert "expected" in err.message
    assert (err.line, err.column) == (line, column), err.one_line()
    assert err.one_line().endswith(f"at line {line}, column {column}")
    assert "^" in err.caret


def test_parse_error_is_a_value_error_with_a_readable_caret() -> None:
    with pytest.raises(ValueError) as info:
        parse("eml(1,\n    eml(x, 2))")
    assert str(info.value) == (
        "number '2' is not allowed: expected 1, the only constant at line 2, column 12\n"
        "      eml(x, 2))\n"
        "             ^"
    )


def test_no_variables_allowed() -> None:
    with pytest.raises(ParseError, match="unknown variable 'x': expected one of no variables"):
        parse("eml(x, 1)", variables=())
