"""The bootstrap chain as a dependency graph: rows follow the witnesses, files are written."""

from __future__ import annotations

import pytest

from emlkit.errors import DomainError
from emlkit.search.bootstrap import bootstrap
from emlkit.viz import draw_chain, layout_chain


@pytest.fixture(scope="module")
def eml_chain():
    # e = eml(1, 1), exp x = eml(x, 1), ln x = eml(1, exp(eml(1, x))) (the paper's first steps)
    return bootstrap(constants=["1"], operations=["EML"], max_K=6, targets=["e", "exp", "ln"])


def test_rows_follow_the_blocks_each_witness_uses(eml_chain):
    lay = layout_chain(eml_chain)
    by_name = {n[0]: n for n in lay.nodes}
    assert by_name["1"][2] == by_name["eml"][2] == 0  # the base on the top row
    assert by_name["e"][2] == 1 and by_name["exp"][2] == 1
    assert by_name["ln"][2] == 2  # ln uses exp, found on row 1
    names = [n[0] for n in lay.nodes]
    edges = {(names[a], names[b]) for a, b in lay.edges}
    assert {("1", "e"), ("eml", "e"), ("eml", "exp"), ("exp", "ln")} <= edges
    assert all(lay.nodes[a][2] < lay.nodes[b][2] for a, b in lay.edges)  # always downwards


def test_columns_are_distinct_within_a_row(eml_chain):
    lay = layout_chain(eml_chain)
    seen = {(n[2], n[3]) for n in lay.nodes}
    assert len(seen) == len(lay.nodes)


@pytest.mark.parametrize("suffix", [".svg", ".png"])
def test_draw_writes_the_file(eml_chain, tmp_path, suffix):
    out = tmp_path / f"chain{suffix}"
    lay = draw_chain(eml_chain, out)
    data = out.read_bytes()
    assert lay.rows == 3
    assert data.startswith(b"<?xml" if suffix == ".svg" else b"\x89PNG")


def test_bad_suffix(eml_chain, tmp_path):
    with pytest.raises(DomainError, match="use .svg or .png"):
        draw_chain(eml_chain, tmp_path / "chain.pdf")


def test_an_empty_chain_draws_the_base_only(tmp_path):
    r = bootstrap(constants=["1"], operations=["plus"], max_K=3, targets=["e"])
    lay = draw_chain(r, tmp_path / "none.svg")
    assert [n[0] for n in lay.nodes] == ["1", "plus"] and lay.edges == ()
