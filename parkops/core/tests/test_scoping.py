"""The scoping suite: every page and API operation, one parametrised test each.

A user of park A never sees park B's rows and gets 404 for their ids; an
alliance viewer gets no park rows at all. ``test_every_endpoint_is_covered``
fails when a URL pattern or API operation is added without an entry here (or a
reasoned exemption), so no path escapes the suite.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from parkops.api import api
from parkops.core.models import AuditEntry
from parkops.core.permissions import PARK_ROLES, Role
from parkops.core.testing import (
    grant,
    make_alliance,
    make_contact,
    make_enterprise,
    make_industry,
    make_override,
    make_park,
    make_token,
    make_unit,
    make_user,
    sign_in,
)


@dataclass(frozen=True)
class Endpoint:
    name: str  # URL name; for the API, "api:<operation id>"
    make: Callable  # builds the object in a given park
    kind: str = "detail"  # list | detail | post
    api: bool = False
    method: str = "get"
    park_rows: bool = True  # False for parks and alliances, which are not park data
    text: Callable = str
    args: tuple = ()  # URL arguments before the object id (e.g. the register)
    query: Callable | None = None  # the object named in the query string, not the path


def _self(park):
    return park


def _batch(park):
    from parkops.core.models import ImportBatch

    return ImportBatch.objects.create(
        park=park,
        register="enterprises",
        actor=make_user(),
        file_name=f"{park.code}.xlsx",
        sha256="0" * 64,
    )


def _content(response) -> str:
    """The response as text; an .xlsx download as the text of all its cells."""
    if response.get("Content-Type", "").startswith("text/csv"):
        return b"".join(response.streaming_content).decode("utf-8-sig")
    if response.get("Content-Type", "").startswith("application/vnd.openxml"):
        import io

        from openpyxl import load_workbook

        data = b"".join(response.streaming_content) if response.streaming else response.content
        sheet = load_workbook(io.BytesIO(data)).active
        return " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row)
    return response.content.decode()


def _card_query(park) -> str:
    return f"park={park.code}&period=2023-H1"


def _alliance_of(park):
    return make_alliance([park])


ENDPOINTS = [
    Endpoint("enterprises:enterprise_list", make_enterprise, "list"),
    Endpoint("enterprises:enterprise_detail", make_enterprise),
    Endpoint("enterprises:enterprise_edit", make_enterprise),
    Endpoint("enterprises:contact_create", make_enterprise, "post", method="post"),
    Endpoint("enterprises:contact_phone", make_contact, "post", text=lambda c: c.phone),
    Endpoint("enterprises:contact_anonymise", make_contact, "post", method="post"),
    Endpoint("promotion:unit_list", make_unit, "list"),
    Endpoint("promotion:unit_detail", make_unit),
    Endpoint("promotion:unit_edit", make_unit),
    Endpoint("core:industry_list", make_industry, "list"),
    Endpoint("core:industry_detail", make_industry),
    Endpoint("core:industry_edit", make_industry),
    Endpoint("core:park_list", _self, "list", park_rows=False),
    Endpoint("core:park_detail", _self, park_rows=False),
    Endpoint("core:park_edit", _self, park_rows=False),
    Endpoint("core:alliance_list", _alliance_of, "list", park_rows=False),
    Endpoint("core:alliance_detail", _alliance_of, park_rows=False),
    Endpoint("exchange:export", make_enterprise, "export", args=("enterprises",)),
    Endpoint("exchange:export_csv", make_enterprise, "export", args=("enterprises",)),
    Endpoint("exchange:batch_list", _batch, "list", text=lambda b: b.file_name),
    Endpoint("exchange:batch_detail", _batch, text=lambda b: b.file_name),
    Endpoint("exchange:batch_undo", _batch, "post", method="post"),
    Endpoint("api:enterprise_list", make_enterprise, "list", api=True),
    Endpoint("api:enterprise_detail", make_enterprise, api=True),
    Endpoint("api:enterprise_update", make_enterprise, api=True, method="patch"),
    Endpoint("api:unit_list", make_unit, "list", api=True),
    Endpoint("api:unit_detail", make_unit, api=True),
    Endpoint("api:industry_list", make_industry, "list", api=True),
    Endpoint("api:industry_detail", make_industry, api=True),
    Endpoint("api:park_list", _self, "list", api=True, park_rows=False),
    Endpoint("api:park_detail", _self, api=True, park_rows=False),
    Endpoint("api:alliance_list", _alliance_of, "list", api=True, park_rows=False),
    Endpoint("api:alliance_detail", _alliance_of, api=True, park_rows=False),
    Endpoint("workdays:calendar", make_override, "list", text=lambda o: o.note),
    Endpoint("workdays:override_edit", make_override, text=lambda o: o.note),
    Endpoint("workdays:override_delete", make_override, "post", method="post"),
    Endpoint("api:calendar_override_list", make_override, "list", api=True, text=lambda o: o.note),
    Endpoint("api:calendar_override_detail", make_override, api=True, text=lambda o: o.note),
    Endpoint("api:import_batch_list", _batch, "list", api=True, text=lambda b: b.file_name),
    Endpoint("api:import_batch_detail", _batch, api=True, text=lambda b: b.file_name),
    Endpoint("reports:card", _self, text=lambda p: p.name, query=_card_query),
    Endpoint("api:report_card", _self, api=True, text=lambda p: p.name, query=_card_query),
]

# Paths that expose no park-scoped object by id, each with where it is tested.
EXEMPT = {
    "core:favicon": "public static file",
    "core:home": "counts of the user's own parks only (test_views.HomeTests)",
    "core:park_switch": "accepts only the user's own parks (test_views.ParkSwitchTests)",
    "core:audit_list": "not park data; audit administrators only (test_audit)",
    "core:audit_detail": "not park data; audit administrators only (test_audit)",
    "core:audit_export": "not park data; audit administrators only (test_audit)",
    "core:audit_export_csv": "not park data; audit administrators only (test_audit)",
    "enterprises:enterprise_create": "no id; creates in the active park (register tests)",
    "promotion:unit_create": "no id; creates in the active park (promotion tests)",
    "core:park_create": "no id; system administrator only (test_registers)",
    "core:industry_create": "no id; creates in the active park (core register tests)",
    "accounts:login": "public",
    "accounts:login_verify": "second sign-in step of a pending login (test_security)",
    "accounts:password_change": "the caller's own password (test_security)",
    "accounts:otp_setup": "the caller's own second factor (test_security)",
    "accounts:user_list": "accounts, not park data: administrators only (test_security)",
    "accounts:user_export": "accounts, not park data: administrators only (test_security)",
    "accounts:user_export_csv": "accounts, not park data: administrators only (test_security)",
    "accounts:user_create": "accounts, not park data: administrators only (test_security)",
    "accounts:user_detail": "accounts, not park data: administrators only (test_security)",
    "accounts:user_set_active": "system administrator only (test_security)",
    "accounts:user_password_reset": "system administrator only (test_security)",
    "accounts:membership_grant": "security administrator only (test_security)",
    "accounts:membership_revoke": "security administrator only (test_security)",
    "accounts:session_end": "security administrator only (test_security)",
    "accounts:otp_reset": "security administrator only (test_security)",
    "accounts:lockout_list": "security administrator only (test_security)",
    "accounts:lockout_lift": "security administrator only (test_security)",
    "accounts:logout": "ends the caller's own session",
    "accounts:language_switch": "the caller's own preference",
    "accounts:token_list": "the caller's own tokens (accounts tests)",
    "accounts:token_revoke": "the caller's own tokens (accounts tests)",
    "api:audit_list": "not park data; audit administrators only (test_audit)",
    "api:audit_detail": "not park data; audit administrators only (test_audit)",
    "api:enterprise_create": "no id; park parameter checked (enterprises test_api)",
    "exchange:job_detail": "the uploader's own job only (enterprises test_exchange_jobs)",
    "exchange:job_commit": "the uploader's own job only (enterprises test_exchange_jobs)",
    "exchange:template": "the active park's own choices only (enterprises test_exchange)",
    "exchange:import": "imports into the active park only (enterprises test_exchange)",
    "exchange:import_commit": "the uploader's own held file only (enterprises test_exchange)",
    "exchange:import_cancel": "the uploader's own held file only (enterprises test_exchange)",
    "exchange:import_errors": "the uploader's own held file only (enterprises test_exchange)",
    "api:import_preview": "no id; park parameter checked (enterprises test_exchange_api)",
    "api:import_commit": "the uploader's own held file only (enterprises test_exchange_api)",
    "api:import_batch_undo": "POST on a scoped batch (enterprises test_exchange_api)",
    "api:import_job_detail": "the uploader's own job only (enterprises test_exchange_api)",
    "api:import_job_commit": "the uploader's own job only (enterprises test_exchange_api)",
    "workdays:override_create": "no id; creates in the active park (workdays test_views)",
    "workdays:year_confirm": "no id; acts on the active park only (workdays test_views)",
    "workdays:year_reopen": "no id; acts on the active park only (workdays test_views)",
    "api:calendar_deadline": "the caller's park or national; a park code is checked (test_api)",
    "api:api-root": "API index",
    "api:openapi-json": "public schema",
    "api:openapi-view": "public docs page",
}


def url_names(patterns, namespace="") -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def api_operation_ids() -> set[str]:
    schema = api.get_openapi_schema()
    return {
        f"api:{operation['operationId']}"
        for path in schema["paths"].values()
        for operation in path.values()
    }


def test_every_endpoint_is_covered():
    covered = {endpoint.name for endpoint in ENDPOINTS} | set(EXEMPT)
    static = {name for name in url_names(get_resolver().url_patterns) if name.startswith("api:")}
    exposed = (url_names(get_resolver().url_patterns) - static) | api_operation_ids()
    missing = sorted(exposed - covered)
    assert not missing, f"endpoints missing from the scoping suite: {missing}"
    stale = sorted({e.name for e in ENDPOINTS} - exposed - {n for n in covered if n in static})
    assert not stale, f"scoping suite names endpoints that no longer exist: {stale}"


def _request(client, endpoint: Endpoint, user, obj):
    path = _path(endpoint, obj)
    if endpoint.api:
        token = make_token(user)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        if endpoint.method == "patch":
            return client.patch(path, {}, content_type="application/json", **headers)
        return client.get(path, **headers)
    sign_in(client, user)
    if endpoint.method == "post":
        return client.post(path, {"name": "某人"})
    return client.get(path)


def _path(endpoint: Endpoint, obj):
    if endpoint.query is not None:
        return f"{reverse(endpoint.name)}?{endpoint.query(obj)}"
    if endpoint.kind in ("list", "export"):
        return reverse(endpoint.name, args=endpoint.args)
    if endpoint.api and endpoint.method == "patch":
        return reverse("api:enterprise_detail", args=[obj.pk])
    return reverse(endpoint.name, args=[obj.pk])


@pytest.fixture
def world(db):
    park_a, park_b = make_park(), make_park()
    insider = make_user(Role.PARK_LEADER, park=park_a)
    for role in PARK_ROLES - {Role.PARK_LEADER}:
        grant(insider, role, park=park_a)
    alliance = make_alliance([park_a, park_b])
    viewer = make_user(Role.ALLIANCE_VIEWER, alliance=alliance)
    return {"park_a": park_a, "park_b": park_b, "insider": insider, "viewer": viewer}


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_user_of_park_a_never_reaches_park_b(client, world, endpoint):
    foreign = endpoint.make(world["park_b"])
    response = _request(client, endpoint, world["insider"], foreign)
    if endpoint.kind in ("list", "export"):
        assert response.status_code == 200
        assert endpoint.text(foreign) not in _content(response)
    else:
        assert response.status_code == 404
        # "Every denied attempt is audited" (ROLES.md), though the answer is a 404.
        denied = AuditEntry.objects.filter(action=AuditEntry.Action.DENIED)
        assert denied.filter(actor=world["insider"], object_id=str(foreign.pk)).exists()


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e.park_rows], ids=lambda e: e.name)
def test_alliance_viewer_gets_no_park_rows(client, world, endpoint):
    own = endpoint.make(world["park_a"])
    response = _request(client, endpoint, world["viewer"], own)
    assert response.status_code in (200, 403, 404)
    if response.status_code == 200:
        assert endpoint.text(own) not in _content(response)


@pytest.mark.parametrize(
    "endpoint", [e for e in ENDPOINTS if e.kind != "post"], ids=lambda e: e.name
)
def test_user_of_park_a_reaches_own_rows(client, world, endpoint):
    """The other half of the scoping check: the same request on an own object works."""
    own = endpoint.make(world["park_a"])
    response = _request(client, endpoint, world["insider"], own)
    if endpoint.method == "patch":
        assert response.status_code in (200, 403)  # a leader may read but not edit
        return
    assert response.status_code == 200
    assert endpoint.text(own) in _content(response)
