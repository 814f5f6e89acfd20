"""Worker processes for the playground's computations: a call past its time is killed, not waited.

Each worker is a process that runs one call at a time (so mpmath's global precision and
matplotlib are never shared by two requests). Workers are forked by a ``forkserver`` that has
imported and warmed up the panels once (:mod:`emlkit.web._preload`), so a new or replacing worker
starts warm at once; where ``forkserver`` does not exist they are ``spawn``-ed. A call that takes
longer than its time limit gets its worker terminated and replaced, so one slow input (a formula
whose constants take minutes to build) can never hold the server.

>>> pool = WorkerPool(1)
>>> pool.call(pow, (2, 10), {}, timeout=60)
1024
>>> pool.close()
"""

from __future__ import annotations

import multiprocessing as mp
import os
import pickle
import queue
import threading
import time
from typing import Any

from ..errors import EMLError

__all__ = ["Busy", "CallTimeout", "WorkerPool", "end_process", "warm_up", "worker_context"]

_PRELOAD = ["emlkit.web._preload"]
FORKSERVER_ENV = "EMLKIT_WEB_FORKSERVER"  # set only while the fork server is started
_ENV_LOCK = threading.Lock()


class CallTimeout(EMLError):
    """The call ran past its time limit (its worker was stopped)."""


class Busy(EMLError):
    """No worker became free within the time limit."""


def _serve(conn: Any) -> None:
    """Worker loop: receive ``(fn, args, kwargs)``, send back ``(True, result)`` or
    ``(False, exception)``; ``None`` ends it."""
    import warnings

    warnings.simplefilter("ignore")  # a library warning must not turn into an error here
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        fn, args, kwargs = job
        try:
            reply: tuple[bool, Any] = (True, fn(*args, **kwargs))
        except RecursionError:
            reply = (False, RecursionError("input nested too deeply"))
        except Exception as exc:  # noqa: BLE001 - handed back to the request
            reply = (False, exc)
        try:
            conn.send(reply)
        except (pickle.PicklingError, TypeError, AttributeError):
            conn.send((False, EMLError(f"{type(reply[1]).__name__}: {reply[1]}")))


def warm_up() -> bool:
    """Import the panels and run the compiler, SymPy and matplotlib once, so a worker's first
    request is not charged their start-up (the fork server runs it once; in a worker forked
    from it, it finds everything cached).

    >>> pool = WorkerPool(1)
    >>> pool.call(warm_up, timeout=300)
    True
    >>> pool.close()
    """
    from .panel_compile import compile_panel

    compile_panel("sin(x)", at={"x": "0.5"}, draw=True)
    return True


def worker_context() -> Any:
    """The ``multiprocessing`` context for the playground's processes, its fork server started:
    ``forkserver`` with the panels preloaded and warmed up in the server (each worker is then a
    cheap fork of it), ``spawn`` where ``forkserver`` does not exist.

    >>> worker_context().get_start_method() in ("forkserver", "spawn")
    True
    """
    if "forkserver" not in mp.get_all_start_methods():
        return mp.get_context("spawn")
    from multiprocessing import forkserver

    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(_PRELOAD)  # no effect once the fork server runs
    with _ENV_LOCK:  # the variable tells the preload it runs in the fork server (see _preload)
        before = os.environ.get(FORKSERVER_ENV)
        os.environ[FORKSERVER_ENV] = "1"
        try:
            forkserver.ensure_running()  # returns at once; the preload runs in the background
        finally:
            if before is None:
                del os.environ[FORKSERVER_ENV]
            else:
                os.environ[FORKSERVER_ENV] = before
    return ctx


_WARM_SECONDS = 300.0  # longest start-up of a worker (imports on a loaded machine)


class _Worker:
    def __init__(self, ctx: Any, warm: Any) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child,), daemon=True)
        self.warming = warm is not None
        self.started = False
        # started in a thread: the first start waits for the fork server's preload, which must
        # not hold the caller (the server answers its page meanwhile)
        self._starter = threading.Thread(target=self._start, args=(child, warm), daemon=True)
        self._starter.start()

    def _start(self, child: Any, warm: Any) -> None:
        try:
            self.process.start()
            self.started = True
            child.close()
            if warm is not None:
                self.conn.send((warm, (), {}))
        except (OSError, ValueError, EOFError):
            pass  # stopped before it started; ready() reports the failure

    def ready(self) -> bool:
        """Wait for the start and the warm-up reply (not charged to any request's time limit)."""
        self._starter.join(_WARM_SECONDS)
        if self._starter.is_alive() or not self.started or self.process.exitcode is not None:
            return False
        if self.warming:
            if not self.conn.poll(_WARM_SECONDS):
                return False
            self.conn.recv()
            self.warming = False
        return True

    def stop(self) -> None:
        self._starter.join(0.1)
        if self._starter.is_alive():  # still waiting for the fork server: cut it off
            self.conn.close()
            return
        if self.process.is_alive():
            try:
                self.conn.send(None)
            except (OSError, ValueError):
                pass
            self.process.join(0.5)
        end_process(self.process)
        self.conn.close()


def end_process(process: Any) -> None:
    """Stop a child process that is still running: terminate, then kill (a second each)."""
    if process.is_alive():
        process.terminate()
        process.join(1.0)
    if process.is_alive():
        process.kill()
        process.join(1.0)


class WorkerPool:
    """``size`` worker processes; :meth:`call` runs a picklable function in a free one.

    Parameters
    ----------
    size : int
        Number of worker processes (each runs one call at a time).
    warm : callable or None
        Run once in every new worker before its first call (e.g. :func:`warm_up`).
    """

    def __init__(self, size: int = 2, warm: Any = None) -> None:
        self._ctx = worker_context()
        self._warm = warm
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._closed = False
        self._lock = threading.Lock()
        for _ in range(size):
            self._idle.put(_Worker(self._ctx, warm))

    def call(self, fn: Any, args: tuple = (), kwargs: dict | None = None, *,
             timeout: float) -> Any:
        """``fn(*args, **kwargs)`` in a worker; raises what it raised, :class:`CallTimeout` when
        waiting for a worker and the call take longer than ``timeout`` seconds (a worker's
        start-up is not counted), :class:`Busy` when no worker was free in time."""
        start = time.monotonic()
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise Busy(f"every worker is busy (waited {timeout:g} s); try again") from None
        waited = time.monotonic() - start
        healthy = False
        try:
            if not worker.ready():
                raise EMLError("a worker process did not start")
            # the time limit covers waiting for a free worker and the call, not a start-up
            deadline = time.monotonic() + max(timeout - waited, 0.5)
            worker.conn.send((fn, args, kwargs or {}))
            if worker.conn.poll(max(deadline - time.monotonic(), 0.0)):
                ok, value = worker.conn.recv()
                healthy = True
                if ok:
                    return value
                raise value
            raise CallTimeout(f"the computation took longer than {timeout:g} s and was stopped "
                              "(try a smaller input)")
        except (EOFError, OSError, BrokenPipeError):
            raise EMLError("the worker process ended unexpectedly (out of memory?)") from None
        finally:
            if healthy and worker.process.is_alive() and not self._closed:
                self._idle.put(worker)
            else:
                threading.Thread(target=self._replace, args=(worker,), daemon=True).start()

    def _replace(self, worker: _Worker) -> None:
        worker.stop()
        with self._lock:
            if not self._closed:
                self._idle.put(_Worker(self._ctx, self._warm))

    def close(self) -> None:
        """Stop every idle worker at once (busy ones stop when their call ends or times out)."""
        with self._lock:
            self._closed = True
        workers: list[_Worker] = []
        while True:
            try:
                workers.append(self._idle.get_nowait())
            except queue.Empty:
                break
        for w in workers:
            if not w._starter.is_alive() and w.process.is_alive():
                w.process.terminate()
        for w in workers:
            w.stop()
