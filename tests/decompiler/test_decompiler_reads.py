"""decompile() names a constant subtree from its own value: the constants inside it are never
named (each such naming is a SymPy nsimplify run, about half a second for an unnamed value)."""

import mpmath
import sympy

import emlkit.decompiler.subforms as rec
from emlkit import parse
from emlkit.decompiler import decompile
from emlkit.expr import Eml, postorder

# a K = 21 constant near 2.7188 that has no short closed form (from recognize("2.719"))
TREE = "1 1 1 E E 1 1 E 1 1 E E 1 E E 1 E 1 E 1 E"


def _mp_value(expr):
    """Independent reference: exp(a) - ln(b) in mpmath, principal branch."""
    vals = {}
    for n in postorder(expr):
        vals[id(n)] = (mpmath.exp(vals[id(n.left)]) - mpmath.log(vals[id(n.right)])
                       if isinstance(n, Eml) else mpmath.mpf(1))
    return vals[id(expr)]


def test_constant_tree_names_only_its_root(monkeypatch):
    e = parse(TREE, "rpn")
    named = []
    real = rec.name_constant
    monkeypatch.setattr(rec, "name_constant", lambda node: named.append(node) or real(node))
    form = decompile(e)
    assert {id(n) for n in named} == {id(e)}  # the root (by recognition, then the fallback)
    with mpmath.workdps(40):
        assert abs(complex(sympy.N(form, 30)) - complex(_mp_value(e))) < 1e-25
