"""Test helpers shared by every app: factories and base test cases.

In the manner of NetBox's ``utilities/testing``: an app's test declares its
model, how to make one, and its form/API data, and inherits the list, detail,
create, edit, permission, scoping and audit tests.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parkops.accounts.models import ApiToken, Membership, User, hash_token
from parkops.core.models import Alliance, AuditEntry, Industry, Park
from parkops.core.text import pinyin_sort_key
from parkops.enterprises.models import Contact, Enterprise
from parkops.enterprises.uscc import make_uscc
from parkops.promotion.models import PromotionUnit

_sequence = itertools.count(1)
_rng = random.Random(7)
PASSWORD = "Test-password-2026"
# Real GB/T 2260 codes from the shipped list (宿迁市 and its divisions).
REGIONS = ("321300", "321302", "321311", "321322", "321323", "321324")


def unique(prefix: str) -> str:
    return f"{prefix}{next(_sequence)}"


def random_uscc(region: str = "321300") -> str:
    return make_uscc("91" + region + "".join(_rng.choice("0123456789") for _ in range(9)))


def make_park(**fields) -> Park:
    n = next(_sequence)
    defaults = {
        "name": f"测试园区{n}",
        "short_name": f"园{n}",
        "code": f"park{n}",
        "region": "321300",
    }
    data = {**defaults, **fields}
    # The sort key the services keep, so that lists sort factory rows as in production.
    return Park.objects.create(name_pinyin=pinyin_sort_key(data["name"]), **data)


def make_alliance(parks, **fields) -> Alliance:
    name = fields.pop("name", unique("联盟"))
    alliance = Alliance.objects.create(
        name=name, name_pinyin=pinyin_sort_key(name), lead_park=parks[0], **fields
    )
    alliance.members.set(parks)
    return alliance


def make_user(role: str | None = None, *, park=None, alliance=None, **fields) -> User:
    username = fields.pop("username", unique("user"))
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        name_pinyin=pinyin_sort_key(fields.get("full_name") or username),
        **fields,
    )
    if role is not None:
        grant(user, role, park=park, alliance=alliance)
    return user


def sign_in(client, user) -> None:
    """Sign ``user`` in, completing the second factor where their role requires it."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from parkops.accounts.selectors import needs_two_factor

    client.force_login(user)
    if needs_two_factor(user):
        device, _created = TOTPDevice.objects.get_or_create(
            user=user, defaults={"name": "test", "confirmed": True}
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


def grant(user, role: str, *, park=None, alliance=None, unit=None) -> Membership:
    return Membership.objects.create(
        user=user, role=role, park=park, alliance=alliance, promotion_unit=unit
    )


def make_token(user, *, read_only: bool = False) -> str:
    key = ApiToken.generate_key()
    ApiToken.objects.create(
        user=user, name="test", prefix=key[3:11], key_hash=hash_token(key), read_only=read_only
    )
    return key


def make_industry(park, **fields) -> Industry:
    defaults = {"code": unique("IND"), "name": unique("产业"), "level": 1}
    return Industry.objects.create(park=park, **{**defaults, **fields})


def make_enterprise(park, **fields) -> Enterprise:
    from parkops.core.text import pinyin_keys

    name = fields.pop("name", unique("宿迁测试科技") + "有限公司")
    full, initials = pinyin_keys(name)
    defaults = {"uscc": random_uscc(), "name_pinyin": full, "name_initials": initials}
    return Enterprise.objects.create(park=park, name=name, **{**defaults, **fields})


def make_contact(park, **fields) -> Contact:
    enterprise = fields.pop("enterprise", None) or make_enterprise(park)
    defaults = {"name": "张三", "phone": "13812345678"}
    return Contact.objects.create(park=park, enterprise=enterprise, **{**defaults, **fields})


def make_unit(park, **fields) -> PromotionUnit:
    defaults = {"code": unique("U"), "name": unique("招商分局"), "kind": PromotionUnit.Kind.BUREAU}
    data = {**defaults, **fields}
    return PromotionUnit.objects.create(
        park=park, name_pinyin=pinyin_sort_key(data["name"]), **data
    )


def make_override(park, **fields):
    """A calendar override on a fresh day (each call a different date)."""
    import datetime

    from parkops.workdays.models import CalendarOverride

    defaults = {
        # Within the years the calendar keeps (workdays.models.calendar_years).
        "date": datetime.date(2028, 1, 1) + datetime.timedelta(days=next(_sequence) % 1461),
        "kind": CalendarOverride.Kind.HOLIDAY,
        "note": unique("调休说明"),
    }
    return CalendarOverride.objects.create(park=park, **{**defaults, **fields})


def audit_entries(obj=None, **filters):
    queryset = AuditEntry.objects.all()
    if obj is not None:
        queryset = queryset.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    return queryset.filter(**filters)


@dataclass
class Register:
    """What the shared tests need to know about one register (model + its pages/API)."""

    model: type
    make: Callable[[Park], Any]
    reader_role: str
    writer_role: str | None = None
    list_url: str = ""
    detail_url: str = ""
    create_url: str = ""
    edit_url: str = ""
    api_list: str = ""
    api_detail: str = ""
    form_data: Callable[[Park], dict] | None = None
    invalid_form_data: Callable[[Park], dict] | None = None
    api_create: Callable[[Park], dict] | None = None
    api_update: dict = field(default_factory=dict)
    text_of: Callable[[Any], str] = str


class RegisterTestCase(TestCase):
    """Shared tests for a park-scoped register. Subclasses set ``register``.

    Subclass with ``class EnterpriseRegisterTests(WritableRegisterTestCase)`` and
    a ``register = Register(...)``; the base classes themselves collect no tests.
    """

    register: Register
    __test__ = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.__test__ = "register" in cls.__dict__

    @classmethod
    def setUpTestData(cls):
        cls.park_a = make_park()
        cls.park_b = make_park()
        cls.reader = make_user(cls.register.reader_role, park=cls.park_a)
        cls.writer = (
            make_user(cls.register.writer_role, park=cls.park_a)
            if cls.register.writer_role
            else None
        )
        cls.outsider = make_user(cls.register.reader_role, park=cls.park_b)
        cls.nobody = make_user()  # signed in, no role anywhere

    def setUp(self):
        self.own = self.register.make(self.park_a)
        self.foreign = self.register.make(self.park_b)

    # ------------------------------------------------------------------ pages
    def url(self, name, obj=None):
        return reverse(name, args=[obj.pk]) if obj is not None else reverse(name)

    def test_list_shows_own_park_rows_only(self):
        sign_in(self.client, self.reader)
        response = self.client.get(self.url(self.register.list_url))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, self.register.text_of(self.own))
        self.assertNotContains(response, self.register.text_of(self.foreign))

    def test_detail_of_own_park_object_opens(self):
        sign_in(self.client, self.reader)
        response = self.client.get(self.url(self.register.detail_url, self.own))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, self.register.text_of(self.own))

    def test_detail_of_other_park_object_is_404(self):
        sign_in(self.client, self.reader)
        response = self.client.get(self.url(self.register.detail_url, self.foreign))
        self.assertEqual(response.status_code, 404)

    def test_list_without_role_is_403(self):
        sign_in(self.client, self.nobody)
        response = self.client.get(self.url(self.register.list_url))
        self.assertEqual(response.status_code, 403)

    def test_anonymous_is_sent_to_login(self):
        response = self.client.get(self.url(self.register.list_url))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])

    def test_list_query_count_does_not_grow_with_rows(self):
        sign_in(self.client, self.reader)
        url = self.url(self.register.list_url)
        self.client.get(url)  # warm caches (content types, sessions)
        with CaptureQueriesContext(connection) as few:
            self.client.get(url)
        for _ in range(5):
            self.register.make(self.park_a)
        with CaptureQueriesContext(connection) as many:
            self.client.get(url)
        self.assertEqual(len(few), len(many), "list page queries grow with its rows (N+1)")

    # -------------------------------------------------------------------- API
    def api_get(self, path, user, **params):
        token = make_token(user)
        return self.client.get(path, params, HTTP_AUTHORIZATION=f"Bearer {token}")

    def test_api_list_is_scoped_and_paginated(self):
        response = self.api_get(reverse(self.register.api_list), self.reader)
        self.assertEqual(response.status_code, 200)
        body = response.json()
        ids = {item["id"] for item in body["items"]}
        self.assertIn(self.own.pk, ids)
        self.assertNotIn(self.foreign.pk, ids)
        self.assertIn("count", body)

    def test_api_detail_of_other_park_is_404(self):
        response = self.api_get(
            reverse(self.register.api_detail, args=[self.foreign.pk]), self.reader
        )
        self.assertEqual(response.status_code, 404)

    def test_api_without_credentials_is_401(self):
        response = self.client.get(reverse(self.register.api_list))
        self.assertEqual(response.status_code, 401)


class WritableRegisterTestCase(RegisterTestCase):
    """Adds the create and edit page tests. The register's reader role must not
    be allowed to write it, so that the 403 test means something."""

    def test_create_by_writer_creates_in_own_park_and_audits(self):
        sign_in(self.client, self.writer)
        before = self.register.model.objects.unscoped().count()
        response = self.client.post(
            self.url(self.register.create_url), self.register.form_data(self.park_a)
        )
        self.assertEqual(
            response.status_code, 302, response.context and response.context["form"].errors
        )
        created = self.register.model.objects.unscoped().order_by("-pk").first()
        self.assertEqual(self.register.model.objects.unscoped().count(), before + 1)
        self.assertEqual(created.park_id, self.park_a.pk)
        entry = audit_entries(created, action=AuditEntry.Action.CREATE).get()
        self.assertEqual(entry.actor, self.writer)
        self.assertEqual(entry.park_id, self.park_a.pk)

    def test_create_by_reader_without_write_role_is_403(self):
        sign_in(self.client, self.reader)
        response = self.client.get(self.url(self.register.create_url))
        self.assertEqual(response.status_code, 403)

    def test_invalid_form_changes_nothing_and_names_the_field(self):
        sign_in(self.client, self.writer)
        before = AuditEntry.objects.count()
        count = self.register.model.objects.unscoped().count()
        data, field_name = self.register.invalid_form_data(self.park_a)
        response = self.client.post(self.url(self.register.create_url), data)
        self.assertEqual(response.status_code, 200)
        self.assertIn(field_name, response.context["form"].errors)
        self.assertEqual(self.register.model.objects.unscoped().count(), count)
        self.assertEqual(AuditEntry.objects.count(), before)

    def test_edit_by_writer_saves_and_audits_before_and_after(self):
        sign_in(self.client, self.writer)
        data = self.register.form_data(self.park_a)
        response = self.client.post(self.url(self.register.edit_url, self.own), data)
        self.assertEqual(response.status_code, 302)
        entry = audit_entries(self.own, action=AuditEntry.Action.UPDATE).get()
        self.assertIsNotNone(entry.before)
        self.assertIsNotNone(entry.after)
        self.assertNotEqual(entry.before, entry.after)

    def test_edit_of_other_park_object_is_404(self):
        sign_in(self.client, self.writer)
        response = self.client.post(
            self.url(self.register.edit_url, self.foreign), self.register.form_data(self.park_a)
        )
        self.assertEqual(response.status_code, 404)
        # Nothing changed; the attempt itself is on record.
        entries = audit_entries(self.foreign)
        self.assertFalse(entries.exclude(action=AuditEntry.Action.DENIED).exists())
        self.assertTrue(entries.filter(action=AuditEntry.Action.DENIED).exists())


def xlsx_bytes(rows, *, title="数据", hidden_sheet=False, merge=None, extra_sheets=()) -> bytes:
    """A workbook built by code for import tests: ``rows`` on the first sheet."""
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    if merge:
        sheet.merge_cells(merge)
    for name in extra_sheets:
        workbook.create_sheet(name)
    if hidden_sheet:
        workbook.create_sheet("隐藏").sheet_state = "hidden"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
