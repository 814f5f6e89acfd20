"""The playground's worker pool: workers are forks of the preloaded fork server, calls past their
time are stopped and their worker replaced, errors come back as the same exception."""

from __future__ import annotations

import os

import pytest

from emlkit.errors import EMLError
from emlkit.web.workers import FORKSERVER_ENV, CallTimeout, WorkerPool, worker_context

_FORKSERVER = worker_context().get_start_method() == "forkserver"


@pytest.fixture(scope="module")
def pool():
    p = WorkerPool(1)  # no warm-up of its own: what it has comes from the fork server
    yield p
    p.close()


@pytest.mark.skipif(not _FORKSERVER, reason="no forkserver start method here")
def test_a_worker_without_warm_up_is_forked_warm(pool):
    # only the fork server's preload can have imported these in a worker given no warm-up
    for name in ("sympy", "matplotlib", "emlkit.web.panel_compile", "emlkit.regress.estimator"):
        assert pool.call(eval, (f"{name!r} in __import__('sys').modules",), timeout=300), name
    assert pool.call(eval, ("__import__('os').getpid()",), timeout=60) != os.getpid()
    assert FORKSERVER_ENV not in os.environ  # set only while the fork server started


def test_values_and_errors_come_back(pool):
    assert pool.call(pow, (3, 4), timeout=300) == 81
    assert pool.call(divmod, (10**30 + 7, 10**15), timeout=60) == divmod(10**30 + 7, 10**15)
    with pytest.raises(ZeroDivisionError):
        pool.call(divmod, (1, 0), timeout=60)
    with pytest.raises(EMLError):  # a value that cannot be sent back is one clear error
        pool.call(eval, ("lambda: 0",), timeout=60)


def test_a_call_past_its_time_is_stopped_and_the_worker_replaced(pool):
    import time

    with pytest.raises(CallTimeout, match="longer than 0.2 s"):
        pool.call(time.sleep, (30,), timeout=0.2)
    assert pool.call(pow, (2, 100), timeout=300) == 2**100  # the replacement answers
