"""The Excel exchange framework: every register's import and export.

An app describes a register once in its ``exchange.py`` (a ``RegisterSpec``:
columns, natural key, services); this package reads spreadsheets safely,
matches headers, parses values, previews, commits all-or-nothing, keeps import
batches for undo, and writes exports.
"""
