"""Report-card figures of projects: MECHANISMS.md §1 (储备在谈项目)."""

from __future__ import annotations

import datetime
import functools
from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from parkops.core.figures import (
    Figure,
    FigureResult,
    Kind,
    Section,
    Unit,
    declare,
    list_url,
    yoy_pct,
)
from parkops.projects.models import Stage
from parkops.projects.selectors import (
    count_in_stage_on,
    count_reached,
    first_reached_changes,
    projects_in_stage_on,
    reached_in_q,
)

LIST = "projects:project_list"
MODEL = "projects.Project"


def projects_negotiating(*, parks, period) -> FigureResult:
    """Projects under negotiation as of the period's last day: those whose stage
    on that day, from their events (``selectors.projects_in_stage_on``), was
    NEGOTIATING. The caller (the report card) decided the user may read these
    parks' projects; a figure is the same number whoever asks."""
    last, base = period.last_day, period.comparison.last_day
    found = count_in_stage_on(
        parks=parks, stage=Stage.NEGOTIATING, days={"now": last, "then": base}
    )
    return FigureResult(
        value=Decimal(found["now"]),
        note=gettext_lazy(
            "Projects negotiating on %(last)s: the stage each project was at on that day, "
            "from its dated stage changes (corrections applied)."
        )
        % {"last": last.isoformat()},
        count=found["now"],
        records=lambda: projects_in_stage_on(parks=parks, stage=Stage.NEGOTIATING, on=last),
        url=list_url(LIST, {"negotiating_on": last}, parks=parks),
        comparison_value=Decimal(found["then"]),
        comparison_url=list_url(LIST, {"negotiating_on": base}, parks=parks),
    )


declare(
    Figure(
        key="promotion.projects_negotiating",
        section=Section.PROJECTS,
        label=gettext_lazy("Projects under negotiation"),
        unit=Unit.COUNT,
        counter=pgettext_lazy("measure word", "projects"),
        kind=Kind.AS_OF,
        sentence=gettext_lazy("{value} projects under negotiation in reserve"),
        compute=projects_negotiating,
        model=MODEL,
    )
)


# ------------------------------------------------ delivery: new X in a period
def _reached_ids(parks, stage: str, period) -> tuple[int, ...]:
    """Projects of ``parks`` whose ``stage`` date (the first day they reached it,
    corrections applied) falls in ``period``, China time. Unscoped over
    ``parks``: the caller decided the user may read them."""
    from parkops.projects.boards import ids_reached
    from parkops.projects.selectors import effective_history, stage_event_rows

    history = effective_history(stage_event_rows([getattr(p, "pk", p) for p in parks]))
    return tuple(sorted(ids_reached(history, stage, period.first_day, period.last_day)))


def _reached_url(parks, stage: str, period) -> str:
    params = {
        "reached": stage,
        "reached_after": period.first_day,
        "reached_before": period.last_day,
    }
    return list_url(LIST, params, parks=parks)


def new_in_period_yoy(stage: str, what):
    """``compute`` of "new ``stage`` projects in the period, year on year": the
    number this period against the same period last year, in percent."""

    def compute(*, parks, period) -> FigureResult:
        found = count_reached(
            parks=parks, stage=stage, periods={"now": period, "then": period.comparison}
        )
        current, base = found["now"], found["then"]
        value, reason = yoy_pct(current, base)
        values = {
            "what": what,
            "current": current,
            "base": base,
            "period": period.code,
            "comparison": period.comparison.code,
        }
        if base == 0:
            note = (
                gettext(
                    "%(current)d projects %(what)s in %(period)s and none in %(comparison)s: "
                    "there is no growth rate against zero."
                )
                % values
            )
        else:
            note = (
                gettext(
                    "(%(current)d − %(base)d) ÷ %(base)d × 100: projects %(what)s in "
                    "%(period)s (%(current)d) against %(comparison)s (%(base)d), each counted "
                    "on the day it first reached the stage (corrections applied)."
                )
                % values
            )
        return FigureResult(
            value=value,
            comparison_value=Decimal(base),
            reason=reason,
            note=note,
            count=current,
            records=lambda: _reached_ids(parks, stage, period),
            url=_reached_url(parks, stage, period),
            comparison_url=_reached_url(parks, stage, period.comparison),
        )

    return compute


for _order, (_stage, _key, _what, _label, _up, _down, _flat) in enumerate(
    (
        (
            Stage.READY,
            "projects.ready_new_yoy_pct",
            gettext_lazy("newly ready to start"),
            gettext_lazy("New projects ready to start, year on year"),
            gettext_lazy("New projects ready to start up {value}% year on year"),
            gettext_lazy("New projects ready to start down {value}% year on year"),
            gettext_lazy("New projects ready to start level with the same period last year"),
        ),
        (
            Stage.STARTED,
            "projects.started_new_yoy_pct",
            gettext_lazy("newly started"),
            gettext_lazy("New project starts, year on year"),
            gettext_lazy("New project starts up {value}% year on year"),
            gettext_lazy("New project starts down {value}% year on year"),
            gettext_lazy("New project starts level with the same period last year"),
        ),
        (
            Stage.COMPLETED,
            "projects.completed_new_yoy_pct",
            gettext_lazy("newly completed"),
            gettext_lazy("New project completions, year on year"),
            gettext_lazy("New project completions up {value}% year on year"),
            gettext_lazy("New project completions down {value}% year on year"),
            gettext_lazy("New project completions level with the same period last year"),
        ),
    )
):
    declare(
        Figure(
            key=_key,
            section=Section.PROJECTS,
            label=_label,
            unit=Unit.PERCENT,
            kind=Kind.YOY_PCT,
            sentence=_up,
            sentence_down=_down,
            sentence_flat=_flat,
            compute=new_in_period_yoy(_stage, _what),
            model=MODEL,
            precision=1,
        )
    )


# ---------------------------------------------------------- major projects
def _major_started(parks, period) -> tuple[int, ...]:
    """Major projects (列省/列市) listed for the period's year that started in it."""
    from parkops.projects.selectors import major_project_ids

    listed = major_project_ids(parks=parks, year=period.year)
    return tuple(pk for pk in _reached_ids(parks, Stage.STARTED, period) if pk in listed)


def _major_started_rows(parks, period):
    """The same projects in SQL (``project_id`` of each one's first start), for
    the queries that count them and add up their money."""
    from parkops.projects.models import MajorListing

    park_ids = [getattr(p, "pk", p) for p in parks]
    listed = MajorListing.objects.unscoped().filter(park__in=park_ids, year=period.year)
    return (
        first_reached_changes(park_ids, Stage.STARTED)
        .filter(reached_in_q(period))
        .filter(project_id__in=listed.values("project_id"))
        .values("project_id")
    )


def _major_url(parks, period, *, amounts: bool = False) -> str:
    """The major projects started in the period; with ``amounts``, each with its
    investment from January to the period's last month and its plan for the
    year, totalled: the numbers the money figures add up."""
    params = {
        "major_in": period.year,
        "reached": Stage.STARTED,
        "reached_after": period.first_day,
        "reached_before": period.last_day,
        **({"investment_to": period.last_day} if amounts else {}),
    }
    return list_url(LIST, params, parks=parks)


def major_started(*, parks, period) -> FigureResult:
    """Major projects of the year that started in the period."""
    from parkops.projects.models import Project

    park_ids = [getattr(p, "pk", p) for p in parks]
    found = (
        Project.objects.unscoped()
        .filter(park__in=park_ids)
        .aggregate(
            now=Count("pk", filter=Q(pk__in=_major_started_rows(parks, period))),
            then=Count("pk", filter=Q(pk__in=_major_started_rows(parks, period.comparison))),
        )
    )
    count, base = found["now"], found["then"]
    return FigureResult(
        value=Decimal(count),
        note=gettext(
            "Projects on the provincial or municipal major-project list for %(year)d whose "
            "start date (corrections applied) falls in %(period)s."
        )
        % {"year": period.year, "period": period.code},
        count=count,
        records=lambda: _major_started(parks, period),
        url=_major_url(parks, period),
        comparison_value=Decimal(base),
        comparison_url=_major_url(parks, period.comparison),
    )


def _major_money(parks, period) -> tuple[int, Decimal, Decimal]:
    """How many major projects started in the period, the investment they completed
    from January to the period's last month and their plans for the year: one query."""
    from parkops.projects.models import AnnualPlan, InvestmentEntry, Project

    park_ids = [getattr(p, "pk", p) for p in parks]
    started = Project.objects.unscoped().filter(
        park__in=park_ids, pk__in=_major_started_rows(parks, period)
    )

    def total(rows):
        per_project = (
            rows.filter(park__in=park_ids, project=OuterRef("pk"))
            .order_by()
            .values("project")
            .annotate(total=Sum("amount"))
            .values("total")
        )
        # Typed as the amounts are, so the total reads back as ``Sum("amount")`` does.
        amount = rows.model._meta.get_field("amount")
        typed = DecimalField(max_digits=amount.max_digits, decimal_places=amount.decimal_places)
        return Sum(Coalesce(Subquery(per_project), Value(Decimal(0)), output_field=typed))

    entries = InvestmentEntry.objects.unscoped().filter(
        month__gte=datetime.date(period.year, 1, 1), month__lte=period.last_day
    )
    plans = AnnualPlan.objects.unscoped().filter(year=period.year)
    found = started.aggregate(count=Count("pk"), completed=total(entries), planned=total(plans))
    return (
        found["count"],
        found["completed"] or Decimal(0),
        found["planned"] or Decimal(0),
    )


def major_investment_completed(*, parks, period) -> FigureResult:
    """Investment the major projects started in the period completed from January
    to the period's last month (1–N月累计), in yuan."""
    count, completed, _planned = _major_money(parks, period)
    return FigureResult(
        value=completed,
        note=gettext(
            "Monthly investment entered from %(first)s to %(last)s for the %(count)d major "
            "projects of %(year)d that started in %(period)s."
        )
        % {
            "first": f"{period.year}-01",
            "last": period.last_day.strftime("%Y-%m"),
            "count": count,
            "year": period.year,
            "period": period.code,
        },
        count=count,
        records=lambda: _major_started(parks, period),
        url=_major_url(parks, period, amounts=True),
    )


def major_plan_share(*, parks, period) -> FigureResult:
    """That investment as a share of those projects' annual plans, in percent."""
    count, completed, planned = _major_money(parks, period)
    records = functools.partial(_major_started, parks, period)  # read only if asked for
    values = {
        "completed": completed,
        "planned": planned,
        "count": count,
        "year": period.year,
    }
    if planned == 0:
        return FigureResult(
            value=None,
            reason=gettext("no annual plan was entered for these projects"),
            note=gettext(
                "The %(count)d major projects have no investment plan for %(year)d: there is "
                "no share of a plan of zero."
            )
            % values,
            count=count,
            records=records,
            url=_major_url(parks, period, amounts=True),
        )
    return FigureResult(
        value=completed / planned * 100,
        note=gettext(
            "%(completed)s ÷ %(planned)s yuan × 100: investment completed by the %(count)d "
            "major projects against their %(year)d annual plans."
        )
        % values,
        count=count,
        records=records,
        url=_major_url(parks, period, amounts=True),
    )


declare(
    Figure(
        key="projects.major_started",
        section=Section.PROJECTS,
        label=gettext_lazy("Major projects started"),
        unit=Unit.COUNT,
        counter=pgettext_lazy("measure word", "projects"),
        kind=Kind.COUNTED,
        sentence=gettext_lazy("{value} provincial and municipal major projects started"),
        compute=major_started,
        model=MODEL,
    )
)
declare(
    Figure(
        key="projects.major_investment_completed",
        section=Section.PROJECTS,
        label=gettext_lazy("Investment completed by major projects"),
        unit=Unit.YUAN,
        kind=Kind.AMOUNT,
        sentence=gettext_lazy("Major projects completed {value} of investment"),
        compute=major_investment_completed,
        model=MODEL,
    )
)
declare(
    Figure(
        key="projects.major_plan_share_pct",
        section=Section.PROJECTS,
        label=gettext_lazy("Major projects' investment, share of annual plan"),
        unit=Unit.PERCENT,
        kind=Kind.PLAN_SHARE,
        sentence=gettext_lazy("{value}% of the major projects' annual plan completed"),
        compute=major_plan_share,
        model=MODEL,
        precision=1,
    )
)
