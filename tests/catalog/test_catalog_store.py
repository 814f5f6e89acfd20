"""Tests of the SQLite catalog (emlkit.catalog): round trip, WAL, resume semantics, errors."""

from __future__ import annotations

import csv
import io
import json
import sqlite3

import pytest

from emlkit.catalog import Catalog, CatalogError, FormRecord, default_path
from emlkit.errors import EMLError


@pytest.fixture()
def path(tmp_path):
    return tmp_path / "sub" / "dir" / "catalog.sqlite"


FORMS = [
    FormRecord("1 1 E", 3, "2.718281828459045", (), "E", 50),
    FormRecord("x 1 E", 3, "abc-123", ("x",)),
    FormRecord("1 1 x E 1 E E", 7, "def-456", ("x",), "log(x)", 40),
    FormRecord("x y E", 3, "f00-1", ("x", "y"), None, None),
]


def test_round_trip_through_the_file(path):
    with Catalog(path) as cat:  # parent folders are made
        run = cat.start_run("search", {"max_K": 7, "variables": ["x"]})
        run.save(forms=FORMS, checkpoint={"K": 7, "counts": {"1": 2}})
        rid = run.id
    with Catalog(path) as cat:
        got = cat.forms(run_id=rid)
        assert sorted(got, key=lambda f: (f.K, f.rpn)) == sorted(FORMS, key=lambda f: (f.K, f.rpn))
        assert cat.forms(K=7) == [FORMS[2]]
        assert cat.forms(label="E") == [FORMS[0]]
        assert len(cat.forms(limit=2)) == 2
        assert cat.run(rid).checkpoint() == {"K": 7, "counts": {"1": 2}}
        assert [r.id for r in cat.runs()] == [rid]
        assert cat.run(rid).params == {"max_K": 7, "variables": ["x"]}


def test_wal_mode_is_set(path):
    with Catalog(path) as cat:
        assert cat.journal_mode() == "wal"
        cat.start_run("demo", {}).save(forms=FORMS[:1])
    # seen by an independent connection: the mode is persistent in the file
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal"
        assert conn.execute("SELECT count(*) FROM forms").fetchone()[0] == 1
    finally:
        conn.close()


def test_same_kind_and_params_resume_the_run(path):
    with Catalog(path) as cat:
        a = cat.start_run("search", {"max_K": 9, "variables": ["x"]})
        b = cat.start_run("search", {"variables": ["x"], "max_K": 9})  # key order irrelevant
        c = cat.start_run("search", {"max_K": 11, "variables": ["x"]})
        d = cat.start_run("bootstrap", {"max_K": 9, "variables": ["x"]})
        assert a.id == b.id and len({a.id, c.id, d.id}) == 3
        assert a.checkpoint() is None and not a.finished
        a.save(checkpoint={"K": 5})
        a.save(checkpoint={"K": 7})
        a.finish({"counts": {"1": 2, "3": 4}})
    with Catalog(path) as cat:
        again = cat.start_run("search", {"max_K": 9, "variables": ["x"]})
        assert again.id == a.id and again.finished
        assert again.result == {"counts": {"1": 2, "3": 4}}
        assert again.checkpoint() == {"K": 7}
        assert not cat.run(c.id).finished


def test_save_is_one_transaction(path):
    with Catalog(path) as cat:
        run = cat.start_run("demo", {})
        run.save(forms=FORMS[:1], checkpoint={"step": 1})
        bad = FormRecord(None, 3, "x")  # rpn NOT NULL: the batch must fail as a whole
        with pytest.raises(sqlite3.IntegrityError):
            run.save(forms=[FORMS[1], bad], checkpoint={"step": 2})
        assert run.checkpoint() == {"step": 1}
        assert cat.forms() == [FORMS[0]]
        with pytest.raises(TypeError):
            run.save(forms=["1 1 E"])


def test_duplicates_kept_once_with_most_digits(path):
    with Catalog(path) as cat:
        run = cat.start_run("demo", {})
        run.save(forms=[FormRecord("1 1 E", 3, "e", label="E", verified_digits=20)])
        run.save(forms=[FormRecord("1 1 E", 3, "e", label="E", verified_digits=50)])
        run.save(forms=[FormRecord("1 1 E", 3, "e", label="E", verified_digits=None)])
        run.save(forms=[FormRecord("1 1 E", 3, "e")])  # unlabelled: a separate entry
        forms = cat.forms()
        assert len(forms) == 2
        assert [f.verified_digits for f in forms if f.label == "E"] == [50]


def test_two_connections_one_writer(path):
    with Catalog(path) as writer, Catalog(path) as reader:
        run = writer.start_run("demo", {"n": 1})
        run.save(forms=FORMS[:2], checkpoint={"i": 1})
        assert reader.run(run.id).checkpoint() == {"i": 1}
        assert len(reader.forms()) == 2


@pytest.mark.parametrize("content", [b"this is not a database at all" * 10, b"\x00\x01" * 700])
def test_corrupt_file_gives_clear_error(tmp_path, content):
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(content)
    with pytest.raises(CatalogError, match="bad.sqlite: not an emlkit catalog") as info:
        Catalog(bad)
    assert isinstance(info.value, EMLError)
    assert "\n" not in str(info.value)


def test_other_sqlite_database_refused(tmp_path):
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE people (name TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(CatalogError, match="other.db: an SQLite database of another program"):
        Catalog(other)
    with pytest.raises(CatalogError, match="is a folder"):
        Catalog(tmp_path)


def test_bad_arguments(path):
    with Catalog(path) as cat:
        with pytest.raises(ValueError, match="kind"):
            cat.start_run("", {})
        with pytest.raises(ValueError, match="JSON"):
            cat.start_run("demo", {"f": object()})
        with pytest.raises(CatalogError, match="no run 42"):
            cat.run(42)
        with pytest.raises(ValueError, match="format"):
            cat.export(io.StringIO(), "xml")
        run = cat.start_run("demo", {})
        with pytest.raises(ValueError, match="JSON"):
            run.save(checkpoint={"x": float("nan")})


def test_export_csv_and_json(path):
    with Catalog(path) as cat:
        run = cat.start_run("demo", {"a": 1})
        run.save(forms=FORMS)
        run.finish({"total": 4})
        buf = io.StringIO()
        assert cat.export(buf, "csv") == 4
        rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
        assert {r["rpn"] for r in rows} == {f.rpn for f in FORMS}
        row = next(r for r in rows if r["label"] == "log(x)")
        assert (row["K"], row["variables"], row["verified_digits"]) == ("7", "x", "40")
        buf = io.StringIO()
        assert cat.export(buf, "json", K=3) == 3
        data = json.loads(buf.getvalue())
        assert data["runs"][0]["result"] == {"total": 4}
        assert sorted(f["variables"] for f in data["forms"]) == [[], ["x"], ["x", "y"]]


def test_default_path_respects_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("EMLKIT_CATALOG", raising=False)
    monkeypatch.delenv("EMLKIT_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert default_path() == tmp_path / "cache" / "emlkit" / "catalog.sqlite"
    with Catalog() as cat:
        assert cat.path == default_path() and cat.path.exists()
    monkeypatch.setenv("EMLKIT_CATALOG", str(tmp_path / "mine.sqlite"))
    assert default_path() == tmp_path / "mine.sqlite"


def test_data_dir_removed_when_finished(path):
    with Catalog(path) as cat:
        run = cat.start_run("demo", {})
        d = run.data_dir()
        assert d.is_dir() and d.parent.name == "catalog.sqlite.d"
        (d / "level.npy").write_bytes(b"123")
        run.finish({})
        assert not d.exists()
