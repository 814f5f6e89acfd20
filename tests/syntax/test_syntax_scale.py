"""Scale: deep trees, megabyte inputs and huge DAGs, without recursion and in linear time."""

from __future__ import annotations

import random
import time

import pytest

from emlkit.errors import ParseError
from emlkit.expr import ONE, Eml, Expr, Var
from emlkit.syntax import FORMATS, parse, to_text

DEPTH = 100_000
LET_FORMATS = ("eml", "wolfram", "json", "dot")


@pytest.fixture(scope="module")
def left_chain() -> Expr:
    """eml(eml(eml(..., 1), x), 1): depth 100,000, nested on the left as in eml(..., 1)."""
    x = Var("x")
    e: Expr = ONE
    for i in range(DEPTH):
        e = Eml(e, x if i % 7 == 3 else ONE)
    return e


@pytest.fixture(scope="module")
def right_chain() -> Expr:
    """eml(y, eml(1, eml(y, ...))): depth 100,000, nested on the right."""
    y = Var("y")
    e: Expr = y
    for i in range(DEPTH):
        e = Eml(ONE if i % 2 else y, e)
    return e


@pytest.mark.parametrize("fmt", FORMATS)
def test_depth_100000_left(fmt: str, left_chain: Expr) -> None:
    start = time.perf_counter()
    text = to_text(left_chain, fmt)
    assert parse(text, fmt) is left_chain
    assert time.perf_counter() - start < 15  # about 1 s on a laptop; generous for busy CI
    assert left_chain.depth == DEPTH


@pytest.mark.parametrize("fmt", FORMATS)
def test_depth_100000_right(fmt: str, right_chain: Expr) -> None:
    text = to_text(right_chain, fmt)
    assert parse(text, "auto") is right_chain


def test_depth_100000_let_forms(left_chain: Expr) -> None:
    # beside a chain whose every node is used twice: 10,000 let bindings
    e: Expr = ONE
    for _ in range(10_000):
        e = Eml(e, e)
    for fmt in ("eml", "wolfram"):
        text = to_text(Eml(left_chain, e), fmt, let=True)
        assert parse(text, fmt) is Eml(left_chain, e)


def test_general_dot_parser_handles_deep_graphs(left_chain: Expr) -> None:
    chain = left_chain
    for _ in range(DEPTH - 20_000):  # 20,000 deep, to keep the slower general path quick
        chain = chain.left  # type: ignore[attr-defined]
    text = to_text(chain, "dot").replace("digraph eml {", "digraph  eml {")
    assert parse(text, "dot") is chain


@pytest.mark.parametrize(
    ("fmt", "text", "fragment"),
    [
        ("eml", "eml(" * DEPTH, "found end of input"),
        ("eml", "eml(1, " * DEPTH + "x" + ")" * (DEPTH - 1), "expected ')' closing eml"),
        ("wolfram", "EML[" * DEPTH, "found end of input"),
        ("latex", r"\operatorname{eml}\left(" * DEPTH, "found end of input"),
        ("rpn", "1 " * DEPTH, f"{DEPTH} expressions left on the stack"),
        ("json", "[" * DEPTH + "]" * DEPTH, "expected a JSON object"),
        ("json", '{"a": ' * DEPTH, "found end of input"),
    ],
)
def test_deep_malformed_input_is_a_parse_error(fmt: str, text: str, fragment: str) -> None:
    with pytest.raises(ParseError) as info:
        parse(text, fmt)
    assert fragment in info.value.message
    assert len(info.value.caret) < 300  # the caret picture shows a window, not the line


def _random_tree(leaves: int, seed: int) -> Expr:
    rng = random.Random(seed)
    row: list[Expr] = [rng.choice((ONE, Var("x"), Var("y"), Var("z1"))) for _ in range(leaves)]
    while len(row) > 1:  # join random neighbours: a bushy tree of moderate depth
        nxt = []
        for i in range(0, len(row) - 1, 2):
            if rng.random() < 0.8:
                nxt.append(Eml(row[i], row[i + 1]))
            else:
                nxt.extend((row[i], row[i + 1]))
        if len(row) % 2:
            nxt.append(row[-1])
        row = nxt if len(nxt) < len(row) else [Eml(row[0], row[1]), *row[2:]]
    return row[0]


@pytest.fixture(scope="module")
def megabyte_tree() -> Expr:
    return _random_tree(120_000, seed=1)


@pytest.mark.parametrize("fmt", FORMATS)
def test_megabyte_inputs(fmt: str, megabyte_tree: Expr) -> None:
    text = to_text(megabyte_tree, fmt)
    assert len(text) > 500_000
    start = time.perf_counter()
    assert parse(text, fmt) is megabyte_tree
    assert time.perf_counter() - start < 15


def _best_time(text: str, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        parse(text)
        best = min(best, time.perf_counter() - start)
    return best


def test_parse_time_is_linear_in_the_input_size() -> None:
    small = to_text(_random_tree(15_000, seed=2))
    large = to_text(_random_tree(60_000, seed=3))
    ratio = len(large) / len(small)
    assert 3 < ratio < 5
    # a quadratic parser would take ~16 times longer on 4 times the text
    assert _best_time(large) < 2.5 * ratio * _best_time(small) + 0.05


def test_megabyte_error_is_reported_quickly() -> None:
    text = "eml(1, " * 150_000 + "2" + ")" * 150_000
    start = time.perf_counter()
    with pytest.raises(ParseError) as info:
        parse(text)
    assert time.perf_counter() - start < 5
    assert info.value.column == 7 * 150_000 + 1
    assert "number '2'" in info.value.message


def _huge_dag(steps: int, seed: int) -> Expr:
    """A DAG of ``steps`` nodes, each joining two earlier ones: K grows exponentially."""
    rng = random.Random(seed)
    nodes: list[Expr] = [ONE, Var("x"), Var("y")]
    for _ in range(steps):
        recent = nodes[-12:]
        nodes.append(Eml(rng.choice(recent), rng.choice(nodes)))
    return nodes[-1]


def test_let_form_of_a_huge_dag_is_small() -> None:
    e = _huge_dag(4_000, seed=4)
    assert e.K > 10**6 and e.dag_size > 2_000
    for fmt in LET_FORMATS:
        text = to_text(e, fmt, let=True)
        assert len(text) < 100 * e.dag_size, fmt  # dot: ~80 characters a node
        assert parse(text, fmt) is e


def test_let_form_of_a_doubling_chain() -> None:
    e: Expr = Var("x")
    for _ in range(60):
        e = Eml(e, e)  # K = 2**61 - 1
    text = to_text(e, let=True)
    assert e.K == 2**61 - 1
    assert text.count("\n") == 59 and len(text) < 1_500
    assert parse(text) is e
    assert parse(to_text(e, "wolfram", let=True), "auto") is e
