"""Resumable enumeration runs in the catalog (``emlkit.search.run.search_run``), called as a
library: counts against an independent brute-force table, nothing printed, notes and interrupts
reported to the caller."""

from __future__ import annotations

import shutil

import mpmath
import pytest

import emlkit as ek
from emlkit.search import enumerate as enumerate_module
from emlkit.search import run as search_run_module
from emlkit.search.run import SearchInterrupted, check_variables, search_run

#: Distinct constants (leaf 1 only) per K, counted independently by a brute force over trees
#: (the same table as tests/cli/test_search_cli.py).
CONSTANT_COUNTS = {1: 1, 3: 1, 5: 2, 7: 5, 9: 11, 11: 29}


def _counts(res: dict) -> dict[int, int]:
    return {int(k): n for k, n in res["counts"].items()}


def test_counts_match_a_brute_force_and_nothing_is_printed(tmp_path, capsys):
    res = search_run(9, (), catalog=tmp_path / "c.sqlite")
    out, err = capsys.readouterr()
    assert out == "" and err == ""
    assert _counts(res) == {k: n for k, n in CONSTANT_COUNTS.items() if k <= 9}
    assert res["complete"] and not res["resumed"] and not res["from_catalog"]
    by_label = {f["label"]: f for f in res["found"]}
    assert by_label["E"]["K"] == 3 and by_label["0"]["K"] == 7
    e = ek.parse(by_label["E"]["rpn"], format="rpn")
    assert abs(mpmath.mpc(ek.evaluate(e, backend="mpmath", dps=40)) - mpmath.e) < 1e-35
    again = search_run(9, (), catalog=tmp_path / "c.sqlite")
    assert again["from_catalog"] and again["counts"] == res["counts"]


def test_progress_goes_to_standard_error_only(capsys):
    search_run(7, ("x",), catalog=":memory:", progress=True)
    out, err = capsys.readouterr()
    assert out == ""
    assert [line.split(":")[0] for line in err.splitlines()][-1] == "search K=7"


def test_a_run_that_cannot_resume_starts_again_with_a_note(tmp_path):
    cat = tmp_path / "c.sqlite"
    first = search_run(11, (), catalog=cat, memory_limit_bytes=1)  # stops at once
    assert not first["complete"] and first["stop_reason"]
    shutil.rmtree(tmp_path / "c.sqlite.d")  # the saved levels are gone
    notes: list[str] = []
    res = search_run(11, (), catalog=cat, on_note=notes.append)
    assert res["complete"] and not res["resumed"]
    assert len(notes) == 1 and notes[0].startswith("cannot resume (")
    assert notes[0].endswith("starting again")
    assert _counts(res) == CONSTANT_COUNTS


def test_an_interrupt_says_what_was_saved(tmp_path, monkeypatch):
    # search_run imports enumerate_forms when called: patch it in its own module
    assert not hasattr(search_run_module, "enumerate_forms")
    original = enumerate_module.enumerate_forms

    def interrupted_after_K5(max_K, variables, **kw):
        user_on_level = kw["on_level"]

        def on_level(en, K):
            user_on_level(en, K)
            if K == 5:
                raise KeyboardInterrupt

        return original(max_K, variables, **{**kw, "on_level": on_level})

    monkeypatch.setattr(enumerate_module, "enumerate_forms", interrupted_after_K5)
    cat = tmp_path / "c.sqlite"
    with pytest.raises(SearchInterrupted) as info:
        search_run(9, (), catalog=cat)
    stop = info.value
    assert isinstance(stop, KeyboardInterrupt)
    assert (stop.saved_K, stop.catalog) == (5, str(cat))
    assert str(stop) == f"interrupted; saved up to K=5 in {cat} (run {stop.run_id})"
    monkeypatch.setattr(enumerate_module, "enumerate_forms", original)
    res = search_run(9, (), catalog=cat)
    assert res["resumed"] and res["complete"]
    assert _counts(res) == {k: n for k, n in CONSTANT_COUNTS.items() if k <= 9}


@pytest.mark.parametrize("kwargs, message", [
    ({"max_K": 0}, "max_K must be a whole number >= 1"),
    ({"max_K": True}, "max_K must be a whole number >= 1"),
    ({"max_K": 5, "variables": ("E",)}, "bad variable name 'E'"),
    ({"max_K": 5, "variables": ("x", "x")}, "repeated variable names in 'x,x'"),
    ({"max_K": 5, "store_K": -1}, "store_K must be >= 0, got -1"),
])
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        search_run(catalog=":memory:", **kwargs)


def test_check_variables_accepts_identifiers():
    check_variables(())
    check_variables(("x", "y_2", "Alpha"))
    with pytest.raises(ValueError, match="bad variable name '2y'"):
        check_variables(("2y",))
