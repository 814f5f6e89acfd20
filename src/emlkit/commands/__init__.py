"""Deprecated: the ``eml`` command modules are now :mod:`emlkit.cli` (one module per command
family). Only ``emlkit.commands.pcf_search`` is kept, re-exporting
:mod:`emlkit.cli.pcf_search`; import from :mod:`emlkit.cli` instead.
"""
