"""Queries per page (issue #16): the SQL queries of each list, board and detail
page, on the small phase's database (a tenth of the data) and on the full
one. Goal: identical. A page's query count must not grow with the data.

The pages are found in the URLconf: every ``<model>_list`` page and every
page under ``boards/`` (without parameters), and every ``<model>_detail`` page
of a park-scoped model, shown for the park's first record of that model. Each
is requested twice by the signed-in leader, in process; the second request's
queries are counted.

A detail page whose panels legitimately depend on the record's state is
compared on records of the same shape (``SAME_SHAPE``): a lead's project page
shows the lead-handling panel, a started project's its milestones, lights and
investment instead, so the first project of each database would compare two
different pages. The row's note names the shape.
"""

from __future__ import annotations

from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from parkops.bench.harness import Row, in_process_settings, ratio

NAME = "queries"

# Detail pages shown for the first record in this state at both sizes (see above):
# a started project's page has the most panels.
SAME_SHAPE = {"projects.Project": {"stage": "started"}}


def _walk(patterns, namespace="", route=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}".strip(":") if entry.namespace else namespace
            yield from _walk(entry.url_patterns, inner, route + str(entry.pattern))
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}:{entry.name}".strip(":"), route + str(entry.pattern)


def _model(url_name: str, suffix: str):
    namespace, _sep, name = url_name.rpartition(":")
    try:
        model = apps.get_model(namespace, name.removesuffix(suffix))
    except (LookupError, ValueError):
        return None
    from parkops.core.scoping import ParkScopedModel

    return model if issubclass(model, ParkScopedModel) else None


def pages() -> list[tuple[str, str, object]]:
    """(kind, URL name, model) of every list, board and detail page."""
    found = []
    for url_name, route in sorted(set(_walk(get_resolver().url_patterns))):
        if "<" not in route and url_name.endswith("_list") and _model(url_name, "_list"):
            found.append(("list", url_name, _model(url_name, "_list")))
        elif "<" not in route and "boards/" in route and not url_name.endswith("_export"):
            found.append(("board", url_name, None))
        elif route.endswith("<int:pk>/") and url_name.endswith("_detail"):
            model = _model(url_name, "_detail")
            if model is not None:
                found.append(("detail", url_name, model))
    return found


def row_names() -> list[str]:
    return [f"queries: {kind} {url_name}" for kind, url_name, _model in pages()]


def count(ctx) -> dict[str, tuple[int | None, int, str]]:
    """Per row: (queries of the page, rows of its model in the park, a note)."""
    from django.test import Client

    from parkops.core.testing import sign_in
    from parkops.projects.models import Project

    client = Client()
    sign_in(client, ctx.user)
    counted = {}
    with in_process_settings():
        for kind, url_name, model in pages():
            rows_model = model or Project
            in_park = rows_model.objects.unscoped().filter(park=ctx.park)
            shape = ""
            if kind == "detail":
                same = SAME_SHAPE.get(rows_model._meta.label, {})
                first = in_park.filter(**same).order_by("pk").first()
                if first is None:
                    counted[f"queries: {kind} {url_name}"] = (None, 0, "no record")
                    continue
                shape = ", ".join(f"{field}={value}" for field, value in same.items())
                url = reverse(url_name, args=[first.pk])
            else:
                url = reverse(url_name)
            client.get(url)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            note = "" if response.status_code == 200 else f"answered {response.status_code}"
            note = "; ".join(filter(None, [f"first record with {shape}" if shape else "", note]))
            counted[f"queries: {kind} {url_name}"] = (len(queries), in_park.count(), note)
    return counted


def small(ctx):
    return count(ctx)


def run(ctx, before) -> list[Row]:
    after = count(ctx)
    rows = []
    for name in row_names():
        big, big_rows, note = after.get(name, (None, 0, "not found"))
        few, few_rows, few_note = before.get(name, (None, 0, "not found"))
        notes = [f"{few_rows:,} → {big_rows:,} rows", note]
        notes += [few_note] if few_note != note else []
        met = None if big is None or few is None else big == few
        rows.append(
            Row(
                NAME,
                name,
                big,
                few,
                "queries",
                ratio(big, few),
                "identical",
                met,
                "; ".join(n for n in notes if n),
            )
        )
    return rows
