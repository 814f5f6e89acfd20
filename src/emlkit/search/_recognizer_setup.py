"""How a recognition reads its target (private helpers of :mod:`emlkit.search.recognizer`).

>>> from emlkit.search.targets import to_target
>>> s = setup(to_target("3.14159265358979"), dps=50, rtol=None, limit=10, deadline=None,
...           exhaustive=False)
>>> s.need, s.dps, s.precise
(15, 50, True)
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._recognizer_checks import mp_env
from .samples import Samples
from .targets import Target

__all__ = ["SAMPLE_RTOL", "Setup", "memory_limit", "setup"]

SAMPLE_RTOL = 1e-12  # default agreement with float64 samples, relative to |y| + 1
_SIEVE_POINTS = 6  # sample points used by the float sieve
_MP_POINTS = 6  # sample points checked at dps digits (and with arb)


@dataclass(frozen=True)
class Setup:
    """How one recognition reads its target: sieve points and tolerances, verification digits.

    Built by :func:`setup` from the target and the options of :func:`recognize`; the EML and
    the vocabulary searches share it.
    """

    target: Target | Samples
    samples: bool
    variables: tuple[str, ...]
    points: dict[str, np.ndarray] | None  # sieve points of the variables (None: a constant)
    tvec: np.ndarray  # the target at the sieve points
    sieve_rtol: float
    verify_rtol: float  # samples: agreement at the mpmath points (constants: unused, 0)
    dps: int  # digits of the mpmath and arb checks
    need: int  # digits a form has to match
    precise: bool  # a form found in a small table is already the shortest
    idx_mp: np.ndarray | None  # sample rows checked in mpmath (None: a constant)
    envs: list[dict[str, Any]]  # mpmath inputs at those rows ([{}] for a constant)
    limit: int
    deadline: float | None
    exhaustive: bool

    def arb_points(self) -> list[dict[str, complex]] | None:
        """The mpmath points as complex inputs for arb (None for a constant)."""
        if not self.samples:
            return None
        return [{k: complex(x) for k, x in e.items()} for e in self.envs]

    def timed_out(self) -> bool:
        """True once the deadline has passed."""
        return self.deadline is not None and time.perf_counter() > self.deadline


def setup(target: Target | Samples, *, dps: int, rtol: float | None, limit: int,
          deadline: float | None, exhaustive: bool) -> Setup:
    """The :class:`Setup` of a target (constants: digits from the input; samples: ``rtol``).

    >>> from emlkit.search.targets import to_target
    >>> s = setup(to_target("2.72"), dps=50, rtol=None, limit=10, deadline=None,
    ...           exhaustive=False)
    >>> s.need, s.dps, s.precise
    (3, 50, False)
    """
    if isinstance(target, Samples):
        rows_sieve = sieve_rows(target.n, _SIEVE_POINTS)
        variables = target.variables
        verify_rtol = rtol or SAMPLE_RTOL
        idx_mp = sieve_rows(target.n, _MP_POINTS)
        return Setup(
            target, True, variables,
            {v: target.X[rows_sieve, j] for j, v in enumerate(variables)}, target.y[rows_sieve],
            max(rtol or 0, 1e-9), verify_rtol, dps, max(1, round(-math.log10(verify_rtol))),
            verify_rtol <= 1e-10, idx_mp, [mp_env(target, int(i)) for i in idx_mp], limit,
            deadline, exhaustive)
    dps_eff = max(dps, (target.digits or 0) + 10)
    return Setup(target, False, (), None, np.array([target.value]),
                 max(4 * target.rtol, 1e-9), 0.0, dps_eff, target.digits or dps_eff,
                 target.rtol <= 1e-12, None, [{}], limit, deadline, exhaustive)


def memory_limit() -> int:
    """Bytes an enumeration may hold: 60 % of the available memory, at most 8 GiB.

    >>> memory_limit() > 0
    True
    """
    try:
        with open("/proc/meminfo") as fh:
            info = {ln.split(":")[0]: int(ln.split()[1]) * 1024 for ln in fh if ":" in ln}
        return int(min(8 << 30, 0.6 * info.get("MemAvailable", 8 << 30)))
    except (OSError, ValueError):
        return 4 << 30


def sieve_rows(n: int, k: int) -> np.ndarray:
    """``k`` rows spread evenly over ``n`` (all of them when ``n <= k``).

    >>> sieve_rows(12, 6).tolist()
    [0, 2, 4, 7, 9, 11]
    """
    return np.unique(np.linspace(0, n - 1, min(n, k)).round().astype(np.int64))


