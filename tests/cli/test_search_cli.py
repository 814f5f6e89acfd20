"""``eml search`` (``emlkit.cli.search``): output, local workers, resume after a real kill -9,
Ctrl-C."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import mpmath
import pytest

import emlkit as ek
from emlkit.cli import main

#: Distinct constants (leaf 1 only) per K (checked against mpmath in tests/search).
CONSTANT_COUNTS = {1: 1, 3: 1, 5: 2, 7: 5, 9: 11, 11: 29, 13: 79, 15: 231}
#: Published shortest constants (Odrzywołek): value and K.
SHORTEST = {"E": (mpmath.e, 3), "0": (0, 7), "-1": (-1, 15), "2": (2, 19)}

SRC = str(Path(ek.__file__).resolve().parents[1])


def _run_cli(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = SRC + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("EMLKIT_CATALOG", None)
    return env


def _check_shortest_constants(found):
    by_label = {f["label"]: f for f in found}
    with mpmath.workdps(50):
        for label, (value, K) in SHORTEST.items():
            f = by_label[label]
            assert f["K"] == K, (label, f)
            expr = ek.parse(f["rpn"], format="rpn")
            assert expr.K == K
            got = ek.evaluate(expr, backend="mpmath", dps=50)
            assert abs(mpmath.mpc(got) - value) < mpmath.mpf(10) ** -45, (label, got)
            assert f["verified_digits"] >= 45


def test_search_json_counts_and_forms(capsys, tmp_path):
    cat = str(tmp_path / "c.sqlite")
    status, out, err = _run_cli(
        capsys, "search", "--max-K", "19", "--constants", "--catalog", cat, "--json", "--quiet"
    )
    assert status == 0 and err == ""
    res = json.loads(out)
    counts = {int(k): n for k, n in res["counts"].items()}
    assert {k: counts[k] for k in CONSTANT_COUNTS} == CONSTANT_COUNTS
    assert res["complete"] and res["max_K"] == 19 and res["total"] == sum(counts.values())
    assert list(res["reach_seconds"]) == [str(k) for k in range(1, 20, 2)]
    _check_shortest_constants(res["found"])
    # the catalog holds every form of the small levels plus the labelled ones
    conn = sqlite3.connect(cat)
    n13 = conn.execute("SELECT count(*) FROM forms WHERE K <= 13 AND label IS NULL").fetchone()
    labels = {r[0] for r in conn.execute("SELECT label FROM forms WHERE label IS NOT NULL")}
    conn.close()
    assert n13[0] == sum(n for k, n in CONSTANT_COUNTS.items() if k <= 13)
    assert {"E", "0", "-1", "2"} <= labels
    # the same command again is answered from the catalog, with the same result
    status, out2, _ = _run_cli(
        capsys, "search", "--max-K", "19", "--constants", "--catalog", cat, "--json", "--quiet"
    )
    res2 = json.loads(out2)
    assert res2["from_catalog"] and res2["counts"] == res["counts"]
    assert res2["found"] == res["found"]


def test_search_table_and_progress(capsys, tmp_path):
    status, out, err = _run_cli(
        capsys, "search", "--max-K", "11", "--variables", "x", "--catalog",
        str(tmp_path / "c.sqlite"),
    )
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == "distinct forms by K, variables: x"
    rows = {int(ln.split()[0]): int(ln.split()[1].replace(",", "")) for ln in lines[2:8]}
    assert rows == {1: 2, 3: 4, 5: 16, 7: 80, 9: 417, 11: 2346}
    assert "log(x)" in out and "catalog:" in out
    assert "search K=11" in err and "new forms" in err


def test_memory_guard_message(capsys, tmp_path):
    cat = str(tmp_path / "c.sqlite")
    argv = ["search", "--max-K", "25", "--catalog", cat, "--memory-limit", "300M"]
    status, out, err = _run_cli(capsys, *argv, "--json")
    assert status == 0
    res = json.loads(out)
    assert not res["complete"] and res["max_K"] < 25
    assert res["stop_reason"].startswith(f"stopping before K={res['max_K'] + 2}: would need ~")
    assert res["stop_reason"].endswith("limit 0.3 GiB")
    assert "stopping before K=" in err and "--memory-limit" in err
    # the run stays open: a larger limit goes on from where it stopped
    status, out, err = _run_cli(capsys, *argv[:-1], "1G", "--json", "--quiet")
    res2 = json.loads(out)
    assert res2["resumed"] and res2["run"] == res["run"] and res2["max_K"] > res["max_K"]
    assert {k: res2["counts"][k] for k in res["counts"]} == res["counts"]


@pytest.mark.parametrize(
    "argv, message",
    [
        (["search", "--max-K", "0"], "--max-K must be a whole number >= 1"),
        (["search", "--max-K", "9", "--memory-limit", "lots"], "bad memory size 'lots'"),
        (["search", "--max-K", "9", "--variables", "x,2y"], "bad variable name '2y'"),
        (["search", "--max-K", "9", "--variables", "x,x"], "repeated variable names"),
        (["search"], "--max-K"),
    ],
)
def test_bad_input(capsys, tmp_path, argv, message):
    status, out, err = _run_cli(capsys, *argv, "--catalog", str(tmp_path / "c.sqlite"))
    assert status == 2 and out == ""
    assert err.startswith("eml: ") and message in err and err.count("\n") == 1


def test_corrupt_catalog_named(capsys, tmp_path):
    bad = tmp_path / "bad.sqlite"
    bad.write_text("not sqlite " * 100)
    for argv in (["search", "--max-K", "5"], ["catalog", "list"]):
        status, out, err = _run_cli(capsys, *argv, "--catalog", str(bad))
        assert status == 2 and out == "" and str(bad) in err and "not an emlkit catalog" in err


def _checkpoint_K(cat: Path) -> tuple[int | None, bool]:
    try:
        conn = sqlite3.connect(f"file:{cat}?mode=ro", uri=True, timeout=1)
        try:
            row = conn.execute("SELECT checkpoint, finished FROM runs").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None, False
    if not row or not row[0]:
        return None, False
    return json.loads(row[0])["K"], bool(row[1])


def _start(cat: Path, max_K: int) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "emlkit", "search", "--max-K", str(max_K), "--constants",
           "--catalog", str(cat), "--json", "--quiet"]
    return subprocess.Popen(cmd, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def _interrupt_after(cat: Path, proc: subprocess.Popen, K_at: int,
                     sig: int) -> tuple[int, str] | None:
    """Send ``sig`` once a checkpoint of K_at or K_at + 2 is committed; the K seen then, stderr.

    ``None`` (the process killed) when the first checkpoint read is already past K_at + 2: on a
    busy machine the catalog can be locked for a while, and a signal sent when the last level is
    done could arrive after the run finished.
    """
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        K, finished = _checkpoint_K(cat)
        if K is not None and K > K_at + 2:
            proc.kill()
            proc.communicate(timeout=60)
            return None
        if K is not None and K >= K_at:
            assert not finished, "the run finished before it could be interrupted"
            proc.send_signal(sig)
            _, err = proc.communicate(timeout=60)
            return K, err
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.01)
    proc.kill()
    raise AssertionError("no checkpoint appeared")


def _start_and_interrupt(cat: Path, max_K: int, K_at: int, sig: int) -> tuple[int, str, int]:
    """Start a search and interrupt it at K_at (retried, fresh catalog, if it overshot)."""
    for _ in range(3):
        for p in cat.parent.glob(cat.name + "*"):
            shutil.rmtree(p) if p.is_dir() else p.unlink()
        proc = _start(cat, max_K)
        got = _interrupt_after(cat, proc, K_at, sig)
        if got is not None:
            return got[0], got[1], proc.returncode
    raise AssertionError(f"could not interrupt the run near K={K_at} in three tries")


def test_kill_9_then_resume_gives_the_same_result(tmp_path):
    cat = tmp_path / "killed.sqlite"
    K_seen, _, status = _start_and_interrupt(cat, 31, 23, signal.SIGKILL)
    assert status == -signal.SIGKILL
    K_after, finished = _checkpoint_K(cat)
    assert not finished and K_after >= K_seen
    again = _start(cat, 31)
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    resumed = json.loads(out)
    assert resumed["resumed"] and resumed["complete"]
    # an uninterrupted run with another catalog
    fresh = _start(tmp_path / "fresh.sqlite", 31)
    out, err = fresh.communicate(timeout=300)
    assert fresh.returncode == 0, err
    clean = json.loads(out)
    assert not clean["resumed"]
    assert resumed["counts"] == clean["counts"] and resumed["found"] == clean["found"]
    counts = {int(k): n for k, n in resumed["counts"].items()}
    assert {k: counts[k] for k in CONSTANT_COUNTS} == CONSTANT_COUNTS
    assert counts[31] == 2_172_851
    _check_shortest_constants(resumed["found"])
    assert not (tmp_path / "killed.sqlite.d" / f"run-{resumed['run']}").exists()


def test_ctrl_c_saves_and_exits_130(tmp_path):
    cat = tmp_path / "int.sqlite"
    K_seen, err, status = _start_and_interrupt(cat, 31, 25, signal.SIGINT)
    assert status == 130
    K_after, finished = _checkpoint_K(cat)
    assert not finished and K_after >= K_seen
    assert f"interrupted; saved up to K={K_after}" in err and "eml: interrupted" in err
    again = _start(cat, 31)
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    res = json.loads(out)
    assert res["resumed"] and res["counts"]["31"] == 2_172_851


def test_one_process_per_run(capsys, tmp_path):
    from emlkit.catalog import Catalog

    cat = tmp_path / "c.sqlite"
    params = {"max_K": 9, "variables": [], "points": "default", "store_K": None, "version": 1}
    with Catalog(cat) as c:
        run = c.start_run("search", params)
        with run.lock():
            status, out, err = _run_cli(
                capsys, "search", "--max-K", "9", "--constants", "--catalog", str(cat)
            )
    assert status == 2 and "in use by another process" in err
    status, out, err = _run_cli(capsys, "search", "--max-K", "9", "--constants", "--catalog",
                                str(cat), "--json", "--quiet")
    assert status == 0 and json.loads(out)["run"] == run.id


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


def test_help_states_the_library_default():
    from emlkit.cli.search import STORE_LEVEL_FORMS as shown
    from emlkit.search.run import STORE_LEVEL_FORMS

    assert shown == STORE_LEVEL_FORMS
