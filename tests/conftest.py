"""Test setup shared by every test package: make the shared test helpers importable, and keep
every default file of emlkit in a temporary folder.

``tests/`` goes on ``sys.path`` for ``from strategies import exprs`` and the repository root
for ``from tests.strategies import exprs``, whether pytest runs as ``pytest`` or
``python -m pytest`` and from whichever directory. ``EMLKIT_CACHE_DIR`` points at a fresh
temporary folder (inherited by the subprocesses that tests start), so the suite never writes into
the user's cache (the fit resume state, the search catalog).
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

_CACHE = tempfile.mkdtemp(prefix="emlkit-test-cache-")
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)
os.environ["EMLKIT_CACHE_DIR"] = _CACHE
for _name in ("EMLKIT_CATALOG", "EMLKIT_FIT_CACHE"):
    os.environ.pop(_name, None)

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
