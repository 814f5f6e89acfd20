"""Start and stop a live ``eml serve`` on 127.0.0.1 and a free port (shared test helper)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import emlkit

SRC = str(Path(emlkit.__file__).resolve().parents[1])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def chromium_path() -> str | None:
    """The Chromium (or Chrome) binary on PATH, or None."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


def launch_server(port: int) -> subprocess.Popen:
    """``python -m emlkit serve`` on 127.0.0.1:port, not waiting for it (see :func:`wait_ready`)."""
    env = dict(os.environ, PYTHONPATH=SRC + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.Popen(
        [sys.executable, "-m", "emlkit", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_ready(proc: subprocess.Popen, port: int, seconds: float = 60) -> subprocess.Popen:
    """Poll the server's ``/api/features`` until it answers (a bound against hangs, not a speed
    check); the server is stopped and RuntimeError raised when it ends or never answers."""
    import httpx

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"eml serve ended: {proc.stderr.read()[-500:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/features", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    stop_server(proc)
    raise RuntimeError(f"eml serve did not start within {seconds:g} s")


def start_server(port: int) -> subprocess.Popen:
    """``python -m emlkit serve`` on 127.0.0.1:port; returns once the page answers."""
    return wait_ready(launch_server(port), port)


def stop_server(proc: subprocess.Popen) -> int:
    """Ctrl-C (SIGINT) the server and wait for it; returns its exit status."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
    for pipe in (proc.stdout, proc.stderr):
        if pipe:
            pipe.close()
    return proc.returncode
