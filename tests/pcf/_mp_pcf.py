"""Test helper: p_N/q_N of a PCF by the plain three-term recurrence in mpmath (a reference)."""

from __future__ import annotations

import mpmath


def mp_limit(a, b, depth):
    """p_depth/q_depth of PCF(a, b) (coefficients lowest first), at mpmath's precision."""
    p0, p1, q0, q1 = mpmath.mpf(1), mpmath.mpf(a[0]), mpmath.mpf(0), mpmath.mpf(1)
    for n in range(1, depth + 1):
        an = sum(c * n**k for k, c in enumerate(a))
        bn = sum(c * n**k for k, c in enumerate(b))
        p0, p1 = p1, an * p1 + bn * p0
        q0, q1 = q1, an * q1 + bn * q0
    return p1 / q1
