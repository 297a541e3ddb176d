"""Chinese working days and working-time arithmetic (工作日，含调休).

Whether a day is worked comes from three sources, first match wins:

1. an administrator's override for that day (a local adjustment, or a day of
   a year the library does not cover yet: the State Council publishes next
   year's holidays around November, long before a library release);
2. chinesecalendar, which carries the State Council's holiday notices with
   their make-up working days (调休上班);
3. Monday to Friday. A day counted this way in a year that neither the library
   nor the park administrator has entered is *provisional*, and so is every deadline whose
   computation passed over it.

A year the library does not cover stays provisional, overrides or not, until
the park administrator states that the State Council's whole arrangement for it
has been entered (``entered_years``): one override (a park sports day on
1 January) says nothing about the Spring Festival week.

Working time is office hours on working days (``PARKOPS_OFFICE_HOURS``, by
default 09:00–12:00 and 13:30–17:30, seven hours), so "0.5 working day" is
exactly half of those hours. All arithmetic is in China Standard Time,
whatever the server's ``TIME_ZONE``. This module reads no database: callers
pass the overrides in (``parkops.workdays.selectors.working_calendar``).
"""

from __future__ import annotations

import datetime
import functools
import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

import chinese_calendar
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parkops.core.periods import CHINA

DEFAULT_OFFICE_HOURS = "09:00-12:00,13:30-17:30"
# A computation that walks further than this is a mistake (or a calendar with
# no working days at all), not a deadline.
MAX_DAYS = 20 * 366
ONE_DAY = datetime.timedelta(days=1)

# chinesecalendar names holidays in English; these are the State Council's names.
HOLIDAY_NAMES = {
    "New Year's Day": _("New Year's Day"),
    "Spring Festival": _("Spring Festival"),
    "Tomb-sweeping Day": _("Tomb-sweeping Day"),
    "Labour Day": _("Labour Day"),
    "Dragon Boat Festival": _("Dragon Boat Festival"),
    "National Day": _("National Day"),
    "Mid-autumn Festival": _("Mid-autumn Festival"),
    "Anti-Fascist 70th Day": _("Anti-Fascist 70th Day"),
}


class Source(StrEnum):
    OVERRIDE = "override"
    STATE_COUNCIL = "state_council"
    WEEKDAYS = "weekdays"


class DayKind(StrEnum):
    WORKDAY = "workday"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"
    MAKEUP = "makeup"  # 调休上班: a weekend day worked in lieu of a holiday
    OVERRIDE_WORKDAY = "override_workday"
    OVERRIDE_HOLIDAY = "override_holiday"

    @property
    def label(self):
        return {
            DayKind.WORKDAY: pgettext_lazy("day kind", "Working day"),
            DayKind.WEEKEND: pgettext_lazy("day kind", "Weekend"),
            DayKind.HOLIDAY: pgettext_lazy("day kind", "Holiday"),
            DayKind.MAKEUP: pgettext_lazy("day kind", "Make-up working day"),
            DayKind.OVERRIDE_WORKDAY: pgettext_lazy("day kind", "Make-up working day (park)"),
            DayKind.OVERRIDE_HOLIDAY: pgettext_lazy("day kind", "Holiday (park)"),
        }[self]

    @property
    def mark(self):
        """One character for the month grid on a phone."""
        return {
            DayKind.WORKDAY: "",
            DayKind.WEEKEND: "",
            DayKind.HOLIDAY: pgettext_lazy("day mark", "H"),
            DayKind.MAKEUP: pgettext_lazy("day mark", "W"),
            DayKind.OVERRIDE_WORKDAY: pgettext_lazy("day mark", "W"),
            DayKind.OVERRIDE_HOLIDAY: pgettext_lazy("day mark", "H"),
        }[self]


@dataclass(frozen=True)
class Override:
    """An administrator's decision about one day."""

    working: bool
    note: str = ""


@dataclass(frozen=True)
class Day:
    """One calendar day as the working-day calendar sees it."""

    date: datetime.date
    working: bool
    source: Source
    provisional: bool
    holiday: str = ""  # chinesecalendar's holiday name, for holidays and make-up days
    note: str = ""  # the override's note

    @property
    def kind(self) -> DayKind:
        if self.source == Source.OVERRIDE:
            return DayKind.OVERRIDE_WORKDAY if self.working else DayKind.OVERRIDE_HOLIDAY
        weekend = self.date.weekday() >= 5
        if self.working:
            return DayKind.MAKEUP if weekend else DayKind.WORKDAY
        return DayKind.HOLIDAY if self.holiday else DayKind.WEEKEND

    @property
    def holiday_name(self) -> str:
        return str(HOLIDAY_NAMES.get(self.holiday, self.holiday))


@dataclass(frozen=True)
class Deadline:
    """A moment (China time) and whether an uncovered year made it provisional."""

    at: datetime.datetime
    provisional: bool


@dataclass(frozen=True)
class WorkingTime:
    """Working time between two moments (negative when the second is earlier)."""

    duration: datetime.timedelta
    provisional: bool
    day_length: datetime.timedelta

    @property
    def hours(self) -> Fraction:
        return Fraction(_micro(self.duration), 3_600_000_000)

    @property
    def days(self) -> Fraction:
        return Fraction(_micro(self.duration), _micro(self.day_length))


# ------------------------------------------------------------------ office hours
_INTERVAL = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def parse_office_hours(text: str) -> tuple[tuple[datetime.time, datetime.time], ...]:
    """``"09:00-12:00,13:30-17:30"`` as ordered, non-overlapping intervals of one
    day; ``ValueError`` for anything else."""
    intervals = []
    for part in str(text).split(","):
        match = _INTERVAL.match(part)
        if match is None:
            raise ValueError(f"office hours {text!r}: write them like {DEFAULT_OFFICE_HOURS}")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        try:
            start, end = datetime.time(h1, m1), datetime.time(h2, m2)
        except ValueError as error:
            raise ValueError(f"office hours {text!r}: {error}") from error
        if start >= end:
            raise ValueError(f"office hours {text!r}: {part.strip()} ends before it starts")
        intervals.append((start, end))
    intervals.sort()
    for (_s1, end1), (start2, _e2) in itertools.pairwise(intervals):
        if start2 < end1:
            raise ValueError(f"office hours {text!r}: intervals overlap")
    return tuple(intervals)


def configured_office_hours() -> tuple[tuple[datetime.time, datetime.time], ...]:
    from django.conf import settings

    return parse_office_hours(getattr(settings, "PARKOPS_OFFICE_HOURS", DEFAULT_OFFICE_HOURS))


# ---------------------------------------------------------------- the library
@functools.lru_cache(maxsize=8192)
def _library_day(day: datetime.date) -> tuple[bool, str] | None:
    """(working, holiday name) per the State Council notices, or None when
    chinesecalendar has no data for the year (it raises NotImplementedError)."""
    try:
        working = chinese_calendar.is_workday(day)
        _on_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return None
    return working, name or ""


def library_covers(year: int) -> bool:
    """Does chinesecalendar carry the State Council's calendar for ``year``?"""
    return _library_day(datetime.date(year, 1, 1)) is not None


def china_now() -> datetime.datetime:
    return datetime.datetime.now(tz=CHINA)


def to_china(moment: datetime.datetime) -> datetime.datetime:
    """An aware moment in China time; a naive one is refused (it has no meaning)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("working-time arithmetic needs an aware datetime")
    return moment.astimezone(CHINA)


def _micro(delta: datetime.timedelta) -> int:
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _scaled(unit: datetime.timedelta, amount) -> datetime.timedelta:
    """``amount`` (int, Decimal, Fraction or a decimal string) times ``unit``,
    exact to the microsecond."""
    if isinstance(amount, float):
        amount = Decimal(str(amount))
    factor = Fraction(amount)
    if factor < 0:
        raise ValueError("a working-time amount cannot be negative")
    return datetime.timedelta(microseconds=round(factor * _micro(unit)))


# -------------------------------------------------------------- the calendar
class WorkingCalendar:
    """Working days from overrides, the State Council calendar and Monday–Friday,
    and working-time arithmetic over them."""

    def __init__(
        self,
        overrides: Mapping[datetime.date, Override] | None = None,
        *,
        entered_years: Iterable[int] = (),
        office_hours: str | tuple | None = None,
    ):
        self.overrides = dict(overrides or {})
        self.entered_years = frozenset(entered_years)
        if office_hours is None:
            office_hours = configured_office_hours()
        elif isinstance(office_hours, str):
            office_hours = parse_office_hours(office_hours)
        self.office_hours = tuple(office_hours)
        any_day = datetime.date(2000, 1, 3)
        self.day_length = sum(
            (_at(any_day, end) - _at(any_day, start) for start, end in self.office_hours),
            datetime.timedelta(0),
        )
        if not self.day_length:
            raise ValueError("office hours must not be empty")

    # ---------------------------------------------------------------- days
    def covers(self, year: int) -> bool:
        """Is ``year`` known (the library, or entered in full by the park
        administrator), i.e. not provisional?"""
        return year in self.entered_years or library_covers(year)

    def day(self, day: datetime.date) -> Day:
        provisional = not self.covers(day.year)
        override = self.overrides.get(day)
        library = _library_day(day)
        holiday = library[1] if library else ""
        if override is not None:
            return Day(day, override.working, Source.OVERRIDE, False, holiday, override.note)
        if library is not None:
            return Day(day, library[0], Source.STATE_COUNCIL, False, holiday)
        return Day(day, day.weekday() < 5, Source.WEEKDAYS, provisional)

    def is_workday(self, day: datetime.date) -> bool:
        return self.day(day).working

    def days(self, first: datetime.date, last: datetime.date) -> list[Day]:
        count = (last - first).days + 1
        return [self.day(first + ONE_DAY * i) for i in range(max(count, 0))]

    # ------------------------------------------------------------ arithmetic
    def add_working_days(self, moment: datetime.datetime, days) -> Deadline:
        """``moment`` plus ``days`` working days (fractions allowed: 0.5 is half
        the office hours). Time outside office hours does not count."""
        return self.add_working_time(moment, _scaled(self.day_length, days))

    def add_working_hours(self, moment: datetime.datetime, hours) -> Deadline:
        """``moment`` plus ``hours`` hours of office time on working days."""
        return self.add_working_time(moment, _scaled(datetime.timedelta(hours=1), hours))

    def add_working_time(self, moment: datetime.datetime, amount: datetime.timedelta) -> Deadline:
        """The earliest moment by which ``amount`` of working time has passed
        since ``moment``; provisional if any day walked over is."""
        if amount < datetime.timedelta(0):
            raise ValueError("a working-time amount cannot be negative")
        local = to_china(moment)
        day = local.date()
        provisional = False
        if not amount:
            return Deadline(local, self.day(day).provisional)
        remaining = amount
        for _step in range(MAX_DAYS):
            info = self.day(day)
            provisional = provisional or info.provisional
            if info.working:
                for start, end in self.office_hours:
                    begin, finish = max(_at(day, start), local), _at(day, end)
                    if begin >= finish:
                        continue
                    if remaining <= finish - begin:
                        return Deadline(begin + remaining, provisional)
                    remaining -= finish - begin
            day += ONE_DAY
        raise ValueError("no deadline within twenty years: does the calendar have working days?")

    def working_time_between(self, first: datetime.datetime, second: datetime.datetime):
        """Office time on working days from ``first`` to ``second`` (a ``WorkingTime``)."""
        a, b = to_china(first), to_china(second)
        sign = 1
        if b < a:
            a, b, sign = b, a, -1
        if (b.date() - a.date()).days > MAX_DAYS:
            raise ValueError("the two moments are more than twenty years apart")
        total = datetime.timedelta(0)
        provisional = False
        day = a.date()
        while day <= b.date():
            info = self.day(day)
            provisional = provisional or info.provisional
            if info.working:
                for start, end in self.office_hours:
                    begin, finish = max(_at(day, start), a), min(_at(day, end), b)
                    if finish > begin:
                        total += finish - begin
            day += ONE_DAY
        return WorkingTime(total * sign, provisional, self.day_length)


def _at(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return datetime.datetime.combine(day, time, tzinfo=CHINA)
