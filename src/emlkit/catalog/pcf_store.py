"""PCF formulas in the catalog: one row per formula found by a PCF search run.

The table is added to an existing catalog on first use (the schema of forms and runs is
unchanged). A shard's formulas and the run's checkpoint are written in one transaction, so a
search killed at any moment resumes without losing or doubling anything.

>>> from emlkit.catalog import Catalog
>>> cat = Catalog(":memory:")
>>> run = cat.start_run("pcf-search", {"box": 1})
>>> rec = {"a": [1, 2], "b": [0, 0, 1], "kind": "identified", "formula": "4/pi",
...        "constant": "pi", "value": "1.2732395447", "digits": 10, "index": 7}
>>> save_shard(run, [rec], {"done": [0]})
>>> [(r["formula"], r["digits"]) for r in pcf_formulas(cat)], run.checkpoint()
([('4/pi', 10)], {'done': [0]})
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import Any, TextIO

from .records import dump_json, utc_now
from .run import Run
from .store import Catalog, filtered_select

__all__ = ["PCF_COLUMNS", "export_pcf", "pcf_formulas", "save_shard"]

PCF_COLUMNS = ("run_id", "a", "b", "kind", "formula", "constant", "value", "digits", "index")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pcf_formulas (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    a TEXT NOT NULL,
    b TEXT NOT NULL,
    kind TEXT NOT NULL,
    formula TEXT,
    constant TEXT,
    value TEXT,
    digits INTEGER,
    idx INTEGER,
    record TEXT NOT NULL,
    UNIQUE (run_id, a, b)
);
CREATE INDEX IF NOT EXISTS pcf_formulas_constant ON pcf_formulas (constant)
"""


def _ensure(conn: Any) -> None:
    for stmt in _SCHEMA.strip().split(";"):
        if stmt.strip():
            conn.execute(stmt)


def _poly_text(c: Iterable[int]) -> str:
    return ",".join(str(int(x)) for x in c)


def save_shard(run: Run, records: Iterable[dict], checkpoint: dict) -> None:
    """Store a shard's formula records and the run's new checkpoint in one transaction.

    A formula already stored for the run (same a and b) is replaced by the new record.
    """
    rows = []
    for r in records:
        rows.append((run.id, _poly_text(r["a"]), _poly_text(r["b"]), str(r["kind"]),
                     r.get("formula"), r.get("constant"), r.get("value"), r.get("digits"),
                     r.get("index"), dump_json(r)))
    cp = dump_json(checkpoint)
    with run._catalog._transaction() as conn:
        _ensure(conn)
        if rows:
            conn.executemany(
                "INSERT OR REPLACE INTO pcf_formulas (run_id, a, b, kind, formula, constant,"
                " value, digits, idx, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        conn.execute("UPDATE runs SET checkpoint = ?, updated = ? WHERE id = ?",
                     (cp, utc_now(), run.id))


def _has_table(cat: Catalog) -> bool:
    row = cat._conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name='pcf_formulas'").fetchone()
    return row is not None


def pcf_formulas(cat: Catalog, *, run_id: int | None = None, constant: str | None = None,
                 kind: str | None = None, limit: int | None = None) -> list[dict]:
    """Stored PCF formula records (dicts, as the search made them), by run then box index.

    >>> from emlkit.catalog import Catalog
    >>> pcf_formulas(Catalog(":memory:"))
    []
    """
    if not _has_table(cat):
        return []
    sql, args = filtered_select("SELECT run_id, record FROM pcf_formulas",
                                (("run_id", run_id), ("constant", constant), ("kind", kind)),
                                "run_id, idx, a, b", limit)
    out = []
    for run, text in cat._conn.execute(sql, args):
        d = json.loads(text)
        d["run_id"] = int(run)
        out.append(d)
    return out


def export_pcf(cat: Catalog, fh: TextIO, format: str = "csv", **filters: Any) -> int:
    """Write PCF formulas as CSV (columns :data:`PCF_COLUMNS`) or JSON; returns the count.

    >>> import io
    >>> from emlkit.catalog import Catalog
    >>> export_pcf(Catalog(":memory:"), io.StringIO(), "json")
    0
    """
    if format not in ("csv", "json"):
        raise ValueError(f"unknown export format {format!r} (use csv or json)")
    recs = pcf_formulas(cat, **filters)
    if format == "csv":
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(PCF_COLUMNS)
        for r in recs:
            row = []
            for c in PCF_COLUMNS:
                v = r.get(c)
                if c in ("a", "b"):
                    row.append(_poly_text(v or ()))
                else:
                    row.append("" if v is None else v)
            w.writerow(row)
    else:
        json.dump({"pcf_formulas": recs}, fh, indent=1, ensure_ascii=False)
        fh.write("\n")
    return len(recs)
