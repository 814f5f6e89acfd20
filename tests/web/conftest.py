"""A live ``eml serve`` on 127.0.0.1 and a free port, for the browser tests (stopped at the end)."""

from __future__ import annotations

import pytest
from web.liveserver import free_port, start_server, stop_server


@pytest.fixture(scope="module")
def live_server():
    pytest.importorskip("uvicorn")
    pytest.importorskip("httpx")
    port = free_port()
    proc = start_server(port)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_server(proc)
