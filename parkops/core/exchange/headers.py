"""Tolerant header matching: spaces, full-width characters, case, synonyms."""

from __future__ import annotations

import re
import unicodedata

_IGNORED = re.compile(r"[\s\u3000*＊:：()（）\[\]【】]")
_UNIT = re.compile(r"[(\[（【]\s*(亿元|万元|元)\s*[)\]）】]")


def header_key(header) -> str:
    """The comparable form of a header: NFKC, no spaces, brackets or stars, lower case.

    "统一社会信用代码 *" and "统一社会信用代码（必填）" compare equal once the
    "必填" marker is removed; units in brackets are read separately.
    """
    folded = unicodedata.normalize("NFKC", str(header or ""))
    folded = _UNIT.sub("", folded).replace("必填", "").replace("选填", "")
    return _IGNORED.sub("", folded).lower()


def unit_in_header(header) -> str | None:
    """The money unit written in a header, e.g. "完成投资（万元）" → "万元"."""
    match = _UNIT.search(unicodedata.normalize("NFKC", str(header or "")))
    return match.group(1) if match else None
