"""Small text helpers: masking personal numbers, pinyin search keys, money."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from pypinyin import Style, lazy_pinyin

_NON_ALNUM = re.compile(r"[^0-9a-z]")


def mask_phone(value: str) -> str:
    """138****1234 for an eleven-digit mobile; other numbers keep 3 + last 4."""
    digits = (value or "").strip()
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def pinyin_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of ``name`` in lower case, for search (szyy → 苏州...)."""
    syllables = lazy_pinyin(name or "", errors="default")
    full = _NON_ALNUM.sub("", "".join(syllables).lower())
    initials = _NON_ALNUM.sub(
        "", "".join(lazy_pinyin(name or "", style=Style.FIRST_LETTER, errors="default")).lower()
    )
    return full, initials


def format_money(amount: Decimal | int | None) -> str:
    """Yuan shown as users expect: 亿元 from 1e8, 万元 from 1e4, else 元."""
    if amount is None:
        return ""
    amount = Decimal(amount)
    for unit, size in (("亿元", Decimal(10) ** 8), ("万元", Decimal(10) ** 4)):
        if abs(amount) >= size:
            value = (amount / size).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            return f"{value.normalize():f}{unit}"
    return f"{amount.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}元"
