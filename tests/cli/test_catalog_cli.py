"""``eml catalog list|show|export`` (``emlkit.cli.catalog``), on a catalog written by a search."""

from __future__ import annotations

import json

from _cli import run  # tests/cli/_cli.py


def test_catalog_commands(capsys, tmp_path):
    cat = str(tmp_path / "c.sqlite")
    run(capsys, "search", "--max-K", "9", "--constants", "--catalog", cat, "--quiet")
    status, out, _ = run(capsys, "catalog", "list", "--catalog", cat, "--json")
    runs = json.loads(out)["runs"]
    assert status == 0 and len(runs) == 1 and runs[0]["finished"]
    assert runs[0]["result"]["counts"] == {"1": 1, "3": 1, "5": 2, "7": 5, "9": 11}
    status, out, _ = run(capsys, "catalog", "show", "1", "--catalog", cat)
    assert status == 0 and "finished" in out and "0              K=7" in out
    out_file = tmp_path / "forms.json"
    status, _, _ = run(capsys, "catalog", "export", "--catalog", cat, "--format", "json",
                       "-o", str(out_file))
    data = json.loads(out_file.read_text())
    # every form to K = 9, and E, E-1, exp(E), 0, oo labelled
    assert status == 0 and len(data["forms"]) == 20 + 5
    status, out, _ = run(capsys, "catalog", "export", "--catalog", cat, "--label", "0")
    assert out.splitlines() == ["run_id,rpn,K,fingerprint,variables,label,verified_digits",
                                out.splitlines()[1]]
    assert out.splitlines()[1].startswith("1,1 1 1 E 1 E E,7,") and out.endswith(",0,50\n")
    status, _, err = run(capsys, "catalog", "show", "9", "--catalog", cat)
    assert status == 2 and "no run 9" in err
    status, _, err = run(capsys, "catalog", "list", "--catalog", str(tmp_path / "none"))
    assert status == 2 and "no catalog there" in err
