"""One list selector per register: its list page, its API list and its export show
the same rows for the same user and filters, and never another park's.

The registers are found, not listed: every list page (``ObjectListView`` with a
``selector``), every API list route (``add_read_routes``) and every export spec
names its selector. Rows for each come from ``ROWS`` below (with a filter that
keeps some and drops others), or else from the model's test declaration
(``Declaration.make`` in the app's ``testing.py``: one row in each park, no
filter), so a new register is checked from its declaration alone.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from parkops.accounts.exchange import USERS
from parkops.accounts.selectors import user_list
from parkops.api import api
from parkops.core import audit
from parkops.core.exchange import writers
from parkops.core.exchange.registers import AUDIT_LOG
from parkops.core.exchange.spec import all_specs, get_spec
from parkops.core.exports import csv_field
from parkops.core.filters import sets_a_filter
from parkops.core.generic import ObjectListView
from parkops.core.models import AuditEntry, ImportBatch
from parkops.core.permissions import SYSTEM, Role
from parkops.core.selectors import FilterRequest
from parkops.core.testing import (
    declarations,
    grant,
    make_alliance,
    make_industry,
    make_park,
    make_token,
    make_user,
    sign_in,
)
from parkops.enterprises.testing import make_enterprise
from parkops.promotion.testing import make_unit
from parkops.workdays.models import CalendarOverride
from parkops.workdays.testing import make_override

pytestmark = pytest.mark.django_db


# --------------------------------------------------------- the consumers, found
def _list_pages(patterns=None, namespace="") -> dict:
    """selector → URL name of its list page."""
    found = {}
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found.update(_list_pages(pattern.url_patterns, inner))
        elif isinstance(pattern, URLPattern):
            view = getattr(pattern.callback, "view_class", None)
            if isinstance(view, type) and issubclass(view, ObjectListView) and view.selector:
                found[view.selector] = (f"{namespace}{pattern.name}", view)
    return found


def _api_lists() -> dict:
    """selector → URL name of its API list route."""
    found = {}
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                selector = getattr(operation.view_func, "selector", None)
                if selector is not None:
                    found[selector] = f"api:{operation.url_name}"
    return found


PAGES = _list_pages()
API_LISTS = _api_lists()
# The audit log and the users export through the same specs, at their own addresses.
SPECS = {spec.selector: spec for spec in [*all_specs(), AUDIT_LOG, USERS]}
OWN_EXPORT = {
    AUDIT_LOG.selector: "core:auditentry_export_csv",
    USERS.selector: "accounts:user_export_csv",
}
# The account list is a page of its own (not an ObjectListView).
OWN_PAGE = {user_list: "accounts:user_list"}
SELECTORS = sorted(
    set(PAGES) | set(API_LISTS) | set(SPECS) | set(OWN_PAGE), key=lambda s: s.__name__
)


# ------------------------------------------------------------ rows per register
# Each builds, for park A's reader: rows the filters keep, rows they drop, and
# park B's rows that match the filters (which no consumer may show).
def _enterprises(a, b):
    kept = [make_enterprise(a, name="宿迁甲示例有限公司")]
    dropped = [make_enterprise(a, name="宿迁乙示例有限公司")]
    foreign = [make_enterprise(b, name="宿迁甲示例二有限公司")]
    return make_user(Role.PARK_LEADER, park=a), {"q": "甲示例"}, kept, dropped, foreign


def _units(a, b):
    kept = [make_unit(a, name="甲示例分局")]
    dropped = [make_unit(a, name="乙示例分局")]
    foreign = [make_unit(b, name="甲示例二分局")]
    return make_user(Role.PARK_LEADER, park=a), {"q": "甲示例"}, kept, dropped, foreign


def _industries(a, b):
    kept = [make_industry(a, name="甲示例产业")]
    dropped = [make_industry(a, name="乙示例产业")]
    foreign = [make_industry(b, name="甲示例二产业")]
    return make_user(Role.PARK_LEADER, park=a), {"q": "甲示例"}, kept, dropped, foreign


def _parks(a, b):
    other_own = make_park(name="乙示例园区")
    user = make_user(Role.PARK_LEADER, park=a)
    grant(user, Role.PARK_LEADER, park=other_own)
    # Parks are not park data: the active park does not narrow their list.
    return user, {"q": a.name}, [a], [other_own], [b]


def _alliances(a, b):
    kept = [make_alliance([a], name="甲示例联盟")]
    dropped = [make_alliance([a], name="乙示例联盟")]
    foreign = [make_alliance([b], name="甲示例二联盟")]
    user = make_user(Role.ALLIANCE_VIEWER, alliance=kept[0])
    grant(user, Role.ALLIANCE_VIEWER, alliance=dropped[0])
    return user, {"q": "甲示例"}, kept, dropped, foreign


def _batch(park, file_name):
    return ImportBatch.objects.create(
        park=park, register="enterprises", actor=make_user(), file_name=file_name, sha256="0" * 64
    )


def _batches(a, b):
    kept = [_batch(a, "甲示例.xlsx")]
    dropped = [_batch(a, "乙示例.xlsx")]
    foreign = [_batch(b, "甲示例.xlsx")]
    return make_user(Role.PARK_LEADER, park=a), {"file_name": "甲示例"}, kept, dropped, foreign


def _overrides(a, b):
    workday = CalendarOverride.Kind.WORKDAY
    kept = [make_override(a, kind=workday)]
    dropped = [make_override(a, kind=CalendarOverride.Kind.HOLIDAY)]
    foreign = [make_override(b, kind=workday)]
    return make_user(Role.PARK_LEADER, park=a), {"kind": workday}, kept, dropped, foreign


def _stage_changes(a, b):
    """Stage changes only, never the corrections of their dates (kept beside them)."""
    from parkops.projects.models import ProjectEvent, Stage
    from parkops.projects.testing import make_signing_corrected

    kept = [make_signing_corrected(a, ref="XM-A", reason="落款日期")]
    dropped = list(
        ProjectEvent.objects.unscoped().filter(project=kept[0].project).exclude(pk=kept[0].pk)
    )
    foreign = [make_signing_corrected(b, ref="XM-B", reason="落款日期")]
    user = make_user(Role.PROJECT_OFFICER, park=a)
    return user, {"to_stage": Stage.SIGNED}, kept, dropped, foreign


def _entry(action, park, name):
    with transaction.atomic():
        return audit.record(
            actor=SYSTEM,
            action=action,
            object_type="enterprises.enterprise",
            object_repr=name,
            park=park,
        )


def _audit_entries(a, b):
    # The audit log belongs to no park: its reader sees every park's entries.
    created = AuditEntry.Action.CREATE
    kept = [_entry(created, a, "甲示例"), _entry(created, b, "甲示例二")]
    dropped = [_entry(AuditEntry.Action.DELETE, a, "乙示例")]
    filters = {"action": created, "object_type": "enterprises.enterprise"}
    return make_user(Role.AUDIT_ADMIN), filters, kept, dropped, []


def _users(a, b):
    # Accounts belong to no park; the security administrator reviews them all.
    kept = [make_user(Role.PARK_LEADER, park=a, full_name="甲示例")]
    kept.append(make_user(full_name="甲示例二"))
    dropped = [make_user(full_name="乙示例")]
    return make_user(Role.SECURITY_ADMIN), {"q": "甲示例"}, kept, dropped, []


def _declared(selector):
    """Rows from the model's test declaration: one in each park, no filter."""
    declared = declarations_by_model().get(selector.model._meta.label)
    if declared is None or declared.reader_role is None:
        return None

    def rows(a, b):
        user = make_user(declared.reader_role, park=a)
        return user, {}, [declared.make(a)], [], [declared.make(b)]

    return rows


def declarations_by_model() -> dict:
    return {declared.model._meta.label: declared for declared in declarations()}


ROWS = {
    "enterprise_list": _enterprises,
    "promotion_unit_list": _units,
    "industry_list": _industries,
    "park_list": _parks,
    "alliance_list": _alliances,
    "import_batch_list": _batches,
    "calendar_override_list": _overrides,
    "stage_change_list": _stage_changes,
    "audit_entry_list": _audit_entries,
    "user_list": _users,
}


# ---------------------------------------------------------------- the consumers
def _page_ids(client, selector, filters) -> list[int] | None:
    if selector in PAGES:
        response = client.get(reverse(PAGES[selector][0]), filters)
        assert response.status_code == 200
        return sorted(row.record.pk for row in response.context["table"].page.object_list)
    if selector in OWN_PAGE:
        response = client.get(reverse(OWN_PAGE[selector]), filters)
        assert response.status_code == 200
        return sorted(user.pk for user in response.context["users"])
    return None


def _api_ids(client, selector, user, filters) -> list[int] | None:
    if selector not in API_LISTS:
        return None
    token = make_token(user)
    response = client.get(
        reverse(API_LISTS[selector]), filters, HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 200, response.content
    return sorted(item["id"] for item in response.json()["items"])


def _export_url(selector) -> str | None:
    if selector in OWN_EXPORT:
        return reverse(OWN_EXPORT[selector])
    spec = SPECS.get(selector)
    return reverse("exchange:export_csv", args=[spec.key]) if spec else None


def _exported(client, selector, filters) -> list[list[str]] | None:
    url = _export_url(selector)
    if url is None:
        return None
    response = client.get(url, filters)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return sorted(list(csv.reader(io.StringIO(text, newline="")))[1:])


def _export_of(selector, user, objects) -> list[list[str]]:
    """What the export writes for exactly ``objects``, as CSV fields."""
    spec = SPECS[selector]
    queryset = selector(user=user).filter(pk__in=[obj.pk for obj in objects])
    return sorted(
        [csv_field(value) for value in row] for row in writers.export_rows(spec, queryset, user)
    )


# ------------------------------------------------------------------------ tests
def rows_for(selector):
    return ROWS.get(selector.__name__) or _declared(selector)


def test_every_list_selector_has_its_rows_declared():
    assert [s.__name__ for s in SELECTORS if rows_for(s) is None] == []


def test_the_consumers_are_found():
    # A check on the finding itself: every register's list has its three readers.
    names = {selector.__name__ for selector in SELECTORS}
    assert {"enterprise_list", "audit_entry_list", "user_list", "calendar_override_list"} <= names
    assert {s.__name__ for s in PAGES} >= {"enterprise_list", "park_list", "import_batch_list"}
    assert {s.__name__ for s in API_LISTS} >= {"enterprise_list", "calendar_override_list"}


@pytest.mark.parametrize("selector", SELECTORS, ids=lambda selector: selector.__name__)
def test_page_api_and_export_show_the_same_rows(client, selector):
    park_a, park_b = make_park(name="甲示例园区"), make_park(name="甲示例园区二")
    user, filters, kept, dropped, foreign = rows_for(selector)(park_a, park_b)
    sign_in(client, user)
    expected = sorted(obj.pk for obj in kept)
    shown = [
        ids
        for ids in (
            _page_ids(client, selector, filters),
            _api_ids(client, selector, user, filters),
        )
        if ids is not None
    ]
    assert shown, "a selector no page or API reads"
    for ids in shown:
        assert ids == expected
        assert not {obj.pk for obj in dropped + foreign} & set(ids)
    exported = _exported(client, selector, filters)
    if exported is not None:
        assert exported == _export_of(selector, user, kept)
        assert not set(map(tuple, _export_of(selector, user, foreign))) & set(map(tuple, exported))


@pytest.mark.parametrize("selector", SELECTORS, ids=lambda selector: selector.__name__)
def test_a_list_given_none_of_its_filters_is_narrowed_by_no_filter(selector):
    """``scoped_list`` skips the FilterSet when given none of its filters (a
    list opened from the menu, or only sorted or paged): that is right only
    while no filter narrows a list it is given nothing for (a default)."""
    user = make_user(Role.PARK_LEADER, park=make_park())
    manager = selector.model.objects
    everything = manager.unscoped() if hasattr(manager, "unscoped") else manager.all()
    query = {"page": "2", "sort": "-pk", "after": "x", "park": "p1", "card_period": "2025H1"}
    if "park" in selector.filterset_class.base_filters:  # the audit log's own filter
        del query["park"]
    assert not sets_a_filter(selector.filterset_class, query)
    for given in ({}, query):
        filterset = selector.filterset_class(
            given, queryset=everything, request=FilterRequest(user)
        )
        assert filterset.is_valid(), filterset.errors
        assert str(filterset.qs.query) == str(everything.query)


def test_a_filter_named_with_a_suffix_counts_as_given():
    from parkops.promotion.filters import VisitFilterSet

    assert sets_a_filter(VisitFilterSet, {"q": ""})
    assert sets_a_filter(VisitFilterSet, {"date_after": "2025-01-01"})
    assert sets_a_filter(VisitFilterSet, {"staff_0": "1"})  # a widget of several inputs
    assert not sets_a_filter(VisitFilterSet, {"page": "3", "sort": "date"})
    assert not sets_a_filter(VisitFilterSet, None)


def test_a_users_second_park_is_listed_and_exported_when_named():
    """The active park narrows the page and the export alike; ``?park=`` names
    another of the user's parks (the report card's drill-down)."""
    from django.test import Client

    park_a, park_c = make_park(), make_park()
    in_a, in_c = make_enterprise(park_a), make_enterprise(park_c)
    user = make_user(Role.PARK_LEADER, park=park_a)
    grant(user, Role.PARK_LEADER, park=park_c)
    client = Client()
    sign_in(client, user)
    for park, row, other in ((park_a, in_a, in_c), (park_c, in_c, in_a)):
        filters = {"park": park.code}
        assert _page_ids(client, get_spec("enterprises").selector, filters) == [row.pk]
        exported = _exported(client, get_spec("enterprises").selector, filters)
        assert exported == _export_of(get_spec("enterprises").selector, user, [row])
        assert other.name not in str(exported)


def test_filters_that_do_not_validate_show_no_rows_and_the_api_says_why(client):
    park = make_park()
    make_enterprise(park)
    user = make_user(Role.PARK_LEADER, park=park)
    sign_in(client, user)
    selector = get_spec("enterprises").selector
    wrong = {"settled_on_before": "不是日期"}
    assert _page_ids(client, selector, wrong) == []
    # The export, which has no filters beside it to say why, is refused back
    # on the list rather than written empty.
    refused = client.get(_export_url(selector), wrong)
    assert refused.status_code == 302
    assert refused["Location"].startswith(reverse("enterprises:enterprise_list"))
    token = make_token(user)
    response = client.get(reverse(API_LISTS[selector]), wrong, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 422
    assert "settled_on_before" in response.json()["errors"]
