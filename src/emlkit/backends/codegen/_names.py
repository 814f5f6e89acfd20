"""Names in generated code: the target languages' reserved words, safe parameter names.

>>> parameters(["x", "int", "t0"], {"f"}, RESERVED["c"])
{'x': 'x', 'int': 'v_int', 't0': 'v_t0'}
"""

from __future__ import annotations

import keyword
import re

from ...errors import DomainError

__all__ = ["RESERVED", "check_name", "parameters"]

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_TEMP = re.compile(r"[tcdu][0-9]+\Z")  # generated temporaries, terms, constants: t12, d4, c3


# C names a parameter or the function must avoid: keywords, <complex.h>/<math.h> macros and
# functions (a macro cannot be shadowed; a function name would clash with its declaration).
def _words(text: str) -> list[str]:
    return text.split()


_C_KEYWORDS = frozenset(_words(
    "auto break case char const continue default do double else enum extern float for goto if "
    "inline int long register restrict return short signed sizeof static struct switch typedef "
    "union unsigned void volatile while _Bool _Complex _Imaginary _Alignas _Alignof _Atomic "
    "_Generic _Noreturn _Static_assert _Thread_local asm typeof main"
))
_C_MATH = _words(
    "acos asin atan atan2 cos sin tan acosh asinh atanh cosh sinh tanh exp exp2 expm1 frexp "
    "ilogb ldexp log log10 log1p log2 logb modf scalbn scalbln cbrt fabs hypot pow sqrt erf erfc "
    "lgamma tgamma ceil floor nearbyint rint lrint llrint round lround llround trunc fmod "
    "remainder remquo copysign nan nextafter nexttoward fdim fmax fmin fma j0 j1 jn y0 y1 yn "
    "gamma drem finite significand exp10 pow10 sincos "
    "cacos casin catan ccos csin ctan cacosh casinh catanh ccosh csinh ctanh cexp clog cabs cpow "
    "csqrt carg cimag conj cproj creal"
)
_C_RESERVED = (
    _C_KEYWORDS
    | frozenset(_C_MATH)
    | frozenset(f + s for f in _C_MATH for s in "fl")
    | frozenset(_words(
        "I complex imaginary CMPLX CMPLXF CMPLXL INFINITY NAN HUGE_VAL HUGE_VALF HUGE_VALL "
        "FP_NAN FP_INFINITE FP_ZERO FP_SUBNORMAL FP_NORMAL FP_ILOGB0 FP_ILOGBNAN FP_FAST_FMA "
        "MATH_ERRNO MATH_ERREXCEPT math_errhandling isnan isinf isfinite isnormal signbit "
        "fpclassify isgreater isgreaterequal isless islessequal islessgreater isunordered "
        "M_E M_LOG2E M_LOG10E M_LN2 M_LN10 M_PI M_PI_2 M_PI_4 M_1_PI M_2_PI M_2_SQRTPI "
        "M_SQRT2 M_SQRT1_2 NULL EOF errno"
    ))
)


_PY_RESERVED = frozenset(keyword.kwlist) | {"complex", "float"}
#: per target: names that a parameter or the function must avoid
RESERVED = {
    "c": _C_RESERVED,
    "numpy": _PY_RESERVED | {"np"},
    "torch": _PY_RESERVED | {"torch"},
    "mpmath": _PY_RESERVED | {"mp", "math", "warnings"},
}


def check_name(name: str, lang: str) -> None:
    """Refuse a function name that is no identifier or is reserved in ``lang`` output.

    >>> check_name("int", "c")
    Traceback (most recent call last):
    ...
    emlkit.errors.DomainError: invalid function name 'int': it is reserved in c output
    """
    reserved = RESERVED[lang]
    if not isinstance(name, str) or not _IDENT.match(name):
        raise DomainError(f"invalid function name {name!r}: expected an identifier such as f")
    if name in reserved or keyword.iskeyword(name) or _TEMP.match(name) or name.startswith("_"):
        raise DomainError(f"invalid function name {name!r}: it is reserved in {lang} output")



def parameters(names: list[str], taken: set[str], reserved: frozenset[str]) -> dict[str, str]:
    """Map each variable to a safe parameter name (``v_`` prefix, then ``_`` until unique)."""
    safe: dict[str, str] = {}
    clean = {n for n in names if n not in reserved and not _TEMP.match(n) and n not in taken}
    clean -= {n for n in clean if n.startswith("_")}
    used = set(taken) | clean
    for n in names:
        if n in clean:
            safe[n] = n
            continue
        cand = "v_" + n.lstrip("_") if not n.startswith("__") else "v" + n
        while cand in used or cand in reserved or _TEMP.match(cand):
            cand += "_"
        used.add(cand)
        safe[n] = cand
    return safe

