"""A small progress line for long work (search, bootstrap, training) on standard error.

On a terminal the line is redrawn in place (at most every ``min_interval`` seconds); when
standard error is not a terminal a plain line is printed at most every ``log_interval``
seconds, so logs stay short. ``enabled=False`` (``--quiet``) prints nothing.

>>> import io
>>> buf = io.StringIO()
>>> with Progress("search", total=4, stream=buf, min_interval=0, log_interval=0) as bar:
...     bar.update(2, K=5)
>>> "search" in buf.getvalue() and "2/4" in buf.getvalue() and "K=5" in buf.getvalue()
True
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any, Self, TextIO

__all__ = ["Progress", "rss_bytes", "format_bytes"]


def rss_bytes() -> int:
    """Resident memory of this process in bytes (0 where it cannot be read).

    >>> rss_bytes() >= 0
    True
    """
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        try:
            import resource

            return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024
        except (ImportError, OSError, ValueError):  # pragma: no cover - no resource module
            return 0


def format_bytes(n: float) -> str:
    """Human-readable size, e.g. ``'1.5 GiB'``.

    >>> format_bytes(1536 * 1024 ** 2)
    '1.5 GiB'
    """
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(n) < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GiB"  # pragma: no cover


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


class Progress:
    """A progress line: label, done/total with a bar, rate, elapsed time and custom fields.

    Parameters
    ----------
    label : str
        What is being done, printed first.
    total : int, optional
        Amount of work; without it only the count and rate are shown.
    enabled : bool, optional
        ``False`` prints nothing. Default: on.
    stream : text stream, optional
        Where to write (default ``sys.stderr``).
    unit : str
        Name of one item, for the rate (``'forms/s'``).
    memory : bool
        Also show the resident memory of the process.
    min_interval, log_interval : float
        Seconds between redraws on a terminal, and between lines otherwise.

    Examples
    --------
    >>> import io
    >>> buf = io.StringIO()
    >>> bar = Progress("fit", stream=buf, min_interval=0, log_interval=0, unit="steps")
    >>> bar.update(10, loss=0.5)
    >>> bar.close("done")
    >>> buf.getvalue().splitlines()[-1]
    'fit: done'
    """

    def __init__(
        self,
        label: str,
        *,
        total: int | None = None,
        enabled: bool = True,
        stream: TextIO | None = None,
        unit: str = "it",
        memory: bool = False,
        min_interval: float = 0.2,
        log_interval: float = 10.0,
    ) -> None:
        self.label = label
        self.total = total
        self.enabled = enabled
        self.stream = stream if stream is not None else sys.stderr
        self.unit = unit
        self.memory = memory
        self.done = 0
        self.fields: dict[str, Any] = {}
        self._start = time.perf_counter()
        self._last = -float("inf")
        try:
            self._tty = bool(self.stream.isatty())
        except (AttributeError, ValueError):
            self._tty = False
        self._interval = min_interval if self._tty else log_interval
        self._width = 0

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def elapsed(self) -> float:
        """Seconds since the bar was made."""
        return time.perf_counter() - self._start

    def text(self) -> str:
        """The current line, without drawing it.

        >>> Progress("x", total=10).text().startswith("x: 0/10")
        True
        >>> bar = Progress("x", total=10); bar.done = 12; bar.text().startswith("x: 12/12")
        True
        """
        parts = [f"{self.label}:"]
        if self.total:
            total = max(self.total, self.done)  # a count is never shown past its total
            frac = min(max(self.done / total, 0.0), 1.0)
            filled = int(frac * 20)
            parts.append(f"{self.done}/{total} [{'#' * filled}{'.' * (20 - filled)}]")
        elif self.done:
            parts.append(f"{self.done}")
        t = self.elapsed
        if self.done and t > 0:
            parts.append(f"{self.done / t:,.0f} {self.unit}/s")
        parts.extend(f"{k}={_fmt(v)}" for k, v in self.fields.items())
        if self.memory:
            parts.append(f"mem {format_bytes(rss_bytes())}")
        parts.append(f"{t:.1f}s")
        return " ".join(parts)

    def update(self, done: int | None = None, *, force: bool = False, **fields: Any) -> None:
        """Set the amount done (absolute) and any fields, and redraw if it is time to.

        >>> bar = Progress("x", enabled=False)
        >>> bar.update(5, K=3); bar.done, bar.fields
        (5, {'K': 3})
        """
        if done is not None:
            self.done = done
        self.fields.update(fields)
        if not self.enabled:
            return
        now = time.perf_counter()
        if not force and now - self._last < self._interval:
            return
        self._last = now
        self._draw(self.text())

    def advance(self, n: int = 1, **fields: Any) -> None:
        """Add ``n`` to the amount done.

        >>> bar = Progress("x", enabled=False); bar.advance(3); bar.advance(); bar.done
        4
        """
        self.update(self.done + n, **fields)

    def write(self, message: str) -> None:
        """Print a message line above the bar (the bar is redrawn on the next update)."""
        if not self.enabled:
            return
        if self._tty and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self._width = 0
        self.stream.write(message + "\n")
        self.stream.flush()

    def _draw(self, line: str) -> None:
        if self._tty:
            pad = max(self._width - len(line), 0)
            self.stream.write("\r" + line + " " * pad)
            self._width = len(line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def close(self, message: str | None = None) -> None:
        """Finish the line (with ``message`` in place of the bar, if given)."""
        if not self.enabled:
            return
        if message is not None:
            if self._tty and self._width:
                self.stream.write("\r" + " " * self._width + "\r")
            self.stream.write(f"{self.label}: {message}\n")
        elif self._tty and self._width:
            self.stream.write("\n")
        self._width = 0
        self.enabled = False
        self.stream.flush()
