import numpy as np
import pytest

from emlkit.regress.targets import (
    all_trees,
    exact_values,
    paper_targets,
    random_target,
    sample_points,
)


def test_exact_depth_and_acceptable():
    pts = sample_points(16, np.random.default_rng(0))
    for d in (3, 4, 5):
        t = random_target(d, np.random.default_rng(d), points=pts)
        assert t.depth == d and "x" in t.free_vars
        y = exact_values(t, pts)
        assert y is not None and np.ptp(np.abs(y)) > 0


def test_depth2_count_matches_paper():
    assert len(all_trees(2)) == 32  # (2 + 6**2) - 6


def test_reproducible_and_bad_input():
    assert paper_targets(4, 5) == paper_targets(4, 5)
    with pytest.raises(ValueError, match="depth"):
        random_target(0, np.random.default_rng(0))
    with pytest.raises(ValueError, match="distribution"):
        random_target(3, np.random.default_rng(0), distribution="nope")
