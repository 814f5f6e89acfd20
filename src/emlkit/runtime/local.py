"""Local executors: in this process (serial) and a pool of worker processes.

>>> with LocalExecutor(1) as ex:
...     ex.submit(divmod, 7, 2).result()
(3, 1)
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import signal
from collections.abc import Callable
from typing import Any, Self

__all__ = ["LocalExecutor", "SerialExecutor"]


def _ignore_sigint() -> None:
    """Workers leave Ctrl-C to the parent, which cancels the work and stops the pool."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class SerialExecutor:
    """Runs each task at once in this process (for tests, debugging and tiny jobs).

    >>> SerialExecutor().submit(max, 3, 5).result()
    5
    """

    max_workers = 1

    def submit(self, fn: Callable[..., Any], *args: Any) -> cf.Future:
        """Run ``fn(*args)`` now; the future holds its result or exception."""
        fut: cf.Future = cf.Future()
        try:
            fut.set_result(fn(*args))
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            fut.set_exception(exc)
        return fut

    def shutdown(self, wait: bool = True) -> None:
        """Nothing to release."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()


class LocalExecutor:
    """A pool of worker processes on this machine (``concurrent.futures``).

    A worker that dies (killed, out of memory) breaks the pool; :meth:`restart` makes a new
    one, so a search resubmits the lost shards.

    Parameters
    ----------
    workers : int, optional
        Number of processes (default: the CPUs this process may use).

    >>> LocalExecutor(2).max_workers
    2
    """

    def __init__(self, workers: int | None = None) -> None:
        if workers is None:
            try:
                workers = len(os.sched_getaffinity(0))
            except AttributeError:  # pragma: no cover - not Linux
                workers = os.cpu_count() or 1
        if int(workers) < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        self.max_workers = int(workers)
        self._pool: cf.ProcessPoolExecutor | None = None

    def _get(self) -> cf.ProcessPoolExecutor:
        if self._pool is None:
            ctx = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
            self._pool = cf.ProcessPoolExecutor(self.max_workers, mp_context=ctx,
                                                 initializer=_ignore_sigint)
        return self._pool

    def submit(self, fn: Callable[..., Any], *args: Any) -> cf.Future:
        """Run ``fn(*args)`` in a worker process (``fn`` and arguments must pickle)."""
        return self._get().submit(fn, *args)

    def restart(self) -> None:
        """Drop the pool (after a worker died); the next submit makes a new one."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def shutdown(self, wait: bool = True) -> None:
        """Stop the workers: pending tasks are cancelled; ``wait=False`` also ends running ones.

        >>> ex = LocalExecutor(1); _ = ex.submit(abs, -1).result(); ex.shutdown(wait=False)
        """
        pool, self._pool = self._pool, None
        if pool is None:
            return
        if not wait:
            procs = list(getattr(pool, "_processes", {}).values())
            pool.shutdown(wait=False, cancel_futures=True)
            for proc in procs:  # Ctrl-C: the work in flight is redone on resume
                if proc.is_alive():
                    proc.terminate()
            for proc in procs:
                proc.join(timeout=1.0)
            return
        pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
