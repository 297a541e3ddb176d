"""The traffic-light board (项目推进红绿灯进度管理表): one table of a park's
projects under delivery, worst first (red, amber, green; then the
longest-standing), each with the rules that fired and since when, and its
light of the latest weekly snapshot before this week, so that a leader sees
what changed colour.

A fixed number of queries whatever the number of projects: the projects, their
events, milestones, plans and monthly investment, the rules, the calendar, the
industries and the snapshots are read once each; the lights are computed in Python
(``lights.evaluate``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils.translation import gettext as _

from parkops.core import permissions
from parkops.core.models import Industry, Park
from parkops.projects import lights, selectors
from parkops.projects.models import (
    MajorListing,
    Milestone,
    Project,
    TrafficLight,
    TrafficSnapshot,
)

FILTERS = ("unit", "industry", "officer", "major", "stage", "light", "changed")
# The ``major`` filter: a level of the as-of year's listings, or any listing.
ANY_MAJOR = "any"


@dataclass
class BoardRow:
    project: Project
    result: lights.Result
    last_week: str | None  # the light of the previous snapshot, if any
    major_level: str | None = None  # its major listing (provincial/municipal) of the year

    @property
    def major_label(self) -> str:
        return str(MajorListing.Level(self.major_level).label) if self.major_level else ""

    @property
    def light(self) -> str:
        return self.result.light

    @property
    def changed(self) -> bool:
        return self.last_week is not None and self.last_week != self.light

    @property
    def worse(self) -> bool:
        return self.changed and lights.RANK[self.light] > lights.RANK[self.last_week]


@dataclass
class Board:
    park: Park
    as_of: datetime.date
    rows: list[BoardRow]
    previous_week: datetime.date | None
    counts: dict[str, int]


def require(user, park) -> None:
    for model in (Project, Milestone):
        permissions.require(user, model, permissions.VIEW, park)


def _int(value, field):
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationError({field: _("Choose one of the list.")}) from None


def clean_filters(data) -> dict:
    """The board's filters from a query string: ids, a major level, a stage, a
    light, ``changed``."""
    found = {
        "unit": _int(data.get("unit"), "unit"),
        "industry": _int(data.get("industry"), "industry"),
        "officer": _int(data.get("officer"), "officer"),
        "major": data.get("major") or None,
        "stage": data.get("stage") or None,
        "light": data.get("light") or None,
        "changed": data.get("changed") in ("1", "true", "on"),
    }
    if found["major"] and found["major"] not in (*MajorListing.Level.values, ANY_MAJOR):
        raise ValidationError({"major": _("Choose one of the list.")})
    if found["stage"] and found["stage"] not in lights.BOARD_STAGES:
        raise ValidationError({"stage": _("Choose one of the list.")})
    if found["light"] and found["light"] not in TrafficLight.values:
        raise ValidationError({"light": _("Choose one of the list.")})
    return found


def _within(industries, root_id) -> set[int]:
    """``root_id`` and the industries below it (a chain and its segments)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent in industries:
        children.setdefault(parent, []).append(pk)
    found, stack = set(), [root_id]
    while stack:
        pk = stack.pop()
        if pk in found:
            continue
        found.add(pk)
        stack.extend(children.get(pk, ()))
    return found


def board(*, user, park: Park, as_of: datetime.date, filters: dict | None = None) -> Board:
    """``park``'s board on ``as_of`` as ``user`` may read it, narrowed by ``filters``."""
    require(user, park)
    filters = filters or {}
    projects = Project.objects.restrict(user, permissions.VIEW).filter(
        park=park, stage__in=lights.BOARD_STAGES
    )
    if filters.get("unit"):
        projects = projects.filter(owner_unit=filters["unit"])
    if filters.get("officer"):
        projects = projects.filter(owner_officer=filters["officer"])
    if filters.get("stage"):
        projects = projects.filter(stage=filters["stage"])
    # The major listings of the as-of year, read once: the filter and the column.
    levels = dict(
        MajorListing.objects.restrict(user)
        .filter(park=park, year=as_of.year)
        .values_list("project_id", "level")
    )
    if filters.get("major"):
        wanted = filters["major"]
        listed = [pk for pk, level in levels.items() if wanted in (ANY_MAJOR, level)]
        projects = projects.filter(pk__in=sorted(listed))
    if filters.get("industry"):
        tree = Industry.objects.restrict(user).filter(park=park).values_list("pk", "parent_id")
        projects = projects.filter(industry__in=sorted(_within(list(tree), filters["industry"])))
    projects = list(
        projects.select_related("owner_unit", "owner_officer", "industry").order_by(
            "name_pinyin", "pk"
        )
    )
    results = selectors.traffic_results(park=park, as_of=as_of, projects=projects)
    this_week = lights.monday(as_of)
    snapshots = TrafficSnapshot.objects.restrict(user, permissions.VIEW).filter(
        park=park, week__lt=this_week
    )
    previous_week = snapshots.aggregate(week=Max("week"))["week"]
    last = {}
    if previous_week is not None:
        last = dict(snapshots.filter(week=previous_week).values_list("project_id", "light"))
    rows = [
        BoardRow(project, result, last.get(project.pk), levels.get(project.pk))
        for project, result in results
    ]
    counts = dict.fromkeys(TrafficLight.values, 0)
    for row in rows:
        counts[row.light] += 1
    if filters.get("light"):
        rows = [row for row in rows if row.light == filters["light"]]
    if filters.get("changed"):
        rows = [row for row in rows if row.changed]
    rows.sort(key=sort_key)
    return Board(park, as_of, rows, previous_week, counts)


def sort_key(row: BoardRow):
    """Worst first; then the longest-standing (the earliest since); then by name."""
    since = row.result.since or datetime.date.max
    return (-row.result.rank, since, row.project.name_pinyin, row.project.pk)


def fired_text(row: BoardRow) -> str:
    return "; ".join(
        _("%(rule)s (since %(date)s)") % {"rule": f.text, "date": f.since.isoformat()}
        for f in row.result.fired
    )


def sheet(table: Board) -> tuple[list[str], list[list]]:
    """The board as the leaders print it: headers and rows (the light in words)."""
    headers = [
        _("No."),
        _("project"),
        _("owner unit"),
        _("owner officer"),
        _("major level"),
        _("stage"),
        _("light"),
        _("since"),
        _("rules fired"),
        _("last week"),
    ]
    rows = []
    for number, row in enumerate(table.rows, 1):
        project = row.project
        since = row.result.since
        rows.append(
            [
                number,
                project.name,
                str(project.owner_unit or ""),
                str(project.owner_officer or ""),
                row.major_label,
                project.get_stage_display(),
                str(TrafficLight(row.light).label),
                since.isoformat() if since else "",
                fired_text(row),
                str(TrafficLight(row.last_week).label) if row.last_week else "",
            ]
        )
    return headers, rows


# The fills of the light cell in the printed table.
FILLS = {TrafficLight.GREEN: "92D050", TrafficLight.AMBER: "FFC000", TrafficLight.RED: "FF0000"}
