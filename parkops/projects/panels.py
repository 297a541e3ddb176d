"""Panels projects adds to other apps' detail pages (``core.panels``): the
leads a promotion event generated and the projects signed at it, the projects
a visit started and those an
enterprise invests in. Neither promotion nor enterprises import projects; the
panels read through ``selectors.project_list``, in the user's scope, with a
fixed number of queries (two: the rows shown, and their count)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parkops.core import permissions
from parkops.core.panels import DetailPanel, declare_detail_panel
from parkops.projects.models import Project, ProjectVisit
from parkops.projects.selectors import project_history, project_list

SHOWN = 10  # rows on the panel; the list behind the link has them all
TEMPLATE = "projects/panels/projects.html"


def _panel(field: str, title, empty, key: str, add_param: str = "", match=None):
    """A panel listing the projects whose ``field`` is the page's object (or
    that ``match(obj)``, a ``Q``, selects; the list behind the link by the
    filter ``field``); with ``add_param``, a link to record a new lead from it
    (for who may)."""

    def context(request, obj):
        user = request.user
        if not permissions.can(user, Project, permissions.VIEW, obj.park_id):
            return None
        rows = project_list(user=user, park_id=obj.park_id)
        rows = rows.filter(match(obj) if match else Q(**{field: obj.pk}))
        shown = list(rows[:SHOWN])
        count = rows.count()
        query = urlencode({field: obj.pk, "park": obj.park.code})
        add_url = None
        if add_param and permissions.can(user, Project, permissions.ADD, obj.park_id):
            # The record's park: a user of several parks gets its form, not the active park's.
            named = urlencode({add_param: obj.pk, "park": obj.park.code})
            add_url = f"{reverse('projects:project_add')}?{named}"
        return {
            "add_url": add_url,
            "title": title,
            "empty": empty,
            "key": key,
            "projects": shown,
            "count": count,
            "list_url": f"{reverse('projects:project_list')}?{query}",
        }

    return context


declare_detail_panel(
    "promotion.PromotionEvent",
    DetailPanel(
        TEMPLATE,
        _panel(
            "source_event",
            _("Leads generated"),
            _("No lead has this event as its source yet."),
            "event-leads",
            add_param="source_event",
        ),
        order=10,
    ),
)
declare_detail_panel(
    "promotion.PromotionEvent",
    DetailPanel(
        TEMPLATE,
        _panel(
            "signing_event",
            _("Projects signed at this event"),
            _("No project was signed at this event yet."),
            "event-signed",
        ),
        order=11,
    ),
)
declare_detail_panel(
    "promotion.Visit",
    DetailPanel(
        TEMPLATE,
        _panel(
            "visit",
            _("Projects of this visit"),
            _("No project came from this visit or has it linked yet."),
            "visit-projects",
            add_param="source_visit",
            match=lambda visit: (
                Q(source_visit=visit.pk)
                | Q(
                    pk__in=ProjectVisit.objects.unscoped()
                    .filter(park=visit.park_id, visit=visit.pk)
                    .values("project_id")
                )
            ),
        ),
        order=10,
    ),
)
declare_detail_panel(
    "enterprises.Enterprise",
    DetailPanel(
        TEMPLATE,
        _panel(
            "investor",
            _("Projects it invests in"),
            _("No project names this enterprise as its investor."),
            "enterprise-projects",
        ),
        order=10,
    ),
)


def _history(request, obj):
    """The project's change history (变更记录): who changed it or its records,
    and when; for the project's readers (``selectors.project_history``)."""
    if not permissions.can(request.user, Project, permissions.VIEW, obj.park_id):
        return None
    history = project_history(user=request.user, project=obj)
    return {"key": "project-history", "history": history}


declare_detail_panel(
    "projects.Project",
    DetailPanel("projects/panels/history.html", _history, order=90),
)
