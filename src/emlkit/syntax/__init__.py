"""Text formats of EML expressions: parse and print eml, RPN, Wolfram, JSON, LaTeX and DOT.

One module per format (:mod:`~emlkit.syntax.eml_text`, :mod:`~emlkit.syntax.rpn`,
:mod:`~emlkit.syntax.wolfram`, :mod:`~emlkit.syntax.json_format`,
:mod:`~emlkit.syntax.latex`, :mod:`~emlkit.syntax.dot`), each with ``parse`` and ``to_text``;
this package's :func:`parse` and :func:`to_text` pick one by name. Every parser and printer is
iterative (no recursion on the tree) and linear in the text size.

>>> from emlkit.syntax import parse, to_text
>>> e = parse("eml(1, eml(eml(1, x), 1))")
>>> [to_text(e, f) for f in ("eml", "rpn", "wolfram")]
['eml(1, eml(eml(1, x), 1))', '1 1 x E 1 E E', 'EML[1, EML[EML[1, x], 1]]']
>>> all(parse(to_text(e, f), f) is e for f in FORMATS)
True
"""

from ._api import FORMATS as FORMATS
from ._api import detect_format as detect_format
from ._api import parse as parse
from ._api import to_text as to_text

__all__ = ["FORMATS", "parse", "to_text", "detect_format"]
