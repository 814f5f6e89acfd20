"""Deadlines counted from the start of the process, so a command's time limit covers it all.

``eml fit --time-limit T`` should end within T seconds of the moment the user pressed Enter,
start-up included. :func:`process_start` is that moment on the ``time.monotonic()`` clock
(read from ``/proc/self/stat`` on Linux; elsewhere the moment this module was first imported),
and :func:`command_deadline` the deadline a command passes to ``EMLRegressor.fit``: the start
plus the limit, less :data:`EXIT_RESERVE` for what follows the fit (its final checks, the
report, saving the result, shutting the interpreter down). The ``eml`` program starts the clock
at the process start; ``emlkit.cli.main([...])`` called inside another program at the call.

>>> import time
>>> process_start() <= time.monotonic()
True
>>> round(command_deadline(10.0) - process_start(), 6)
9.5
"""

from __future__ import annotations

import functools
import os
import time

__all__ = ["EXIT_RESERVE", "command_deadline", "process_start"]

#: Seconds kept after a fit's deadline for its final checks (50-digit confirmation of the best
#: candidates, the readable form), the report, the checkpoint and interpreter shutdown
#: (measured 0.2-0.45 s on a busy 2-core machine, PyTorch loaded).
EXIT_RESERVE = 0.5

_IMPORTED = time.monotonic()  # the fallback where the process start cannot be read


def _age_from_proc() -> float | None:
    """Seconds since this process started, from ``/proc/self/stat`` (None where unreadable)."""
    try:
        with open("/proc/self/stat", encoding="ascii") as fh:
            stat = fh.read()
        ticks = int(stat[stat.rindex(")") + 2:].split()[19])  # field 22, start time since boot
        age = time.clock_gettime(time.CLOCK_BOOTTIME) - ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return None
    return age if 0.0 <= age < 10 * 86400.0 else None


@functools.cache
def process_start() -> float:
    """The ``time.monotonic()`` value at which this process started (read once, then kept).

    >>> 0 <= time.monotonic() - process_start() < 86400
    True
    """
    age = _age_from_proc()
    start = _IMPORTED if age is None else time.monotonic() - age
    return min(start, _IMPORTED)


def command_deadline(time_limit: float, start: float | None = None,
                     reserve: float = EXIT_RESERVE) -> float:
    """The deadline (``time.monotonic()``) of work that must end ``time_limit`` seconds after
    ``start`` (default: :func:`process_start`), keeping ``reserve`` seconds for what follows.

    >>> command_deadline(3.0, reserve=0.0) == process_start() + 3.0
    True
    >>> command_deadline(3.0, start=100.0)
    102.5
    """
    return (process_start() if start is None else float(start)) + float(time_limit) - reserve
