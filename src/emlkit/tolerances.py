"""Every numerical tolerance of emlkit's arithmetic and of the comparisons built on it.

One module, so that a reader can see at once how close two numbers must be to count as equal
anywhere in the library. :mod:`emlkit.semantics` states what the tolerances mean for the
evaluation and the search policies (and re-exports them); the backends, the search kernels, the
verifier and the decompiler import them from here or from there.

Backends
    :data:`CUT_RESIDUE` (float64 residue of a landing on the negative real axis) and
    :data:`GUARD_DIGITS` (the mpmath and arb backends snap below ``10**−(wp − GUARD_DIGITS)``).
Search policy (:data:`emlkit.semantics.SEARCH`)
    :data:`SEARCH_SNAP`, :data:`SEARCH_EXP_FLOOR` (float64), :data:`SEARCH_MP_GUARD`,
    :data:`SEARCH_MP_EXP_LIMIT` (its mpmath twin).
Search comparisons
    :data:`DEDUP_BITS`, :data:`DEDUP_BITS_CONSTANT`, :data:`GRAMMAR_DEDUP_BITS_CONSTANT` (value
    grids: two values in one cell are one function), :data:`LOOKUP_BITS`,
    :data:`LOOKUP_BITS_CONSTANT` (coarse grids of the meet-in-the-middle lookup, every hit
    re-checked), :data:`MATCH_RTOL`, :data:`GRAMMAR_MATCH_RTOL` (a value vector equals a
    target), :func:`cut_offset_digits`, :func:`agreement_digits` (mpmath verification).
Decompiler
    :data:`RECOGNIZE_DIGITS`, :data:`RECOGNIZE_RTOL`, :data:`RECOGNIZE_ATOL`,
    :data:`RECOGNIZE_CONSTANT_RTOL`, :data:`RECOGNIZE_CONSTANT_ATOL`.

>>> SEARCH_SNAP == CUT_RESIDUE == 2**-40, DEDUP_BITS, DEDUP_BITS_CONSTANT
(True, 30, 44)
"""

from __future__ import annotations

__all__ = [
    "CUT_RESIDUE",
    "DEDUP_BITS",
    "DEDUP_BITS_CONSTANT",
    "GRAMMAR_DEDUP_BITS_CONSTANT",
    "GRAMMAR_MATCH_RTOL",
    "GUARD_DIGITS",
    "LOOKUP_BITS",
    "LOOKUP_BITS_CONSTANT",
    "MATCH_RTOL",
    "RECOGNIZE_ATOL",
    "RECOGNIZE_CONSTANT_ATOL",
    "RECOGNIZE_CONSTANT_RTOL",
    "RECOGNIZE_DIGITS",
    "RECOGNIZE_RTOL",
    "SEARCH_EXP_FLOOR",
    "SEARCH_MP_EXP_LIMIT",
    "SEARCH_MP_GUARD",
    "SEARCH_SNAP",
    "agreement_digits",
    "cut_offset_digits",
]

# ---------------------------------------------------------------- backends
#: Digits kept between the snapping tolerance and the working precision (mpmath, arb).
GUARD_DIGITS = 15
#: float64: an imaginary part below this fraction of the real part, next to a negative real
#: part, is rounding residue of a landing on the cut (``exp(c ± iπ)`` leaves ``≈ 1.2e−16``).
CUT_RESIDUE = 2.0**-40

# ---------------------------------------------------------------- the search policy
#: Parts of an ``eml`` difference below this fraction of the operands' size become ``+0``.
SEARCH_SNAP = 2.0**-40
#: ``|exp z|`` below this, for finite ``z``, is undefined in the search (not rounded to 0).
SEARCH_EXP_FLOOR = 1e-290
#: The mpmath twin snaps parts below ``10**−(dps − SEARCH_MP_GUARD)`` of the operands.
SEARCH_MP_GUARD = 10
#: The mpmath twin takes ``exp`` of an argument with a part beyond this as undefined.
SEARCH_MP_EXP_LIMIT = 1e15

# ---------------------------------------------------------------- search comparisons
#: Bits of mantissa of the search's dedup grid (relative to a value vector's largest part):
#: two function values in one cell at every test point are one function.
DEDUP_BITS = 30
#: The same for constants (one test point) in ``enumerate_forms``: finer, because distinct
#: constants crowd the real line (``e**e − ln(e − e**e)`` and
#: ``e**e − ln(e − ln(exp(e**e) − 1))``, K = 13 and 15, differ by 1.7e−9 relative and shared a
#: 30-bit cell); 44 bits still merge one constant reached by different routes (float64 error
#: ≲ 1e−13 relative).
DEDUP_BITS_CONSTANT = 44
#: The grammar search's grid with one test point (its functions use :data:`DEDUP_BITS`).
GRAMMAR_DEDUP_BITS_CONSTANT = 34
#: Coarse grids of the meet-in-the-middle lookup (every hit is re-checked at MATCH_RTOL).
LOOKUP_BITS = 20
LOOKUP_BITS_CONSTANT = 40
#: A value vector ``v`` equals a target ``t`` when ``|v − t| ≤ rtol·(|t| + 1)`` at every point.
MATCH_RTOL = 1e-8
GRAMMAR_MATCH_RTOL = 1e-9

# ---------------------------------------------------------------- the decompiler
#: The decompiler's value fingerprint keeps this many significant digits, and a SymPy reading
#: of a sub-DAG must agree with its values within these (``numpy.allclose``) tolerances.
RECOGNIZE_DIGITS = 9
RECOGNIZE_RTOL = 1e-7
RECOGNIZE_ATOL = 1e-9
#: ... and a solved operand counts as a constant when its values agree within these.
RECOGNIZE_CONSTANT_RTOL = 1e-10
RECOGNIZE_CONSTANT_ATOL = 1e-12


def cut_offset_digits(dps: int) -> int:
    """Digits ``t`` of the offset ``10**−t`` that puts a real input on the upper side of a cut
    when a form is verified in mpmath at ``dps`` digits (far above the snapping tolerance).

    Examples
    --------
    >>> cut_offset_digits(50)
    30
    """
    return 3 * int(dps) // 5


def agreement_digits(dps: int) -> int:
    """Digits ``t``: a form verified at ``dps`` digits must agree with its target to
    ``10**−t`` relative (the offset :func:`cut_offset_digits` moves the value less than that).

    Examples
    --------
    >>> agreement_digits(50)
    20
    """
    return 2 * int(dps) // 5
