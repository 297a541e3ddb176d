"""The promotion boards (看板): the pipeline, the units' performance, chain coverage.

Each is a park's page like the report card: the park the link names with
``?park=`` (a park not the user's is a 404, the attempt audited) or the active
park; refused (403) to a role that may not read what the board counts. A period
or day that is not understood is said so on the page, which then shows no numbers.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from parkops.core import generic, permissions
from parkops.core.models import Industry, Park
from parkops.core.text import today_cst
from parkops.projects import boards
from parkops.projects.models import MajorListing, Project
from parkops.promotion.models import Visit


def board_park(request) -> Park:
    """The park ``?park=`` names (404 if not one of the user's, audited), else
    the active park, else the user's first; a user of no park is refused."""
    park_id = generic.list_park_id(request)
    if park_id is None:
        own = sorted(permissions.user_park_ids(request.user))
        if not own:
            permissions.require(request.user, Project, permissions.VIEW)
            raise Http404
        park_id = own[0]
    return Park.objects.get(pk=park_id)


def _context(request, park, **extra) -> dict:
    parks = Park.objects.filter(pk__in=sorted(permissions.user_park_ids(request.user)))
    # The boards that count visits are offered only to those who may read them.
    visit_boards = permissions.can(request.user, Visit, permissions.VIEW, park)
    return {
        "park": park,
        "parks": list(parks.order_by("pk")),
        "visit_boards": visit_boards,
        **extra,
    }


def _error(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@login_required
def pipeline(request):
    """The projects of a park by the stage each was at on a day (today by default)."""
    park = board_park(request)
    boards.require(request.user, park, Project)
    error, board = None, None
    try:
        on = boards.parse_day(request.GET.get("on"))
    except ValidationError as exc:
        error, on = _error(exc), boards.today()
    else:
        board = boards.pipeline(user=request.user, park=park, on=on)
    context = _context(request, park, board=board, on=on, error=error, board_name="pipeline")
    return render(request, "projects/boards/pipeline.html", context)


def _period(request):
    """The request's period and the error, if it was not understood."""
    try:
        return boards.period_from(request.GET.get("period")), None
    except ValidationError as exc:
        return None, _error(exc)


@login_required
def unit_performance(request):
    """A park's promotion units in a period: what each did, ranked by a chosen measure."""
    park = board_park(request)
    boards.require(request.user, park, Visit, Project)
    period, error = _period(request)
    sort = request.GET.get("sort", "")
    table = None
    if period is not None:
        table = boards.unit_performance(user=request.user, park=park, period=period, sort=sort)
    context = _unit_context(request, park, table=table, period=period, error=error)
    return render(request, "projects/boards/unit_performance.html", context)


def _unit_context(request, park, *, table, period, error) -> dict:
    """The unit-performance page's context (the page, and the export's refusal)."""
    period = period or boards.default_period()
    return _context(
        request,
        park,
        table=table,
        measures=boards.MEASURES,
        period=period,
        period_groups=boards.period_choices(period),
        error=error,
        board_name="unit_performance",
    )


@login_required
def unit_performance_export(request):
    """The units' performance table as an .xlsx file: the page's numbers,
    headers in the user's language, the export audited (who, which park and
    period, how many rows)."""
    from parkops.core.exports import list_export  # openpyxl: only when a workbook is written

    park = board_park(request)
    boards.require(request.user, park, Visit, Project)
    period, error = _period(request)
    if period is None:
        context = _unit_context(request, park, table=None, period=None, error=error)
        return render(request, "projects/boards/unit_performance.html", context, status=400)
    sort = request.GET.get("sort", "")
    table = boards.unit_performance(user=request.user, park=park, period=period, sort=sort)
    headers, rows = boards.unit_performance_sheet(table)
    return list_export(
        fmt="xlsx",
        actor=request.user,
        name=f"{_('Unit performance')}-{park.code}-{period.code}-{today_cst():%Y%m%d}",
        sheet_title=f"{_('Unit performance')} {period.code}",
        headers=headers,
        rows=rows,
        what="projects.unit_performance",
        filters={"park": park.code, "period": period.code, **({"sort": sort} if sort else {})},
        widths=[8, 28, 12, *([14] * len(boards.MEASURES))],
        count=len(rows),
    )


@login_required
def chain_coverage(request):
    """A park's industry chains in a period: targets visited, leads, negotiations, signings."""
    park = board_park(request)
    boards.require(request.user, park, Visit, Project, Industry)
    period, error = _period(request)
    coverage = None
    if period is not None:
        coverage = boards.chain_coverage(user=request.user, park=park, period=period)
    context = _context(
        request,
        park,
        coverage=coverage,
        measures=boards.COVERAGE,
        period=period or boards.default_period(),
        period_groups=boards.period_choices(period or boards.default_period()),
        error=error,
        board_name="chain_coverage",
    )
    return render(request, "projects/boards/chain_coverage.html", context)


# ------------------------------------------------ traffic lights (红绿灯)
def _traffic(request, park):
    """The board's day, filters and table, or the error that kept them back."""
    from parkops.projects import traffic_board

    try:
        on = boards.parse_day(request.GET.get("on"))
        filters = traffic_board.clean_filters(request.GET)
    except ValidationError as exc:
        return None, boards.today(), {}, _error(exc)
    table = traffic_board.board(user=request.user, park=park, as_of=on, filters=filters)
    return table, on, filters, None


def _traffic_choices(request, park) -> dict:
    from parkops.accounts.models import User
    from parkops.projects import traffic_board as tb
    from parkops.projects.lights import BOARD_STAGES
    from parkops.promotion.models import PromotionUnit

    user = request.user
    units = PromotionUnit.objects.restrict(user).filter(park=park).order_by("name", "pk")
    officers = (
        User.objects.filter(memberships__park=park, is_active=True)
        .distinct()
        .order_by("name_pinyin", "username")
    )
    return {
        "units": list(units),
        "industries": list(Industry.objects.restrict(user).filter(park=park).order_by("code")),
        "officers": list(officers),
        "stages": [(stage, stage.label) for stage in BOARD_STAGES],
        "major_levels": [*MajorListing.Level.choices, (tb.ANY_MAJOR, _("any major listing"))],
    }


@login_required
def traffic_board(request):
    """项目推进红绿灯进度管理表: a park's projects under delivery, worst first,
    with the rules that fired and since when, and what changed since last week."""
    from parkops.projects import traffic_board as tb

    park = board_park(request)
    tb.require(request.user, park)
    table, on, filters, error = _traffic(request, park)
    context = _context(
        request,
        park,
        table=table,
        on=on,
        filters=filters,
        error=error,
        board_name="traffic",
        query=request.GET.urlencode(),
        **_traffic_choices(request, park),
    )
    return render(request, "projects/boards/traffic.html", context, status=400 if error else 200)


@login_required
def traffic_board_export(request):
    """The board as an .xlsx file in the layout leaders print: a title row, the
    date, the light cells coloured; the export audited."""
    from parkops.core.exports import report_export
    from parkops.projects import traffic_board as tb

    park = board_park(request)
    tb.require(request.user, park)
    table, on, filters, error = _traffic(request, park)
    if error:
        return traffic_board(request)
    headers, rows = tb.sheet(table)
    light_column = headers.index(_("light"))
    fills = {(i, light_column): tb.FILLS[row.light] for i, row in enumerate(table.rows)}
    title = _("Project progress traffic-light table")
    return report_export(
        actor=request.user,
        filename=f"{title}-{park.code}-{on:%Y%m%d}.xlsx",
        title=f"{park.name}{title}",
        subtitle=_("As of %(date)s; exported %(today)s")
        % {"date": on.isoformat(), "today": today_cst().isoformat()},
        headers=headers,
        rows=rows,
        what="projects.traffic_board",
        filters={
            "park": park.code,
            "on": on.isoformat(),
            **{k: v for k, v in filters.items() if v},
        },
        widths=[6, 30, 16, 12, 12, 10, 8, 12, 60, 10],
        fills=fills,
    )


# --------------------------------------------------------- major projects
def _year(text: str | None) -> int:
    """The year a ``?year=`` names (2023), this year without one."""
    if not (text or "").strip():
        return today_cst().year
    value = text.strip()
    if not value.isdigit() or not 2000 <= int(value) <= 2100:
        raise ValidationError(
            {"year": _("“%(value)s” is not a year: write it as 2023.") % {"value": text}}
        )
    return int(value)


@login_required
def major_projects(request):
    """The park's provincial and municipal major projects of a year (列省/列市):
    each with its start, the year's plan, investment completed to the end of a
    month, its share of the plan and its pace (序时进度)."""
    from parkops.projects.models import MajorListing
    from parkops.projects.selectors import default_pace_month, major_projects, major_totals

    park = board_park(request)
    boards.require(request.user, park, MajorListing)
    error, rows, year, month, park_line = None, [], today_cst().year, None, None
    try:
        year = _year(request.GET.get("year"))
        text = (request.GET.get("month") or "").strip()
        month = int(text) if text.isdigit() and 1 <= int(text) <= 12 else default_pace_month(year)
        rows = major_projects(user=request.user, park=park, year=year, month=month)
        park_line = _park_line(request.user, park, year, month)
    except ValidationError as exc:
        error = _error(exc)
    totals = major_totals(rows, month=month) if rows else None
    return render(
        request,
        "projects/major_projects.html",
        _context(
            request,
            park,
            board_name="major_projects",
            error=error,
            rows=rows,
            year=year,
            month=month,
            months=range(1, 13),
            totals=totals,
            park_line=park_line,
        ),
    )


def _park_line(user, park, year: int, month: int) -> dict | None:
    """The board's park line: all the park's projects against the park's own
    plan (``selectors.park_pace``), with the links to the entries summed and to
    the plan (or to set one, for who may); None for who may not read them."""
    from parkops.projects.models import ParkInvestmentPlan
    from parkops.projects.selectors import park_pace

    found = park_pace(user=user, park=park, year=year, month=month)
    if found is None:
        return None
    entries_url = boards.link(
        "projects:investmententry_list",
        park,
        month_after=datetime.date(year, 1, 1),
        month_before=datetime.date(year, month, 1),
    )
    may_add = found.plan is None and permissions.can(
        user, ParkInvestmentPlan, permissions.ADD, park
    )
    return {"found": found, "entries_url": entries_url, "may_add_plan": may_add}
