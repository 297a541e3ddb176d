"""The scoping suite: every page and API operation, one parametrised test each.

A user of park A never sees park B's rows and gets 404 for their ids; an
alliance viewer gets no park rows at all. One status per kind of endpoint:

- a list or an export answers 200 with the user's own rows only, or 403 when
  the user may view the model in no park at all;
- an object outside the user's scope (detail, edit, API detail and write, a
  POST on it) is a 404, "not yours" reading as "doesn't exist", whether the
  user may view the model in another park or nowhere; the attempt is audited;
- the user's own object opens (200), and a POST on it redirects (302) and is
  audited;
- an add route (no id) of a declared register with a writer: the API's
  ``?park=`` of another park is refused (403, nothing created, audited) and the
  page creates in the writer's active park only.

``test_every_endpoint_is_covered``
fails when a URL pattern or API operation is added without an entry here (or a
reasoned exemption), so no path escapes the suite.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from parkops.api import api
from parkops.core.exchange.spec import all_specs
from parkops.core.models import AuditEntry
from parkops.core.permissions import PARK_ROLES, Role
from parkops.core.selectors import is_park_scoped
from parkops.core.testing import (
    Declaration,
    Endpoint,
    audit_entries,
    declarations,
    exemptions,
    extra_endpoints,
    grant,
    make_alliance,
    make_park,
    make_token,
    make_user,
    sign_in,
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


# A model's standard actions: (action, kind, method) for pages and for the API.
PAGE_ACTIONS = (
    ("list", "list", "get"),
    ("detail", "detail", "get"),
    ("edit", "detail", "get"),
    ("delete", "post", "post"),
)
API_ACTIONS = (("list", "list", "get"), ("detail", "detail", "get"), ("edit", "detail", "patch"))


def derived_endpoints(exposed: set[str]) -> list[Endpoint]:
    """Every endpoint a declared model's URL names give (``<app>:<model>_<action>``,
    ``api:<model>_<action>``), its register's exports, and those declared by hand."""
    endpoints = []
    declared = {d.model: d for d in declarations()}
    for d in declared.values():
        same = {"make": d.make, "text": d.text_of, "park_rows": d.park_rows}
        for action, kind, method in PAGE_ACTIONS:
            if d.url(action) in exposed:
                endpoints.append(Endpoint(d.url(action), kind=kind, method=method, **same))
        for action, kind, method in API_ACTIONS:
            if d.api(action) in exposed:
                write = {"data": lambda park, d=d: d.api_update, "detail_name": d.api("detail")}
                extra = write if method == "patch" else {}
                endpoints.append(
                    Endpoint(d.api(action), kind=kind, api=True, method=method, **same, **extra)
                )
    for spec in all_specs():
        d = declared.get(spec.model)
        if d is not None and is_park_scoped(spec.model):
            for name in ("exchange:export", "exchange:export_csv"):
                endpoints.append(Endpoint(name, d.make, "export", text=d.text_of, args=(spec.key,)))
    return endpoints + extra_endpoints()


@dataclass(frozen=True)
class AddCheck:
    """An add route (``<app>:<model>_add`` or ``api:<model>_add``): no id to scope
    by, so what is checked is the park the new record goes into."""

    name: str
    declaration: Declaration
    api: bool

    @property
    def id(self) -> str:
        return self.name


def derived_add_checks(exposed: set[str]) -> list[AddCheck]:
    """The add routes of every declared register someone writes and whose
    declaration says what its form (``form_data``) or API (``api_create``) sends,
    unless the declaration exempts the route with where it is tested instead."""
    checks, exempt = [], exemptions()
    for d in declarations():
        if d.writer_role is None or not d.park_rows:
            continue
        if d.form_data is not None and d.url("add") in exposed and d.url("add") not in exempt:
            checks.append(AddCheck(d.url("add"), d, api=False))
        if d.api_create is not None and d.api("add") in exposed and d.api("add") not in exempt:
            checks.append(AddCheck(d.api("add"), d, api=True))
    return checks


def url_names(patterns, namespace="") -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            # A pattern without a name can be neither derived nor declared: it
            # shows up as uncovered until it is named.
            names.add(f"{namespace}{pattern.name or f'<unnamed {pattern.pattern}>'}")
    return names


def api_operation_ids() -> set[str]:
    schema = api.get_openapi_schema()
    return {
        f"api:{operation['operationId']}"
        for path in schema["paths"].values()
        for operation in path.values()
    }


def exposed_endpoints() -> set[str]:
    """Every page URL name and API operation id the project serves."""
    names = url_names(get_resolver().url_patterns)
    return {name for name in names if not name.startswith("api:")} | api_operation_ids()


def uncovered(endpoints, exempt, exposed) -> list[str]:
    return sorted(exposed - {endpoint.name for endpoint in endpoints} - set(exempt))


EXPOSED = exposed_endpoints()
ENDPOINTS = derived_endpoints(EXPOSED)
ADD_CHECKS = derived_add_checks(EXPOSED)
EXEMPT = exemptions()


def test_every_endpoint_is_covered():
    requested = [*ENDPOINTS, *ADD_CHECKS]
    missing = uncovered(requested, EXEMPT, EXPOSED)
    assert not missing, f"endpoints missing from the scoping suite: {missing}"
    stale = sorted({e.name for e in requested} - EXPOSED)
    assert not stale, f"scoping suite names endpoints that no longer exist: {stale}"
    assert not sorted(set(EXEMPT) & {e.name for e in requested}), "both exempt and requested"


def test_an_add_route_without_form_data_counts_as_uncovered():
    """Only a declaration that says what its form sends derives its add check."""
    checked = {check.name for check in ADD_CHECKS}
    exposed = {"things:thing_add", *checked}
    assert uncovered([*ENDPOINTS, *ADD_CHECKS], {}, exposed) == ["things:thing_add"]


def test_an_unnamed_url_counts_as_uncovered():
    from django.http import HttpResponse
    from django.urls import include, path

    def view(request, pk):
        return HttpResponse()

    patterns = [path("things/", include(([path("<int:pk>/archive/", view)], "things")))]
    exposed = url_names(patterns)
    assert exposed == {"things:<unnamed <int:pk>/archive/>"}
    assert uncovered(ENDPOINTS, EXEMPT, exposed) == sorted(exposed)


def _request(client, endpoint: Endpoint, user, obj):
    path = _path(endpoint, obj)
    if endpoint.api:
        token = make_token(user)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        if endpoint.method == "patch":
            body = endpoint.data(obj.park) if endpoint.data else {}
            return client.patch(path, body, content_type="application/json", **headers)
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
    if endpoint.detail_name:  # an API write goes to the object's own route
        return reverse(endpoint.detail_name, args=[obj.pk])
    return reverse(endpoint.name, args=[obj.pk])


@pytest.fixture
def world(db):
    park_a, park_b = make_park(), make_park()
    insider = make_user(Role.PARK_LEADER, park=park_a)
    for role in PARK_ROLES - {Role.PARK_LEADER}:
        grant(insider, role, park=park_a)
    # Personal numbers need this on top of the role (ROLES.md): revealing a
    # contact's phone is then one of the insider's own-row actions.
    insider.memberships.filter(role=Role.SERVICE_OFFICER).update(can_view_personal_data=True)
    alliance = make_alliance([park_a, park_b])
    viewer = make_user(Role.ALLIANCE_VIEWER, alliance=alliance)
    return {"park_a": park_a, "park_b": park_b, "insider": insider, "viewer": viewer}


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.id)
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


def _denied(user, obj=None):
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.DENIED, actor=user)
    return entries.filter(object_id=str(obj.pk)) if obj is not None else entries


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e.park_rows], ids=lambda e: e.id)
def test_alliance_viewer_gets_no_park_rows(client, world, endpoint):
    """ROLES.md: alliance viewers see consolidated totals, never a park's rows.
    They may view no park register, so its lists and exports are a 403 and each
    of its objects, even of a member park, a 404; both attempts are audited."""
    own = endpoint.make(world["park_a"])
    response = _request(client, endpoint, world["viewer"], own)
    if endpoint.kind in ("list", "export"):
        assert response.status_code == 403
        assert _denied(world["viewer"]).exists()
    else:
        assert response.status_code == 404
        assert _denied(world["viewer"], own).exists()


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e.kind != "post"], ids=lambda e: e.id)
def test_user_of_park_a_reaches_own_rows(client, world, endpoint):
    """The other half of the scoping check: the same request on an own object works."""
    own = endpoint.make(world["park_a"])
    response = _request(client, endpoint, world["insider"], own)
    assert response.status_code == 200
    if endpoint.method == "patch":  # the write took: the object says what was sent
        sent = endpoint.data(own.park)
        assert sent, f"{endpoint.id}: declare api_update so the write changes something"
        assert {key: response.json()[key] for key in sent} == sent
        return
    assert endpoint.text(own) in _content(response)


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e.kind == "post"], ids=lambda e: e.id)
def test_user_of_park_a_acts_on_own_rows_and_is_audited(client, world, endpoint):
    """The other half of the 404 for park B's object: on an own object the action
    is done (a page POST redirects, a GET answers) and on record in park A."""
    insider, park_a = world["insider"], world["park_a"]
    make_own = endpoint.make_own or (lambda park, user: endpoint.make(park))
    own = make_own(park_a, insider)
    before = AuditEntry.objects.count()
    response = _request(client, endpoint, insider, own)
    assert response.status_code == (302 if endpoint.method == "post" else 200)
    recorded = list(AuditEntry.objects.order_by("pk")[before:])
    assert recorded, f"{endpoint.id}: the action left no audit entry"
    assert {(e.actor_id, e.park_id, e.action) for e in recorded} <= {
        (insider.pk, park_a.pk, action)
        for action in AuditEntry.Action
        if action != AuditEntry.Action.DENIED
    }


def _api_post(client, user, path, body):
    token = make_token(user)
    return client.post(
        path, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )


@pytest.mark.parametrize("check", [c for c in ADD_CHECKS if c.api], ids=lambda c: c.id)
def test_api_add_into_another_park_is_refused_and_audited(client, db, check):
    """A writer of park A naming park B (``?park=``) creates nothing there: 403,
    audited; the same request naming park A creates in park A."""
    d = check.declaration
    park_a, park_b = make_park(), make_park()
    writer = make_user(d.writer_role, park=park_a)
    collection = reverse(d.api_list)  # POST on the collection
    body = d.api_create(park_b)
    before = d.model.objects.unscoped().count()
    response = _api_post(client, writer, f"{collection}?park={park_b.pk}", body)
    assert response.status_code == 403, response.content
    assert d.model.objects.unscoped().count() == before
    assert AuditEntry.objects.filter(action=AuditEntry.Action.DENIED, actor=writer).exists()

    response = _api_post(client, writer, f"{collection}?park={park_a.pk}", d.api_create(park_a))
    assert response.status_code == 201, response.content
    created = d.model.objects.unscoped().get(pk=response.json()["id"])
    assert created.park_id == park_a.pk
    assert not d.model.objects.unscoped().filter(park=park_b).exists()


@pytest.mark.parametrize("check", [c for c in ADD_CHECKS if not c.api], ids=lambda c: c.id)
def test_page_add_creates_in_the_active_park_only(client, db, check):
    """A writer of two parks, working in the second, adds into it and nowhere
    else, whatever park the query string names; the creation is on record there."""
    from parkops.accounts.middleware import ACTIVE_PARK_SESSION_KEY

    d = check.declaration
    other, active = make_park(), make_park()  # the active park is not the first
    writer = make_user(d.writer_role, park=other)
    grant(writer, d.writer_role, park=active)
    data = d.form_data(active)
    in_other = d.model.objects.unscoped().filter(park=other).count()
    before = d.model.objects.unscoped().count()
    sign_in(client, writer)
    session = client.session
    session[ACTIVE_PARK_SESSION_KEY] = active.pk
    session.save()
    response = client.post(f"{reverse(d.create_url)}?park={other.pk}", data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    assert d.model.objects.unscoped().count() == before + 1
    created = d.model.objects.unscoped().order_by("-pk").first()
    assert created.park_id == active.pk
    assert d.model.objects.unscoped().filter(park=other).count() == in_other
    entry = audit_entries(created, action=AuditEntry.Action.CREATE).get()
    assert (entry.actor_id, entry.park_id) == (writer.pk, active.pk)
