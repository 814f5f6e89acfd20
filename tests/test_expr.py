"""The expression core: interning, immutability, measures, substitution, deep trees."""

from __future__ import annotations

import copy
import gc
import pickle

import pytest
from hypothesis import given, settings
from strategies import exprs

import emlkit as ek
from emlkit.expr import ONE, Eml, Var, eml, iter_tree, postorder, rpn_string, substitute


def test_structural_equality_is_identity():
    a = Eml(Eml(ONE, Var("x")), ONE)
    b = Eml(Eml(ONE, Var("x")), ONE)
    assert a is b and a == b and hash(a) == hash(b)
    assert Eml(ONE, Var("y")) is not Eml(ONE, Var("x"))


def test_nodes_are_immutable():
    e = eml("x", 1)
    with pytest.raises(AttributeError):
        e.left = ONE
    with pytest.raises(AttributeError):
        del e.right
    assert copy.copy(e) is e and copy.deepcopy(e) is e


@pytest.mark.parametrize(
    "text,K,depth,dag",
    [
        ("1", 1, 0, 0),
        ("x", 1, 0, 0),
        ("eml(1, 1)", 3, 1, 1),
        ("eml(1, eml(eml(1, x), 1))", 7, 3, 3),
        ("eml(eml(1, 1), eml(1, 1))", 7, 2, 2),  # the shared eml(1, 1) counts once in the DAG
    ],
)
def test_measures(text, K, depth, dag):
    e = ek.parse(text)
    assert (e.K, e.depth, e.dag_size) == (K, depth, dag)
    assert e.K == len(rpn_string(e).split())  # K is the RPN token count


@settings(max_examples=60, deadline=None)
@given(exprs())
def test_measures_agree_with_a_naive_count(e):
    # K counts tree tokens (shared subtrees every time), dag_size distinct eml nodes
    assert e.K == sum(1 for _ in iter_tree(e))
    assert e.dag_size == len({id(n) for n in iter_tree(e) if isinstance(n, Eml)})
    assert e.dag_size == sum(1 for n in postorder(e) if isinstance(n, Eml))


def test_sharing_makes_k_exponential_but_dag_linear():
    e = ONE
    for _ in range(60):
        e = Eml(e, e)
    assert e.K == 2**61 - 1 and e.dag_size == 60 and e.depth == 60


def test_substitute_is_simultaneous_and_shares():
    e = eml("x", eml("y", 1))
    s = substitute(e, {"x": "y", "y": "x"})
    assert s is eml("y", eml("x", 1))
    big = ek.compile("sin(x)")
    assert substitute(big, {"x": "x"}) is big
    assert substitute(big, {"x": eml("z", 1)}).free_vars == {"z"}


def test_variable_names_are_checked():
    for bad in ["2x", "", "x-y", "E", "eml", "lambda", "a b"]:
        with pytest.raises(ek.DomainError):
            Var(bad)
    with pytest.raises(TypeError):
        Eml(ONE, 2)


def test_pickle_round_trip_keeps_identity():
    e = ek.compile("x*y + 1")
    assert pickle.loads(pickle.dumps(e)) is e


def test_depth_100000_builds_measures_prints_evaluates_and_frees():
    e = Var("x")
    for _ in range(100_000):
        e = Eml(ONE, Eml(e, ONE))  # v ↦ e − ln(exp v) = e − v: an even number of steps gives v back
    assert e.depth == 200_000 and e.K == 400_001 and e.dag_size == 200_000
    assert len(str(e)) > 1_000_000
    assert ek.parse(ek.to_text(e, format="rpn"), format="rpn") is e
    assert complex(ek.evaluate(e, x=0.5)) == pytest.approx(0.5, abs=1e-9)
    outer = complex(ek.evaluate(Eml(ONE, Eml(e, ONE)), x=0.5))
    assert outer == pytest.approx(2.718281828459045 - 0.5, abs=1e-9)
    assert pickle.loads(pickle.dumps(e)) is e
    del e
    gc.collect()


def test_func_args_rebuild():
    for e in [ONE, Var("x"), ek.compile("x/y")]:
        assert e.func(*e.args) is e
