"""Web test setup: a live ``eml serve`` for the browser tests, and the worker fork server, both
started as soon as collection shows they will be needed, so their warm-up (imports, the
compiler's first constants) overlaps the tests that run before them."""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path

import pytest
from web.liveserver import chromium_path, free_port, launch_server, stop_server, wait_ready

_EARLY: dict[str, tuple[subprocess.Popen, int]] = {}


def _browser_possible() -> bool:
    return (importlib.util.find_spec("playwright") is not None and chromium_path() is not None
            and importlib.util.find_spec("uvicorn") is not None)


def _in_web(item, root: Path) -> bool:
    try:
        return "web" in Path(item.path).resolve().relative_to(root).parts
    except (AttributeError, ValueError):
        return False


def pytest_collection_finish(session):
    items, config = session.items, session.config  # what will run, after -k/-m selection
    if any("live_server" in getattr(item, "fixturenames", ()) for item in items) \
            and _browser_possible() and "server" not in _EARLY:
        port = free_port()
        _EARLY["server"] = (launch_server(port), port)
    if any(_in_web(item, config.rootpath) for item in items):
        from emlkit.web.workers import worker_context

        worker_context()  # starts the fork server, which preloads in the background


def pytest_sessionfinish(session, exitstatus):
    early = _EARLY.pop("server", None)
    if early is not None:
        stop_server(early[0])


@pytest.fixture(scope="session")
def live_server():
    pytest.importorskip("uvicorn")
    pytest.importorskip("httpx")
    early = _EARLY.pop("server", None)
    if early is None:
        port = free_port()
        early = (launch_server(port), port)
    proc, port = early
    try:
        wait_ready(proc, port)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_server(proc)
