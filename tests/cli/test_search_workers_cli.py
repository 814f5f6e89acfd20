"""``eml search --workers N``: pair blocks on a local pool give the counts of the brute force."""

from __future__ import annotations

import json

from emlkit.cli import main

#: Distinct constants (leaf 1 only) per K (checked against mpmath in tests/search).
CONSTANT_COUNTS = {1: 1, 3: 1, 5: 2, 7: 5, 9: 11, 11: 29, 13: 79, 15: 231}


def test_workers_give_the_brute_force_counts(capsys):
    status = main(["search", "--max-K", "15", "--constants", "--no-catalog", "--json",
                   "--quiet", "--workers", "2"])
    out, err = capsys.readouterr()
    assert status == 0 and err == ""
    res = json.loads(out)
    assert {int(k): v for k, v in res["counts"].items()} == CONSTANT_COUNTS
    by_label = {f["label"]: f["K"] for f in res["found"]}
    assert by_label["E"] == 3 and by_label["0"] == 7 and by_label["-1"] == 15


def test_workers_must_be_positive(capsys):
    status = main(["search", "--max-K", "9", "--constants", "--no-catalog", "--workers", "0"])
    out, err = capsys.readouterr()
    assert status == 2 and out == ""
    assert err.startswith("eml: ") and "--workers" in err and err.count("\n") == 1
