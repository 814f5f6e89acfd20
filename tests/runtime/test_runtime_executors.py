"""Executors: serial, local pool, Ray (a local Ray cluster started here; skipped without Ray)."""

from __future__ import annotations

import os

import pytest

from emlkit.pcf.search import search
from emlkit.runtime import LocalExecutor, SerialExecutor, get_executor, is_restartable

BOX = (1, 1, (-2, 3))


def test_serial_runs_and_reports_errors():
    ex = get_executor("serial")
    assert isinstance(ex, SerialExecutor)
    assert ex.submit(sum, [1, 2, 3]).result() == 6
    fut = ex.submit(int, "x")
    with pytest.raises(ValueError):
        fut.result()


def test_local_pool_runs_in_other_processes():
    with LocalExecutor(2) as ex:
        pids = {ex.submit(os.getpid).result() for _ in range(4)}
        assert os.getpid() not in pids
        assert is_restartable(ex)


def test_specs():
    assert get_executor(None, workers=1).max_workers == 1
    ex = SerialExecutor()
    assert get_executor(ex) is ex
    with pytest.raises(ValueError, match="workers"):
        LocalExecutor(0)
    with pytest.raises(TypeError, match="submit"):
        get_executor(42)
    with pytest.raises(ValueError, match="unknown executor"):
        get_executor("mpi")


@pytest.fixture(scope="module")
def ray_cluster():
    ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'emlkit[ray]')")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             ignore_reinit_error=True)
    try:
        yield ray
    finally:
        ray.shutdown()


def test_ray_results_equal_the_single_process_run(ray_cluster):
    from emlkit.runtime.ray_executor import RayExecutor

    want = search(BOX, constants=["E", "pi"], executor="serial")
    ex = RayExecutor()
    assert ex.max_workers == 2
    got = search(BOX, constants=["E", "pi"], executor=ex, shard_size=300)
    assert [f.as_dict() for f in got.formulas] == [f.as_dict() for f in want.formulas]
    assert got.counts == want.counts
    # the spec string reaches the same cluster
    again = search(BOX, constants=["E", "pi"], executor="ray", shard_size=300)
    assert again.formulas == want.formulas


def test_ray_worker_killed_mid_run_loses_nothing(ray_cluster, tmp_path):
    from emlkit.runtime.ray_executor import RayExecutor

    marker = str(tmp_path / "killed")

    def die_once(marker, fn, *args):  # pickled by value: a nested function
        import os as _os

        if not _os.path.exists(marker):
            open(marker, "w").close()
            _os._exit(1)  # the worker process dies in the middle of the run
        return fn(*args)

    class KillFirst:
        def __init__(self, inner):
            self.inner, self.max_workers = inner, inner.max_workers

        def submit(self, fn, *args):
            return self.inner.submit(die_once, marker, fn, *args)

        def shutdown(self):
            pass

    want = search(BOX, constants=["E"], executor="serial")
    got = search(BOX, constants=["E"], executor=KillFirst(RayExecutor()), shard_size=300)
    assert os.path.exists(marker)
    assert [f.as_dict() for f in got.formulas] == [f.as_dict() for f in want.formulas]
    assert got.counts == want.counts
