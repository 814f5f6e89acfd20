"""The Compile panel: a formula (or EML text) to pure EML, its sizes, tree, decompiled form, value.

Library code only (no web framework): the app calls :func:`compile_panel` in its worker thread
and sends the dictionary back as JSON.

>>> d = compile_panel("exp(x)", at={"x": "0"}, draw=False)
>>> d["text"], d["K"], d["decompiled"], d["value"]["text"]
('eml(x, 1)', 3, 'exp(x)', '1.0')
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping
from typing import Any

from ..errors import DomainError
from .limits import DEFAULT_LIMITS, Limits, check_formula
from .pictures import tree_svg

__all__ = ["BACKENDS", "FORMATS", "compile_panel"]

FORMATS = ("eml", "rpn", "wolfram", "json", "latex", "dot")
BACKENDS = ("numpy", "mpmath", "arb")
_EML_TEXT = re.compile(r"^\s*(?:eml\s*\(|EML\s*\[|\d+\s+\d+\s+E\b|let\s)")
_DECOMPILE_MAX_DAG = 3_000  # larger DAGs are not decompiled (SymPy would take too long)


def compile_panel(
    source: str,
    *,
    format: str = "eml",
    let: bool = False,
    domain: str = "strip",
    at: Mapping[str, str] | None = None,
    backend: str = "numpy",
    dps: int | None = None,
    draw: bool = True,
    limits: Limits = DEFAULT_LIMITS,
) -> dict[str, Any]:
    """Compile ``source`` and describe the result as a JSON-ready dictionary.

    Parameters
    ----------
    source : str
        A formula in calculator notation (``sin(x) + y/2``) or EML text (``eml(x, 1)``, RPN).
    format : {"eml", "rpn", "wolfram", "json", "latex", "dot"}
        Format of the returned EML text.
    let : bool
        Name shared subterms once (let-form).
    domain : {"strip", "plane"}
        Validity domain of the compiled formula.
    at : mapping of str to str, optional
        Values of the variables (``{"x": "0.5", "y": "-2+1j"}``); every variable needs one
        for the evaluation, which is left out when ``at`` is None.
    backend : {"numpy", "mpmath", "arb"}
        Evaluator: float64, mpmath at ``dps`` digits, or arb balls (proven digits).
    dps : int, optional
        Digits for mpmath or arb (default 30).
    draw : bool
        Include the tree as SVG text (``svg``), when it has at most ``limits.max_drawn_nodes``.
    limits : Limits
        Size bounds.

    Returns
    -------
    dict
        ``text``, ``format``, ``K``, ``depth``, ``dag_size``, ``variables``, ``decompiled``,
        ``svg`` (or None and ``svg_note``), ``value`` (or None) with its ``digits_note``.

    Raises
    ------
    DomainError, ParseError, UnsupportedError
        Bad or oversized input (one-line messages).

    Examples
    --------
    >>> d = compile_panel("ln(x)", at={"x": "2"}, backend="arb", dps=20, draw=False)
    >>> d["K"], d["value"]["text"][:12], d["value"]["proven_digits"] >= 19
    (7, '0.6931471805', True)
    """

    check_formula(source, limits)
    if format not in FORMATS:
        raise DomainError(f"unknown format {format!r}: choose one of {', '.join(FORMATS)}")
    if backend not in BACKENDS:
        raise DomainError(f"unknown backend {backend!r}: choose one of {', '.join(BACKENDS)}")
    if dps is not None and not (isinstance(dps, int) and 1 <= dps <= limits.max_dps):
        raise DomainError(f"dps must be a whole number from 1 to {limits.max_dps}, not {dps!r}")
    described, expr = _describe(source, format, let, domain, draw, limits)
    out = dict(described)
    names = out["variables"]
    out["value"] = None if at is None else _evaluate(expr, names, at, backend, dps)
    return out


@functools.lru_cache(maxsize=64)
def _describe(source: str, format: str, let: bool, domain: str, draw: bool,
              limits: Limits) -> tuple[dict[str, Any], Any]:
    """Everything about the expression that does not depend on the point (cached: a page
    re-evaluating one formula at new points does not redo the compiler, SymPy or the drawing)."""
    import emlkit as ek

    if _EML_TEXT.match(source):
        expr = ek.parse(source, format="auto")
    else:
        expr = ek.compile(source, domain=domain)
    names = sorted(expr.free_vars)
    text = ek.to_text(expr, format=format, let=let)
    cut = len(text) > limits.max_text_chars
    out: dict[str, Any] = {
        "source": source,
        "text": text[: limits.max_text_chars] + (" …" if cut else ""),
        "text_cut": cut,
        "format": format,
        "K": expr.K,
        "depth": expr.depth,
        "dag_size": expr.dag_size,
        "variables": names,
        "domain": domain,
    }
    if expr.dag_size <= _DECOMPILE_MAX_DAG:
        out["decompiled"] = str(ek.decompile(expr))
    else:
        out["decompiled"] = None
        out["decompiled_note"] = f"not decompiled: DAG of {expr.dag_size} nodes"
    out["svg"], out["svg_note"] = None, ""
    if draw:
        try:
            out["svg"] = tree_svg(expr, max_nodes=limits.max_drawn_nodes)
        except DomainError as exc:
            out["svg_note"] = str(exc).split(";")[0]
    return out, expr


def _evaluate(expr: Any, names: list[str], at: Mapping[str, str], backend: str,
              dps: int | None) -> dict[str, Any]:
    import emlkit as ek

    unknown = sorted(set(at) - set(names))
    if unknown:
        has = ", ".join(names) if names else "no variables"
        raise DomainError(f"unknown variable {unknown[0]!r}: the expression has {has}")
    missing = [n for n in names if n not in at]
    if missing:
        raise DomainError(f"missing a value for {missing[0]!r}")
    digits = dps or 30
    if backend == "numpy":
        values = {n: _complex(at[n], n) for n in names}
        value = ek.evaluate(expr, values, backend="numpy", on_nan="ignore")
        z = complex(value)
        return {"text": _float_pair(z), "backend": "numpy", "dps": None,
                "digits_note": "float64: about 15 significant digits, not checked"}
    from mpmath import mp

    with mp.workdps(digits + 10):
        values = {n: _mp_number(at[n], n) for n in names}
    value = ek.evaluate(expr, values, backend=backend, dps=digits, on_nan="ignore")
    if backend == "mpmath":
        text = _mp_pair(value, digits)
        return {"text": text, "backend": "mpmath", "dps": digits,
                "digits_note": f"mpmath at {digits} digits: computed, not proven"}
    proven = _proven_digits(value, digits)
    shown = max(proven, 1)
    text = value.real.str(shown, radius=False)
    if not value.imag.contains(0):  # a ball around 0 is shown as a real value
        text += f" + ({value.imag.str(shown, radius=False)})j"
    return {"text": text, "backend": "arb", "dps": digits, "proven_digits": proven,
            "ball": f"{value.real.str(digits)} + {value.imag.str(digits)}j",
            "digits_note": f"arb ball: {proven} digits proven"}


def _complex(text: str, name: str) -> complex:
    t = _imag_unit(text)
    try:
        return complex(t)
    except ValueError:
        raise DomainError(f"value of {name!r} is not a number: {str(text)[:40]!r}") from None


def _mp_number(text: str, name: str) -> Any:
    from mpmath import mp

    t = _imag_unit(text)
    if len(t) > 1_100:
        raise DomainError(f"value of {name!r} is too long ({len(t)} characters)")
    try:
        return mp.mpmathify(t)
    except (ValueError, TypeError):
        raise DomainError(f"value of {name!r} is not a number: {str(text)[:40]!r}") from None


def _imag_unit(text: str) -> str:
    """``2+1i`` -> ``2+1j`` (only a final ``i``, so ``inf`` stays)."""
    return re.sub(r"(?<=[0-9.])i$|^i$|(?<=[+-])i$", "j", str(text).strip().replace(" ", ""))


def _float_pair(z: complex) -> str:
    if z.imag == 0 and math.copysign(1.0, z.imag) > 0:
        return repr(z.real)
    sign = "-" if math.copysign(1.0, z.imag) < 0 else "+"
    return f"{z.real!r}{sign}{abs(z.imag)!r}j"


def _mp_pair(value: Any, digits: int) -> str:
    from mpmath import mp

    re_ = mp.nstr(value.real, digits)
    if value.imag == 0:
        return re_
    sign = "-" if value.imag < 0 else "+"
    return f"{re_}{sign}{mp.nstr(abs(value.imag), digits)}j"


def _proven_digits(ball: Any, dps: int) -> int:
    """Significant digits of an acb that its radii guarantee, relative to its larger part
    (at most dps)."""
    from mpmath import mp

    with mp.workdps(30):
        mid = rad = mp.mpf(0)
        for part in (ball.real, ball.imag):
            if not part.is_finite():
                return 0
            mid = max(mid, abs(mp.mpf(part.mid().str(25, radius=False))))
            rad = max(rad, mp.mpf(part.rad().str(5, radius=False)))
        if mid == 0:
            return 0
        if rad == 0:
            return dps
        return int(max(0, min(dps, mp.floor(mp.log10(mid / rad)))))
