"""DAG drawings: files are valid pictures and the drawing shows exactly the DAG's sharing."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from emlkit.errors import DomainError
from emlkit.expr import ONE, Eml, Var, eml, postorder
from emlkit.viz import TreeLayout, draw, layout_dag

x, y = Var("x"), Var("y")


def ln(z):
    return eml(1, eml(eml(1, z), 1))


def _uses(expr):
    """Incoming edge count of every distinct node (the DAG's own view of sharing)."""
    uses = Counter()
    for n in postorder(expr):
        if isinstance(n, Eml):
            uses[n.left] += 1
            uses[n.right] += 1
    return uses


def _shared_eml(expr):
    return sum(1 for n, k in _uses(expr).items() if isinstance(n, Eml) and k > 1)


def _random_dag(rng, steps):
    pool = [ONE, x, y]
    for _ in range(steps):
        pool.append(eml(rng.choice(pool), rng.choice(pool)))
    return pool[-1]


def test_counts_match_the_dag():
    rng = random.Random(7)
    for _ in range(50):
        e = _random_dag(rng, rng.randrange(1, 25))
        if not isinstance(e, Eml):
            continue
        lay = layout_dag(e)
        n_eml = sum(1 for n in postorder(e) if isinstance(n, Eml))
        assert sum(1 for n in lay.nodes if n.kind == "eml") == n_eml == e.dag_size
        assert lay.n_shared == _shared_eml(e)
        assert lay.n_edges == 2 * n_eml
        leaf_uses = sum(k for n, k in _uses(e).items() if not isinstance(n, Eml))
        assert lay.n_nodes == n_eml + leaf_uses
        # shared leaves: every distinct node drawn once
        shared = layout_dag(e, share_leaves=True)
        assert shared.n_nodes == len(postorder(e))
        assert shared.n_shared == sum(1 for k in _uses(e).values() if k > 1)


def test_layers_follow_depth_and_nodes_never_overlap():
    a = eml(x, 1)
    e = eml(eml(a, ln(a)), eml(ln(y), a))
    lay = layout_dag(e)
    eml_nodes = [n for n in lay.nodes if n.kind == "eml"]
    depths = sorted(n.depth for n in postorder(e) if isinstance(n, Eml))
    assert sorted(n.y for n in eml_nodes) == depths
    spots = [(n.x, n.y) for n in lay.nodes]
    assert len(spots) == len(set(spots))
    for i, j, side in lay.edges:  # parents above children
        assert lay.nodes[i].y > lay.nodes[j].y and side in "LR"


def test_eml_of_the_same_child_twice_is_shared():
    lay = layout_dag(eml(eml(x, 1), eml(x, 1)))
    assert lay.n_shared == 1 and lay.n_edges == 4


@pytest.mark.parametrize("suffix, header", [(".png", b"\x89PNG\r\n\x1a\n"), (".svg", b"<?xml")])
def test_files_are_valid_pictures(tmp_path, suffix, header):
    a = ln(x)
    e = eml(eml(a, a), eml(a, y))
    out = tmp_path / f"tree{suffix.upper() if suffix == '.png' else suffix}"
    lay = draw(e, out)
    data = out.read_bytes()
    assert data.startswith(header) and len(data) > 1000
    assert isinstance(lay, TreeLayout) and lay.n_shared == _shared_eml(e) == 1
    if suffix == ".svg":
        assert b"<svg" in data[:2000]


def test_large_drawing_without_labels(tmp_path):
    e = x
    for i in range(120):  # a long chain with sharing
        e = eml(e, eml(e, 1)) if i % 3 else eml(1, e)
    lay = draw(e, tmp_path / "big.png")
    assert lay.n_nodes > 150 and (tmp_path / "big.png").stat().st_size > 1000


def test_refuses_huge_dags_and_bad_suffixes(tmp_path):
    e = x
    for _ in range(2000):
        e = eml(e, 1)
    with pytest.raises(DomainError, match="too large to draw.*--format dot"):
        draw(e, tmp_path / "t.svg")
    assert not (tmp_path / "t.svg").exists()
    with pytest.raises(DomainError, match="use .svg or .png"):
        draw(x, tmp_path / "t.jpg")
    draw(x, tmp_path / "leaf.svg")  # a single leaf is a fine picture


def test_deep_chain_layout_is_iterative():
    e = x
    for _ in range(100_000):
        e = eml(1, e)
    lay = layout_dag(e)
    assert lay.n_nodes == 200_001 and lay.n_shared == 0
