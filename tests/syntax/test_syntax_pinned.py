"""Pinned examples: exact printed text of known expressions and hand-written inputs."""

from __future__ import annotations

import pytest

import emlkit as ek
from emlkit.expr import ONE, Var, eml
from emlkit.syntax import FORMATS, detect_format, parse, to_text

LN_X = eml(1, eml(eml(1, "x"), 1))  # e - ln(e^e / x) = ln x

LN_X_TEXT = {
    "eml": "eml(1, eml(eml(1, x), 1))",
    "rpn": "1 1 x E 1 E E",
    "wolfram": "EML[1, EML[EML[1, x], 1]]",
    "json": (
        '{"format": "emlkit", "version": 1, "nodes": [\n'
        '  ["one"],\n'
        '  ["var", "x"],\n'
        '  ["eml", 0, 1],\n'
        '  ["eml", 2, 0],\n'
        '  ["eml", 0, 3]\n'
        '], "root": 4}'
    ),
    "latex": (
        r"\operatorname{eml}\left(1, \operatorname{eml}\left(\operatorname{eml}\left(1, x\right),"
        r" 1\right)\right)"
    ),
    "dot": (
        "digraph eml {\n"
        "  graph [ordering=out];\n"
        '  n0 [label="1"];\n'
        '  n1 [label="x"];\n'
        '  n2 [label="eml"];\n'
        '  n2 -> n0 [label="L"];\n'
        '  n2 -> n1 [label="R"];\n'
        '  n3 [label="eml"];\n'
        '  n3 -> n2 [label="L"];\n'
        '  n3 -> n0 [label="R"];\n'
        '  n4 [label="eml"];\n'
        '  n4 -> n0 [label="L"];\n'
        '  n4 -> n3 [label="R"];\n'
        "}"
    ),
}


def test_every_format_is_pinned() -> None:
    assert set(LN_X_TEXT) == set(FORMATS)


@pytest.mark.parametrize("fmt", FORMATS)
def test_ln_x_prints_exactly(fmt: str) -> None:
    assert to_text(LN_X, fmt) == LN_X_TEXT[fmt]


@pytest.mark.parametrize("fmt", FORMATS)
def test_ln_x_parses_back(fmt: str) -> None:
    assert parse(LN_X_TEXT[fmt], fmt) is LN_X
    assert parse(LN_X_TEXT[fmt], "auto") is LN_X
    assert detect_format(LN_X_TEXT[fmt]) == fmt


def test_public_api_resolves_to_syntax() -> None:
    assert ek.parse is parse and ek.to_text is to_text
    assert ek.parse("1 1 x E 1 E E", format="rpn") is LN_X


def _shared_example():
    a = eml(1, "x")
    b = eml(a, a)
    return eml(b, eml(b, a))


def test_eml_let_form_pinned() -> None:
    assert to_text(_shared_example(), let=True) == (
        "let #1 = eml(1, x)\n    #2 = eml(#1, #1)\nin eml(#2, eml(#2, #1))"
    )


def test_wolfram_let_form_pinned() -> None:
    assert to_text(_shared_example(), "wolfram", let=True) == (
        "With[{$1 = EML[1, x]},\nWith[{$2 = EML[$1, $1]},\nEML[$2, EML[$2, $1]]]]"
    )


def test_let_form_from_the_design_brief_parses() -> None:
    text = """
        let #1 = eml(1, x)
            #2 = eml(#1, #1)
        in eml(#2, #1)
    """
    a = eml(1, "x")
    assert parse(text) is eml(eml(a, a), a)


def test_let_without_sharing_prints_the_plain_form() -> None:
    assert to_text(LN_X, let=True) == LN_X_TEXT["eml"]
    assert to_text(LN_X, "wolfram", let=True) == LN_X_TEXT["wolfram"]
    assert to_text(LN_X, "json", let=True) == LN_X_TEXT["json"]


def test_let_names_are_any_hash_words_and_bindings_see_earlier_ones() -> None:
    assert parse("let #a = eml(x, 1) #b_2 = eml(#a, #a) in #b_2") is eml(eml("x", 1), eml("x", 1))


def test_wolfram_with_list_binds_simultaneously() -> None:
    text = "With[{$1 = EML[x, 1], $2 = EML[1, y]}, With[{$3 = EML[$1, $2]}, EML[$3, $3]]]"
    inner = eml(eml("x", 1), eml(1, "y"))
    assert parse(text, "wolfram") is eml(inner, inner)
    with pytest.raises(ek.ParseError, match=r"undefined symbol '\$1'"):
        parse("With[{$1 = EML[x, 1], $2 = EML[$1, 1]}, $2]", "wolfram")


def test_leaves() -> None:
    for fmt in FORMATS:
        assert parse(to_text(ONE, fmt), fmt) is ONE
        assert parse(to_text(Var("y"), fmt), fmt) is Var("y")
    assert to_text(Var("x_1"), "latex") == r"\mathit{x\_1}"
    assert to_text(Var("y"), "json") == (
        '{"format": "emlkit", "version": 1, "nodes": [\n  ["var", "y"]\n], "root": 0}'
    )


def test_json_compact_one_line_document() -> None:
    doc = (
        '{"format": "emlkit", "version": 1, "nodes": [["one"], ["var", "x"], ["eml", 0, 1]],'
        ' "root": 2}'
    )
    assert parse(doc, "json") is eml(1, "x")
    assert parse(doc, "auto") is eml(1, "x")


def test_json_key_order_and_duplicate_nodes_are_accepted() -> None:
    doc = (
        '{"root": 3, "nodes": [["var", "x"], ["one"], ["var", "x"], ["eml", 2, 0]],'
        ' "version": 1, "format": "emlkit"}'
    )
    assert parse(doc, "json") is eml("x", "x")


def test_hand_written_dot() -> None:
    src = """
    /* ln x, written by hand */
    strict digraph "ln x" {
      node [shape=circle]
      edge [label=L]
      r [label=eml]; a [label=eml]; b [label=eml]
      r -> one; a -> b; b -> one
      edge [label=R]
      r -> a; a -> one; b -> x
      one [label=1]
      # a preprocessor-style comment line
    }
    """
    assert parse(src, "dot") is LN_X
    assert parse(src, "auto") is LN_X


def test_dot_node_without_label_is_labelled_by_its_id() -> None:
    assert parse('digraph { eml -> x [label="L"]; eml -> "1" [label="R"] }', "dot") is eml("x", 1)


def test_latex_variations() -> None:
    for text in [
        r"\operatorname{eml}\left(1, x\right)",
        r"\operatorname { eml } \left ( 1 ,\; x \right )",
        r"\mathrm{eml}(1, \mathit{x})",
        r"\text{eml}\left(\mathrm{1},\ \operatorname{x}\right)",
    ]:
        assert parse(text, "latex") is eml(1, "x"), text


def test_unknown_format_lists_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="unknown format 'xml': expected one of 'eml', 'rpn'"):
        parse("eml(1, x)", "xml")
    with pytest.raises(ValueError, match="'latex', 'dot'"):
        to_text(LN_X, "auto")


def test_let_is_refused_where_it_has_no_meaning() -> None:
    for fmt in ("rpn", "latex"):
        with pytest.raises(ValueError, match="let=True is not available"):
            to_text(LN_X, fmt, let=True)


def test_argument_types() -> None:
    with pytest.raises(TypeError, match="str"):
        parse(b"eml(1, x)")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="Expr"):
        to_text("eml(1, x)")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="iterable of names"):
        parse("x", variables="xy")


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ("eml(1, x)", "eml"),
        ("  let #1 = x in #1", "eml"),
        ("x", "eml"),
        ("1", "eml"),
        ("1 x E", "rpn"),
        ("x\n1\nE", "rpn"),
        ("EML[x, 1]", "wolfram"),
        ("With[{$1 = x}, $1]", "wolfram"),
        ("Foo[x]", "wolfram"),
        ('\n {"nodes": []}', "json"),
        (r"\operatorname{eml}\left(1, x\right)", "latex"),
        (r"f\left(x\right)", "latex"),
        ("digraph { }", "dot"),
        ("Digraph{}", "dot"),
        ("// comment\ndigraph { }", "dot"),
        ("foo(x)", "eml"),
        ("", "eml"),
        ("[1, 2]", "json"),
        ("digraph", "eml"),
        ("digraph x E", "rpn"),
        ("With 1 E", "rpn"),
        ('strict digraph "g" {}', "dot"),
        ("# line\ndigraph {}", "dot"),
    ],
)
def test_detect_format(text: str, fmt: str) -> None:
    assert detect_format(text) == fmt
