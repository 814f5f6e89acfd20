"""Executors for long searches: serial, a local process pool (default) or a Ray cluster.

An executor is anything with ``submit(fn, *args) -> concurrent.futures.Future`` and
``shutdown()``; search code only uses that, so it never imports Ray.

>>> ex = get_executor("serial")
>>> ex.submit(pow, 2, 10).result()
1024
>>> ex.shutdown()
"""

from __future__ import annotations

from typing import Any

from .local import LocalExecutor, SerialExecutor

__all__ = ["LocalExecutor", "SerialExecutor", "get_executor", "is_restartable"]


def get_executor(spec: Any = None, workers: int | None = None) -> Any:
    """An executor from a spec.

    Parameters
    ----------
    spec : None, str or executor
        ``None`` or ``"local"``: a local process pool of ``workers`` processes (default: the
        number of CPUs); ``"serial"``: in this process; ``"ray"``: Ray, started locally or
        joined through ``RAY_ADDRESS``; ``"ray://HOST:PORT"`` or ``"HOST:PORT"`` (with
        ``ray:`` in front: ``"ray:HOST:PORT"``): that Ray cluster; an object with ``submit``
        is returned as it is.
    workers : int, optional
        Processes of a local pool (Ray: CPUs of a cluster it starts itself).

    >>> type(get_executor("local", workers=1)).__name__
    'LocalExecutor'
    >>> get_executor("gpu")
    Traceback (most recent call last):
    ...
    ValueError: unknown executor 'gpu' (use local, serial, ray, ray:ADDRESS or ray://HOST:PORT)
    """
    if spec is None or spec == "local":
        return LocalExecutor(workers)
    if spec == "serial":
        return SerialExecutor()
    if isinstance(spec, str):
        if spec == "ray" or spec.startswith("ray:"):
            from .ray_executor import RayExecutor

            address = None if spec == "ray" else (spec if spec.startswith("ray://")
                                                  else spec[len("ray:"):])
            return RayExecutor(address=address, num_cpus=workers)
        raise ValueError(f"unknown executor {spec!r} (use local, serial, ray, ray:ADDRESS or "
                         "ray://HOST:PORT)")
    if not callable(getattr(spec, "submit", None)):
        raise TypeError(f"an executor needs a submit method, got {type(spec).__name__}")
    return spec


def is_restartable(executor: Any) -> bool:
    """Whether ``executor.restart()`` replaces dead workers (a local pool can).

    >>> is_restartable(SerialExecutor())
    False
    """
    return callable(getattr(executor, "restart", None))
