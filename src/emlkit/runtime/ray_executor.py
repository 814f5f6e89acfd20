"""Ray executor: tasks on a Ray cluster (the only module of emlkit that imports Ray).

Install with ``pip install "emlkit[ray]"``. ``RayExecutor()`` starts a local Ray instance
(or joins ``RAY_ADDRESS``); ``RayExecutor("ray://head:10001")`` joins a cluster. Each task is
retried by Ray when its worker dies, so a shard is redone, not lost.
"""

from __future__ import annotations

import concurrent.futures as cf
from collections.abc import Callable
from typing import Any, Self

__all__ = ["RayExecutor"]


class RayExecutor:
    """Submit functions as Ray tasks; futures are ``concurrent.futures.Future``.

    Parameters
    ----------
    address : str, optional
        Cluster address (``"ray://host:10001"``, ``"host:6379"``, ``"auto"``); default: join
        ``RAY_ADDRESS`` if set, else start Ray on this machine.
    num_cpus : int, optional
        CPUs of a Ray instance started here.
    max_retries : int
        How often Ray reruns a task whose worker died.

    Examples
    --------
    >>> with RayExecutor(num_cpus=2) as ex:                      # doctest: +SKIP
    ...     ex.submit(pow, 2, 10).result()
    1024
    """

    def __init__(self, address: str | None = None, num_cpus: int | None = None,
                 max_retries: int = 3) -> None:
        try:
            import ray
        except ImportError:
            raise ImportError("the Ray executor needs Ray: pip install 'emlkit[ray]'") from None
        self._ray = ray
        self._started = False
        if not ray.is_initialized():
            kwargs: dict[str, Any] = {"ignore_reinit_error": True, "log_to_driver": False,
                                      "include_dashboard": False}
            if address is not None:
                kwargs["address"] = address
            elif num_cpus is not None:
                kwargs["num_cpus"] = int(num_cpus)
            ray.init(**kwargs)
            self._started = True
        self.max_retries = int(max_retries)
        self._remote: dict[Callable[..., Any], Any] = {}
        self.max_workers = int(ray.cluster_resources().get("CPU", 1))

    def submit(self, fn: Callable[..., Any], *args: Any) -> cf.Future:
        """Run ``fn(*args)`` as a Ray task."""
        task = self._remote.get(fn)
        if task is None:
            task = self._ray.remote(max_retries=self.max_retries, retry_exceptions=False)(fn)
            self._remote[fn] = task
        return task.remote(*args).future()

    def shutdown(self, wait: bool = True) -> None:
        """Disconnect (and stop Ray if this executor started it); tasks in flight are dropped."""
        if self._started:
            self._ray.shutdown()
            self._started = False

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
