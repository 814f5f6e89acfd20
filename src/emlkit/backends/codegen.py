"""Generate standalone source code (C99, NumPy, torch, mpmath) that evaluates an EML DAG.

The generated function takes the expression's variables, sorted by name, as arguments and
computes every distinct eml node once, as a temporary, in topological order (straight-line code,
no recursion, so a 100,000-deep chain is fine). It follows the semantics of docs/semantics.md:
principal ``ln``, ``ln 0 = -inf`` (for either sign of zero), ``exp(-inf + iy) = 0``.

Inputs on a branch cut (docs/semantics.md section 3): the C, NumPy and torch output apply the
same rule as :func:`emlkit.evaluate`, so the two agree on the real axis too. The straight-line
code is a core function (``<prefix>_core``, the prefix being ``name`` in C and ``_name`` in
Python) and ``name`` wraps it:

1. per evaluation point, ``S = max(1, |Re v|)`` over the inputs ``v`` with a finite real part
   (one common scale, so that ``x - y`` of two real inputs stays exactly real);
2. each input with ``Im v == 0`` (either sign of zero), ``Re v != 0`` and ``Re v`` finite is
   replaced by ``Re v + i*copysign(1e-300*S, Im v)``. IEEE signed zeros alone carry the side of
   the cut through most steps but not through ``0.0 - 0.0 = +0.0`` (where the textbook forms of
   ``asin``, ``acos`` and ``atanh`` at real ``|x| > 1`` would land on the wrong side); the nudge
   survives there and is far below any rounding residue elsewhere;
3. the core is evaluated on the nudged inputs;
4. a result that is not finite (inf or nan in either part) is recomputed from the un-nudged
   inputs (``exp(+inf + i*tiny)`` would be ``inf + inf*i``);
5. a finite result with ``|Im r| <= 1e-250*max(|Re r|, 1)`` gets ``Im r`` replaced by a zero of
   the same sign (the nudge's residue).

The mpmath output has no signed zero and applies no nudge: its core is the function itself,
and every value that lands exactly on the negative real axis, inputs included, takes the upper
side, ``Arg = +pi``. For a single ``ln`` that is the upper-side limit, but not for every tree:
the textbook forms of ``asin``, ``acos`` and ``atanh`` at real ``|x| > 1`` give the lower-side
value, as in step 2. For the limit semantics at any precision use :func:`emlkit.evaluate` with
the mpmath backend.

Constant subtrees are folded at generation time. A variable-free subtree ``c`` that feeds a
variable-dependent node is replaced by the literal ``exp(c)`` (left operand) or ``ln(c)`` (right
operand), computed with mpmath at 60 significant digits under the same semantics, with two
snapping rules that make values that are exact in exact arithmetic exact here too:

- a component of a difference ``u - v`` smaller than ``1e-40`` times the matching components of
  ``u`` and ``v`` is a cancellation and becomes exactly ``0`` (so ``e - ln(e^e)`` is ``0`` and its
  ``ln`` is ``-inf``, as the textbook forms of ``-x`` and ``x + y`` need);
- a component smaller than ``1e-40 * |z|`` becomes exactly ``0``, so an intermediate that lies on
  the negative real axis in exact arithmetic, such as ``exp(e - i*pi)``, is exactly real and its
  ``ln`` takes ``Arg = +pi``. This is what floats get wrong in the reference form of ``i`` (it
  evaluates to ``-i`` in NumPy); the generated code returns ``+i``.

Intermediates with ``|Re| > 1e6`` overflow to ``inf`` (or underflow to ``0`` through ``exp``)
during folding; the doubles they would end in overflow long before that. Literals are written
as shortest round-trip doubles for the float targets and 50 for mpmath.

>>> from emlkit.expr import eml
>>> src = to_code(eml(1, eml(eml(1, "x"), 1)), "numpy", name="ln")   # ln x
>>> ns = {}
>>> exec(src, ns)
>>> round(complex(ns["ln"](-1.0)).imag, 12)
3.14159265359
"""

from __future__ import annotations

import keyword
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import DomainError
from ..expr import ONE, Eml, Expr, Var, postorder

__all__ = ["to_code", "LANGUAGES", "fold_constants"]

#: The target languages :func:`to_code` accepts.
LANGUAGES = ("c", "numpy", "torch", "mpmath")

_FOLD_DPS = 60  # digits used to fold constant subtrees
_SNAP = 1e-40  # relative size below which a component is a rounding residue of an exact 0
_HUGE = 10**6  # |Re| beyond which exp is taken to overflow (to inf) or underflow (to 0)
_NUDGE = 1e-300  # relative size of the nudge that carries a real input's side of the cut
_RESIDUE = 1e-250  # relative size below which a result's imaginary part is the nudge's residue
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_TEMP = re.compile(r"[tc][0-9]+\Z")  # the generated temporaries and constants: t12, c3

# C names a parameter or the function must avoid: keywords, <complex.h>/<math.h> macros and
# functions (a macro cannot be shadowed; a function name would clash with its declaration).
_C_KEYWORDS = frozenset(
    "auto break case char const continue default do double else enum extern float for goto if "
    "inline int long register restrict return short signed sizeof static struct switch typedef "
    "union unsigned void volatile while _Bool _Complex _Imaginary _Alignas _Alignof _Atomic "
    "_Generic _Noreturn _Static_assert _Thread_local asm typeof main".split()
)
_C_MATH = (
    "acos asin atan atan2 cos sin tan acosh asinh atanh cosh sinh tanh exp exp2 expm1 frexp "
    "ilogb ldexp log log10 log1p log2 logb modf scalbn scalbln cbrt fabs hypot pow sqrt erf erfc "
    "lgamma tgamma ceil floor nearbyint rint lrint llrint round lround llround trunc fmod "
    "remainder remquo copysign nan nextafter nexttoward fdim fmax fmin fma j0 j1 jn y0 y1 yn "
    "gamma drem finite significand exp10 pow10 sincos "
    "cacos casin catan ccos csin ctan cacosh casinh catanh ccosh csinh ctanh cexp clog cabs cpow "
    "csqrt carg cimag conj cproj creal"
).split()
_C_RESERVED = (
    _C_KEYWORDS
    | frozenset(_C_MATH)
    | frozenset(f + s for f in _C_MATH for s in "fl")
    | frozenset(
        "I complex imaginary CMPLX CMPLXF CMPLXL INFINITY NAN HUGE_VAL HUGE_VALF HUGE_VALL "
        "FP_NAN FP_INFINITE FP_ZERO FP_SUBNORMAL FP_NORMAL FP_ILOGB0 FP_ILOGBNAN FP_FAST_FMA "
        "MATH_ERRNO MATH_ERREXCEPT math_errhandling isnan isinf isfinite isnormal signbit "
        "fpclassify isgreater isgreaterequal isless islessequal islessgreater isunordered "
        "M_E M_LOG2E M_LOG10E M_LN2 M_LN10 M_PI M_PI_2 M_PI_4 M_1_PI M_2_PI M_2_SQRTPI "
        "M_SQRT2 M_SQRT1_2 NULL EOF errno".split()
    )
)


# ---------------------------------------------------------------- constant folding (mpmath)


def _snap(z, scale_re=None, scale_im=None):
    """Zero the components of ``z`` that are rounding residues (see the module docstring)."""
    from mpmath import mp

    re_, im_ = z.real, z.imag
    if not (mp.isfinite(re_) and mp.isfinite(im_)):
        return z
    if scale_re is not None and abs(re_) < _SNAP * scale_re:
        re_ = mp.zero
    if scale_im is not None and abs(im_) < _SNAP * scale_im:
        im_ = mp.zero
    size = mp.hypot(re_, im_)
    if abs(im_) < _SNAP * size:
        im_ = mp.zero
    if abs(re_) < _SNAP * size:
        re_ = mp.zero
    return mp.mpc(re_, im_)


def _exp(z):
    """``exp`` under the EML conventions, at the current mpmath precision."""
    from mpmath import mp

    if mp.isnan(z):
        return mp.mpc(mp.nan, mp.nan)
    if z.real == mp.ninf or z.real < -_HUGE:
        return mp.mpc(0)
    if z.real == mp.inf or z.real > _HUGE:
        if z.imag == 0:
            return mp.mpc(mp.inf, 0)
        if not mp.isfinite(z.imag):
            return mp.mpc(mp.inf, mp.nan)
        c, s = mp.cos(z.imag), mp.sin(z.imag)
        return mp.mpc(mp.inf * mp.sign(c) if c else 0, mp.inf * mp.sign(s) if s else 0)
    return _snap(mp.exp(z))


def _ln(z):
    """Principal ``ln`` with ``ln 0 = -inf``, at the current mpmath precision."""
    from mpmath import mp

    if z == 0:
        return mp.mpc(mp.ninf, 0)
    return _snap(mp.log(z))


def _sub(u, v):
    """``u - v`` with cancellation snapping."""
    return _snap(
        u - v,
        scale_re=max(abs(u.real), abs(v.real)),
        scale_im=max(abs(u.imag), abs(v.imag)),
    )


def fold_constants(expr: Expr) -> dict[int, object]:
    """Values (mpmath ``mpc`` at 60 digits) of the variable-free nodes, keyed by ``id(node)``.

    Iterative; uses the snapping rules of the module docstring.

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
    from mpmath import mp

    values: dict[int, object] = {}
    with mp.workdps(_FOLD_DPS):
        for node in postorder(expr):
            if node is ONE:
                values[id(node)] = mp.mpc(1)
            elif isinstance(node, Eml):
                left, right = values.get(id(node.left)), values.get(id(node.right))
                if left is not None and right is not None:
                    values[id(node)] = _sub(_exp(left), _ln(right))
    return values


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
        f"static inline double complex {h}_cx(double re, double im)\n"
        "{   /* build re + i*im without the inf*0 of re + im*I */\n"
        "    union { double complex z; double p[2]; } u;\n"
        "    u.p[0] = re;\n    u.p[1] = im;\n    return u.z;\n}\n"
    ]
    if "ln" in used:
        out.append(
            f"static inline double complex {h}_ln(double complex z)\n"
            "{   /* principal log; ln 0 = -inf for either sign of zero */\n"
            f"    if (creal(z) == 0.0 && cimag(z) == 0.0) return {h}_cx(-INFINITY, 0.0);\n"
            "    return clog(z);\n}\n"
        )
    if "exp" in used:
        out.append(
            f"static inline double complex {h}_exp(double complex z)\n"
            "{   /* exp(-inf + iy) = +0 exactly, never a signed zero */\n"
            f"    if (creal(z) == -INFINITY) return {h}_cx(0.0, 0.0);\n"
            "    return cexp(z);\n}\n"
        )
    if "nudge" in used:
        out.append(
            f"static inline double {h}_scale(double s, double complex v)\n"
            "{   /* nudge scale: max(1, |Re v|) over the inputs with a finite real part */\n"
            "    const double a = fabs(creal(v));\n"
            "    return isfinite(a) && a > s ? a : s;\n}\n"
        )
        out.append(
            f"static inline double complex {h}_nudge(double complex v, double s)\n"
            "{   /* a real input v != 0 moves to v +- 1e-300*s*i, the sign of its zero imag */\n"
            "    if (cimag(v) == 0.0 && creal(v) != 0.0 && isfinite(creal(v)))\n"
            f"        return {h}_cx(creal(v), copysign({_NUDGE!r} * s, cimag(v)));\n"
            "    return v;\n}\n"
        )
        out.append(
            f"static inline double complex {h}_settle(double complex r)\n"
            "{   /* an imag part that is only the nudge's residue becomes a zero of its sign */\n"
            "    if (isfinite(creal(r)) && isfinite(cimag(r))\n"
            f"        && fabs(cimag(r)) <= {_RESIDUE!r} * fmax(fabs(creal(r)), 1.0))\n"
            f"        return {h}_cx(creal(r), copysign(0.0, cimag(r)));\n"
            "    return r;\n}\n"
        )
    return "\n".join(out)


def _np_helpers(h: str, used: set[str]) -> str:
    out = []
    if "ln" in used:
        out.append(
            f"def {h}_ln(z):\n"
            "    # principal log; ln 0 = -inf for either sign of zero\n"
            "    return np.where(z == 0, complex(float('-inf'), 0.0), np.log(z))\n"
        )
    if "exp" in used:
        out.append(
            f"def {h}_exp(z):\n"
            "    # exp(-inf + iy) = +0 exactly\n"
            "    return np.where(z.real == float('-inf'), 0j, np.exp(z))\n"
        )
    if "nudge" in used:
        out.append(
            f"def {h}_cx(re, im):\n"
            "    # re + i*im, keeping the sign of a zero im (re + 1j*im would make it +0)\n"
            "    z = np.empty(np.broadcast(re, im).shape, dtype=np.complex128)\n"
            "    z.real, z.imag = re, im\n"
            "    return z\n"
        )
        out.append(
            f"def {h}_scale(*vs):\n"
            "    # nudge scale per point: max(1, |Re v|) over the inputs with a finite real part\n"
            "    s = 1.0\n"
            "    for v in vs:\n"
            "        a = np.abs(v.real)\n"
            "        s = np.maximum(s, np.where(np.isfinite(a), a, 1.0))\n"
            "    return s\n"
        )
        out.append(
            f"def {h}_nudge(v, s):\n"
            "    # a real input v != 0 moves to v +- 1e-300*s*i, the sign of its zero imag\n"
            "    on = (v.imag == 0) & (v.real != 0) & np.isfinite(v.real)\n"
            f"    return np.where(on, {h}_cx(v.real, np.copysign({_NUDGE!r} * s, v.imag)), v)\n"
        )
        out.append(
            f"def {h}_settle(r):\n"
            "    # an imag part that is only the nudge's residue becomes a zero of its sign\n"
            "    tiny = np.isfinite(r) & (\n"
            f"        np.abs(r.imag) <= {_RESIDUE!r} * np.maximum(np.abs(r.real), 1.0))\n"
            f"    return np.where(tiny, {h}_cx(r.real, np.copysign(0.0, r.imag)), r)\n"
        )
    return "\n\n".join(out)


def _torch_helpers(h: str, used: set[str]) -> str:
    out = [
        f"def {h}_sub(a, b):\n"
        "    # componentwise a - b: torch's complex subtraction turns inf - 0j into nan\n"
        "    return torch.complex(a.real - b.real, a.imag - b.imag)\n"
    ]
    if "ln" in used:
        out.append(
            f"def {h}_ln(z):\n"
            "    # principal log; ln 0 = -inf for either sign of zero\n"
            "    return torch.where(z == 0, torch.full_like(z, complex(float('-inf'), 0.0)),"
            " torch.log(z))\n"
        )
    if "exp" in used:
        out.append(
            f"def {h}_exp(z):\n"
            "    # exp(-inf + iy) = +0 exactly\n"
            "    return torch.where(z.real == float('-inf'), torch.zeros_like(z), torch.exp(z))\n"
        )
    if "nudge" in used:
        out.append(
            f"def {h}_scale(*vs):\n"
            "    # nudge scale per point: max(1, |Re v|) over the inputs with a finite real part\n"
            "    s = None\n"
            "    for v in vs:\n"
            "        a = v.real.detach().abs()\n"
            "        a = torch.where(torch.isfinite(a), a.clamp(min=1.0), torch.ones_like(a))\n"
            "        s = a if s is None else torch.maximum(s, a)\n"
            "    return s\n"
        )
        out.append(
            f"def {h}_nudge(v, s):\n"
            "    # a real input v != 0 moves to v +- 1e-300*s*i, the sign of its zero imag\n"
            "    on = (v.imag == 0) & (v.real != 0) & torch.isfinite(v.real)\n"
            f"    moved = torch.complex(v.real, torch.copysign({_NUDGE!r} * s, v.imag))\n"
            "    return torch.where(on, moved, v)\n"
        )
        out.append(
            f"def {h}_settle(r):\n"
            "    # an imag part that is only the nudge's residue becomes a zero of its sign\n"
            "    tiny = torch.isfinite(r) & (\n"
            f"        r.imag.abs() <= {_RESIDUE!r} * r.real.abs().clamp(min=1.0))\n"
            "    zero = torch.copysign(torch.zeros_like(r.real), r.imag)\n"
            "    return torch.where(tiny, torch.complex(r.real, zero), r)\n"
        )
    return "\n\n".join(out)


def _mp_helpers(h: str, used: set[str]) -> str:
    out = []
    if "ln" in used:
        out.append(
            f"def {h}_ln(z):\n"
            "    # principal log; ln 0 = -inf\n"
            "    return mp.mpc('-inf', 0) if z == 0 else mp.log(z)\n"
        )
    if "exp" in used:
        out.append(
            f"def {h}_exp(z):\n"
            "    # exp(-inf + iy) = 0\n"
            "    return mp.mpc(0) if mp.re(z) == mp.ninf else mp.exp(z)\n"
        )
    return "\n\n".join(out)


def _comment(text: str, c: bool) -> str:
    if c:
        return "/*\n" + "".join(f" * {ln}".rstrip() + "\n" for ln in text.splitlines()) + " */\n"
    return "".join(f"# {ln}".rstrip() + "\n" for ln in text.splitlines())


_PY_RESERVED = frozenset(keyword.kwlist) | {"complex", "float"}


def _language(lang: str, h: str) -> _Lang:
    py = dict(assign=lambda t, e: f"{t} = {e}", end="")
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


# ---------------------------------------------------------------- the signed-zero nudge


def _wrapper(lang: str, name: str, h: str, params: list[str], convert: list[str]) -> str:
    """The public function around ``<h>_core``: steps 1-5 of the module docstring.

    Its locals are named after the helper prefix (``<h>_s``, ``<h>_r``), which no parameter
    can take, so no variable has to be renamed for them.
    """
    core, nudge, scale, settle, s, r = (
        f"{h}_{k}" for k in ("core", "nudge", "scale", "settle", "s", "r")
    )
    nudged = ", ".join(f"{nudge}({p}, {s})" for p in params)
    plain = ", ".join(params)
    if lang == "c":
        sig = ", ".join(f"double complex {p}" for p in params)
        lines = [
            f"double complex {name}({sig})",
            "{   /* inputs on a cut: nudge, retry non-finite results un-nudged, settle */",
            f"    double {s} = 1.0;",
            *(f"    {s} = {scale}({s}, {p});" for p in params),
            f"    double complex {r} = {core}({nudged});",
            f"    if (!isfinite(creal({r})) || !isfinite(cimag({r}))) {r} = {core}({plain});",
            f"    return {settle}({r});",
            "}",
        ]
        return "\n".join(lines) + "\n"
    if lang == "numpy":
        mod, pad, head = "np", "        ", ["    with np.errstate(all='ignore'):"]
        ret = f"return np.asarray({settle}({r}), dtype=np.complex128)[()]"
    else:
        mod, pad, head = "torch", "    ", []
        ret = f"return torch.as_tensor({settle}({r}), dtype=torch.complex128)"
    lines = [
        f"def {name}({plain}):",
        "    # inputs on a cut: nudge, retry non-finite results un-nudged, settle",
        *(f"    {c}" for c in convert),
        *head,
        f"{pad}{s} = {scale}({plain})",
        f"{pad}{r} = {core}({nudged})",
        f"{pad}if not bool({mod}.isfinite({r}).all()):",
        f"{pad}    {r} = {mod}.where({mod}.isfinite({r}), {r}, {core}({plain}))",
        f"{pad}{ret}",
    ]
    return "\n".join(lines) + "\n"


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

    Each distinct eml node is computed once, as a temporary ``t<k>``, in topological order
    (iterative, straight-line code). Variable-free subtrees are folded to literals at 60 digits
    with mpmath (see the module docstring for the snapping rules). The arguments are the
    expression's variables sorted by name; a variable whose name is a keyword or reserved word
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
        The source text: includes/imports, small helpers for ``ln 0 = -inf``,
        ``exp(-inf) = 0`` and the signed-zero nudge, the straight-line core function and the
        function ``name`` that wraps it with the nudge (module docstring; the mpmath output,
        and an expression without variables, have no wrapper: the core is ``name``).

    Raises
    ------
    DomainError
        Unknown ``lang`` or an invalid ``name``.

    Examples
    --------
    >>> from emlkit.expr import eml
    >>> blocks = to_code(eml("x", "y"), "c").split("\\n\\n")      # exp(x) - ln(y)
    >>> print(next(b for b in blocks if b.startswith("static double complex f_core")))
    static double complex f_core(double complex x, double complex y)
    {
        const double complex t0 = f_exp(x) - f_ln(y);
        return t0;
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
    consts = fold_constants(expr)
    variables = sorted({n.name for n in order if isinstance(n, Var)})
    kinds = ("cx", "ln", "exp", "sub", "core", "scale", "nudge", "settle", "s", "r")
    taken = {name} | {spec.helper_name(h, k) for k in kinds}
    params = _parameters(variables, taken, spec.reserved)
    # the nudge wrapper (module docstring) around a core function; mpmath has no signed zero,
    # and an expression without variables has nothing to nudge
    wrap = lang != "mpmath" and bool(params)
    convert = [c for p in params.values() if (c := spec.convert(p))]

    body: list[str] = [] if wrap else list(convert)
    literals: dict[tuple[int, str], str] = {}  # (id(const node), "exp"|"ln") -> c<k>
    temps: dict[int, str] = {}
    used: set[str] = set()

    def constant(node: Expr, kind: str) -> str:
        key = (id(node), kind)
        if key not in literals:
            value = consts[id(node)]
            from mpmath import mp

            with mp.workdps(_FOLD_DPS):
                value = _exp(value) if kind == "exp" else _ln(value)
            literals[key] = f"c{len(literals)}"
            body.append(spec.assign(literals[key], spec.literal(value)))
        return literals[key]

    def operand(node: Expr, kind: str) -> str:
        if id(node) in consts:
            return constant(node, kind)
        used.add(kind)
        arg = params[node.name] if isinstance(node, Var) else temps[id(node)]
        return f"{spec.helper_name(h, kind)}({arg})"

    for node in order:
        if not isinstance(node, Eml) or id(node) in consts:
            continue
        left = operand(node.left, "exp")
        if id(node.right) in consts and consts[id(node.right)] == 1:
            text = left  # ln 1 = 0 exactly, and z - 0 is z in IEEE arithmetic
        else:
            text = spec.sub(h, left, operand(node.right, "ln"))
        temps[id(node)] = f"t{len(temps)}"
        body.append(spec.assign(temps[id(node)], text))

    if id(expr) in consts:
        result = spec.literal(consts[id(expr)])
    elif isinstance(expr, Var):
        result = params[expr.name]
    else:
        result = temps[id(expr)]
    body.append((f"return {result};" if lang == "c" else f"return {result}") if wrap
                else spec.ret(result))

    renamed = [f"{v} -> {p}" for v, p in params.items() if v != p]
    comment = (
        f"Generated by emlkit: {name}({', '.join(variables)}), an EML expression with "
        f"K={expr.K}, depth={expr.depth}, dag_size={expr.dag_size}.\n"
        "Semantics: principal ln, ln 0 = -inf, exp(-inf) = 0; constant subtrees folded at "
        f"{_FOLD_DPS} digits."
        + (
            "\nInputs on a cut: a real input x != 0 is evaluated at x +- 1e-300*S*i (the sign of "
            "its zero\nimaginary part; S = max(1, |Re| of the inputs)), a non-finite result is "
            "recomputed un-nudged,\nand an imaginary part below 1e-250*max(|Re|, 1) becomes a "
            "zero of its sign."
            if wrap
            else ""
        )
        + (f"\nRenamed arguments: {', '.join(renamed)}." if renamed else "")
    )
    if wrap:
        used.add("nudge")
    helpers = spec.helpers(h, used)
    ps = list(params.values())
    signature = spec.signature(spec.helper_name(h, "core") if wrap else name, ps)
    if wrap and lang == "c":
        signature = "static " + signature
    parts = [spec.header(comment), helpers, signature]
    gap = "\n\n" if lang == "c" else "\n\n\n"
    text = gap.join(p.rstrip("\n") for p in parts if p)
    text += "\n" + "".join(f"{spec.indent}{line}\n" for line in body) + spec.end
    if wrap:
        text += gap[1:] + _wrapper(lang, name, h, ps, convert)
    return text
