"""EML enumeration levels on executors: the same forms, in the same order, as in process."""

from __future__ import annotations

import os

import numpy as np
import pytest

from emlkit.runtime import LocalExecutor, SerialExecutor
from emlkit.search._sharded import level_blocks
from emlkit.search.enumerate import enumerate_forms

# small chunks: levels split into many blocks, so the merge order is really exercised
CHUNK = 1 << 9


def _same(a, b) -> None:
    assert a.counts == b.counts
    assert a.pairs == b.pairs
    assert a.collisions == b.collisions
    for K in a.counts:
        la, lb = a._levels[K], b._levels[K]
        np.testing.assert_array_equal(la.left, lb.left)
        np.testing.assert_array_equal(la.right, lb.right)
    assert [a.rpn(g) for g in range(a.total)] == [b.rpn(g) for g in range(b.total)]


@pytest.fixture(scope="module")
def reference():
    return enumerate_forms(9, variables=("x",), chunk_elements=CHUNK)


def test_blocks_cover_every_pair_once(reference):
    for K in (3, 5, 7, 9):
        blocks = list(level_blocks(reference, K, CHUNK))
        assert sum((a1 - a0) * (b1 - b0) for _, a0, a1, b0, b1 in blocks) == reference.pairs[K]
        seen = {(Ka, a, b) for Ka, a0, a1, b0, b1 in blocks
                for a in range(a0, a1) for b in range(b0, b1)}
        assert len(seen) == reference.pairs[K]
    assert len(list(level_blocks(reference, 9, CHUNK))) > 5


def test_serial_executor_gives_the_in_process_forms(reference):
    steps = []
    got = enumerate_forms(9, variables=("x",), chunk_elements=CHUNK, executor=SerialExecutor(),
                          on_step=lambda K, done, total: steps.append((K, done, total)))
    _same(got, reference)
    assert steps[-1] == (9, reference.pairs[9], reference.pairs[9])


def test_local_pool_gives_the_in_process_forms(reference):
    with LocalExecutor(2) as ex:
        got = enumerate_forms(9, variables=("x",), chunk_elements=CHUNK, executor=ex)
    _same(got, reference)
    # a spec string makes (and stops) its own pool
    again = enumerate_forms(7, variables=("x",), chunk_elements=CHUNK, executor="local",
                            workers=2)
    assert again.counts == {K: n for K, n in reference.counts.items() if K <= 7}


def test_published_shortest_constants_on_a_pool():
    # e at K = 3, 0 at K = 7, -1 at K = 15 (the published shortest EML constants)
    en = enumerate_forms(15, variables=(), executor="local", workers=2)
    assert [en.size_of(en.find_values(v)[0]) for v in (np.e, 0, -1)] == [3, 7, 15]
    _same(en, enumerate_forms(15, variables=()))


def _die_once(marker: str, fn, *args):
    if not os.path.exists(marker):
        open(marker, "w").close()
        os._exit(1)  # the worker process dies in the middle of the level
    return fn(*args)


class _KillFirst:
    """Wraps a pool: the first task to run kills its worker."""

    def __init__(self, inner, marker):
        self.inner, self.marker, self.max_workers = inner, marker, inner.max_workers

    def submit(self, fn, *args):
        return self.inner.submit(_die_once, self.marker, fn, *args)

    def restart(self):
        self.inner.restart()

    def shutdown(self, wait=True):
        self.inner.shutdown(wait)


def test_killed_worker_block_is_redone(reference, tmp_path):
    marker = str(tmp_path / "killed")
    with LocalExecutor(2) as pool:
        got = enumerate_forms(9, variables=("x",), chunk_elements=CHUNK,
                              executor=_KillFirst(pool, marker))
    assert os.path.exists(marker)
    _same(got, reference)


class _AlwaysDies(_KillFirst):
    def submit(self, fn, *args):
        return self.inner.submit(os._exit, 1)


def test_worker_dying_every_time_is_an_error_not_a_hang():
    with LocalExecutor(1) as pool, pytest.raises(RuntimeError, match="failed 3 times"):
        enumerate_forms(5, variables=("x",), executor=_AlwaysDies(pool, ""))


def test_bad_input():
    with pytest.raises(ValueError, match="workers needs an executor"):
        enumerate_forms(5, variables=(), workers=2)
    with pytest.raises(ValueError, match="unknown executor"):
        enumerate_forms(5, variables=(), executor="mpi")
    with pytest.raises(ValueError, match="workers must be at least 1"):
        enumerate_forms(5, variables=(), executor="local", workers=0)
    with pytest.raises(TypeError, match="submit"):
        enumerate_forms(5, variables=(), executor=42)


@pytest.fixture(scope="module")
def ray_cluster():
    ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'emlkit[ray]')")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             ignore_reinit_error=True)
    try:
        yield ray
    finally:
        ray.shutdown()


def test_ray_gives_the_in_process_forms(ray_cluster, reference, tmp_path):
    from emlkit.runtime.ray_executor import RayExecutor

    got = enumerate_forms(9, variables=("x",), chunk_elements=CHUNK, executor=RayExecutor())
    _same(got, reference)
    marker = str(tmp_path / "killed")

    def die_once(marker, fn, *args):  # pickled by value: a nested function
        import os as _os

        if not _os.path.exists(marker):
            open(marker, "w").close()
            _os._exit(1)
        return fn(*args)

    class KillFirst:
        def __init__(self, inner):
            self.inner, self.max_workers = inner, inner.max_workers

        def submit(self, fn, *args):
            return self.inner.submit(die_once, marker, fn, *args)

        def shutdown(self):
            pass

    got = enumerate_forms(7, variables=("x",), chunk_elements=CHUNK,
                          executor=KillFirst(RayExecutor()))
    assert os.path.exists(marker)
    assert got.counts == {K: n for K, n in reference.counts.items() if K <= 7}
