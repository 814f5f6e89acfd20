"""Jupyter reprs of expressions (issue 16): an SVG drawing and LaTeX, capped in size so a huge
expression falls back to its text repr instead of hanging the notebook."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import emlkit as ek
from emlkit.expr import NOTEBOOK_MAX_K
from emlkit.syntax import latex


def test_svg_is_well_formed_xml():
    svg = ek.compile("ln(x)")._repr_svg_()
    root = ET.fromstring(svg.encode())
    assert root.tag.endswith("svg")


def test_latex_parses_back_to_the_same_expression():
    f = ek.compile("x - y")
    text = f._repr_latex_()
    assert text.startswith("$") and text.endswith("$")
    assert latex.parse(text[1:-1]) is f


def test_huge_expressions_fall_back_to_text():
    f = ek.compile("sin(sin(sin(x)))")
    assert f.K > NOTEBOOK_MAX_K
    assert f._repr_latex_() is None
    deep = ek.parse("x")
    for _ in range(5000):  # K = 10001, 5000 levels deep: refused at once, no recursion
        deep = ek.eml(deep, 1)
    assert deep._repr_svg_() is None and deep._repr_latex_() is None
