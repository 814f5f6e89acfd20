"""``scripts/find_short_forms.py`` stores its table in the catalog (run kind "shortest-forms")."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import mpmath

import emlkit as ek
from emlkit.catalog import Catalog

ROOT = Path(__file__).resolve().parents[2]


def test_table_stored_in_catalog(tmp_path):
    cat = tmp_path / "c.sqlite"
    out = tmp_path / "table.json"
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    cmd = [sys.executable, str(ROOT / "scripts" / "find_short_forms.py"), "--groups", "const",
           "--const-K", "9", "--no-mitm", "--out", str(out), "--catalog", str(cat)]
    proc = subprocess.run(cmd, check=False, capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    table = json.loads(out.read_text())
    with Catalog(cat) as c:
        (run,) = c.runs()
        assert run.kind == "shortest-forms" and run.finished
        assert run.params["const_K"] == 9 and run.params["groups"] == ["const"]
        assert run.result["entries"] == table
        forms = {f.label: f for f in c.forms(run_id=run.id)}
    # independent check of the stored forms: mpmath at 50 digits
    with mpmath.workdps(50):
        want = {"E": +mpmath.e, "0": mpmath.mpf(0), "E-1": mpmath.e - 1,
                "exp(E)": mpmath.exp(mpmath.e)}
        for label, value in want.items():
            f = forms[label]
            expr = ek.parse(f.rpn, format="rpn")
            assert expr.K == f.K
            got = mpmath.mpc(ek.evaluate(expr, backend="mpmath", dps=50))
            assert abs(got - value) < mpmath.mpf(10) ** -45
    assert forms["0"].K == 7 and forms["E"].K == 3 and forms["oo"].K == 9
