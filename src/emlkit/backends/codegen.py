"""Generate standalone source code (C99, NumPy, torch, mpmath) that evaluates an EML DAG.

The generated function takes the expression's variables, sorted by name, as arguments and
computes every distinct eml node once, as a temporary, in topological order (straight-line code,
no recursion, so a 100,000-deep chain is fine). It follows :mod:`emlkit.semantics` exactly as
:func:`emlkit.evaluate` does, so the two agree everywhere, ``±0``, ``±inf``, tiny and huge
inputs included:

* plain C99 complex ``exp``/``log`` (``cexp``/``clog``, ``np.exp``/``np.log``,
  ``torch.exp``/``torch.log``), which follow Annex G: ``ln(±0 ± 0i) = −∞ + i·Arg`` with the
  signed zeros, ``exp(−∞ + iy) = 0·cis y``, signed zeros on the cuts;
* next to each value ``t<k>`` its first-order ``ε``-term ``d<k>`` (each input's term is its
  direction: ``±i`` on the real axis, ``±1`` on the imaginary axis, ``0`` elsewhere); each
  ``ln`` whose argument is on the negative real axis, up to ``2**-40`` relative rounding
  residue, takes the side of the term's imaginary part (:func:`emlkit.semantics.cut_sides`);
* a zero imaginary part of the result gets the sign of its term's, as :func:`emlkit.evaluate`.

Constant subtrees are folded at generation time to the exact constants the NumPy backend uses
(:func:`emlkit.backends.mpmath.constant_info`: mpmath with snapping, so an intermediate that is
exactly on the cut in exact arithmetic takes the principal ``+iπ``): the literal of a constant
operand is the rounded ``exp`` or ``ln`` of its exact value. Literals are shortest round-trip
doubles, 50 digits for mpmath.

The mpmath output has no signed zero; it snaps imaginary parts below ``2**(15 − prec)`` of the
real part on the negative real axis, takes the side there from the first-order term (the
principal ``+iπ`` where the term is real), and ``ln 0 = −∞``, ``exp(−∞) = 0``. It does not
take limits through ``ln 0`` numerically as the mpmath backend does.

>>> from emlkit.expr import eml
>>> src = to_code(eml(1, eml(eml(1, "x"), 1)), "numpy", name="ln")   # ln x
>>> ns = {}
>>> exec(src, ns)
>>> round(complex(ns["ln"](-1.0)).imag, 12), round(complex(ns["ln"](complex(-1, -0.0))).imag, 12)
(3.14159265359, -3.14159265359)
"""

from __future__ import annotations

import keyword
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import DomainError
from ..expr import Eml, Expr, Var, postorder
from ..semantics import CUT_RESIDUE

__all__ = ["LANGUAGES", "fold_constants", "to_code"]

#: The target languages :func:`to_code` accepts.
LANGUAGES = ("c", "numpy", "torch", "mpmath")

_CUT = repr(CUT_RESIDUE)  # rounding residue next to the negative real axis (exact double)
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


# ---------------------------------------------------------------- constant folding


def fold_constants(expr: Expr) -> dict[int, object]:
    """Exact values (mpmath ``mpc``) of the variable-free nodes, keyed by ``id(node)``.

    The values of :func:`emlkit.backends.mpmath.constant_info` (snapped exact arithmetic, the
    constants that :func:`emlkit.evaluate` uses); iterative, cached per node.

    Parameters
    ----------
    expr : Expr
        Any expression; only its constant nodes are evaluated.

    Returns
    -------
    dict
        ``id(node) -> mpmath.mpc`` for every node without variables.

    Examples
    --------
    >>> from emlkit.expr import eml
    >>> zero = eml(1, eml(eml(1, 1), 1))          # e - ln(e^e) = 0, exactly
    >>> values = fold_constants(zero)
    >>> values[id(zero)]
    mpc(real='0.0', imag='0.0')
    """
    from .mpmath import constant_info

    order = postorder(expr)
    consts = _constant_ids(order)
    return {id(n): constant_info(n).value[0] for n in order if id(n) in consts}


def _constant_ids(order: list[Expr]) -> set[int]:
    """Ids of the variable-free nodes of a postorder (one pass: linear in the DAG's size)."""
    consts: set[int] = set()
    for n in order:
        if isinstance(n, Eml):
            if id(n.left) in consts and id(n.right) in consts:
                consts.add(id(n))
        elif not isinstance(n, Var):
            consts.add(id(n))
    return consts


def _constant_operand(node: Expr, kind: str) -> tuple[complex, object]:
    """``exp`` or ``ln`` of a constant node: (complex128 as the NumPy backend, 50-digit mpc)."""
    from mpmath import mp

    from .mpmath import _constant_ops, constant_info

    info = constant_info(node)
    ops = _constant_ops()
    with mp.workdps(ops.wp):
        exact = (ops.exp if kind == "exp" else ops.ln)(info.value[0], info.value[1])[0]
    return (info.exp if kind == "exp" else info.ln), exact


# ---------------------------------------------------------------- language tables


@dataclass(frozen=True)
class _Lang:
    """How one target spells things; ``h`` is the helper-name prefix derived from ``name``."""

    reserved: frozenset[str]
    literal: Callable[[object], str]  # mpc -> source text of a complex literal
    helpers: Callable[[str, set[str]], str]  # (prefix, used helper kinds) -> helper definitions
    helper_name: Callable[[str, str], str]  # (prefix, kind) -> name
    header: Callable[[str], str]  # comment text -> header (imports, includes)
    signature: Callable[[str, list[str]], str]
    convert: Callable[[str], str]  # parameter -> conversion statement ("" for none)
    assign: Callable[[str, str], str]
    sub: Callable[[str, str, str], str]  # (prefix, a, b) -> a - b
    ret: Callable[[str], str]
    end: str
    indent: str


def _float_text(x: float, *, c: bool) -> str:
    if math.isnan(x):
        return "NAN" if c else "float('nan')"
    if math.isinf(x):
        if c:
            return "INFINITY" if x > 0 else "-INFINITY"
        return "float('inf')" if x > 0 else "float('-inf')"
    return repr(x)


def _mpc_to_complex(z) -> complex:
    from mpmath import mp

    return complex(float(mp.re(z)), float(mp.im(z)))


def _c_literal(h: str) -> Callable[[object], str]:
    def lit(z) -> str:
        w = _mpc_to_complex(z)
        return f"{h}_cx({_float_text(w.real, c=True)}, {_float_text(w.imag, c=True)})"

    return lit


def _py_literal(z) -> str:
    w = _mpc_to_complex(z)
    return f"complex({_float_text(w.real, c=False)}, {_float_text(w.imag, c=False)})"


def _mp_literal(z) -> str:
    from mpmath import mp

    def part(x) -> str:
        if mp.isnan(x):
            return "'nan'"
        if mp.isinf(x):
            return "'inf'" if x > 0 else "'-inf'"
        return repr(mp.nstr(x, 50))

    return f"mp.mpc({part(z.real)}, {part(z.imag)})"


def _c_helpers(h: str, used: set[str]) -> str:
    out = [
        (f"static inline double complex {h}_cx(double re, double im)\n"
        "{   /* build re + i*im without the inf*0 of re + im*I */\n"
        "    union { double complex z; double p[2]; } u;\n"
        "    u.p[0] = re;\n    u.p[1] = im;\n    return u.z;\n}\n")
    ]
    if "ln" in used:
        out.append(
            f"static inline double complex {h}_dir(double complex v)\n"
            "{   /* the input's direction: +-i on the real axis, +-1 on the imaginary axis */\n"
            "    const double re = creal(v), im = cimag(v);\n"
            f"    if (!isfinite(re) || !isfinite(im)) return {h}_cx(0.0, 0.0);\n"
            f"    if (im == 0.0) return {h}_cx(0.0, copysign(1.0, im));\n"
            f"    if (re == 0.0) return {h}_cx(copysign(1.0, re), 0.0);\n"
            f"    return {h}_cx(0.0, 0.0);\n}}\n"
        )
        out.append(
            f"static inline double complex {h}_ln(double complex b, double complex d)\n"
            "{   /* principal log; on the negative real axis the side of the term d */\n"
            "    const double br = creal(b), bi = cimag(b), dr = creal(d), di = cimag(d);\n"
            f"    if (br < 0.0 && fabs(bi) <= {_CUT} * fabs(br)\n"
            f"        && fabs(di) > {_CUT} * (fabs(dr) + fabs(di)))\n"
            f"        b = {h}_cx(br, di > 0.0 ? 0.0 : -0.0);\n"
            "    return clog(b);\n}\n"
        )
        out.append(
            f"static inline double complex {h}_dln(double complex d, double complex b)\n"
            "{   /* first-order term of ln b; a zero term stays zero */\n"
            f"    return d == 0.0 ? {h}_cx(0.0, 0.0) : d / b;\n}}\n"
        )
        out.append(
            f"static inline double complex {h}_dexp(double complex e, double complex d)\n"
            "{   /* first-order term of exp a = e; a zero term stays zero */\n"
            f"    return d == 0.0 ? {h}_cx(0.0, 0.0) : e * d;\n}}\n"
        )
        out.append(
            f"static inline double complex {h}_zside(double complex v, double complex d)\n"
            "{   /* a zero imaginary part of the result takes the sign of its term's */\n"
            "    if (cimag(v) == 0.0 && isfinite(cimag(d)) && cimag(d) != 0.0)\n"
            f"        return {h}_cx(creal(v), copysign(0.0, cimag(d)));\n"
            "    return v;\n}\n"
        )
    return "\n".join(out)


def _np_helpers(h: str, used: set[str]) -> str:
    if "ln" not in used:
        return ""
    return "\n\n".join([
        (f"def {h}_cx(re, im):\n"
        "    # re + i*im, keeping the sign of a zero im (re + 1j*im would make it +0)\n"
        "    z = np.empty(np.broadcast(re, im).shape, dtype=np.complex128)\n"
        "    z.real, z.imag = re, im\n"
        "    return z\n"),
        (f"def {h}_dir(v):\n"
        "    # the input's direction: +-i on the real axis, +-1 on the imaginary axis\n"
        "    finite = np.isfinite(v.real) & np.isfinite(v.imag)\n"
        "    on_re = finite & (v.imag == 0)\n"
        "    on_im = finite & (v.real == 0) & ~on_re\n"
        f"    return {h}_cx(np.where(on_im, np.copysign(1.0, v.real), 0.0),\n"
        "                 np.where(on_re, np.copysign(1.0, v.imag), 0.0))\n"),
        (f"def {h}_ln(b, d):\n"
        "    # principal log; on the negative real axis the side of the term d\n"
        f"    on = ((b.real < 0) & (np.abs(b.imag) <= {_CUT} * np.abs(b.real))\n"
        f"          & (np.abs(d.imag) > {_CUT} * (np.abs(d.real) + np.abs(d.imag))))\n"
        "    if np.any(on):\n"
        f"        b = np.where(on, {h}_cx(b.real, np.where(d.imag > 0, 0.0, -0.0)), b)\n"
        "    return np.log(b)\n"),
        (f"def {h}_dln(d, b):\n"
        "    # first-order term of ln b; a zero term stays zero\n"
        "    return np.where(d == 0, 0j, d / b)\n"),
        (f"def {h}_dexp(e, d):\n"
        "    # first-order term of exp a = e; a zero term stays zero\n"
        "    return np.where(d == 0, 0j, e * d)\n"),
        (f"def {h}_zside(v, d):\n"
        "    # a zero imaginary part of the result takes the sign of its term's\n"
        "    fix = (v.imag == 0) & np.isfinite(d.imag) & (d.imag != 0)\n"
        f"    return np.where(fix, {h}_cx(v.real, np.copysign(0.0, d.imag)), v)\n"),
    ])


def _torch_helpers(h: str, used: set[str]) -> str:
    out = [
        (f"def {h}_sub(a, b):\n"
        "    # componentwise a - b: torch's complex subtraction turns inf - 0j into nan\n"
        "    return torch.complex(a.real - b.real, a.imag - b.imag)\n")
    ]
    if "ln" in used:
        out += [
            (f"def {h}_dir(v):\n"
            "    # the input's direction: +-i on the real axis, +-1 on the imaginary axis\n"
            "    v = v.detach()\n"
            "    finite = torch.isfinite(v.real) & torch.isfinite(v.imag)\n"
            "    on_re = finite & (v.imag == 0)\n"
            "    on_im = finite & (v.real == 0) & ~on_re\n"
            "    one, zero = torch.ones_like(v.real), torch.zeros_like(v.real)\n"
            "    return torch.complex(torch.where(on_im, torch.copysign(one, v.real), zero),\n"
            "                         torch.where(on_re, torch.copysign(one, v.imag), zero))\n"),
            (f"def {h}_ln(b, d):\n"
            "    # principal log; on the negative real axis the side of the term d\n"
            "    br, bi = b.real.detach(), b.imag.detach()\n"
            f"    on = ((br < 0) & (bi.abs() <= {_CUT} * br.abs())\n"
            f"          & (d.imag.abs() > {_CUT} * (d.real.abs() + d.imag.abs())))\n"
            "    if bool(on.any()):\n"
            "        sign = torch.where(d.imag > 0, 1.0, -1.0).to(torch.float64)\n"
            "        zero = torch.copysign(torch.zeros_like(b.real), sign)\n"
            "        b = torch.complex(b.real, torch.where(on, zero, b.imag))\n"
            "    return torch.log(b)\n"),
            (f"def {h}_dln(d, b):\n"
            "    # first-order term of ln b; a zero term stays zero\n"
            "    q = d / b.detach()\n"
            "    return torch.where(d == 0, torch.zeros_like(q), q)\n"),
            (f"def {h}_dexp(e, d):\n"
            "    # first-order term of exp a = e; a zero term stays zero\n"
            "    p = (e.detach() if torch.is_tensor(e) else e) * d\n"
            "    return torch.where(d == 0, torch.zeros_like(p), p)\n"),
            (f"def {h}_zside(v, d):\n"
            "    # a zero imaginary part of the result takes the sign of its term's\n"
            "    fix = (v.imag.detach() == 0) & torch.isfinite(d.imag) & (d.imag != 0)\n"
            "    zero = torch.copysign(torch.zeros_like(v.real), d.imag)\n"
            "    return torch.complex(v.real, torch.where(fix, zero, v.imag))\n"),
        ]
    return "\n\n".join(out)


def _mp_helpers(h: str, used: set[str]) -> str:
    if "ln" not in used:
        return ""
    return "\n\n".join([
        (f"def {h}_dir(v):\n"
        "    # the input's direction (from the value as given: it may carry signed zeros)\n"
        "    import math\n"
        "    re, im = getattr(v, 'real', v), getattr(v, 'imag', 0)\n"
        "    if not (mp.isfinite(re) and mp.isfinite(im)):\n"
        "        return mp.mpc(0)\n"
        "    sign = lambda p: -1 if isinstance(p, float) and math.copysign(1, p) < 0 else 1\n"
        "    if im == 0:\n"
        "        return mp.mpc(0, sign(im))\n"
        "    return mp.mpc(sign(re), 0) if re == 0 else mp.mpc(0)\n"),
        (f"def {h}_ln(b, d):\n"
        "    # principal log, ln 0 = -inf; on the negative real axis the side of the term d\n"
        "    if b == 0:\n"
        "        return mp.mpc('-inf', 0)\n"
        "    tol = mp.ldexp(1, 15 - mp.prec)\n"
        "    if b.real < 0 and abs(b.imag) <= tol * abs(b.real):\n"
        "        low = d.imag < 0 and abs(d.imag) > tol * (abs(d.real) + abs(d.imag))\n"
        "        return mp.mpc(mp.log(-b.real), -mp.pi if low else mp.pi)\n"
        "    return mp.log(b)\n"),
        (f"def {h}_exp(z):\n"
        "    # exp(-inf + iy) = 0\n"
        "    return mp.mpc(0) if mp.re(z) == mp.ninf else mp.exp(z)\n"),
        (f"def {h}_dln(d, b):\n"
        "    # first-order term of ln b; a zero term stays zero\n"
        "    if d == 0:\n"
        "        return mp.mpc(0)\n"
        "    return d / b if b != 0 and mp.isfinite(b) else mp.mpc('nan', 'nan')\n"),
        (f"def {h}_dexp(e, d):\n"
        "    # first-order term of exp a = e; a zero term stays zero\n"
        "    return mp.mpc(0) if d == 0 else e * d\n"),
    ])


def _comment(text: str, c: bool) -> str:
    if c:
        return "/*\n" + "".join(f" * {ln}".rstrip() + "\n" for ln in text.splitlines()) + " */\n"
    return "".join(f"# {ln}".rstrip() + "\n" for ln in text.splitlines())


_PY_RESERVED = frozenset(keyword.kwlist) | {"complex", "float"}


def _language(lang: str, h: str) -> _Lang:
    py = {"assign": lambda t, e: f"{t} = {e}", "end": ""}
    if lang == "c":
        return _Lang(
            reserved=_C_RESERVED,
            literal=_c_literal(h),
            helpers=_c_helpers,
            helper_name=lambda p, k: f"{p}_{k}",
            header=lambda cmt: _comment(cmt, True) + "#include <complex.h>\n#include <math.h>\n",
            signature=lambda n, ps: (
                f"double complex {n}("
                + (", ".join(f"double complex {p}" for p in ps) or "void")
                + ")\n{"
            ),
            convert=lambda p: "",
            assign=lambda t, e: f"const double complex {t} = {e};",
            sub=lambda p, a, b: f"{a} - {b}",
            ret=lambda e: f"return {e};",
            end="}\n",
            indent="    ",
        )
    if lang == "numpy":
        return _Lang(
            reserved=_PY_RESERVED | {"np"},
            literal=_py_literal,
            helpers=_np_helpers,
            helper_name=lambda p, k: f"{p}_{k}",
            header=lambda cmt: _comment(cmt, False) + "import numpy as np\n",
            signature=lambda n, ps: (
                f"def {n}({', '.join(ps)}):\n    with np.errstate(all='ignore'):"
            ),
            convert=lambda p: f"{p} = np.asarray({p}, dtype=np.complex128)",
            sub=lambda p, a, b: f"{a} - {b}",
            ret=lambda e: f"return np.asarray({e}, dtype=np.complex128)[()]",
            indent="        ",
            **py,
        )
    if lang == "torch":
        return _Lang(
            reserved=_PY_RESERVED | {"torch"},
            literal=_py_literal,
            helpers=_torch_helpers,
            helper_name=lambda p, k: f"{p}_{k}",
            header=lambda cmt: _comment(cmt, False) + "import torch\n",
            signature=lambda n, ps: f"def {n}({', '.join(ps)}):",
            convert=lambda p: f"{p} = torch.as_tensor({p}, dtype=torch.complex128)",
            sub=lambda p, a, b: f"{p}_sub({a}, {b})",
            ret=lambda e: f"return torch.as_tensor({e}, dtype=torch.complex128)",
            indent="    ",
            **py,
        )
    return _Lang(
        reserved=_PY_RESERVED | {"mp"},
        literal=_mp_literal,
        helpers=_mp_helpers,
        helper_name=lambda p, k: f"{p}_{k}",
        header=lambda cmt: _comment(cmt, False) + "from mpmath import mp\n",
        signature=lambda n, ps: f"def {n}({', '.join(ps)}):",
        convert=lambda p: f"{p} = mp.mpc({p})",
        sub=lambda p, a, b: f"{a} - {b}",
        ret=lambda e: f"return mp.mpc({e})",
        indent="    ",
        **py,
    )


# ---------------------------------------------------------------- generation


def _check_name(name: str, lang: str, reserved: frozenset[str]) -> None:
    if not isinstance(name, str) or not _IDENT.match(name):
        raise DomainError(f"invalid function name {name!r}: expected an identifier such as f")
    if name in reserved or keyword.iskeyword(name) or _TEMP.match(name) or name.startswith("_"):
        raise DomainError(f"invalid function name {name!r}: it is reserved in {lang} output")


def _parameters(names: list[str], taken: set[str], reserved: frozenset[str]) -> dict[str, str]:
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


def to_code(expr: Expr, lang: str = "c", *, name: str = "f") -> str:
    """Source code of a standalone function that evaluates ``expr``.

    Each distinct eml node is computed once, as a temporary ``t<k>`` with its first-order term
    ``d<k>``, in topological order (iterative, straight-line code). Variable-free subtrees are
    folded to the exact constants of :func:`emlkit.evaluate` (module docstring). The arguments
    are the expression's variables sorted by name; a variable whose name is a keyword or reserved word
    of the target, or clashes with a temporary or helper, gets a ``v_`` prefix (listed in the
    header comment).

    Parameters
    ----------
    expr : Expr
        The expression.
    lang : {"c", "numpy", "torch", "mpmath"}, default "c"
        ``"c"``: a C99 function over ``double complex`` (``<complex.h>``, ``cexp``/``clog``;
        build with ``cc -std=c99 -O2 file.c -lm``). ``"numpy"``: a function over complex128
        arrays (``np.exp``/``np.log``, broadcasting, floating-point warnings silenced).
        ``"torch"``: complex128 tensors, differentiable (``torch.exp``/``torch.log``).
        ``"mpmath"``: ``mp.exp``/``mp.log`` at the caller's ``mp.dps``.
    name : str, default "f"
        Name of the generated function (helpers are named after it, so several generated
        functions can share one file).

    Returns
    -------
    str
        The source text: includes/imports, small helpers (an input's direction, ``ln`` with
        the side of the cut, the first-order terms of ``ln`` and ``exp``, the sign of a zero
        imaginary part of the result) and the straight-line function ``name``.

    Raises
    ------
    DomainError
        Unknown ``lang`` or an invalid ``name``.

    Examples
    --------
    >>> from emlkit.expr import eml
    >>> blocks = to_code(eml("x", "y"), "c").split("\\n\\n")      # exp(x) - ln(y)
    >>> print(next(b for b in blocks if b.startswith("double complex f(")).rstrip())
    double complex f(double complex x, double complex y)
    {
        const double complex d0 = f_dir(x);
        const double complex d1 = f_dir(y);
        const double complex u0 = cexp(x);
        const double complex t0 = u0 - f_ln(y, d1);
        const double complex d2 = f_dexp(u0, d0) - f_dln(d1, y);
        return f_zside(t0, d2);
    }
    >>> ns = {}
    >>> exec(to_code(eml("x", 1), "mpmath", name="exp"), ns)    # exp x; ln 1 folds away
    >>> ns["exp"](1)
    mpc(real='2.7182818284590451', imag='0.0')
    """
    if lang not in LANGUAGES:
        raise DomainError(f"unknown language {lang!r}: expected one of {', '.join(LANGUAGES)}")
    if not isinstance(expr, Expr):
        raise TypeError(f"to_code expects an Expr, got {type(expr).__name__}")
    h = name if lang == "c" else f"_{name}"
    spec = _language(lang, h)
    _check_name(name, lang, spec.reserved)

    order = postorder(expr)
    consts = _constant_ids(order)
    variables = sorted({n.name for n in order if isinstance(n, Var)})
    kinds = ("cx", "dir", "ln", "dln", "exp", "dexp", "sub", "zside")
    taken = {name} | {spec.helper_name(h, k) for k in kinds}
    params = _parameters(variables, taken, spec.reserved)
    used: set[str] = {"ln"} if params else set()
    fn = {k: spec.helper_name(h, k) for k in kinds}
    exp_call = {"c": "cexp", "numpy": "np.exp", "torch": "torch.exp"}.get(lang, fn["exp"])

    body: list[str] = []
    values: dict[int, str] = {}  # id(node) -> its value's name
    terms: dict[int, str] = {}  # id(node) -> its first-order term's name
    # directions first (the mpmath output reads them from the values as given, signed zeros)
    var_nodes = {n.name: n for n in order if isinstance(n, Var)}
    converts = [c for p in params.values() if (c := spec.convert(p))]
    if lang != "mpmath":
        body += converts
    for v in variables:
        terms[id(var_nodes[v])] = f"d{len(terms)}"
        values[id(var_nodes[v])] = params[v]
        body.append(spec.assign(terms[id(var_nodes[v])], f"{fn['dir']}({params[v]})"))
    if lang == "mpmath":
        body += converts
    literals: dict[tuple[int, str], str] = {}

    def constant(node: Expr, kind: str) -> tuple[str, bool]:
        """The literal name of exp/ln of a constant node, and whether it is exactly 0."""
        key = (id(node), kind)
        if key not in literals:
            rounded, exact = _constant_operand(node, kind)
            zero = kind == "ln" and rounded == 0  # ln 1 = 0: no literal, nothing subtracted
            literals[key] = (f"c{len(literals)}", zero)
            if not zero:
                body.append(spec.assign(literals[key][0], spec.literal(
                    exact if lang == "mpmath" else rounded)))
        return literals[key]

    n_exp = 0
    for node in order:
        if not isinstance(node, Eml) or id(node) in consts:
            continue
        k = len(values) - len(variables)
        t, d = f"t{k}", f"d{len(terms)}"
        de = None
        if id(node.left) in consts:
            e_text, _ = constant(node.left, "exp")
        else:
            e_text = f"u{n_exp}"
            n_exp += 1
            body.append(spec.assign(e_text, f"{exp_call}({values[id(node.left)]})"))
            de = f"{fn['dexp']}({e_text}, {terms[id(node.left)]})"
        if id(node.right) in consts:
            l_text, zero = constant(node.right, "ln")
            text = e_text if zero else spec.sub(h, e_text, l_text)
            dtext = de
        else:
            b, db = values[id(node.right)], terms[id(node.right)]
            text = spec.sub(h, e_text, f"{fn['ln']}({b}, {db})")
            dl = f"{fn['dln']}({db}, {b})"
            dtext = f"-{dl}" if de is None else f"{de} - {dl}"
        values[id(node)] = t
        terms[id(node)] = d
        body.append(spec.assign(t, text))
        body.append(spec.assign(d, dtext))

    if id(expr) in consts:
        from .mpmath import constant_info

        info = constant_info(expr)
        result = spec.literal(info.value[0] if lang == "mpmath" else info.c)
    elif lang == "mpmath":
        result = values[id(expr)]
    else:
        result = f"{fn['zside']}({values[id(expr)]}, {terms[id(expr)]})"
    body.append(spec.ret(result))

    renamed = [f"{v} -> {p}" for v, p in params.items() if v != p]
    comment = (
        f"Generated by emlkit: {name}({', '.join(variables)}), an EML expression with "
        f"K={expr.K}, depth={expr.depth}, dag_size={expr.dag_size}.\n"
        "Semantics: principal ln, C99 Annex G exp/log (ln 0 = -inf); constant subtrees folded "
        "to exact values.\n"
        "Inputs on a cut: each value t<k> carries its first-order term d<k> (an input's is "
        "its direction,\n+-i on the real axis, +-1 on the imaginary axis); ln on the negative "
        "real axis takes the side\nof Im d."
        + (f"\nRenamed arguments: {', '.join(renamed)}." if renamed else "")
    )
    helpers = spec.helpers(h, used)
    signature = spec.signature(name, list(params.values()))
    parts = [spec.header(comment), helpers, signature]
    gap = "\n\n" if lang == "c" else "\n\n\n"
    text = gap.join(p.rstrip("\n") for p in parts if p)
    return text + "\n" + "".join(f"{spec.indent}{line}\n" for line in body) + spec.end
