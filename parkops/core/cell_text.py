"""What text in a spreadsheet cell may hold: the signs a spreadsheet takes for
the start of a formula, and characters no text a person typed holds.

The rules of the cell writer (``core.exports``) and of the import's reader
(``core.exchange.readers``) alike. Kept apart from the writer so that reading
a file loads no workbook library: openpyxl (with numpy and lxml, about 20 MB
a process) is loaded only by a process that writes a workbook.
"""

import re

# OWASP CSV/formula injection: the signs a spreadsheet reads as the start of a
# formula. A workbook holds such text as a text cell marked "quoted", its content
# unchanged; a CSV has no cell types, so there it gets a leading apostrophe
# (``exports.csv_field``), which the CSV reader removes again.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Also quoted: a line break and the full-width signs an input method types (＝ may be
# taken for = when the cell is edited); quoting changes nothing a reader sees.
QUOTED_PREFIXES = (*FORMULA_PREFIXES, "\n", "＝", "＋", "－", "＠")
# Characters no text a person typed holds, and which XML (so .xlsx) or a database
# (PostgreSQL refuses NUL) may not: C0 controls except tab, line feed and carriage
# return, DEL, and C1 controls. Imports refuse them; CSV exports drop them.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Text the CSV guard applies to: a formula sign first, or apostrophes and then
# one (so that a stored "'=1" gets its own apostrophe and reads back as "'=1").
CSV_GUARDED = re.compile("'*[" + re.escape("".join(QUOTED_PREFIXES)) + "]")
