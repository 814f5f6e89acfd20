"""``eml serve``: run the web playground (FastAPI + uvicorn, the ``web`` extra) on this machine.

>>> from emlkit.cli import main
>>> main(["serve", "--port", "70000"])
2
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import socket
import sys
from typing import Any

from ..errors import UsageError
from .common import add_command, add_output

__all__ = ["check_address", "register"]


def check_address(host: str, port: int) -> None:
    """Raise ``UsageError`` unless ``host:port`` can be bound now (a free port, a known host).

    >>> check_address("127.0.0.1", 0)
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise UsageError(f"unknown host {host!r} (use 127.0.0.1, or 0.0.0.0 for every "
                         "interface)") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(address)
        except OSError as exc:
            raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def _port(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 1 <= v <= 65535:
        raise argparse.ArgumentTypeError(f"{v} is out of range (1 to 65535)")
    return v


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _run(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from ..web import create_app
    except ImportError as exc:
        raise UsageError(f"eml serve needs the web extra ({exc.name} is missing): "
                         "pip install 'emlkit[web]'") from None
    check_address(args.host, args.port)
    url = f"http://{args.host}:{args.port}/"
    if args.json:
        print(json.dumps({"url": url, "host": args.host, "port": args.port}), flush=True)
    else:
        print(f"emlkit playground on {url}  (Ctrl-C stops it)", file=sys.stderr, flush=True)
    if not _loopback(args.host):
        print(f"eml: warning: serving on {args.host}: other machines can reach the playground",
              file=sys.stderr)
    config = uvicorn.Config(create_app(), host=args.host, port=args.port, log_level="warning",
                            timeout_graceful_shutdown=1, access_log=False)
    uvicorn.Server(config).run()
    return 0


def register(sub: Any) -> None:
    """Add ``eml serve`` to the subcommands."""
    p = add_command(sub, "serve", _run)
    p.add_argument("--port", type=_port, default=8000, help="TCP port (default 8000)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1: this machine only)")
    add_output(p, json_help="print the address as one JSON object on standard output")
