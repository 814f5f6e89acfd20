"""Fit jobs of the playground: one worker process each, bounded per client, polled, cancellable.

>>> jobs = FitJobs()
>>> jobs.poll("no-such-job")
Traceback (most recent call last):
...
emlkit.web.jobs.JobNotFound: no job 'no-such-job' (finished jobs are kept for a while only)
"""

from __future__ import annotations

import queue as queue_mod
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from ..errors import EMLError
from .limits import DEFAULT_LIMITS, Limits
from .workers import end_process, worker_context

__all__ = ["FitJobs", "JobNotFound", "TooManyJobs"]

_START_GRACE = 30.0  # seconds a worker may take to start (imports) beyond its fit time


class TooManyJobs(EMLError):
    """A client (or the server) already runs as many jobs as allowed."""


class JobNotFound(EMLError, KeyError):
    """No job with that id (never started, or finished long ago)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "no such job"


@dataclass
class _Job:
    id: str
    client: str
    process: Any
    queue: Any
    started: float
    deadline: float
    state: str = "running"  # running, done, error, cancelled
    stage: str = "starting"
    loss: list[tuple[int, float]] = field(default_factory=list)
    result: dict[str, Any] | None = None
    error: str = ""
    finished: float | None = None


class FitJobs:
    """Runs :func:`emlkit.web._fit_worker.run_fit` in worker processes.

    Parameters
    ----------
    limits : Limits
        ``jobs_per_client``, ``max_jobs``, ``max_fit_seconds`` and ``kept_jobs``.
    """

    def __init__(self, limits: Limits = DEFAULT_LIMITS) -> None:
        self.limits = limits
        self._jobs: dict[str, _Job] = {}
        self._lock = threading.Lock()
        self._ctx: Any = None  # chosen on the first job, so creating this starts no process

    def start(self, client: str, X: Any, y: Any, names: list[str],
              options: dict[str, Any]) -> str:
        """Start a fit; returns the job id. Raises :class:`TooManyJobs` above the limits."""
        from ._fit_worker import run_fit

        with self._lock:
            self._refresh_all()
            running = [j for j in self._jobs.values() if j.state == "running"]
            mine = sum(1 for j in running if j.client == client)
            if mine >= self.limits.jobs_per_client:
                raise TooManyJobs(f"you already run {mine} fit jobs (at most "
                                  f"{self.limits.jobs_per_client}); wait or cancel one")
            if len(running) >= self.limits.max_jobs:
                raise TooManyJobs(f"the server runs {len(running)} fit jobs (at most "
                                  f"{self.limits.max_jobs}); try again in a moment")
            if self._ctx is None:  # forked warm from the preloaded fork server
                self._ctx = worker_context()
            q = self._ctx.Queue()
            proc = self._ctx.Process(target=run_fit, args=(q, X, y, names, options), daemon=True)
            proc.start()
            now = time.monotonic()
            seconds = float(options.get("time_limit", self.limits.max_fit_seconds))
            job = _Job(secrets.token_hex(8), client, proc, q, now,
                       now + seconds + _START_GRACE)
            self._jobs[job.id] = job
            self._forget_old()
            return job.id

    def poll(self, job_id: str) -> dict[str, Any]:
        """The job's state: ``state``, ``stage``, ``seconds``, ``loss`` and ``result``/``error``."""
        with self._lock:
            job = self._get(job_id)
            self._refresh(job)
            return {"id": job.id, "state": job.state, "stage": job.stage,
                    "seconds": round((job.finished or time.monotonic()) - job.started, 2),
                    "loss": [list(p) for p in job.loss], "result": job.result,
                    "error": job.error}

    def cancel(self, job_id: str) -> dict[str, Any]:
        """Stop a running job (its worker process is terminated); returns its state."""
        with self._lock:
            job = self._get(job_id)
            self._refresh(job)
            if job.state == "running":
                self._stop(job, "cancelled", "cancelled")
        return self.poll(job_id)

    def running(self) -> int:
        """Number of jobs running now."""
        with self._lock:
            self._refresh_all()
            return sum(1 for j in self._jobs.values() if j.state == "running")

    def shutdown(self) -> None:
        """Terminate every running job (called when the server stops)."""
        with self._lock:
            for job in self._jobs.values():
                if job.state == "running":
                    self._stop(job, "cancelled", "server stopped")

    # ---------------------------------------------------------------- internals
    def _get(self, job_id: str) -> _Job:
        job = self._jobs.get(job_id)
        if job is None:
            raise JobNotFound(f"no job {job_id!r} (finished jobs are kept for a while only)")
        return job

    def _refresh_all(self) -> None:
        for job in self._jobs.values():
            self._refresh(job)

    def _refresh(self, job: _Job) -> None:
        if job.state != "running":
            return
        while True:
            try:
                msg = job.queue.get_nowait()
            except (queue_mod.Empty, OSError, EOFError, ValueError):
                break
            if msg[0] == "loss":
                job.stage = "training"
                job.loss.append((msg[1], msg[2]))
                if len(job.loss) > 2_000:
                    job.loss = job.loss[::2]
            elif msg[0] == "stage":
                job.stage = msg[1]
            elif msg[0] == "done":
                job.result = msg[1]
                self._stop(job, "done", "finished")
                return
            elif msg[0] == "error":
                self._stop(job, "error", "failed", msg[1])
                return
        if not job.process.is_alive():
            code = job.process.exitcode
            self._stop(job, "error", "failed", f"the fit worker ended unexpectedly (exit {code})")
        elif time.monotonic() > job.deadline:
            self._stop(job, "error", "failed", "the fit ran past its time limit and was stopped")

    def _stop(self, job: _Job, state: str, stage: str, error: str = "") -> None:
        job.state, job.stage, job.error = state, stage, error
        job.finished = time.monotonic()
        end_process(job.process)
        job.process.join(1.0)
        job.queue.cancel_join_thread()
        job.queue.close()
        if hasattr(job.process, "close") and not job.process.is_alive():
            job.process.close()

    def _forget_old(self) -> None:
        done = sorted((j for j in self._jobs.values() if j.state != "running"),
                      key=lambda j: j.finished or 0.0)
        for job in done[: max(0, len(done) - self.limits.kept_jobs)]:
            del self._jobs[job.id]
