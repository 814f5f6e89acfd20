"""PCF formulas in the catalog: one transaction per shard, replace on repeat, filters, export."""

from __future__ import annotations

import csv
import io
import json
import sqlite3

import pytest

from emlkit.catalog import Catalog
from emlkit.catalog.pcf_store import export_pcf, pcf_formulas, save_shard


def _rec(a, b, formula, constant="pi", index=0, kind="identified"):
    return {"a": a, "b": b, "kind": kind, "formula": formula, "constant": constant,
            "value": "1.27", "digits": 3, "index": index}


def test_store_filter_and_replace(tmp_path):
    path = tmp_path / "c.sqlite"
    with Catalog(path) as cat:
        run = cat.start_run("pcf-search", {"box": 1})
        save_shard(run, [_rec([1, 2], [0, 0, 1], "4/pi", index=5),
                         _rec([3, 1], [0, -1], "E", "E", index=2)], {"shards": {"0": {}}})
        save_shard(run, [_rec([1, 2], [0, 0, 1], "4/pi", index=5)], {"shards": {"0": {}, "9": {}}})
    with Catalog(path) as cat:
        assert cat.journal_mode() == "wal"
        recs = pcf_formulas(cat)
        assert [r["formula"] for r in recs] == ["E", "4/pi"]  # box order
        assert [r["formula"] for r in pcf_formulas(cat, constant="pi")] == ["4/pi"]
        assert pcf_formulas(cat, limit=1)[0]["formula"] == "E"
        assert cat.runs()[0].checkpoint() == {"shards": {"0": {}, "9": {}}}
        with pytest.raises(ValueError, match="limit"):
            pcf_formulas(cat, limit=-1)


def test_a_failed_shard_writes_nothing(tmp_path):
    with Catalog(tmp_path / "c.sqlite") as cat:
        run = cat.start_run("pcf-search", {})
        save_shard(run, [], {"shards": {}})
        with pytest.raises(KeyError):
            save_shard(run, [_rec([1], [1], "x"), {"b": [1]}], {"shards": {"0": {}}})
        assert pcf_formulas(cat) == [] and run.checkpoint() == {"shards": {}}


def test_export_csv_and_json():
    cat = Catalog(":memory:")
    run = cat.start_run("pcf-search", {})
    save_shard(run, [_rec([1, 2], [0, 0, 1], "4/pi")], {})
    buf = io.StringIO()
    assert export_pcf(cat, buf, "csv") == 1
    row = next(csv.DictReader(io.StringIO(buf.getvalue())))
    assert (row["a"], row["b"], row["formula"], row["digits"]) == ("1,2", "0,0,1", "4/pi", "3")
    buf = io.StringIO()
    export_pcf(cat, buf, "json")
    assert json.loads(buf.getvalue())["pcf_formulas"][0]["constant"] == "pi"
    with pytest.raises(ValueError, match="format"):
        export_pcf(cat, io.StringIO(), "xml")


def test_old_catalog_gains_the_table(tmp_path):
    path = tmp_path / "c.sqlite"
    Catalog(path).close()
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT name FROM sqlite_master WHERE name='pcf_formulas'").fetchone() \
        is None
    conn.close()
    with Catalog(path) as cat:
        assert pcf_formulas(cat) == []
        save_shard(cat.start_run("pcf-search", {}), [_rec([1], [1], "x")], {})
        assert len(pcf_formulas(cat)) == 1
