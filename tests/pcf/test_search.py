"""PCF search: recall of published formulas, classes, pool = serial, kill -9 and resume."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import mpmath
import pytest
import sympy

from emlkit.catalog import Catalog
from emlkit.catalog.pcf_store import pcf_formulas
from emlkit.pcf.search import Formula, as_box, search
from emlkit.runtime import LocalExecutor

ROOT = Path(__file__).resolve().parents[2]

HELD = [  # published formulas (a, b lowest degree first) and the limit, from mpmath
    ((1, 2), (0, 0, 1), lambda: 4 / mpmath.pi),
    ((3, 2), (0, 2, 1), lambda: 4 / (mpmath.pi - 2)),
    ((2, 3), (0, 0, -2), lambda: 1 / mpmath.log(2)),
    ((3, 3), (0, 0, -2), lambda: 1 / (2 * mpmath.log(2) - 1)),
    ((3, 3), (0, 1, -2), lambda: 4 / (3 * mpmath.pi - 8)),
    ((3, 1), (0, -1), lambda: mpmath.e),
    ((4, 1), (0, -1), lambda: mpmath.e / (mpmath.e - 2)),
    ((2, 1), (0, -1), lambda: mpmath.e / (mpmath.e - 1)),
    ((1, 1), (1, 1), lambda: mpmath.e - 1),
    ((1, 2), (-1,), lambda: mpmath.cot(1)),
    ((1, 2), (1,), lambda: mpmath.coth(1)),
    ((0, 1), (1,), lambda: mpmath.besseli(1, 2) / mpmath.besseli(0, 2)),
    ((1,), (1,), lambda: mpmath.phi),
]


@pytest.fixture(scope="module")
def box_result():
    return search((1, 2, (-4, 4), (-2, 2)), workers=2, shard_size=2048)


@pytest.mark.parametrize("a, b, ref", HELD)
def test_held_formulas_are_found_and_right(box_result, a, b, ref):
    f = box_result.find(a, b)
    assert f is not None, (a, b)
    assert f.digits >= 30
    with mpmath.workdps(60):
        want = ref()
        got = mpmath.mpf(f.value)
        assert abs(got - want) <= abs(want) * mpmath.mpf(10) ** (1 - f.digits)
        # the printed closed form evaluates to the same number (SymPy reads it)
        expr = sympy.sympify(f.formula)
        assert abs(mpmath.mpf(str(expr.evalf(50))) - want) < mpmath.mpf(10) ** -40
    assert f.kind == ("algebraic" if a == (1,) else "identified")


def test_classes_and_counts(box_result):
    r = box_result
    assert sum(r.counts.values()) == r.size == (9**2 - 1) * (5**3 - 1)
    kinds = r.kinds()
    assert kinds["rational"] > 0 and kinds["identified"] > 0
    for f in r.formulas:
        if f.kind == "rational":
            num, _, den = f.formula.partition("/")
            with mpmath.workdps(50):
                q = mpmath.mpf(int(num)) / (int(den) if den else 1)
                assert abs(mpmath.mpf(f.value) - q) <= abs(q) * mpmath.mpf(10) ** -25
    pc = r.per_constant()
    assert pc["pi"] >= 3 and pc["E"] >= 3 and pc["log(2)"] >= 2
    # equivalent formulas share one canonical class: 4/pi and 2·(4/pi) in a bigger box
    assert len({f.canonical for f in r.formulas if f.constant == "pi"}) == pc["pi"]


def test_pool_equals_serial_on_a_small_box():
    a = search((1, 1, (-2, 3)), constants=["E", "pi"], executor="serial")
    b = search((1, 1, (-2, 3)), constants=["E", "pi"], executor=LocalExecutor(2),
               shard_size=100)
    assert [f.as_dict() for f in a.formulas] == [f.as_dict() for f in b.formulas]
    assert a.counts == b.counts and a.candidates == b.candidates


class _DyingPool(LocalExecutor):
    """A local pool whose first task kills its worker process."""

    def __init__(self, workers):
        super().__init__(workers)
        self.killed = False

    def submit(self, fn, *args):
        if not self.killed:
            self.killed = True
            return super().submit(os._exit, 3)
        return super().submit(fn, *args)


def test_a_dead_worker_loses_nothing():
    want = search((1, 1, (-2, 3)), constants=["E"], executor="serial")
    ex = _DyingPool(2)
    try:
        got = search((1, 1, (-2, 3)), constants=["E"], executor=ex, shard_size=200)
    finally:
        ex.shutdown()
    assert ex.killed
    assert [f.as_dict() for f in got.formulas] == [f.as_dict() for f in want.formulas]
    assert got.counts == want.counts


def test_kill_9_and_resume_gives_the_uninterrupted_catalog(tmp_path):
    box, kw = (1, 2, (-2, 2)), {"constants": ["pi", "E", "log(2)"], "shard_size": 256}
    want = search(box, executor="serial", **kw)
    path = tmp_path / "c.sqlite"
    # the child is slowed down (0.3 s per shard) so that it is surely killed mid-run
    code = ("import sys, time, emlkit.pcf.search\n"
            "s = sys.modules['emlkit.pcf.search']\n"
            "run = s.run_shard\n"
            "def slow(*args):\n    time.sleep(0.3)\n    return run(*args)\n"
            "s.run_shard = slow\n"
            f"s.search({box!r}, executor='serial', catalog={str(path)!r}, **{kw!r})\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    proc = subprocess.Popen([sys.executable, "-c", code], env=env)
    stored = 0
    try:
        deadline = time.monotonic() + 600  # ends once 3 shards are stored
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.1)
            if path.exists():
                try:
                    with Catalog(path) as cat:
                        runs = cat.runs()
                        stored = len((runs[0].checkpoint() or {}).get("shards", {})) if runs \
                            else 0
                except Exception:  # noqa: BLE001, S112 - the writer may hold the file a moment
                    continue
                if stored >= 3:
                    break
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the search ended before it could be killed"
    assert 0 < stored < len(list(as_box(box).shards(256)))
    again = search(box, executor="serial", catalog=path, **kw)
    assert again.resumed_shards >= stored
    assert [f.as_dict() for f in again.formulas] == [f.as_dict() for f in want.formulas]
    assert again.counts == want.counts
    with Catalog(path) as cat:
        rows = pcf_formulas(cat)
        assert [Formula.from_record(r) for r in rows] == list(want.formulas)
        assert cat.runs()[0].finished
    # a third call answers from the catalog without searching
    third = search(box, executor="serial", catalog=path, **kw)
    assert third.resumed_shards == len(list(as_box(box).shards(256)))
    assert third.formulas == want.formulas


@pytest.mark.parametrize("kwargs, msg", [
    ({"depth": 4}, "depth"),
    ({"min_digits": 20}, "min_digits"),
    ({"verify_digits": 3}, "verify_digits"),
    ({"shard_size": 0}, "shard_size"),
    ({"constants": ["y + 1"]}, "not a number"),
    ({"constants": []}, "no constants"),
    ({"executor": "cloud"}, "unknown executor"),
])
def test_bad_arguments(kwargs, msg):
    with pytest.raises(ValueError, match=msg):
        search((0, 0, (1, 2)), **kwargs)


def test_bad_box():
    with pytest.raises(ValueError, match="cannot read a box"):
        search("big")


def test_constant_pcfs_are_quadratic_irrationals():
    r = search((0, 0, (-5, 5)), constants=["pi"], executor="serial")
    x = sympy.Symbol("x")
    algebraic = [f for f in r.formulas if f.kind == "algebraic"]
    assert len(algebraic) >= 40
    for f in algebraic:
        a, b = f.a[0], f.b[0]
        roots = sympy.solve(x**2 - a * x - b, x)  # x = a + b/x
        value = sympy.sympify(f.formula)
        assert any(sympy.simplify(value - r0) == 0 for r0 in roots), f
        with mpmath.workdps(50):
            assert abs(mpmath.mpf(f.value) - mpmath.mpf(str(value.evalf(50)))) < \
                mpmath.mpf(10) ** (1 - f.digits) * abs(mpmath.mpf(f.value))
    # a perfect-square discriminant gives a rational limit: PCF(1, 2) = 2
    assert r.find((1,), (2,)).formula == "2"
