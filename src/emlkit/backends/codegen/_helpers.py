"""Helper functions that generated C, NumPy and torch code carries: the cut rule of
:mod:`emlkit.semantics` (an input's direction, ``ln`` with the side of the cut from the
first-order term, the terms of ``exp`` and ``ln``, the sign of a zero imaginary part).

>>> "clog(b)" in c_helpers("f", {"ln"})
True
"""

from __future__ import annotations

from ...semantics import CUT_RESIDUE

__all__ = ["HELPERS", "c_helpers", "np_helpers", "torch_helpers"]

_CUT = repr(CUT_RESIDUE)  # rounding residue next to the negative real axis (exact double)


def c_helpers(h: str, used: set[str]) -> str:
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


def np_helpers(h: str, used: set[str]) -> str:
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


def torch_helpers(h: str, used: set[str]) -> str:
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



#: per float target: (prefix, used helper kinds) -> helper definitions
HELPERS = {"c": c_helpers, "numpy": np_helpers, "torch": torch_helpers}
