"""Report-card figures of projects: MECHANISMS.md §1 (储备在谈项目)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy, pgettext_lazy

from parkops.core.figures import Figure, FigureResult, Kind, Section, Unit, declare, list_url
from parkops.projects.models import Stage
from parkops.projects.selectors import projects_in_stage_on

LIST = "projects:project_list"
MODEL = "projects.Project"


def projects_negotiating(*, parks, period) -> FigureResult:
    """Projects under negotiation as of the period's last day: those whose stage
    on that day, from their events (``selectors.projects_in_stage_on``), was
    NEGOTIATING. The caller (the report card) decided the user may read these
    parks' projects; a figure is the same number whoever asks."""
    last = period.last_day
    ids = projects_in_stage_on(parks=parks, stage=Stage.NEGOTIATING, on=last)
    return FigureResult(
        value=Decimal(len(ids)),
        note=gettext_lazy(
            "Projects negotiating on %(last)s: the stage each project was at on that day, "
            "from its dated stage changes (corrections applied)."
        )
        % {"last": last.isoformat()},
        record_ids=ids,
        url=list_url(LIST, {"negotiating_on": last}, parks=parks),
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
