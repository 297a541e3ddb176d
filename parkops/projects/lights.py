"""Traffic lights (项目推进红绿灯) computed by rules.

``evaluate`` is a pure function: a project's facts (its stage, last recorded
progress, milestones, this year's plan and monthly investment), the park's
rules, its working-day index and a day give the rules that fire, each with its
colour and the day it began to hold. The project's light is the worst of them,
GREEN if none fires. Nothing here reads the database; ``selectors.traffic_facts``
gathers the facts for many projects at once.

The rules (``TrafficRule.Kind``), N being the rule's threshold:
- MILESTONE_DUE: a milestone not reached is due within N working days;
- MILESTONE_OVERDUE: a milestone not reached is more than N working days past
  its planned date (the start and the entry into statistics excepted: they have
  their own rules, counted in months);
- NO_PROGRESS: N months since the latest recorded progress (a progress note, a
  stage change, a milestone reached) of a project under way;
- NOT_STARTED: the start (开工) not reached N months after the end of its
  planned month (N = 0: as soon as the planned month is over);
- STATISTICS_LATE: the entry into statistics (列统入规) not reached N months
  after its planned date;
- INVESTMENT_BEHIND: the investment completed this year N percentage points
  or more behind time-elapsed pace (序时进度, ``selectors.pace``) for an amber
  rule, more than N for a red one, for a project with an annual plan (年度计划,
  not zero) for the year of the day. It is read at the end of the last month
  of that year that has ended, with the monthly investment entered up to and
  including it (on 15 May: January–April against 4/12 of the plan); in
  January no month of the year has ended and the rule is silent. Amber
  inclusive, red exclusive, as the issue states it ("amber when 10–30 points
  behind, red when more than 30"): with the defaults 10 → amber and 30 → red,
  a project less than 10 points behind is green, 10 up to 30 (both included)
  amber, more than 30 red. Since: the first day after the
  earliest month-end of the year from which it has been behind at every
  month-end up to the last (the first day the board could show it).

When a milestone is reached: on its actual date if it has one. The start (开工)
and the entry into statistics (列统入规) are also recorded as project events (a
stage change to STARTED; ``services.project_entered_statistics``), and those
events are the source of truth for them: a STARTED milestone without an actual
date counts as reached on the day the project reached STARTED
(``ProjectFacts.started_on``), an ENTERED_STATISTICS one on the day of the
ENTERED_STATISTICS event (``ProjectFacts.entered_statistics_on``), corrections
applied in both cases. So recording either event silences the milestone's
rules (due, not started, statistics late) without anyone editing the milestone.

The defaults (``TrafficRule.DEFAULTS``, the published sets of MECHANISMS.md):
a milestone due within 10 working days amber, overdue red; no progress for 2
months amber, 3 red; not started in its planned month amber, 3 months later
red; entry into statistics 1 month late amber, 2 red; investment 10 points
or more behind pace amber, more than 30 red. A park that has rules of its own
follows them only (a new kind is added to its rules by the park administrator).
"""

from __future__ import annotations

import bisect
import calendar
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from parkops.projects.deadlines import ONE_DAY, WorkdayIndex
from parkops.projects.models import MilestoneKind, Stage, TrafficLight, TrafficRule
from parkops.projects.selectors import pace_ahead

Kind = TrafficRule.Kind
RANK = {TrafficLight.GREEN: 0, TrafficLight.AMBER: 1, TrafficLight.RED: 2}
# Stages whose projects are on the board: signed, and not yet in production… or
# in production with milestones still open (the entry into statistics).
BOARD_STAGES = (Stage.SIGNED, Stage.READY, Stage.STARTED, Stage.COMPLETED, Stage.PRODUCING)
# Stages under way: a project there is expected to record progress.
UNDER_WAY = frozenset({Stage.SIGNED, Stage.READY, Stage.STARTED, Stage.COMPLETED})
# A rule with N = 0 said without its number ("milestone overdue", not "overdue
# by more than 0 working days"). NO_PROGRESS keeps its number: 0 months is no rule.
ZERO_LABELS = {
    Kind.MILESTONE_DUE: _("milestone due"),
    Kind.MILESTONE_OVERDUE: _("milestone overdue"),
    Kind.NOT_STARTED: _("not started after its planned month"),
    Kind.STATISTICS_LATE: _("entry into statistics late"),
    Kind.INVESTMENT_BEHIND: _("investment behind time-elapsed pace"),
}
# Milestones with rules of their own, counted in months.
# The investment rule reads "N or more" in amber, "more than N" in red.
INVESTMENT_LABELS = {
    TrafficLight.AMBER: _("investment N or more percentage points behind time-elapsed pace"),
    TrafficLight.RED: _("investment more than N percentage points behind time-elapsed pace"),
}
OWN_RULES = {
    MilestoneKind.STARTED: Kind.NOT_STARTED,
    MilestoneKind.ENTERED_STATISTICS: Kind.STATISTICS_LATE,
}


@dataclass(frozen=True)
class Rule:
    kind: str
    threshold: int
    colour: str

    @classmethod
    def of(cls, rule) -> Rule:
        if isinstance(rule, tuple):
            return cls(*rule)
        return cls(rule.kind, rule.threshold, rule.colour)

    @property
    def label(self) -> str:
        if self.threshold == 0 and self.kind in ZERO_LABELS:
            return str(ZERO_LABELS[self.kind])
        text = Kind(self.kind).label
        if self.kind == Kind.INVESTMENT_BEHIND:
            text = INVESTMENT_LABELS[self.colour]
        return str(text).replace("N", str(self.threshold), 1)

    @property
    def inclusive(self) -> bool:
        """Whether exactly N fires: only the amber investment rule's does."""
        return self.kind == Kind.INVESTMENT_BEHIND and self.colour == TrafficLight.AMBER


def default_rules() -> tuple[Rule, ...]:
    return tuple(Rule.of(rule) for rule in TrafficRule.DEFAULTS)


@dataclass(frozen=True)
class MilestoneFacts:
    kind: str
    name: str
    planned_on: datetime.date
    actual_on: datetime.date | None = None


@dataclass(frozen=True)
class InvestmentFacts:
    """A project's annual plan for ``year`` and the investment it completed in
    each month of that year (``monthly[0]`` January), in yuan."""

    year: int
    plan: Decimal
    monthly: tuple[Decimal, ...] = (Decimal(0),) * 12

    def behind_at(self, month: int):
        """Percentage points behind pace at the end of ``month`` (negative:
        ahead), exact; None without a plan."""
        ahead = pace_ahead(completed=sum(self.monthly[:month]), plan=self.plan, month=month)
        return None if ahead is None else -ahead


@dataclass(frozen=True)
class ProjectFacts:
    stage: str
    last_progress_on: datetime.date | None = None
    started_on: datetime.date | None = None  # the day it reached STARTED, if it did
    # The day of its ENTERED_STATISTICS event (列统入规), if recorded.
    entered_statistics_on: datetime.date | None = None
    milestones: tuple[MilestoneFacts, ...] = ()
    investment: InvestmentFacts | None = None  # the plan of the day's year, if any


@dataclass(frozen=True)
class Fired:
    rule: Rule
    since: datetime.date
    subject: str = ""  # the milestone it is about, if any

    @property
    def colour(self) -> str:
        return self.rule.colour

    @property
    def text(self) -> str:
        return f"{self.rule.label}: {self.subject}" if self.subject else self.rule.label


@dataclass
class Result:
    light: str = TrafficLight.GREEN
    fired: list[Fired] = field(default_factory=list)

    @property
    def since(self) -> datetime.date | None:
        """Since when the project has had its light (the earliest of the rules
        giving it), None for green."""
        days = [f.since for f in self.fired if f.colour == self.light]
        return min(days) if days else None

    @property
    def rank(self) -> int:
        return RANK[self.light]


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` ``months`` later, on the last day of the month if it is shorter."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def month_after(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month ``months`` after the end of ``day``'s month."""
    return add_months(day.replace(day=1), months + 1)


def working_days_before(index: WorkdayIndex, day: datetime.date, n: int) -> datetime.date:
    """The first day from which at most ``n`` working days remain up to ``day``
    (counting ``day`` if it is one): the ``n + 1``-th working day before it."""
    index._cover(day - ONE_DAY * (2 * n + 40), day)
    while True:
        upto = bisect.bisect_right(index.days, day)
        if upto - n - 1 >= 0:
            return index.days[upto - n - 1]
        index._cover(index.start - ONE_DAY * 366, day)


def behind_pace_since(
    investment: InvestmentFacts | None,
    threshold: int,
    as_of: datetime.date,
    *,
    inclusive: bool = False,
) -> datetime.date | None:
    """The day from which ``investment`` has been more than ``threshold`` points
    (``threshold`` or more if ``inclusive``) behind pace at every month-end of
    ``as_of``'s year that has ended (the day after the earliest of them), or
    None if it is not behind at the last one."""
    if investment is None or investment.year != as_of.year or not investment.plan:
        return None
    since = None
    for month in range(1, as_of.month):  # the months of the year that have ended
        behind = investment.behind_at(month)
        held = behind >= threshold if inclusive else behind > threshold
        since = (since or month) if held else None
    return month_after(datetime.date(as_of.year, since, 1), 0) if since else None


def reached_on(milestone: MilestoneFacts, facts: ProjectFacts) -> datetime.date | None:
    """The day ``milestone`` was reached: its actual date, or for the start and
    the entry into statistics the day of the project's event saying so."""
    if milestone.actual_on is not None:
        return milestone.actual_on
    if milestone.kind == MilestoneKind.STARTED:
        return facts.started_on
    if milestone.kind == MilestoneKind.ENTERED_STATISTICS:
        return facts.entered_statistics_on
    return None


def _fires(rule: Rule, facts: ProjectFacts, index: WorkdayIndex, as_of) -> list[Fired]:
    found = []
    open_milestones = [m for m in facts.milestones if reached_on(m, facts) is None]
    if rule.kind == Kind.MILESTONE_DUE:
        for m in open_milestones:
            # Due today or later, or past it by no working day yet (a weekend).
            if m.planned_on >= as_of or index.between(m.planned_on, as_of) == 0:
                since = working_days_before(index, m.planned_on, rule.threshold)
                if since <= as_of:
                    found.append(Fired(rule, since, m.name))
    elif rule.kind == Kind.MILESTONE_OVERDUE:
        for m in open_milestones:
            if m.kind in OWN_RULES:
                continue
            if index.between(m.planned_on, as_of) > rule.threshold:
                found.append(Fired(rule, index.add(m.planned_on, rule.threshold + 1), m.name))
    elif rule.kind == Kind.NO_PROGRESS:
        if facts.stage in UNDER_WAY and facts.last_progress_on is not None:
            since = add_months(facts.last_progress_on, rule.threshold)
            if since <= as_of:
                found.append(Fired(rule, since))
    elif rule.kind == Kind.NOT_STARTED:
        for m in open_milestones:
            if m.kind == MilestoneKind.STARTED:
                since = month_after(m.planned_on, rule.threshold)
                if since <= as_of:
                    found.append(Fired(rule, since, m.name))
    elif rule.kind == Kind.STATISTICS_LATE:
        for m in open_milestones:
            if m.kind == MilestoneKind.ENTERED_STATISTICS:
                since = add_months(m.planned_on, rule.threshold)
                if since <= as_of:
                    found.append(Fired(rule, since, m.name))
    elif rule.kind == Kind.INVESTMENT_BEHIND:
        since = behind_pace_since(facts.investment, rule.threshold, as_of, inclusive=rule.inclusive)
        if since is not None:
            found.append(Fired(rule, since))
    return found


def evaluate(facts: ProjectFacts, rules, index: WorkdayIndex, as_of: datetime.date) -> Result:
    """The rules of ``rules`` (enabled ones; ``Rule``, ``TrafficRule`` or
    ``(kind, threshold, colour)``) that fire for ``facts`` on ``as_of``, and the
    worst colour among them (GREEN if none)."""
    fired = []
    for rule in rules:
        if getattr(rule, "enabled", True) is False:
            continue
        fired.extend(_fires(Rule.of(rule), facts, index, as_of))
    fired.sort(key=lambda f: (-RANK[f.colour], f.since, f.rule.kind, f.subject))
    light = fired[0].colour if fired else TrafficLight.GREEN
    return Result(light=light, fired=fired)


def worse(a: str, b: str) -> str:
    return a if RANK[a] >= RANK[b] else b


def monday(day: datetime.date) -> datetime.date:
    return day - ONE_DAY * day.weekday()
