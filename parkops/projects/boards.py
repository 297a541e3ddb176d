"""The promotion boards: the pipeline by stage, the units' performance in a
period and the coverage of the industry chains.

Every number is computed from the same reads the lists behind it make (the
project list's ``at_stage``/``as_of``, ``reached`` and ``industry_within``
filters, the visit list's ``unit``, dates, ``first_per`` and
``enterprise_industry``), so a number's link lists exactly the records
counted. Each board reads a fixed number of queries whatever the number of
units, industries or projects: the rows are counted here, not one query each.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parkops.core import permissions
from parkops.core.models import Industry, Park
from parkops.core.periods import Period, PeriodKind, last_finished_half, parse_period
from parkops.core.text import to_wan, today_cst
from parkops.projects.models import LIFECYCLE, Project, Stage
from parkops.projects.selectors import effective_history, own_unit_ids, stage_event_rows, stages_on
from parkops.promotion.models import PromotionUnit, Visit

PROJECTS = "projects:project_list"
VISITS = "promotion:visit_list"


def today() -> datetime.date:
    """Today in China: the pipeline's default day."""
    return today_cst()


def default_period(day: datetime.date | None = None) -> Period:
    """The last finished half year, as the report card: the boards open on the
    half the card reports, not on the one just begun with next to nothing
    counted yet."""
    return last_finished_half(day or today())


def parse_day(text: str | None, *, field: str = "on") -> datetime.date:
    """The day a ``?on=`` names (2023-06-30); a ValidationError naming the field
    and the form otherwise. Without one, today."""
    if not (text or "").strip():
        return today()
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(
            {field: _("“%(value)s” is not a date: write it as 2023-06-30.") % {"value": text}}
        ) from None


def period_from(text: str | None) -> Period:
    """The period a ``?period=`` names (2023-H1 …), the last half year without one;
    a ValidationError saying which forms are accepted otherwise."""
    if not (text or "").strip():
        return default_period()
    return parse_period(text.strip())


def period_choices(chosen: Period, day: datetime.date | None = None) -> list[tuple[int, list]]:
    """The periods offered, by year (newest first, four years): each year's
    whole year, halves and quarters that have begun; the chosen one always."""
    day = day or today()
    groups = []
    for year in range(day.year, day.year - 4, -1):
        periods = [Period(PeriodKind.YEAR, year)]
        periods += [Period(PeriodKind.HALF, year, n) for n in (1, 2)]
        periods += [Period(PeriodKind.QUARTER, year, n) for n in (1, 2, 3, 4)]
        groups.append((year, [p for p in periods if p.first_day <= day]))
    if not any(chosen in periods for _year, periods in groups):
        groups.insert(0, (chosen.year, [chosen]))
    return groups


def link(url_name: str, park: Park, **params) -> str:
    """The list ``url_name`` of ``park`` narrowed by ``params`` (None left out)."""
    query = {"park": park.code}
    for key, value in params.items():
        if value is not None:
            query[key] = value.isoformat() if isinstance(value, datetime.date) else value
    return f"{reverse(url_name)}?{urlencode(query)}"


# ----------------------------------------------------------------- the history
def _history(*, user, park) -> dict:
    """The effective stage changes of ``park``'s projects ``user`` may read."""
    return effective_history(stage_event_rows(user=user).filter(park=park))


def first_reached(history) -> dict[int, dict[str, datetime.date]]:
    """Per project, the day it first reached each stage (corrections applied):
    a project signed, put on hold and resumed counts as signed once, on the
    first day."""
    reached: dict[int, dict[str, datetime.date]] = {}
    for project_id, changes in history.items():
        days = reached.setdefault(project_id, {})
        for on_date, _pk, _from, to_stage in changes:
            days.setdefault(to_stage, on_date)
    return reached


def ids_reached(history, stage: str, first=None, last=None) -> set[int]:
    """The projects that first reached ``stage`` between ``first`` and ``last``
    (inclusive; either may be None: no bound)."""
    ids = set()
    for project_id, days in first_reached(history).items():
        day = days.get(stage)
        if day is None or (first and day < first) or (last and day > last):
            continue
        ids.add(project_id)
    return ids


def project_ids_reached(*, user, stage: str, first=None, last=None) -> set[int]:
    """``ids_reached`` over the projects ``user`` may read (the list's ``reached`` filter)."""
    return ids_reached(effective_history(stage_event_rows(user=user)), stage, first, last)


# ------------------------------------------------------------------ the park
def require(user, park: Park, *models) -> None:
    """A board reads these models of ``park``: refused (403) unless ``user`` may view each there."""
    for model in models:
        permissions.require(user, model, permissions.VIEW, park)


def _tree(nodes) -> list[tuple[object, int]]:
    """``nodes`` (each with ``pk`` and ``parent_id``, in code order) in tree
    order with their depth: each after its parent, children in code order."""
    children: dict[int | None, list] = {}
    ids = {node.pk for node in nodes}
    for node in nodes:
        parent = node.parent_id if node.parent_id in ids else None
        children.setdefault(parent, []).append(node)
    ordered: list[tuple[object, int]] = []

    def walk(parent, depth):
        for node in children.get(parent, []):
            ordered.append((node, depth))
            walk(node.pk, depth + 1)

    walk(None, 0)
    return ordered


def _sum(values) -> Decimal:
    return sum((Decimal(v) for v in values if v is not None), Decimal(0))


# --------------------------------------------------------------- the pipeline
@dataclass
class Count:
    """A number on a board and the list of the records behind it."""

    value: int | Decimal
    url: str


@dataclass
class StageColumn:
    stage: str
    label: str
    count: Count
    planned: Decimal
    signed: Decimal
    top: list = field(default_factory=list)

    @property
    def shows_signed(self) -> bool:
        return self.stage not in (Stage.LEAD, Stage.NEGOTIATING)


@dataclass
class Pipeline:
    park: Park
    on: datetime.date
    columns: list[StageColumn]  # LEAD, NEGOTIATING, SIGNED
    later: list[StageColumn]  # READY … PRODUCING, summarised
    stopped: list[StageColumn]  # ON_HOLD, DROPPED
    total: int


TOP = 3
OPEN_COLUMNS = (Stage.LEAD, Stage.NEGOTIATING, Stage.SIGNED)


def _amount(project) -> Decimal:
    """What a card is ranked by: the signed amount once signed, else the planned investment."""
    if project.signed_amount is not None:
        return project.signed_amount
    return project.planned_investment or Decimal(0)


def pipeline(*, user, park: Park, on: datetime.date) -> Pipeline:
    """``park``'s projects by the stage each was at on ``on`` (the as-of rule,
    corrections applied), as ``user`` may read them. Three queries."""
    require(user, park, Project)
    at = stages_on(_history(user=user, park=park), on)
    # The park's projects, those recorded after ``on`` left out (no stage then).
    projects = {
        project.pk: project
        for project in Project.objects.restrict(user)
        .filter(park=park)
        .select_related("first_contact_unit")
        .order_by("name_pinyin", "name", "pk")
        if project.pk in at
    }

    def column(stage) -> StageColumn:
        rows = [p for pk, p in projects.items() if at.get(pk) == stage]
        top = sorted(rows, key=lambda p: (-_amount(p), p.name_pinyin, p.pk))
        return StageColumn(
            stage=stage,
            label=Stage(stage).label,
            count=Count(len(rows), link(PROJECTS, park, at_stage=stage, as_of=on)),
            planned=_sum(p.planned_investment for p in rows),
            signed=_sum(p.signed_amount for p in rows),
            top=top[:TOP],
        )

    return Pipeline(
        park=park,
        on=on,
        columns=[column(stage) for stage in OPEN_COLUMNS],
        later=[column(stage) for stage in LIFECYCLE if stage not in OPEN_COLUMNS],
        stopped=[column(Stage.ON_HOLD), column(Stage.DROPPED)],
        total=len(projects),
    )


# ------------------------------------------------------- the units' performance
@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    money: bool = False


MEASURES = (
    Measure("visits", gettext_lazy("Visits")),
    Measure("enterprises", gettext_lazy("Enterprises visited")),
    Measure("institutions", gettext_lazy("Institutions engaged")),
    Measure("leads", gettext_lazy("New leads")),
    Measure("negotiating", gettext_lazy("Negotiating at period end")),
    Measure("signed", gettext_lazy("Signed")),
    Measure("signed_amount", gettext_lazy("Signed amount (10,000 yuan)"), money=True),
)
MEASURE_KEYS = tuple(measure.key for measure in MEASURES)


@dataclass
class Row:
    """One row of a board: its subject (a unit, an industry; None for the
    total), its depth in the tree, and a ``Count`` per measure."""

    subject: object
    depth: int
    cells: dict[str, Count]
    own: bool = False
    rank: int | None = None

    measures: tuple = MEASURES

    def items(self) -> list[tuple[Measure, Count]]:
        """Each measure with its number, in the columns' order."""
        return [(measure, self.cells[measure.key]) for measure in self.measures]


@dataclass
class UnitTable:
    park: Park
    period: Period
    rows: list[Row]
    total: Row
    sort: str
    own: list[Row]


def _project_facts(*, user, park, period):
    """What the project measures need: for the projects ``user`` may read in
    ``park``, those that became leads in ``period``, those negotiating at its
    end, those signed in it, and each project's unit, industry and signed amount."""
    history = _history(user=user, park=park)
    first, last = period.first_day, period.last_day
    leads = ids_reached(history, Stage.LEAD, first, last)
    signed = ids_reached(history, Stage.SIGNED, first, last)
    at_end = stages_on(history, last)
    negotiating = {pk for pk, stage in at_end.items() if stage == Stage.NEGOTIATING}
    rows = (
        Project.objects.restrict(user)
        .filter(park=park)
        .values_list("pk", "first_contact_unit_id", "industry_id", "signed_amount")
    )
    projects = {pk: (unit, industry, amount) for pk, unit, industry, amount in rows}
    return projects, leads, negotiating, signed


def _project_cells(ids_of, projects, leads, negotiating, signed, url) -> dict[str, Count]:
    """The project measures of the projects ``ids_of`` selects."""
    chosen = {pk for pk in projects if ids_of(projects[pk])}
    signed_here = chosen & signed
    return {
        "leads": Count(len(chosen & leads), url(reached=Stage.LEAD)),
        "negotiating": Count(len(chosen & negotiating), url(negotiating=True)),
        "signed": Count(len(signed_here), url(reached=Stage.SIGNED)),
        "signed_amount": Count(
            _sum(projects[pk][2] for pk in signed_here), url(reached=Stage.SIGNED)
        ),
    }


def _project_url(park, period, **narrow):
    def url(*, reached=None, negotiating=False):
        if negotiating:
            return link(PROJECTS, park, **narrow, at_stage=Stage.NEGOTIATING, as_of=period.last_day)
        return link(
            PROJECTS,
            park,
            **narrow,
            reached=reached,
            reached_after=period.first_day,
            reached_before=period.last_day,
        )

    return url


def wan(amount: Decimal) -> Decimal:
    """Yuan as 万元, two decimals rounded half up (the table's and the export's
    unit: the same helper as the page's ``tables.wan_yuan``)."""
    return to_wan(amount)


def unit_performance(*, user, park: Park, period: Period, sort: str = "") -> UnitTable:
    """One row per promotion unit of ``park`` (tree order, or ranked by
    ``sort``, a measure key), with its visits, the distinct enterprises and
    institutions it visited, its new leads, its projects negotiating at the
    period's end, signed in the period and their signed amount; projects are
    the first contact unit's (项目首招负责制). A total row for the park (distinct
    parties counted once across units). Six queries."""
    require(user, park, Visit, Project)
    units = list(PromotionUnit.objects.restrict(user).filter(park=park).order_by("code", "pk"))
    visits = list(
        Visit.objects.restrict(user)
        .filter(park=park)
        .filter(period.dates_q("date"))
        .values_list("unit_id", "enterprise_id", "institution_id")
    )
    projects, leads, negotiating, signed = _project_facts(user=user, park=park, period=period)
    mine = own_unit_ids(user, park.pk)
    dates = {"date_after": period.first_day, "date_before": period.last_day}

    def visit_cells(rows, **narrow) -> dict[str, Count]:
        return {
            "visits": Count(len(rows), link(VISITS, park, **narrow, **dates)),
            "enterprises": Count(
                len({e for _u, e, _i in rows if e is not None}),
                link(VISITS, park, **narrow, **dates, first_per="enterprise"),
            ),
            "institutions": Count(
                len({i for _u, _e, i in rows if i is not None}),
                link(VISITS, park, **narrow, **dates, first_per="institution"),
            ),
        }

    by_unit: dict[int, list] = {}
    for row in visits:
        by_unit.setdefault(row[0], []).append(row)
    rows = []
    for unit, depth in _tree(units):
        cells = visit_cells(by_unit.get(unit.pk, []), unit=unit.pk)
        cells |= _project_cells(
            lambda facts, unit=unit: facts[0] == unit.pk,
            projects,
            leads,
            negotiating,
            signed,
            _project_url(park, period, first_contact_unit=unit.pk),
        )
        rows.append(Row(unit, depth, cells, own=unit.pk in mine))
    total_cells = visit_cells(visits)
    total_cells |= _project_cells(
        lambda facts: True, projects, leads, negotiating, signed, _project_url(park, period)
    )
    total = Row(None, 0, total_cells)
    sort = sort if sort in MEASURE_KEYS else ""
    if sort:
        rows.sort(key=lambda row: -row.cells[sort].value)  # stable: ties keep tree order
        rank, previous = 0, None
        for index, row in enumerate(rows, 1):
            if row.cells[sort].value != previous:
                rank, previous = index, row.cells[sort].value
            row.rank = rank
    return UnitTable(
        park=park,
        period=period,
        rows=rows,
        total=total,
        sort=sort,
        own=[row for row in rows if row.own],
    )


def unit_performance_sheet(table: UnitTable) -> tuple[list[str], list[list]]:
    """The table as an export's headers and rows: the same numbers, amounts in 万元."""
    headers = [_("Rank"), _("Promotion unit"), _("Unit code")]
    headers += [str(measure.label) for measure in MEASURES]
    sheet = []
    for row in [*table.rows, table.total]:
        unit = row.subject
        values = [
            row.rank if unit is not None else None,
            unit.name if unit is not None else _("Total"),
            unit.code if unit is not None else "",
        ]
        for measure in MEASURES:
            value = row.cells[measure.key].value
            values.append(wan(value) if measure.money else value)
        sheet.append(values)
    return headers, sheet


# ------------------------------------------------------------ chain coverage
COVERAGE = (
    Measure("targets", gettext_lazy("Targets visited")),
    Measure("leads", gettext_lazy("New leads")),
    Measure("negotiating", gettext_lazy("Negotiating at period end")),
    Measure("signed", gettext_lazy("Signed")),
    Measure("signed_amount", gettext_lazy("Signed amount (10,000 yuan)"), money=True),
)


@dataclass
class Coverage:
    park: Park
    period: Period
    rows: list[Row]


def chain_coverage(*, user, park: Park, period: Period) -> Coverage:
    """One row per node of ``park``'s industry tree (leading industry → chain →
    segment, tree order): the distinct enterprises of that industry or below
    visited in ``period`` (targets visited), and the new leads, the projects
    negotiating at the period's end and those signed in it, of that industry
    or below. Five queries."""
    require(user, park, Visit, Project, Industry)
    industries = list(Industry.objects.restrict(user).filter(park=park).order_by("code", "pk"))
    visited = (
        Visit.objects.restrict(user)
        .filter(park=park, enterprise__isnull=False)
        .filter(period.dates_q("date"))
        .values_list("enterprise_id", "enterprise__industry_id")
    )
    enterprise_industry = dict(visited)
    projects, leads, negotiating, signed = _project_facts(user=user, park=park, period=period)
    parent = {industry.pk: industry.parent_id for industry in industries}

    @functools.cache
    def lineage(industry_id) -> frozenset[int]:
        """The industry and those above it: the rows a record counts in."""
        seen: set[int] = set()
        while industry_id is not None and industry_id not in seen:
            seen.add(industry_id)
            industry_id = parent.get(industry_id)
        return frozenset(seen)

    rows = []
    dates = {"date_after": period.first_day, "date_before": period.last_day}
    for industry, depth in _tree(industries):
        targets = {e for e, i in enterprise_industry.items() if industry.pk in lineage(i)}
        cells = {
            "targets": Count(
                len(targets),
                link(
                    VISITS,
                    park,
                    enterprise_industry=industry.pk,
                    first_per="enterprise",
                    **dates,
                ),
            )
        }
        cells |= _project_cells(
            lambda facts, pk=industry.pk: pk in lineage(facts[1]),
            projects,
            leads,
            negotiating,
            signed,
            _project_url(park, period, industry_within=industry.pk),
        )
        rows.append(Row(industry, depth, cells, measures=COVERAGE))
    return Coverage(park=park, period=period, rows=rows)
