"""Reporting periods: one value type for every period a figure is reported for.

A period is written the way the API and the pages write it:

========== ======================================================= ===========
``2023``    the full year                                           ``YEAR``
``2023-H1`` first (``H2``: second) half year                        ``HALF``
``2023-Q3`` a quarter                                               ``QUARTER``
``2023-06`` 1–6月 cumulative: January to June, year to date          ``YTD``
``2023-M06`` June alone                                              ``MONTH``
========== ======================================================= ===========

``2023-06`` is the statistics office's 1–N月累计 (monthly statistics are
reported year to date), which is why the bare month means January to June and
the single month needs its ``M``.

Every boundary is a day in China Standard Time: a record made at 2023-06-30
23:30 in Suzhou belongs to H1 whatever the server's ``TIME_ZONE``. ``start`` is
the first moment of the period and ``end`` the first moment after it (half
open, so no instant falls between two adjacent periods).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CHINA = ZoneInfo("Asia/Shanghai")
# China last observed daylight saving time in 1991: from 1992 on China time is
# UTC+8 the whole year, so a period's boundaries are whole days at +08:00.
FIRST_YEAR, LAST_YEAR = 1992, 2999
# A period may be parsed from the year after: every figure compares with the same
# period of the year before (``comparison``), and 1991 had daylight saving time.
FIRST_REPORTING_YEAR = FIRST_YEAR + 1


def accepted_forms() -> str:
    """The forms a period may be written in, for error messages (in the user's language)."""
    forms = _("%(year)s, %(halves)s, %(quarters)s, %(ytd)s (months 1–6, year to date), %(month)s")
    return forms % {
        "year": "2023",
        "halves": "2023-H1, 2023-H2",
        "quarters": "2023-Q1 … 2023-Q4",
        "ytd": "2023-06",
        "month": "2023-M06",
    }


class PeriodKind(StrEnum):
    YEAR = "year"
    HALF = "half"
    QUARTER = "quarter"
    YTD = "ytd"  # 1–N月累计: January to the end of month N
    MONTH = "month"


# Per kind: how many periods a year has, and the months (first, last) of the n-th.
_COUNT = {
    PeriodKind.YEAR: 1,
    PeriodKind.HALF: 2,
    PeriodKind.QUARTER: 4,
    PeriodKind.YTD: 12,
    PeriodKind.MONTH: 12,
}
_SPAN = {
    PeriodKind.YEAR: lambda n: (1, 12),
    PeriodKind.HALF: lambda n: (6 * n - 5, 6 * n),
    PeriodKind.QUARTER: lambda n: (3 * n - 2, 3 * n),
    PeriodKind.YTD: lambda n: (1, n),
    PeriodKind.MONTH: lambda n: (n, n),
}
_PATTERN = re.compile(
    r"^(?P<year>\d{4})(?:-(?:(?P<half>H[12])|(?P<quarter>Q[1-4])|(?P<ytd>\d{2})|M(?P<month>\d{2})))?$"
)


class PeriodError(ValidationError):
    """A string that is not a period; its message names the accepted forms."""


def _refuse(text: str):
    return PeriodError(
        _("“%(value)s” is not a reporting period. Write one of: %(forms)s.")
        % {"value": text, "forms": accepted_forms()},
        code="invalid_period",
    )


def _refuse_early(text: str):
    return PeriodError(
        _(
            "“%(value)s” is too early: reporting periods begin in %(first)d, as each is "
            "compared with the same period a year before. Write one of: %(forms)s."
        )
        % {"value": text, "first": FIRST_REPORTING_YEAR, "forms": accepted_forms()},
        code="invalid_period",
    )


@dataclass(frozen=True)
class Period:
    """A reporting period: ``kind`` and its ``number`` within ``year`` (1 for a year)."""

    kind: PeriodKind
    year: int
    number: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", PeriodKind(self.kind))
        # Code builds periods from parsed or computed values: a bad one is a bug.
        if not FIRST_YEAR <= self.year <= LAST_YEAR:
            raise ValueError(f"year {self.year} is outside {FIRST_YEAR}–{LAST_YEAR}")
        if not 1 <= self.number <= _COUNT[self.kind]:
            raise ValueError(f"a year has no {self.kind} number {self.number}")

    # ------------------------------------------------------------ construction
    @classmethod
    def parse(cls, text: str) -> Period:
        """The period ``text`` names; ``PeriodError`` (a ValidationError) otherwise.
        Periods of ``FIRST_YEAR`` are refused: they exist only as the comparison of
        the year after (their own comparison would be in 1991)."""
        raw = str(text or "")
        match = _PATTERN.match(raw.strip().upper())
        if match is None:
            raise _refuse(raw)
        year = int(match["year"])
        if year < FIRST_REPORTING_YEAR:
            raise _refuse_early(raw)
        if year > LAST_YEAR:
            raise _refuse(raw)
        if match["half"]:
            kind, number = PeriodKind.HALF, int(match["half"][1])
        elif match["quarter"]:
            kind, number = PeriodKind.QUARTER, int(match["quarter"][1])
        elif match["ytd"]:
            kind, number = PeriodKind.YTD, int(match["ytd"])
        elif match["month"]:
            kind, number = PeriodKind.MONTH, int(match["month"])
        else:
            kind, number = PeriodKind.YEAR, 1
        if not 1 <= number <= _COUNT[kind]:
            raise _refuse(raw)
        return cls(kind, year, number)

    @classmethod
    def of(cls, kind: PeriodKind, day: datetime.date | datetime.datetime) -> Period:
        """The period of ``kind`` containing ``day`` (an aware moment is taken in
        China time). For ``YTD``, January up to ``day``'s month."""
        if isinstance(day, datetime.datetime):
            day = _china_date(day)
        month = day.month
        number = {
            PeriodKind.YEAR: 1,
            PeriodKind.HALF: (month + 5) // 6,
            PeriodKind.QUARTER: (month + 2) // 3,
            PeriodKind.YTD: month,
            PeriodKind.MONTH: month,
        }[kind]
        return cls(kind, day.year, number)

    # ------------------------------------------------------------------ text
    @property
    def code(self) -> str:
        """The canonical string; ``Period.parse(p.code) == p``."""
        suffix = {
            PeriodKind.YEAR: "",
            PeriodKind.HALF: f"-H{self.number}",
            PeriodKind.QUARTER: f"-Q{self.number}",
            PeriodKind.YTD: f"-{self.number:02d}",
            PeriodKind.MONTH: f"-M{self.number:02d}",
        }[self.kind]
        return f"{self.year}{suffix}"

    def __str__(self) -> str:
        return self.code

    @property
    def label(self) -> str:
        """How the statistics office writes it: 2023年上半年, 2023年1—6月 ..."""
        values = {"year": self.year, "n": self.number}
        if self.kind == PeriodKind.YEAR:
            return _("Year %(year)d") % values
        if self.kind == PeriodKind.HALF:
            if self.number == 1:
                return _("%(year)d H1") % values
            return _("%(year)d H2") % values
        if self.kind == PeriodKind.QUARTER:
            return _("%(year)d Q%(n)d") % values
        if self.kind == PeriodKind.YTD:
            if self.number == 1:
                return _("%(year)d, month 1") % values
            return _("%(year)d, months 1–%(n)d") % values
        return _("%(year)d, month %(n)d") % values

    # ------------------------------------------------------------- boundaries
    @property
    def first_month(self) -> int:
        return _SPAN[self.kind](self.number)[0]

    @property
    def last_month(self) -> int:
        return _SPAN[self.kind](self.number)[1]

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, self.first_month, 1)

    @property
    def last_day(self) -> datetime.date:
        return _next_month_start(self.year, self.last_month) - datetime.timedelta(days=1)

    @property
    def start(self) -> datetime.datetime:
        """The first moment of the period, 00:00 China time on its first day."""
        return datetime.datetime.combine(self.first_day, datetime.time(), tzinfo=CHINA)

    @property
    def end(self) -> datetime.datetime:
        """The first moment after the period (exclusive), China time."""
        day_after = _next_month_start(self.year, self.last_month)
        return datetime.datetime.combine(day_after, datetime.time(), tzinfo=CHINA)

    def contains(self, moment: datetime.date | datetime.datetime) -> bool:
        """Is the day, or the aware moment (in China time), within the period?"""
        if isinstance(moment, datetime.datetime):
            if moment.tzinfo is None or moment.utcoffset() is None:
                raise ValueError("Period.contains() needs an aware datetime or a date")
            return self.start <= moment < self.end
        return self.first_day <= moment <= self.last_day

    def dates_q(self, field: str):
        """``Q`` for a ``DateField`` whose day falls in the period."""
        from django.db.models import Q

        return Q(**{f"{field}__gte": self.first_day, f"{field}__lte": self.last_day})

    def moments_q(self, field: str):
        """``Q`` for a ``DateTimeField`` whose moment falls in the period (China time)."""
        from django.db.models import Q

        return Q(**{f"{field}__gte": self.start, f"{field}__lt": self.end})

    # ------------------------------------------------------------- relations
    @property
    def comparison(self) -> Period:
        """The same period last year (同期), the base of year-on-year growth."""
        return Period(self.kind, self.year - 1, self.number)

    @property
    def previous(self) -> Period:
        """The period of the same kind just before: 2023-H1 → 2022-H2, 2023-Q1 →
        2022-Q4. For 1–N月累计 it is 1–(N−1)月, and for 1月 the previous full year
        to date (1–12月): the statistics office's preceding release."""
        if self.number > 1:
            return Period(self.kind, self.year, self.number - 1)
        return Period(self.kind, self.year - 1, _COUNT[self.kind])

    @property
    def elapsed_share(self) -> Fraction:
        """序时进度 at the period's end: N/12 at the end of month N (exact)."""
        return Fraction(self.last_month, 12)


def _next_month_start(year: int, month: int) -> datetime.date:
    return datetime.date(year + month // 12, month % 12 + 1, 1)


def _china_date(moment: datetime.datetime) -> datetime.date:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a naive datetime has no day in China time")
    return moment.astimezone(CHINA).date()


def last_finished_half(day: datetime.date) -> Period:
    """The last half year finished before ``day``: what the half-year report card,
    and the boards that open beside it, show when no period is asked for."""
    return Period.of(PeriodKind.HALF, day).previous


def parse_period(text: str, *, field: str = "period") -> Period:
    """``Period.parse`` for request parameters: the error is attached to ``field``."""
    try:
        return Period.parse(text)
    except PeriodError as error:
        raise ValidationError({field: error.messages}) from error
