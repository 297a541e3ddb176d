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

# Detail pages shown for the first record in one of these states, the first
# state the small database has a record in (a started project's page has the
# most panels, but a tenth of the data may have none); the full database is
# then shown the first record in the same state.
SAME_SHAPE = {"projects.Project": ({"stage": "started"}, {"stage": "signed"}, {"stage": "lead"})}


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


def _shape(model, in_park, chosen: dict | None) -> dict:
    """The state the detail page's record is chosen in: ``chosen`` (the small
    phase's) if given, else the first of ``SAME_SHAPE`` the park has a record in."""
    if chosen is not None:
        return chosen
    shapes = SAME_SHAPE.get(model._meta.label, ())
    return next((shape for shape in shapes if in_park.filter(**shape).exists()), {})


def count(ctx, shapes: dict | None = None) -> dict[str, tuple[int | None, int, str, dict]]:
    """Per row: (queries of the page, rows of its model in the park, a note, the
    state its record was chosen in). ``shapes``: those the small phase chose."""
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
            shape, same = "", {}
            row = f"queries: {kind} {url_name}"
            if kind == "detail":
                same = _shape(rows_model, in_park, (shapes or {}).get(row))
                first = in_park.filter(**same).order_by("pk").first()
                if first is None:
                    counted[row] = (None, 0, "no record", same)
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
            counted[row] = (len(queries), in_park.count(), note, same)
    return counted


def small(ctx):
    return count(ctx)


def run(ctx, before) -> list[Row]:
    after = count(ctx, shapes={row: found[3] for row, found in before.items()})
    rows = []
    for name in row_names():
        big, big_rows, note, _shape = after.get(name, (None, 0, "not found", {}))
        few, few_rows, few_note, _shape = before.get(name, (None, 0, "not found", {}))
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
