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
from parkops.core.models import Alliance, AuditEntry, ImportBatch, ImportJob, Industry, Park
from parkops.core.text import pinyin_sort_key

_sequence = itertools.count(1)
_rng = random.Random(7)
PASSWORD = "Test-password-2026"
# Real GB/T 2260 codes from the shipped list (宿迁市 and its divisions).
REGIONS = ("321300", "321302", "321311", "321322", "321323", "321324")


def unique(prefix: str) -> str:
    return f"{prefix}{next(_sequence)}"


def sequence_number() -> int:
    """A number no other factory call of this run has had."""
    return next(_sequence)


def random_digits(count: int) -> str:
    """``count`` digits from the suite's seeded generator (repeatable runs)."""
    return "".join(_rng.choice("0123456789") for _ in range(count))


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


def grant(user, role: str, *, park=None, alliance=None) -> Membership:
    return Membership.objects.create(user=user, role=role, park=park, alliance=alliance)


def make_token(user, *, read_only: bool = False) -> str:
    key = ApiToken.generate_key()
    ApiToken.objects.create(
        user=user, name="test", prefix=key[3:11], key_hash=hash_token(key), read_only=read_only
    )
    return key


def make_industry(park, **fields) -> Industry:
    defaults = {"code": unique("IND"), "name": unique("产业"), "level": 1}
    return Industry.objects.create(park=park, **{**defaults, **fields})


def audit_entries(obj=None, **filters):
    queryset = AuditEntry.objects.all()
    if obj is not None:
        queryset = queryset.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    return queryset.filter(**filters)


def url_name(model, action: str, *, namespace: str | None = None) -> str:
    """``<app>:<model>_<action>``, the name every page of a model has."""
    return f"{namespace or model._meta.app_label}:{model._meta.model_name}_{action}"


def api_name(model, action: str) -> str:
    """``api:<model>_<action>``, the URL name (and operation id) of an API route."""
    return f"api:{model._meta.model_name}_{action}"


@dataclass(frozen=True)
class Endpoint:
    """One page or API operation as the scoping suite requests it. Most are derived
    from a ``Declaration``; an app declares only the ones no model action names."""

    name: str  # URL name; for the API, "api:<operation id>"
    make: Callable  # builds the object in a given park
    kind: str = "detail"  # list | detail | post | export
    api: bool = False
    method: str = "get"  # get | post | patch
    park_rows: bool = True  # False for parks and alliances, which are not park data
    text: Callable = str
    args: tuple = ()  # URL arguments before the object id (e.g. the register)
    query: Callable | None = None  # the object named in the query string, not the path
    data: Callable | None = None  # (park) -> the body of a write
    detail_name: str = ""  # for an API write: the route that names the object
    # (park, user) -> an object ``user`` may act on, where ``make``'s is no one's
    # they could (a batch is undone only by whoever imported it)
    make_own: Callable | None = None

    @property
    def id(self) -> str:
        return "/".join((self.name, *self.args))


@dataclass
class Declaration:
    """What the shared tests need to know about one model: how to make one in a
    park, who reads and writes it, its form and API data. Its URL names follow
    from the model (``<app>:<model>_<action>``, ``api:<model>_<action>``).

    An app declares its models in its ``testing.py`` with ``declare(...)``; the
    scoping suite and the shared test cases find them there.
    """

    model: type
    make: Callable[[Park], Any]
    reader_role: str | None = None
    writer_role: str | None = None
    namespace: str | None = None  # of its page URL names, if not the app label
    form_data: Callable[[Park], dict] | None = None
    invalid_form_data: Callable[[Park], dict] | None = None
    api_create: Callable[[Park], dict] | None = None
    api_update: dict = field(default_factory=dict)
    text_of: Callable[[Any], str] = str
    # Fills a park with rows an export → re-import must leave unchanged (an
    # importable register's round-trip case, parkops/tests/test_exchange_registers.py).
    round_trip: Callable[[Park], None] | None = None
    # Makes in a park the records its rows cannot exist without (a visit's unit
    # and enterprise): the template's example row names them, so that the
    # template imports even into a new park (parkops/tests/test_exchange_usable.py).
    prerequisites: Callable[[Park], None] | None = None
    # (park, text) -> a record another register's reference column offers, its
    # label ("名称 (代码)") holding ``text`` (parkops/tests/test_workbook_formulas.py).
    # Without it, ``make`` with ``text`` as the name and as the looked-up field.
    make_ref: Callable[[Park, str], Any] | None = None
    park_rows: bool = True
    endpoints: tuple[Endpoint, ...] = ()  # its pages no standard action names
    exempt: dict[str, str] = field(default_factory=dict)  # URL name -> where it is tested

    def make_reference(self, park: Park, text: str, ref_field: str = "code"):
        """A record named ``text`` that a reference column looks up by ``ref_field``."""
        if self.make_ref is not None:
            return self.make_ref(park, text)
        # Cut to fit (a credit code's 18 characters): a payload cut still starts as it did.
        max_length = self.model._meta.get_field(ref_field).max_length
        return self.make(park, **{"name": text, ref_field: text[:max_length]})

    def url(self, action: str) -> str:
        return url_name(self.model, action, namespace=self.namespace)

    def api(self, action: str) -> str:
        return api_name(self.model, action)

    # The names the shared test cases use.
    list_url = property(lambda self: self.url("list"))
    detail_url = property(lambda self: self.url("detail"))
    create_url = property(lambda self: self.url("add"))
    edit_url = property(lambda self: self.url("edit"))
    api_list = property(lambda self: self.api("list"))
    api_detail = property(lambda self: self.api("detail"))


_DECLARATIONS: dict[str, Declaration] = {}
_ENDPOINTS: list[Endpoint] = []
_EXEMPT: dict[str, str] = {}
_discovered = False


def declare(declaration: Declaration) -> Declaration:
    """Add a model's test declaration to the registry (one per model)."""
    _DECLARATIONS[declaration.model._meta.label] = declaration
    return declaration


def declare_endpoints(*endpoints: Endpoint, exempt: dict[str, str] | None = None) -> None:
    """Pages of no model (the report card, say) for the scoping suite, and URL
    names it need not request, each with where it is tested instead."""
    _ENDPOINTS.extend(endpoints)
    _EXEMPT.update(exempt or {})


def extra_endpoints() -> list[Endpoint]:
    """The endpoints apps declared by hand: those of no standard action."""
    found = declarations()
    return [*_ENDPOINTS, *(endpoint for d in found for endpoint in d.endpoints)]


def exemptions() -> dict[str, str]:
    found = declarations()
    return {**_EXEMPT, **{name: why for d in found for name, why in d.exempt.items()}}


def declarations() -> list[Declaration]:
    """Every declared model, core's and each app's (from its ``testing.py``)."""
    global _discovered
    if not _discovered:
        from importlib import import_module

        from django.utils.module_loading import module_has_submodule

        from parkops.core.registry import project_apps

        for config in project_apps():
            if module_has_submodule(config.module, "testing"):
                import_module(f"{config.name}.testing")
        _discovered = True
    return list(_DECLARATIONS.values())


def declaration_of(model_label: str) -> Declaration:
    """The declaration of ``app_label.ModelName`` (its factory is ``.make``)."""
    declarations()
    return _DECLARATIONS[model_label]


class RegisterTestCase(TestCase):
    """Shared tests for a park-scoped register. Subclasses set ``declaration``.

    Every declared register gets them from its declaration alone
    (``parkops/tests/test_declared_registers.py``). An app that adds tests of its
    own on the same fixtures subclasses with ``declaration = ENTERPRISE`` and
    ``shared = False``, so that the shared tests do not run twice. A test whose
    data the declaration does not give (no API create, say) is not collected
    rather than skipped.
    """

    declaration: Declaration
    __test__ = False
    shared = True
    # test name -> the declaration field it needs
    needs: dict[str, str] = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.__test__ = "declaration" in cls.__dict__
        if cls.__test__ and not cls.shared:
            for name in dir(cls):
                inherited = name.startswith("test_") and name not in cls.__dict__
                if inherited and getattr(cls, name).__module__ == __name__:
                    setattr(cls, name, None)
        if cls.__test__:
            for test, needed in cls.needs.items():
                if not getattr(cls.declaration, needed):
                    setattr(cls, test, None)  # unittest collects only callables

    @classmethod
    def setUpTestData(cls):
        cls.park_a = make_park()
        cls.park_b = make_park()
        cls.reader = make_user(cls.declaration.reader_role, park=cls.park_a)
        cls.writer = (
            make_user(cls.declaration.writer_role, park=cls.park_a)
            if cls.declaration.writer_role
            else None
        )
        cls.outsider = make_user(cls.declaration.reader_role, park=cls.park_b)
        cls.nobody = make_user()  # signed in, no role anywhere

    def setUp(self):
        self.own = self.declaration.make(self.park_a)
        self.foreign = self.declaration.make(self.park_b)

    # ------------------------------------------------------------------ pages
    def url(self, name, obj=None):
        return reverse(name, args=[obj.pk]) if obj is not None else reverse(name)

    def test_list_shows_own_park_rows_only(self):
        sign_in(self.client, self.reader)
        response = self.client.get(self.url(self.declaration.list_url))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, self.declaration.text_of(self.own))
        self.assertNotContains(response, self.declaration.text_of(self.foreign))

    def test_detail_of_own_park_object_opens(self):
        sign_in(self.client, self.reader)
        response = self.client.get(self.url(self.declaration.detail_url, self.own))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, self.declaration.text_of(self.own))

    def test_detail_of_other_park_object_is_404(self):
        sign_in(self.client, self.reader)
        response = self.client.get(self.url(self.declaration.detail_url, self.foreign))
        self.assertEqual(response.status_code, 404)

    def test_list_without_role_is_403(self):
        sign_in(self.client, self.nobody)
        response = self.client.get(self.url(self.declaration.list_url))
        self.assertEqual(response.status_code, 403)

    def test_detail_without_role_is_404_and_audited(self):
        # Lists say "not for you" (403); one object reads as "doesn't exist".
        sign_in(self.client, self.nobody)
        response = self.client.get(self.url(self.declaration.detail_url, self.own))
        self.assertEqual(response.status_code, 404)
        self.assertTrue(audit_entries(self.own, action=AuditEntry.Action.DENIED).exists())

    def test_anonymous_is_sent_to_login(self):
        response = self.client.get(self.url(self.declaration.list_url))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])

    def test_list_query_count_does_not_grow_with_rows(self):
        sign_in(self.client, self.reader)
        url = self.url(self.declaration.list_url)
        self.client.get(url)  # warm caches (content types, sessions)
        with CaptureQueriesContext(connection) as few:
            self.client.get(url)
        for _ in range(5):
            self.declaration.make(self.park_a)
        with CaptureQueriesContext(connection) as many:
            self.client.get(url)
        self.assertEqual(len(few), len(many), "list page queries grow with its rows (N+1)")

    # -------------------------------------------------------------------- API
    def api_get(self, path, user, **params):
        token = make_token(user)
        return self.client.get(path, params, HTTP_AUTHORIZATION=f"Bearer {token}")

    def test_api_list_is_scoped_and_paginated(self):
        response = self.api_get(reverse(self.declaration.api_list), self.reader)
        self.assertEqual(response.status_code, 200)
        body = response.json()
        ids = {item["id"] for item in body["items"]}
        self.assertIn(self.own.pk, ids)
        self.assertNotIn(self.foreign.pk, ids)
        self.assertIn("count", body)

    def test_api_detail_of_other_park_is_404(self):
        response = self.api_get(
            reverse(self.declaration.api_detail, args=[self.foreign.pk]), self.reader
        )
        self.assertEqual(response.status_code, 404)

    def test_api_list_without_role_is_403_and_detail_404(self):
        self.assertEqual(
            self.api_get(reverse(self.declaration.api_list), self.nobody).status_code, 403
        )
        detail = reverse(self.declaration.api_detail, args=[self.own.pk])
        self.assertEqual(self.api_get(detail, self.nobody).status_code, 404)

    def test_api_without_credentials_is_401(self):
        response = self.client.get(reverse(self.declaration.api_list))
        self.assertEqual(response.status_code, 401)


class WritableRegisterTestCase(RegisterTestCase):
    """Adds the create and edit page tests. The register's reader role must not
    be allowed to write it, so that the 403 test means something."""

    needs = {
        "test_api_create_by_writer_creates_in_own_park_and_audits": "api_create",
        "test_api_create_by_reader_without_write_role_is_403": "api_create",
        "test_api_update_by_writer_saves_and_audits": "api_update",
        "test_api_update_of_other_park_object_is_404": "api_update",
    }

    # -------------------------------------------------------------- API writes
    def api_send(self, method, path, user, data):
        token = make_token(user)
        send = getattr(self.client, method)
        return send(
            path, data, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
        )

    def test_api_create_by_writer_creates_in_own_park_and_audits(self):
        path = reverse(self.declaration.api_list)  # POST on the collection
        response = self.api_send(
            "post", path, self.writer, self.declaration.api_create(self.park_a)
        )
        self.assertEqual(response.status_code, 201, response.content)
        created = self.declaration.model.objects.unscoped().get(pk=response.json()["id"])
        self.assertEqual(created.park_id, self.park_a.pk)
        entry = audit_entries(created, action=AuditEntry.Action.CREATE).get()
        self.assertEqual(entry.actor, self.writer)

    def test_api_create_by_reader_without_write_role_is_403(self):
        count = self.declaration.model.objects.unscoped().count()
        path = f"{reverse(self.declaration.api_list)}?park={self.park_a.pk}"
        response = self.api_send(
            "post", path, self.reader, self.declaration.api_create(self.park_a)
        )
        self.assertEqual(response.status_code, 403, response.content)
        self.assertEqual(self.declaration.model.objects.unscoped().count(), count)

    def test_api_update_by_writer_saves_and_audits(self):
        path = reverse(self.declaration.api_detail, args=[self.own.pk])  # PATCH on the item
        response = self.api_send("patch", path, self.writer, self.declaration.api_update)
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        for key, value in self.declaration.api_update.items():
            self.assertEqual(body[key], value, key)
        entry = audit_entries(self.own, action=AuditEntry.Action.UPDATE).get()
        self.assertEqual(entry.actor, self.writer)

    def test_api_update_of_other_park_object_is_404(self):
        path = reverse(self.declaration.api_detail, args=[self.foreign.pk])
        response = self.api_send("patch", path, self.writer, self.declaration.api_update)
        self.assertEqual(response.status_code, 404)
        self.assertFalse(
            audit_entries(self.foreign).exclude(action=AuditEntry.Action.DENIED).exists()
        )

    def test_create_by_writer_creates_in_own_park_and_audits(self):
        sign_in(self.client, self.writer)
        before = self.declaration.model.objects.unscoped().count()
        response = self.client.post(
            self.url(self.declaration.create_url), self.declaration.form_data(self.park_a)
        )
        self.assertEqual(
            response.status_code, 302, response.context and response.context["form"].errors
        )
        created = self.declaration.model.objects.unscoped().order_by("-pk").first()
        self.assertEqual(self.declaration.model.objects.unscoped().count(), before + 1)
        self.assertEqual(created.park_id, self.park_a.pk)
        entry = audit_entries(created, action=AuditEntry.Action.CREATE).get()
        self.assertEqual(entry.actor, self.writer)
        self.assertEqual(entry.park_id, self.park_a.pk)

    def test_create_by_reader_without_write_role_is_403(self):
        sign_in(self.client, self.reader)
        response = self.client.get(self.url(self.declaration.create_url))
        self.assertEqual(response.status_code, 403)

    def test_invalid_form_changes_nothing_and_names_the_field(self):
        sign_in(self.client, self.writer)
        before = AuditEntry.objects.count()
        count = self.declaration.model.objects.unscoped().count()
        data, field_name = self.declaration.invalid_form_data(self.park_a)
        response = self.client.post(self.url(self.declaration.create_url), data)
        self.assertEqual(response.status_code, 200)
        self.assertIn(field_name, response.context["form"].errors)
        self.assertEqual(self.declaration.model.objects.unscoped().count(), count)
        self.assertEqual(AuditEntry.objects.count(), before)

    def test_edit_by_writer_saves_and_audits_before_and_after(self):
        sign_in(self.client, self.writer)
        data = self.declaration.form_data(self.park_a)
        response = self.client.post(self.url(self.declaration.edit_url, self.own), data)
        self.assertEqual(response.status_code, 302)
        entry = audit_entries(self.own, action=AuditEntry.Action.UPDATE).get()
        self.assertIsNotNone(entry.before)
        self.assertIsNotNone(entry.after)
        self.assertNotEqual(entry.before, entry.after)

    def test_edit_of_other_park_object_is_404(self):
        sign_in(self.client, self.writer)
        response = self.client.post(
            self.url(self.declaration.edit_url, self.foreign),
            self.declaration.form_data(self.park_a),
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


# ---------------------------------------------------------------- core's own
def industry_form(park) -> dict:
    return {"code": "EI-NEW", "name": "人工智能"}


def industry_form_without_name(park) -> tuple[dict, str]:
    return {"code": "EI-NEW", "name": ""}, "name"


def park_itself(park) -> Park:
    return park


def alliance_of(park) -> Alliance:
    return make_alliance([park])


def make_batch(park, actor=None):
    return ImportBatch.objects.create(
        park=park,
        register="industries",
        actor=actor or make_user(),
        file_name=f"{park.code}.xlsx",
        sha256="0" * 64,
    )


def queued_job(
    user, park, register: str, data: bytes, rows: int, *, mode: str, file_name: str = "x.xlsx"
) -> ImportJob:
    """A background preview or commit of ``data`` (``rows`` rows) queued as the
    import page queues one: the upload held, then the job started."""
    from parkops.core.exchange import jobs, services

    token = services.upload_hold(
        data=data, file_name=file_name, user=user, park=park, register=register
    )
    return jobs.job_start(
        token=token,
        actor=user,
        park=park,
        register=register,
        file_name=file_name,
        mode=mode,
        rows=rows,
    )


def running_job(batch, *, mode: str = ImportJob.Mode.COMMIT) -> ImportJob:
    """The background job of ``batch``'s commit (or, ``mode`` "undo", of its
    undo) as a worker that died leaves it: still "running", linked to the batch."""
    return ImportJob.objects.unscoped().create(
        park=batch.park,
        register=batch.register,
        actor=batch.actor,
        token="",
        file_name=batch.file_name,
        mode=mode,
        status=ImportJob.Status.RUNNING,
        batch=batch,
    )


def _file_name(batch) -> str:
    return batch.file_name


def industry_round_trip(park):
    leading = make_industry(park, code="EI", name="电子信息")
    chain = make_industry(park, code="EI-IC", name="集成电路", parent=leading, level=2)
    make_industry(park, code="EI-IC-D", name="芯片设计", parent=chain, level=3)


INDUSTRY = declare(
    Declaration(
        model=Industry,
        make=make_industry,
        reader_role="promotion_officer",
        writer_role="park_admin",
        form_data=industry_form,
        invalid_form_data=industry_form_without_name,
        round_trip=industry_round_trip,
    )
)
declare(
    Declaration(
        model=Park,
        make=park_itself,
        park_rows=False,
        exempt={"core:park_add": "no id; system administrator only (test_registers)"},
    )
)
declare(Declaration(model=Alliance, make=alliance_of, park_rows=False))
declare(
    Declaration(
        model=ImportBatch,
        make=make_batch,
        namespace="exchange",
        text_of=_file_name,
        endpoints=(
            Endpoint(
                "exchange:importbatch_undo",
                make_batch,
                "post",
                method="post",
                make_own=lambda park, user: make_batch(park, actor=user),
            ),
        ),
        exempt={"api:importbatch_undo": "POST on a scoped batch (enterprises test_exchange_api)"},
    )
)
declare_endpoints(
    exempt={
        "core:favicon": "public static file",
        "core:home": "counts of the user's own parks only (test_views.TestHome)",
        "core:park_switch": "accepts only the user's own parks (test_views.TestParkSwitch)",
        "core:picker": "a FilterSet's choices, restricted to the user (test_list_pickers)",
        "core:region_picker": "GB/T 2260 divisions, no park data (test_pickers)",
        "core:auditentry_list": "not park data; audit administrators only (test_audit)",
        "core:auditentry_detail": "not park data; audit administrators only (test_audit)",
        "core:auditentry_export": "not park data; audit administrators only (test_audit)",
        "core:auditentry_export_csv": "not park data; audit administrators only (test_audit)",
        "api:auditentry_list": "not park data; audit administrators only (test_audit)",
        "api:auditentry_detail": "not park data; audit administrators only (test_audit)",
        "exchange:importjob_detail": "the uploader's own job only (test_exchange_jobs)",
        "exchange:importjob_commit": "the uploader's own job only (test_exchange_jobs)",
        "api:importjob_detail": "the uploader's own job only (test_exchange_jobs)",
        "api:importjob_commit": "the uploader's own job only (test_exchange_jobs)",
        "exchange:template": "the active park's own choices only (test_exchange)",
        "exchange:import": "imports into the active park only (test_exchange)",
        "exchange:import_commit": "the uploader's own held file only (test_exchange)",
        "exchange:import_cancel": "the uploader's own held file only (test_exchange)",
        "exchange:import_errors": "the uploader's own held file only (test_exchange)",
        "api:import_preview": "no id; park parameter checked (test_exchange_api)",
        "api:import_commit": "the uploader's own held file only (test_exchange_api)",
        "api:api-root": "API index",
        "api:openapi-json": "public schema",
        "api:openapi-view": "public docs page",
    }
)
