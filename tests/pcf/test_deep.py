"""Deep identification of classes the Möbius stage missed, checked against mpmath."""

from __future__ import annotations

import mpmath
import pytest
import sympy
from _mp_pcf import mp_limit

from emlkit.pcf.deep import deep_identify
from emlkit.pcf.search import search

# seconds per identification: never reached, so the results do not depend on the machine's speed
NO_LIMIT = 600.0

def _limit(a, b, depth=300):
    return mp_limit(a, b, depth)


def test_finds_what_the_searched_constants_could_not():
    r = search((1, 0, (0, 2)), constants=["E"], executor="serial")
    assert r.find((0, 1), (1,)) is None  # I1(2)/I0(2) is not a Möbius transform of e
    got = deep_identify(r, classes=6, timeout=NO_LIMIT)
    assert got
    known = {f.canonical for f in r.formulas}
    for f in got:
        assert f.canonical not in known
        with mpmath.workdps(60):
            want = mpmath.mpf(str(sympy.sympify(f.formula).evalf(60)))
            assert abs(_limit(f.a, f.b) - want) < abs(want) * mpmath.mpf(10) ** -50
    assert any("besseli" in f.formula for f in got)


def test_nothing_to_try_and_bad_arguments():
    r = search((1, 0, (0, 2)), constants=["E"], executor="serial")
    assert deep_identify(r, classes=0) == ()
    with pytest.raises(ValueError, match="classes"):
        deep_identify(r, classes=-1)


def test_catalog_stores_the_formulas_and_a_second_call_redoes_nothing(tmp_path, monkeypatch):
    from emlkit.catalog import Catalog
    from emlkit.catalog.pcf_store import pcf_formulas
    from emlkit.pcf import deep as deep_module
    from emlkit.pcf.search import Formula

    path = tmp_path / "c.sqlite"
    r = search((1, 0, (0, 2)), constants=["E"], executor="serial", catalog=path)
    want = deep_identify(r, classes=6, timeout=NO_LIMIT)
    got = deep_identify(r, classes=6, timeout=NO_LIMIT, catalog=path)
    assert got == want and any("besseli" in f.formula for f in got)
    with Catalog(path) as cat:
        run = next(x for x in cat.runs() if x.kind == deep_module.DEEP_RUN_KIND)
        assert run.finished and run.params["search_run"] == r.run_id
        stored = [Formula.from_record(x) for x in pcf_formulas(cat, run_id=run.id)]
        assert sorted(stored, key=lambda f: f.index) == sorted(got, key=lambda f: f.index)
        assert len(run.checkpoint()["tried"]) == 6
        # the search run's own formulas are not mixed with them
        assert [f.as_dict() for f in r.formulas] == [
            Formula.from_record(x).as_dict() for x in pcf_formulas(cat, run_id=r.run_id)]

    def refuse(*args, **kwargs):
        raise AssertionError("identify called again")

    monkeypatch.setattr(deep_module, "_try", refuse)
    assert deep_identify(r, classes=6, timeout=NO_LIMIT, catalog=path) == got
    # other settings are another run: they do search again
    with pytest.raises(AssertionError, match="called again"):
        deep_identify(r, classes=7, timeout=NO_LIMIT, catalog=path)


def test_an_interrupted_call_keeps_the_classes_it_finished(tmp_path, monkeypatch):
    from emlkit.pcf import deep as deep_module

    path = tmp_path / "c.sqlite"
    r = search((1, 0, (0, 2)), constants=["E"], executor="serial", catalog=path)
    want = deep_identify(r, classes=6, timeout=NO_LIMIT)
    real, calls = deep_module._try, []

    def dies_on_the_fourth(*args):
        calls.append(args[0])
        if len(calls) == 4:
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(deep_module, "_try", dies_on_the_fourth)
    with pytest.raises(KeyboardInterrupt):
        deep_identify(r, classes=6, timeout=NO_LIMIT, catalog=path)
    calls.clear()
    monkeypatch.setattr(deep_module, "_try", lambda *args: calls.append(args) or real(*args))
    assert deep_identify(r, classes=6, timeout=NO_LIMIT, catalog=path) == want
    assert len(calls) == 3  # classes 4, 5, 6 only
