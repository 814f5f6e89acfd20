"""Property tests: every format reads back what it prints, as the very same interned object."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import exprs

from emlkit.errors import ParseError
from emlkit.expr import Eml, Expr, postorder
from emlkit.syntax import FORMATS, detect_format, parse, to_text
from emlkit.syntax._calls import shared_nodes

VARIABLES = ("x", "y", "x_1", "theta")
TREES = exprs(variables=VARIABLES, max_leaves=24)
LET_FORMATS = ("eml", "wolfram", "json", "dot")  # the formats that accept let=True


@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=60, deadline=None)
@given(e=TREES)
def test_round_trip(fmt: str, e: Expr) -> None:
    text = to_text(e, fmt)
    assert parse(text, fmt) is e
    assert parse(text, fmt, variables=VARIABLES) is e


@pytest.mark.parametrize("fmt", LET_FORMATS)
@settings(max_examples=60, deadline=None)
@given(e=TREES)
def test_round_trip_let(fmt: str, e: Expr) -> None:
    assert parse(to_text(e, fmt, let=True), fmt) is e


@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=40, deadline=None)
@given(
    e=exprs(variables=("x", "digraph", "With", "strict", "graph"), max_leaves=16), let=st.booleans()
)
def test_auto_detects_every_printed_format(fmt: str, e: Expr, let: bool) -> None:
    text = to_text(e, fmt, let=let and fmt in LET_FORMATS)
    assert parse(text, "auto") is e
    if isinstance(e, Eml):  # a bare leaf reads the same everywhere and is reported as eml
        assert detect_format(text) == fmt


@pytest.mark.parametrize("fmt", ["eml", "wolfram"])
@settings(max_examples=60, deadline=None)
@given(e=TREES)
def test_let_names_exactly_the_shared_subterms(fmt: str, e: Expr) -> None:
    text = to_text(e, fmt, let=True)
    shared = shared_nodes(e)
    sigil = "#" if fmt == "eml" else "$"
    names = re.findall(re.escape(sigil) + r"[0-9]+", text)
    assert sorted(set(names)) == sorted(f"{sigil}{i}" for i in range(1, len(shared) + 1))
    for name in set(names):
        assert names.count(name) >= 3  # bound once, used at least twice
    # each eml node is written out exactly once
    head = "eml(" if fmt == "eml" else "EML["
    assert text.count(head) == sum(isinstance(n, Eml) for n in postorder(e))


def _tokens(text: str) -> list[str]:
    return re.findall(r"eml|[A-Za-z_0-9#]+|\S", text)


@settings(max_examples=60, deadline=None)
@given(e=TREES, let=st.booleans(), data=st.data())
def test_eml_text_whitespace_is_free(e: Expr, let: bool, data: st.DataObject) -> None:
    tokens = _tokens(to_text(e, let=let))
    gaps = data.draw(
        st.lists(
            st.sampled_from(["", " ", "\n", "\t", "  \r\n "]),
            min_size=len(tokens),
            max_size=len(tokens),
        )
    )
    # words must stay apart: never glue two identifier-like tokens together
    spaced = []
    for token, gap in zip(tokens, gaps, strict=True):
        if spaced and not gap and token[0].isalnum() and spaced[-1][-1].isalnum():
            gap = " "
        spaced.append(gap + token)
    assert parse("".join(spaced)) is e


@settings(max_examples=40, deadline=None)
@given(e=TREES)
def test_latex_tolerates_plain_parentheses_and_spacing(e: Expr) -> None:
    text = to_text(e, "latex")
    loose = (
        text.replace(",", " ,~")
        .replace(r"\left(", " ( ")
        .replace(r"\right)", r"\, ) ")
        .replace(r"\operatorname{eml}", r"\mathrm{ eml }")
    )
    assert parse(loose, "latex") is e


@settings(max_examples=40, deadline=None)
@given(e=TREES)
def test_dot_general_parser_agrees_with_the_fast_path(e: Expr) -> None:
    text = to_text(e, "dot")
    # any change of layout sends the text through the tokenizing parser
    general = text.replace("digraph eml {", 'strict digraph "eml" {\n  // comment\n')
    general = general.replace('[label="', '[ label = "')
    assert parse(general, "dot") is e


@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=150, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from('eml(1, x)EML[]#$\\{}"-><LR;:=letin\n\x00'), max_size=40)
)
def test_garbage_is_a_parse_error_or_an_expression(fmt: str, text: str) -> None:
    try:
        result = parse(text, fmt)
    except ParseError as err:
        assert err.line >= 1 and err.column >= 1
        assert "expected" in err.message
    else:
        assert isinstance(result, Expr)


@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=60, deadline=None)
@given(e=TREES, data=st.data())
def test_damaged_output_is_a_parse_error_or_an_expression(
    fmt: str, e: Expr, data: st.DataObject
) -> None:
    text = to_text(e, fmt, let=fmt in LET_FORMATS)
    i = data.draw(st.integers(0, len(text)))
    j = data.draw(st.integers(i, min(len(text), i + 3)))
    insert = data.draw(st.sampled_from(["", "(", ")", "[", "]", ",", "2", "\x00", "E", "{", '"']))
    damaged = text[:i] + insert + text[j:]
    try:
        result = parse(damaged, fmt)
    except ParseError as err:
        assert "expected" in err.message
    else:
        assert isinstance(result, Expr)
