"""``eml pcf search`` and ``eml pcf formulas``: output, JSON, resume, export, bad input."""

from __future__ import annotations

import csv
import io
import json

import mpmath
import pytest

from emlkit.cli import main


def _run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


BASE = ["pcf", "search", "--deg-a", "1", "--deg-b", "2", "--coefficients", "-2..3",
        "--b-coefficients", "-2..2", "--constants", "pi,E,log(2)", "--serial", "--quiet"]


def test_text_output_lists_published_formulas(capsys, tmp_path):
    status, out, _ = _run(capsys, *BASE, "--catalog", str(tmp_path / "c.sqlite"), "--limit", "0")
    assert status == 0
    assert "PCF(2n + 1, n^2) = 4/pi" in out
    assert "PCF(n + 3, -n) = E" in out
    assert "PCF(3n + 2, -2n^2) = 1/log(2)" in out
    assert "distinct formulas per constant" in out


def test_json_values_against_mpmath(capsys):
    status, out, _ = _run(capsys, *BASE, "--no-catalog", "--json")
    assert status == 0
    d = json.loads(out)
    assert d["size"] == (6**2 - 1) * (5**3 - 1)
    assert sum(d["counts"].values()) == d["size"]
    f = next(f for f in d["formulas"] if f["a"] == [1, 2] and f["b"] == [0, 0, 1])
    with mpmath.workdps(50):
        assert abs(mpmath.mpf(f["value"]) - 4 / mpmath.pi) < mpmath.mpf(10) ** (1 - f["digits"])
    assert f["digits"] >= 30 and f["kind"] == "identified"


def test_second_run_resumes_and_formulas_exports(capsys, tmp_path):
    path = str(tmp_path / "c.sqlite")
    _run(capsys, *BASE, "--catalog", path)
    status, out, _ = _run(capsys, *BASE, "--catalog", path)
    assert status == 0 and "resumed:" in out
    status, out, err = _run(capsys, "pcf", "formulas", "--catalog", path, "--constant", "pi")
    assert status == 0 and "4/pi" in out and "formulas" in err
    status, out, _ = _run(capsys, "pcf", "formulas", "--catalog", path, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert any(r["a"] == "1,2" and r["b"] == "0,0,1" and r["formula"] == "4/pi" for r in rows)
    status, out, _ = _run(capsys, "pcf", "formulas", "--catalog", path, "--format", "json",
                          "--kind", "rational")
    assert all(r["kind"] == "rational" for r in json.loads(out)["pcf_formulas"])


@pytest.mark.parametrize("argv, msg", [
    (["--coefficients", "3..-3"], "low end above high end"),
    (["--coefficients", "x"], "not a range"),
    (["--deg-a", "9"], "deg_a"),
    (["--constants", "foo"], "not a number"),
    (["--serial", "--ray"], "exclude each other"),
    (["--depth", "0"], "at least 1"),
])
def test_bad_input_is_one_line_and_status_2(capsys, argv, msg):
    status, _, err = _run(capsys, "pcf", "search", "--no-catalog", "--quiet", *argv)
    assert status == 2 and msg in err and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_formulas_without_a_catalog(capsys, tmp_path):
    status, _, err = _run(capsys, "pcf", "formulas", "--catalog", str(tmp_path / "none.sqlite"))
    assert status == 2 and "no catalog there" in err


def test_ctrl_c_stops_the_pool_and_the_rerun_resumes(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    from emlkit.catalog import Catalog

    root = Path(__file__).resolve().parents[2]
    path = tmp_path / "c.sqlite"
    argv = [sys.executable, "-m", "emlkit", "pcf", "search", "--deg-a", "1", "--deg-b", "2",
            "--coefficients", "-3..3", "--b-coefficients", "-2..2", "--workers", "2",
            "--shard-size", "128",
            "--catalog", str(path), "--quiet"]
    env = dict(os.environ, PYTHONPATH=str(root / "src"))
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.1)
            try:
                with Catalog(path) as cat:
                    runs = cat.runs()
                    if runs and (runs[0].checkpoint() or {}).get("shards"):
                        break
            except Exception:  # noqa: BLE001, S112 - not created yet
                continue
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if proc.returncode == 0:
        pytest.skip("the search finished before it could be interrupted")
    assert proc.returncode == 130 and "interrupted" in err and "Traceback" not in err
    status = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300,
                            check=False)
    assert status.returncode == 0 and "resumed:" in status.stdout


def test_deep_identification_flag(capsys):
    status, out, _ = _run(capsys, "pcf", "search", "--deg-a", "1", "--deg-b", "0",
                          "--coefficients", "0..2", "--constants", "E", "--no-catalog",
                          "--serial", "--quiet", "--deep", "5")
    assert status == 0
    assert "PCF(n, 1) = besseli(1, 2)/besseli(0, 2)" in out
    status, out, _ = _run(capsys, "pcf", "search", "--deg-a", "1", "--deg-b", "0",
                          "--coefficients", "0..2", "--constants", "E", "--no-catalog",
                          "--serial", "--quiet", "--deep", "5", "--json")
    d = json.loads(out)
    f = next(f for f in d["deep"] if f["a"] == [0, 1])
    with mpmath.workdps(60):
        want = mpmath.besseli(1, 2) / mpmath.besseli(0, 2)
        assert abs(mpmath.mpf(f["value"]) - want) < mpmath.mpf(10) ** -55


def test_deep_identification_is_stored_in_the_catalog(capsys, tmp_path):
    path = str(tmp_path / "c.sqlite")
    argv = ["pcf", "search", "--deg-a", "1", "--deg-b", "0", "--coefficients", "0..2",
            "--constants", "E", "--catalog", path, "--serial", "--quiet", "--deep", "5"]
    status, first, _ = _run(capsys, *argv)
    assert status == 0 and "besseli(1, 2)/besseli(0, 2)" in first
    status, again, _ = _run(capsys, *argv)  # answered from the catalog
    deep = first[first.index("deep identification"):]
    assert status == 0 and "resumed:" in again and again.endswith(deep)
    status, out, _ = _run(capsys, "catalog", "list", "--catalog", path)
    assert status == 0 and "pcf-deep" in out
    status, out, _ = _run(capsys, "catalog", "show", "2", "--catalog", path)
    assert status == 0 and "PCF(n, 1) = besseli(1, 2)/besseli(0, 2)" in out
    status, out, _ = _run(capsys, "catalog", "export", "--pcf", "--catalog", path,
                          "--format", "json")
    recs = [r for r in json.loads(out)["pcf_formulas"] if r.get("stage") == "deep"]
    f = next(r for r in recs if r["a"] == [0, 1])
    with mpmath.workdps(60):
        want = mpmath.besseli(1, 2) / mpmath.besseli(0, 2)
        assert abs(mpmath.mpf(f["value"]) - want) < mpmath.mpf(10) ** -55


def test_eml_catalog_shows_and_exports_pcf_formulas(capsys, tmp_path):
    path = str(tmp_path / "c.sqlite")
    _run(capsys, *BASE, "--catalog", path)
    status, out, _ = _run(capsys, "catalog", "list", "--catalog", path)
    assert status == 0 and "pcf-search" in out
    status, out, _ = _run(capsys, "catalog", "show", "1", "--catalog", path)
    assert status == 0 and "PCF(2n + 1, n^2) = 4/pi" in out and "PCF formulas shown" in out
    status, out, _ = _run(capsys, "catalog", "export", "--pcf", "--catalog", path,
                          "--format", "json")
    recs = json.loads(out)["pcf_formulas"]
    assert any(r["formula"] == "4/pi" and r["a"] == [1, 2] for r in recs)


def test_the_old_import_path_still_works():
    """``emlkit.commands.pcf_search`` is a deprecated alias of ``emlkit.cli.pcf_search``."""
    from emlkit.cli import pcf_search
    from emlkit.commands.pcf_search import coefficient_range

    assert coefficient_range is pcf_search.coefficient_range
    assert coefficient_range("-5..5") == (-5, 5)
