"""Fit jobs through the API: a fit runs to the end in its worker process, jobs can be cancelled,
each client gets a bounded number, and bad CSV data is refused before any job starts."""

from __future__ import annotations

import math
import time
import warnings

import numpy as np
import pytest
import sympy

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from emlkit.web import Limits, create_app


def _csv(xs, ys, header="x,y"):
    return header + "\n" + "\n".join(f"{float(x)!r},{float(y)!r}" for x, y in zip(xs, ys)) + "\n"


def _wait(client, job, seconds=600):  # a bound for a hung job, not a speed test
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        s = client.get(f"/api/jobs/{job}").json()
        if s["state"] != "running":
            return s
        time.sleep(0.1)
    raise AssertionError("the job did not finish")


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(Limits(jobs_per_client=2, workers=1))) as c:
        yield c


def test_a_small_fit_runs_to_the_end(client):
    xs = np.linspace(0.2, 3.0, 24)
    r = client.post("/api/fit", json={"csv": _csv(xs, np.exp(xs) - np.log(xs), "t,f"),
                                      "max_depth": 3, "time_limit": 20})
    assert r.status_code == 200, r.text
    assert r.json()["variables"] == ["t"] and r.json()["target"] == "f"
    s = _wait(client, r.json()["job"])
    assert s["state"] == "done", s["error"]
    res = s["result"]
    t = sympy.Symbol("t")
    assert sympy.simplify(sympy.sympify(res["formula"]) - (sympy.exp(t) - sympy.log(t))) == 0
    assert res["exact"] and res["eml"] == "eml(t, t)" and res["K"] == 3
    assert math.isclose(res["r2"], 1.0) and res["svg"].startswith("<svg")


def test_jobs_are_limited_per_client_and_can_be_cancelled(client):
    rng = np.random.default_rng(0)
    xs = np.linspace(0.1, 2.0, 40)
    data = _csv(xs, rng.normal(size=xs.size))  # noise: nothing exact, the fit uses its time
    jobs = [client.post("/api/fit", json={"csv": data, "time_limit": 30}).json()["job"]
            for _ in range(2)]
    third = client.post("/api/fit", json={"csv": data, "time_limit": 30})
    assert third.status_code == 429 and "at most 2" in third.json()["error"]
    for job in jobs:  # stopped mid-fit (cancelled, not done), however fast the machine
        s = client.delete(f"/api/jobs/{job}").json()
        assert s["state"] == "cancelled" and s["result"] is None
    assert client.app.state.jobs.running() == 0
    again = client.post("/api/fit", json={"csv": data, "time_limit": 30})
    assert again.status_code == 200  # the slots are free again
    assert client.delete(f"/api/jobs/{again.json()['job']}").json()["state"] == "cancelled"


@pytest.mark.parametrize("csv,fragment", [
    ("", "empty"),
    ("x\n1\n2\n", "at least two columns"),
    ("x,y\n1,2\n", "at least two data rows"),
    ("x,y\n1,2\n2,nan\n", "not a finite number"),
    ("x,y\n1,2\n2,abc\n", "'abc' in column 'y' is not a number"),
    ("x,y\n1,2\n2\n", "line 3: 1 fields"),
    ("a,b,c,d\n1,2,3,4\n5,6,7,8\n", "at most 3"),
    ("x,x\n1,2\n3,4\n", "distinct"),
    ("x,y\n" + "1,2\n" * 2001, "more than 2000 data rows"),
])
def test_bad_csv_is_refused(client, csv, fragment):
    r = client.post("/api/fit", json={"csv": csv})
    assert r.status_code == 422 and fragment in r.json()["error"], r.text


def test_fit_bounds(client):
    good = _csv([1, 2, 3], [1, 2, 3])
    assert client.post("/api/fit", json={"csv": good, "time_limit": 1000}).status_code == 422
    assert client.post("/api/fit", json={"csv": good, "max_depth": 60}).status_code == 422
    assert client.post("/api/fit", json={"csv": good, "target": "nope"}).status_code == 422
    assert client.get("/api/jobs/0123456789abcdef").status_code == 404
    assert client.delete("/api/jobs/nope").status_code == 404
