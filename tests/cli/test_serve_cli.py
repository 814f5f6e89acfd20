"""``eml serve``: starts on 127.0.0.1, answers, stops on Ctrl-C; bad addresses are one line + 2."""

from __future__ import annotations

import socket
import time

import pytest

from emlkit.cli import main

pytest.importorskip("uvicorn")
pytest.importorskip("fastapi")

from web.liveserver import free_port, start_server, stop_server


def test_serve_answers_and_stops_on_ctrl_c():
    import httpx

    port = free_port()
    proc = start_server(port)
    try:
        page = httpx.get(f"http://127.0.0.1:{port}/", timeout=10)
        assert page.status_code == 200 and "emlkit playground" in page.text
        r = httpx.post(f"http://127.0.0.1:{port}/api/compile", json={"formula": "exp(x)"},
                       timeout=300)  # the first request waits for the workers to start
        assert r.json()["text"] == "eml(x, 1)"
    finally:
        t0 = time.monotonic()
        status = stop_server(proc)
    assert status is not None and time.monotonic() - t0 < 20  # stopped by the interrupt
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"http://127.0.0.1:{port}/", timeout=2)


def test_default_host_is_loopback():
    from emlkit.cli import build_parser

    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port) == ("127.0.0.1", 8000)


@pytest.mark.parametrize("argv,fragment", [
    (["serve", "--port", "70000"], "out of range"),
    (["serve", "--port", "http"], "not a port number"),
    (["serve", "--host", "no.such.host.invalid"], "unknown host"),
])
def test_bad_addresses(argv, fragment, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert fragment in err and len(err.splitlines()) == 1


def test_port_in_use(capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 2
    err = capsys.readouterr().err.strip()
    assert f"cannot listen on 127.0.0.1:{port}" in err and len(err.splitlines()) == 1


def test_help(capsys):
    assert main(["serve", "--help"]) == 0
    assert "127.0.0.1" in capsys.readouterr().out
