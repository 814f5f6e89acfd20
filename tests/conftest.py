"""Test setup shared by every test package: make the shared test helpers importable.

``tests/`` goes on ``sys.path`` for ``from strategies import exprs`` and the repository root
for ``from tests.strategies import exprs``, whether pytest runs as ``pytest`` or
``python -m pytest`` and from whichever directory.
"""

from __future__ import annotations

import sys
from pathlib import Path

_TESTS = Path(__file__).resolve().parent
for _path in (str(_TESTS), str(_TESTS.parent)):
    if _path not in sys.path:
        sys.path.insert(0, _path)


import mpmath  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _mpmath_precision_untouched():
    """Fail a test (library or test code) that leaves mpmath's global precision changed."""
    before = mpmath.mp.prec
    yield
    after = mpmath.mp.prec
    if after != before:
        mpmath.mp.prec = before
        pytest.fail(f"mpmath.mp.prec changed from {before} to {after} and was not restored")
