import mpmath
import numpy as np

from emlkit.expr import Eml, Var
from emlkit.regress.tables import build_table


def _mp(e, x):
    """Independent reference: the tree evaluated with mpmath (principal ln)."""
    if isinstance(e, Eml):
        return mpmath.exp(_mp(e.left, x)) - mpmath.log(_mp(e.right, x))
    return mpmath.mpf(x) if isinstance(e, Var) else mpmath.mpf(1)


def test_table_rows_are_their_trees():
    xs = np.array([0.7, 1.3, 2.2])
    t = build_table({"x": xs}, ("x",), 3)
    assert t.max_depth == 3 and len(t) > 100
    with mpmath.workdps(30):
        for row in range(0, len(t), max(1, len(t) // 60)):
            e = t.expr(row)
            ref = np.array([complex(_mp(e, x)) for x in xs])
            assert np.allclose(t.vals[row], ref, rtol=1e-9), str(e)
