"""Deprecated alias of :mod:`emlkit.cli.pcf_search` (kept for old imports; import from there).

>>> coefficient_range("-5..5")
(-5, 5)
"""

from __future__ import annotations

from ..cli.pcf_search import add_subcommands, coefficient_range

__all__ = ["add_subcommands", "coefficient_range"]
