"""The Dynamics record: convergence dynamics of one PCF at one depth, printable and as JSON.

>>> from emlkit.pcf import PCF
>>> d = PCF(1, 1).dynamics(depth=100)                 # golden ratio: delta -> 1
>>> d.status, round(d.delta, 3), d.eigen_case
('converged', 1.017, 'distinct real')
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from .pcf import PCF

__all__ = ["Dynamics"]


@dataclass(frozen=True)
class Dynamics:
    """The convergence dynamics of one PCF at one depth (all logarithms natural).

    Attributes
    ----------
    pcf : PCF
    depth : int
        Depth N of δ; the limit comes from depth 2N (``limit_depth``).
    status : str
        ``"converged"``, ``"divergent"`` (the convergents do not settle at a measurable rate:
        ``|x_2N - x_N|`` is not 1.5 times below ``|x_N - x_{N/2}|``, or ``|L - x_n|`` does not
        trend down over the samples; this includes logarithmically slow convergence),
        ``"terminating"`` (some b(n) = 0: a finite fraction) or ``"undefined"`` (q_n = 0).
    limit : mpmath.mpf or None
        The limit used, with ``limit_digits`` digits checked (|x_2N - x_N|).
    rational_limit : Fraction or None
        A rational (denominator ≤ 10^6) equal to the limit to all checked digits, if any.
    delta, naive_delta : float or None
        Reduced and naive δ at depth N (``delta`` is what ramanujantools' ``delta`` computes).
        For rational coefficients the naive δ refers to the integer convergents after the
        denominators are cleared (an equivalence transform; the reduced δ is unaffected).
    delta_mean : float or None
        Mean reduced δ over the sampled depths in [N/2, N]: the gcd makes δ at a single depth
        fluctuate, the mean approaches its limit smoothly.
    samples : tuple of int
        Sampled depths; ``deltas``/``naive_deltas`` hold δ at each of them.
    irrationality_bound : float or None
        ``max(2, 1 + 1/δ)`` for the reduced δ when positive (a bound the limit would satisfy if
        δ held for all larger depths: a measured value, not a proof; no irrational number has
        measure below 2, so a δ measured above 1 gives 2). None when the limit has fewer than
        10 checked digits (a rational limit could not be told apart).
    digits_per_term : float or None
        Decimal digits gained per term over the second half of the samples.
    convergence : str
        ``"factorial"`` (error ~ (n!)^-η), ``"exponential"`` or ``"sub-exponential"``.
    q_fit, gcd_fit : tuple of float
        ``(c, d, e, rms)`` of ``ln q̃_n`` and ``ln gcd_n``.
    error_fit : tuple of float
        ``(β, γ, η, ζ, rms)`` of ``ln|L - p_n/q_n|``.
    factorial_reduction : bool
        The gcd grows factorially (``d_g`` at least 0.5 with a small residual).
    eigenvalue_ratio : float or None
        ``ln|λ₊/λ₋|`` of ``x² - a(N) x - b(N)`` at n = N (0: equal moduli).
    eigenvalue_ratio_limit : float or None
        Its limit as n → ∞ when finite (deg b = 2 deg a, real distinct roots), else None.
    eigen_case : str
        Leading-order case: ``"a dominates"`` (deg b < 2 deg a), ``"distinct real"``,
        ``"double root"``, ``"complex"`` (deg b = 2 deg a) or ``"b dominates"``.
    predicted_delta : float or None
        ``-1 + Σ_{k ≤ n} ln|λ₊(k)/λ₋(k)| / ln q̃_n``, averaged like ``delta_mean``.
    """

    pcf: PCF
    depth: int
    status: str
    limit: Any = None
    limit_depth: int = 0
    limit_digits: int = 0
    rational_limit: Fraction | None = None
    delta: float | None = None
    naive_delta: float | None = None
    delta_mean: float | None = None
    samples: tuple[int, ...] = ()
    deltas: tuple[float, ...] = ()
    naive_deltas: tuple[float, ...] = ()
    irrationality_bound: float | None = None
    digits_per_term: float | None = None
    convergence: str = ""
    q_fit: tuple[float, ...] = ()
    gcd_fit: tuple[float, ...] = ()
    error_fit: tuple[float, ...] = ()
    factorial_reduction: bool = False
    eigenvalue_ratio: float | None = None
    eigenvalue_ratio_limit: float | None = None
    eigen_case: str = ""
    predicted_delta: float | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dictionary (the limit as a decimal string of its checked digits)."""
        lim = None
        if self.limit is not None:
            import mpmath

            lim = mpmath.nstr(self.limit, max(1, min(self.limit_digits, 60)))
        return {
            "pcf": {"a": str(self.pcf.a), "b": str(self.pcf.b)}, "depth": self.depth,
            "status": self.status, "limit": lim, "limit_depth": self.limit_depth,
            "limit_digits": self.limit_digits,
            "rational_limit": None if self.rational_limit is None else str(self.rational_limit),
            "delta": self.delta, "naive_delta": self.naive_delta, "delta_mean": self.delta_mean,
            "samples": list(self.samples), "deltas": list(self.deltas),
            "naive_deltas": list(self.naive_deltas),
            "irrationality_bound": self.irrationality_bound,
            "digits_per_term": self.digits_per_term, "convergence": self.convergence,
            "q_fit": dict(zip(("c", "d", "e", "rms"), self.q_fit)),
            "gcd_fit": dict(zip(("c", "d", "e", "rms"), self.gcd_fit)),
            "error_fit": dict(zip(("beta", "gamma", "eta", "zeta", "rms"), self.error_fit)),
            "factorial_reduction": self.factorial_reduction,
            "eigenvalue_ratio": self.eigenvalue_ratio,
            "eigenvalue_ratio_limit": self.eigenvalue_ratio_limit,
            "eigen_case": self.eigen_case, "predicted_delta": self.predicted_delta,
        }

    def to_dict(self) -> dict[str, Any]:
        """Same as :meth:`as_dict` (the name the other records of the pillar use)."""
        return self.as_dict()

    def __str__(self) -> str:
        head = f"dynamics of {self.pcf} at depth {self.depth}: {self.status}"
        if self.status != "converged":
            return head
        import mpmath

        shown = max(1, min(self.limit_digits, 30))
        lines = [head,
                 (f"  limit        {mpmath.nstr(self.limit, shown)}  ({self.limit_digits} "
                  f"digits checked, depth {self.limit_depth})")]
        if self.rational_limit is not None:
            lines.append(f"  rational     {self.rational_limit} (to all checked digits)")
        lines += [
            (f"  delta        {_f(self.delta)}  (reduced q/gcd; naive {_f(self.naive_delta)}; "
             f"mean over [N/2, N] {_f(self.delta_mean)})"),
            f"  predicted    {_f(self.predicted_delta)}  (eigenvalues, {self.eigen_case})",
        ]
        if self.irrationality_bound is not None:
            lines.append(f"  measure      ≤ {self.irrationality_bound:.4g} if δ holds "
                         f"(max(2, 1 + 1/δ))")
        lines += [
            f"  convergence  {self.convergence}, {_f(self.digits_per_term)} digits/term; "
            f"ln|λ+/λ-| = {_f(self.eigenvalue_ratio)} at n = {self.depth}"
            + (f" (limit {self.eigenvalue_ratio_limit:.6g})"
               if self.eigenvalue_ratio_limit is not None else ""),
            f"  ln q̃_n      ≈ {_terms(self.q_fit[:2], ('n', 'n ln n'))}  (rms {self.q_fit[3]:.2g})",
            (f"  ln gcd_n     ≈ {_terms(self.gcd_fit[:2], ('n', 'n ln n'))}  "
             f"(rms {self.gcd_fit[3]:.2g}); factorial reduction: "
             f"{'yes' if self.factorial_reduction else 'no'}"),
            (f"  ln|error|    ≈ {_terms(self.error_fit[:3], ('ln n', 'n', 'n ln n'))}  "
             f"(rms {self.error_fit[4]:.2g})"),
        ]
        return "\n".join(lines)


def _terms(coefs: tuple[float, ...], names: tuple[str, ...]) -> str:
    out = ""
    for c, name in zip(coefs, names):
        if not out:
            out = f"{c:.5g} {name}"
        else:
            out += f" {'-' if c < 0 else '+'} {abs(c):.4g} {name}"
    return out


def _f(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.6g}"
