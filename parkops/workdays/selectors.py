"""Reads of the working-day calendar: a park's calendar, month grids, warnings."""

from __future__ import annotations

import calendar as stdlib_calendar
import datetime
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from parkops.core import audit, permissions
from parkops.core.models import Park
from parkops.core.periods import CHINA
from parkops.core.workdays import (
    Day,
    Deadline,
    Override,
    WorkingCalendar,
    china_now,
    library_covers,
)
from parkops.workdays.models import CalendarOverride, CalendarYear, calendar_years

MAX_WORKING_DAYS = 1000
# A time of day, then a space, then an offset: "10:00 08:00" was "10:00+08:00".
_SPACE_FOR_PLUS = re.compile(r"(\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}(?::?\d{2})?)$")
MAX_WORKING_HOURS = 10000


def working_calendar(*, park=None) -> WorkingCalendar:
    """The calendar deadlines in ``park`` follow: its overrides over the State
    Council's calendar; without a park, the national calendar alone.

    Overrides are loaded unscoped on purpose: a park's calendar applies to every
    deadline computed in that park, whoever computes it. Callers decide whether
    the user may name the park (``calendar_park``).
    """
    overrides, entered = {}, ()
    if park is not None:
        rows = CalendarOverride.objects.unscoped().filter(park=park)
        overrides = {
            day: Override(working=kind == CalendarOverride.Kind.WORKDAY, note=note)
            for day, kind, note in rows.values_list("date", "kind", "note")
        }
        entered = CalendarYear.objects.unscoped().filter(park=park).values_list("year", flat=True)
    return WorkingCalendar(overrides, entered_years=entered)


def calendar_park(*, user, code: str) -> Park | None:
    """The park with ``code`` if ``user`` may read its calendar, else None."""
    park = Park.objects.filter(code=code).first()
    if park is None:
        return None
    if park.pk not in permissions.park_ids_for(user, CalendarOverride, permissions.VIEW):
        return None
    return park


def deadline_park(*, user, code: str | None) -> Park | None:
    """The park whose calendar the caller's deadlines follow, None for the
    national calendar.

    An explicit ``code`` must name a park whose calendar ``user`` may read:
    otherwise ``Http404``, the same for "not yours" as for "no such park", and
    the attempt on an existing park is audited (ROLES.md). Without a code, the
    caller's active park (a signed-in session), else their only park: a deadline
    computed for a park's staff should follow that park's holidays. Users with
    no park (alliance, province) or several parks and no session get the
    national calendar.
    """
    if code:
        park = calendar_park(user=user, code=code)
        if park is None:
            existing = Park.objects.filter(code=code).values_list("pk", flat=True).first()
            if existing is not None:
                audit.record_out_of_scope(Park, existing, user)
            raise Http404
        return park
    readable = permissions.park_ids_for(user, CalendarOverride, permissions.VIEW)
    active = getattr(user, "active_park_id", None)
    if active not in readable:
        active = next(iter(readable)) if len(readable) == 1 else None
    return Park.objects.filter(pk=active).first() if active else None


def override_list(*, user, park, since_year: int | None = None):
    """``park``'s overrides the user may see, by date (from ``since_year`` on, if given:
    the current and coming years are the ones an administrator maintains)."""
    queryset = CalendarOverride.objects.restrict(user, permissions.VIEW).filter(park=park)
    if since_year is not None:
        queryset = queryset.filter(date__gte=datetime.date(since_year, 1, 1))
    return queryset.order_by("date")


@dataclass(frozen=True)
class MonthGrid:
    """A month as weeks (Monday first) of days; days of other months are None."""

    year: int
    month: int
    weeks: list[list[Day | None]]
    previous: datetime.date
    next: datetime.date
    provisional: bool  # the month's year is covered neither by the library nor confirmed entered

    @property
    def first(self) -> datetime.date:
        return datetime.date(self.year, self.month, 1)


def month_grid(*, calendar: WorkingCalendar, year: int, month: int) -> MonthGrid:
    weeks = []
    for week in stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append([calendar.day(day) if day.month == month else None for day in week])
    first = datetime.date(year, month, 1)
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return MonthGrid(year, month, weeks, previous, following, not calendar.covers(year))


def parse_month(
    text: str | None, *, today: datetime.date | None = None
) -> tuple[int, int, str | None]:
    """``YYYY-MM`` as (year, month, None); without a month, this month (China
    time); anything else, or a month outside ``calendar_years``, is this month
    with the reason the text was not used, for the page to say."""
    today = today or china_now().date()
    if not text:
        return today.year, today.month, None
    try:
        year, month = (int(part) for part in str(text).split("-"))
        datetime.date(year, month, 1)
    except (TypeError, ValueError):
        return (
            today.year,
            today.month,
            _("“%(text)s” was not understood as a month; write it like 2027-01.") % {"text": text},
        )
    years = calendar_years(today)
    if year not in years:
        return (
            today.year,
            today.month,
            _("%(text)s is outside the calendar, which covers the years %(first)d to %(last)d.")
            % {"text": text, "first": years[0], "last": years[-1]},
        )
    return year, month, None


def next_year_missing(*, park, today: datetime.date | None = None) -> int | None:
    """Next year (China time), if the library does not cover it and ``park``'s
    administrator has not confirmed it entered: the State Council's calendar
    must be entered by hand."""
    year = (today or china_now().date()).year + 1
    if library_covers(year) or year_entered(park=park, year=year) is not None:
        return None
    return year


def year_entered(*, park, year: int) -> CalendarYear | None:
    """``park``'s statement that ``year`` is entered in full, if there is one."""
    return (
        CalendarYear.objects.unscoped()
        .filter(park=park, year=year)
        .select_related("entered_by")
        .first()
    )


def year_needs_entry(*, year: int) -> bool:
    """Is ``year`` one the library does not cover, so the administrator must
    enter it (and may say so)?"""
    return not library_covers(year)


def _amount(raw: str | None, *, field: str, limit: int) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value < 0 or value > limit:
        raise ValidationError({field: [_("Give a number from 0 to %(limit)d.") % {"limit": limit}]})
    return value


def parse_moment(raw: str | None, *, field: str = "start") -> datetime.datetime:
    """An ISO 8601 date-time; without an offset it is taken as China time. A
    space before the offset is read as "+": that is what an unencoded "+08:00"
    in a query string arrives as."""
    text = _SPACE_FOR_PLUS.sub(r"\1+\2", str(raw or "").strip())
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            {field: [_("Give a date and time like 2023-09-28T10:00+08:00.")]}
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=CHINA)
    return moment


def deadline_for(
    *,
    calendar: WorkingCalendar,
    start: str | None,
    working_days: str | None = None,
    working_hours: str | None = None,
) -> Deadline:
    """The deadline ``working_days`` or ``working_hours`` (exactly one) after
    ``start``, with request-parameter validation named by field."""
    moment = parse_moment(start)
    days = _amount(working_days, field="working_days", limit=MAX_WORKING_DAYS)
    hours = _amount(working_hours, field="working_hours", limit=MAX_WORKING_HOURS)
    if (days is None) == (hours is None):
        raise ValidationError(
            {"working_days": [_("Give exactly one of working_days and working_hours.")]}
        )
    try:
        if days is not None:
            return calendar.add_working_days(moment, days)
        return calendar.add_working_hours(moment, hours)
    except (ValueError, OverflowError) as error:
        raise ValidationError(
            {"start": [_("No deadline can be computed from this start.")]}
        ) from error
