"""Lead-handling deadlines (线索处理时限) in a park's working days.

Pure computation, no database: ``selectors.lead_deadlines`` feeds it the
dates of each lead's steps and the park's policy and calendar.

The steps of an open lead or negotiation, in order, and when each is due:

1. an owner assigned (ASSIGNED event): ``assign_days`` after the lead came in;
2. assessed (ASSESSMENT): ``assess_days`` after it came in, ``assess_major_days``
   for a major lead (planned investment at or above ``major_threshold``);
3. feedback (FEEDBACK): ``feedback_days`` after it came in;
4. then a progress note (PROGRESS) every ``progress_days`` after the latest of
   the feedback, the last progress note and the last stage change.

The next step is the first not done; its due date is the ``n``-th working day
after the day counted from (that day itself does not count: 1 working day
after a Thursday lead is Friday, or the next working day after a holiday). A
step is overdue once a working day has passed after its due date without it,
by the number of working days passed.
"""

from __future__ import annotations

import bisect
import datetime
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from parkops.core.workdays import WorkingCalendar

ONE_DAY = datetime.timedelta(days=1)
# Working days are listed this many calendar days at a time.
_CHUNK = 120


class Step(StrEnum):
    ASSIGN = "assign"
    ASSESS = "assess"
    FEEDBACK = "feedback"
    PROGRESS = "progress"

    @property
    def label(self):
        return {
            Step.ASSIGN: _("assign an owner"),
            Step.ASSESS: _("assess the lead"),
            Step.FEEDBACK: _("give feedback"),
            Step.PROGRESS: _("report progress"),
        }[self]


@dataclass(frozen=True)
class Policy:
    assign_days: int
    assess_days: int
    assess_major_days: int
    feedback_days: int
    progress_days: int
    major_threshold: Decimal

    @classmethod
    def of(cls, source) -> Policy:
        """From a ``LeadPolicy`` (or anything with its fields, or a dict)."""
        get = source.get if isinstance(source, dict) else lambda name: getattr(source, name)
        return cls(**{name: get(name) for name in cls.__dataclass_fields__})

    def is_major(self, planned_investment) -> bool:
        return planned_investment is not None and Decimal(planned_investment) >= Decimal(
            self.major_threshold
        )


@dataclass(frozen=True)
class LeadDates:
    """What has been done on a lead, and when (None: not yet)."""

    lead_on: datetime.date | None
    assigned_on: datetime.date | None = None
    assessed_on: datetime.date | None = None
    feedback_on: datetime.date | None = None
    progress_on: datetime.date | None = None  # the latest progress note
    stage_on: datetime.date | None = None  # the latest stage change
    planned_investment: Decimal | None = None


@dataclass(frozen=True)
class LeadDeadline:
    step: Step
    due: datetime.date
    counted_from: datetime.date
    working_days: int
    overdue_days: int  # working days passed after ``due`` (0: not overdue)
    major: bool
    provisional: bool  # a year the calendar does not cover was walked over

    @property
    def overdue(self) -> bool:
        return self.overdue_days > 0


class WorkdayIndex:
    """The working days of one calendar, listed once for many leads: the ``n``-th
    working day after a day, and the working days between two days, by bisection."""

    def __init__(self, calendar: WorkingCalendar):
        self.calendar = calendar
        self.start: datetime.date | None = None
        self.end: datetime.date | None = None  # listed up to and including
        self.days: list[datetime.date] = []

    def _list(self, first: datetime.date, last: datetime.date) -> list[datetime.date]:
        count = (last - first).days + 1
        days = (first + ONE_DAY * i for i in range(max(count, 0)))
        return [day for day in days if self.calendar.is_workday(day)]

    def _cover(self, first: datetime.date, last: datetime.date) -> None:
        if self.start is None:
            self.start, self.end = first, max(first, last)
            self.days = self._list(self.start, self.end)
            return
        if first < self.start:
            self.days = self._list(first, self.start - ONE_DAY) + self.days
            self.start = first
        if last > self.end:
            self.days += self._list(self.end + ONE_DAY, last)
            self.end = last

    def add(self, on: datetime.date, n: int) -> datetime.date:
        """The ``n``-th working day after ``on`` (``n`` ≥ 1)."""
        if n < 1:
            raise ValueError("a deadline is at least one working day")
        self._cover(on + ONE_DAY, on + ONE_DAY * (2 * n + 30))
        index = bisect.bisect_right(self.days, on) + n - 1
        for _step in range(200):  # at most about 65 years of calendar
            if index < len(self.days):
                return self.days[index]
            self._cover(self.start, self.end + ONE_DAY * _CHUNK)
        raise ValueError("no working days ahead: is the calendar all holidays?")

    def between(self, after: datetime.date, upto: datetime.date) -> int:
        """How many working days fall after ``after``, up to and including ``upto``."""
        if upto <= after:
            return 0
        self._cover(after + ONE_DAY, upto)
        return bisect.bisect_right(self.days, upto) - bisect.bisect_right(self.days, after)


def next_deadline(
    dates: LeadDates, *, policy: Policy, index: WorkdayIndex, as_of: datetime.date
) -> LeadDeadline | None:
    """The next step of a lead with ``dates`` and when it is due, overdue as of
    ``as_of``; None for a lead with no date to count from."""
    if dates.lead_on is None:
        return None
    major = policy.is_major(dates.planned_investment)
    assess_days = policy.assess_major_days if major else policy.assess_days
    steps = (
        (Step.ASSIGN, dates.assigned_on, policy.assign_days),
        (Step.ASSESS, dates.assessed_on, assess_days),
        (Step.FEEDBACK, dates.feedback_on, policy.feedback_days),
    )
    pending = [(step, days) for step, done, days in steps if done is None]
    if pending:
        step, days = pending[0]
        counted_from = dates.lead_on
    else:
        step, days = Step.PROGRESS, policy.progress_days
        counted_from = max(
            day
            for day in (dates.feedback_on, dates.progress_on, dates.stage_on, dates.lead_on)
            if day is not None
        )
    due = index.add(counted_from, days)
    overdue = index.between(due, as_of)
    calendar = index.calendar
    provisional = any(
        not calendar.covers(year) for year in range(counted_from.year, max(due, as_of).year + 1)
    )
    return LeadDeadline(step, due, counted_from, days, overdue, major, provisional)
