"""Small text helpers: masking personal numbers, pinyin search keys, money, and
times as users see them (China Standard Time)."""

from __future__ import annotations

import datetime
import functools
import os
import re
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

# pypinyin copies its character and phrase dictionaries as it loads, so that
# dictionaries a program adds (load_phrases_dict) leave the shipped ones as they
# were; ParkOps adds none, and without the copies every process holds about
# 3 MB less (pypinyin's own switch, read once as it loads). The phrase
# dictionary itself stays: it reads 重庆 as chongqing and 银行 as yinhang.
os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "1")

from pypinyin import Style, lazy_pinyin
from pypinyin.constants import RE_HANS as _HAN_RUN

_NON_ALNUM = re.compile(r"[^0-9a-z]")
# A name's runs of Chinese characters and of anything else, as pypinyin's
# ``simple_seg`` splits it (the same runs, tested), found by one regular
# expression instead of a match per character: a tenth of the time, which an
# import of thousands of names notices.
_HAN_CLASS = _HAN_RUN.pattern.removeprefix("^(?:").removesuffix(")+$")
_RUNS = re.compile(f"{_HAN_CLASS}+|[^{_HAN_CLASS[1:-1]}]+", re.DOTALL)


def mask_phone(value: str) -> str:
    """138****1234 for an eleven-digit mobile; other numbers keep 3 + last 4."""
    digits = (value or "").strip()
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


@functools.lru_cache(maxsize=65536)
def _run_pinyin(run: str) -> tuple[str, str]:
    return (
        "".join(lazy_pinyin(run, errors="default")),
        "".join(lazy_pinyin(run, style=Style.FIRST_LETTER, errors="default")),
    )


def pinyin_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of ``name`` in lower case, for search (szyy → 苏州...).

    pypinyin reads a name run by run of Chinese characters (its phrase
    dictionary then decides 重庆 → chongqing within the run) and keeps
    anything else as written; each run's reading is kept, so an import of
    thousands of names that share runs (科技有限公司) reads each run once.
    """
    runs = [
        _run_pinyin(run) if _HAN_RUN.match(run) else (run, run) for run in _RUNS.findall(name or "")
    ]
    full = _NON_ALNUM.sub("", "".join(run[0] for run in runs).lower())
    initials = _NON_ALNUM.sub("", "".join(run[1] for run in runs).lower())
    return full, initials


def pinyin_sort_key(name: str) -> str:
    """The key that sorts ``name`` by pinyin (排序按拼音): 阿 < 北 < 长 < 张,
    which code-point order gets wrong; stored as ``name_pinyin`` on named records."""
    return pinyin_keys(name)[0]


def to_wan(amount: Decimal | int) -> Decimal:
    """Yuan as 万元, two decimals rounded half up (4.565 → 4.57): the unit of
    project lists and boards, on the page and in their exports alike."""
    return (Decimal(amount) / 10000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


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


# Every time a user sees (pages, spreadsheets, the API) is China Standard Time,
# UTC+8 all year (no daylight saving), whatever zone the server itself runs in.
CHINA_TIME = ZoneInfo("Asia/Shanghai")
DATETIME_FORMAT = "%Y-%m-%d %H:%M"
DATE_FORMAT = "%Y-%m-%d"


def to_cst(value: datetime.datetime) -> datetime.datetime:
    """``value`` as an aware datetime in China Standard Time.

    Stored times are aware (UTC in the database). A naive value can only come
    from a user's own input or a spreadsheet cell, which are China time already.
    """
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=CHINA_TIME)
    return value.astimezone(CHINA_TIME)


def format_cst(value: datetime.datetime | datetime.date | None) -> str:
    """A datetime as users see it: ``2026-03-01 05:43``, China Standard Time.

    A plain date is shown as ``2026-03-01``; ``None`` as an empty string.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime):
        return to_cst(value).strftime(DATETIME_FORMAT)
    return value.strftime(DATE_FORMAT)


def format_cst_date(value: datetime.datetime | datetime.date | None) -> str:
    """The China Standard Time date of ``value``: ``2026-03-01``."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime):
        value = to_cst(value)
    return value.strftime(DATE_FORMAT)


def today_cst() -> datetime.date:
    """Today's date in China, e.g. for the date in an export's file name."""
    return datetime.datetime.now(tz=CHINA_TIME).date()
