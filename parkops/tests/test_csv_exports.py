"""Every export also as CSV (issue #11, item 5): UTF-8 with a byte-order mark,
which Excel and WPS on Chinese Windows need to open it as UTF-8, and the same
guard as the workbooks: text a spreadsheet would take for a formula is led by
an apostrophe (OWASP), control characters are dropped."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import transaction
from django.urls import reverse

from parkops.core import audit
from parkops.core.cell_text import QUOTED_PREFIXES
from parkops.core.exchange.spec import all_specs
from parkops.core.exports import csv_field
from parkops.core.models import AuditEntry
from parkops.core.permissions import SYSTEM, Role
from parkops.core.testing import make_park, make_user, sign_in
from parkops.tests.test_workbook_formulas import PAYLOADS, populate

pytestmark = pytest.mark.django_db
BOM = b"\xef\xbb\xbf"


def csv_of(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    data = b"".join(response.streaming_content)
    assert data.startswith(BOM)
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def assert_guarded(rows: list[list[str]], payloads=PAYLOADS) -> None:
    fields = {field for row in rows for field in row}
    for payload in payloads:
        guarded = "'" + payload if payload.startswith(QUOTED_PREFIXES) else payload
        assert guarded in fields, f"{payload!r} is missing or not guarded"
    unguarded = [field for field in fields if field.startswith(QUOTED_PREFIXES)]
    assert unguarded == []


@pytest.mark.parametrize("register", [spec.key for spec in all_specs()])
def test_every_register_exports_as_csv_with_bom_and_guarded_formulas(client, register):
    park = make_park()
    leader = make_user(Role.PARK_LEADER, park=park)
    populate(register, park, leader)
    sign_in(client, leader)
    response = client.get(reverse("exchange:export_csv", args=[register]))
    assert response["Content-Disposition"].endswith(".csv")
    assert_guarded(csv_of(response))


def test_the_audit_log_exports_as_csv(client):
    with transaction.atomic():
        for payload in PAYLOADS:
            audit.record(
                actor=SYSTEM,
                action=AuditEntry.Action.CREATE,
                object_type="enterprises.enterprise",
                object_repr=payload,
            )
    stored = list(AuditEntry.objects.values_list("object_repr", flat=True))
    sign_in(client, make_user(Role.AUDIT_ADMIN))
    rows = csv_of(client.get(reverse("core:auditentry_export_csv")))
    assert_guarded(rows, stored)
    # The export itself is audited, as the .xlsx one is.
    assert AuditEntry.objects.filter(action="export", object_repr__endswith=".csv").exists()


def test_the_user_list_exports_as_csv(client):
    for payload in PAYLOADS:
        make_user(full_name=payload)
    sign_in(client, make_user(Role.SECURITY_ADMIN))
    assert_guarded(csv_of(client.get(reverse("accounts:user_export_csv"))))


def test_the_list_pages_offer_csv_beside_excel(client):
    park = make_park()
    sign_in(client, make_user(Role.PARK_LEADER, park=park))
    page = client.get(reverse("enterprises:enterprise_list")).content.decode()
    assert reverse("exchange:export_csv", args=["enterprises"]) in page
    sign_in(client, make_user(Role.AUDIT_ADMIN))
    assert (
        reverse("core:auditentry_export_csv")
        in client.get(reverse("core:auditentry_list")).content.decode()
    )
    sign_in(client, make_user(Role.SECURITY_ADMIN))
    page = client.get(reverse("accounts:user_list")).content.decode()
    assert reverse("accounts:user_export_csv") in page


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ("=1+2", "'=1+2"),
        ("'=1+2", "''=1+2"),  # its own apostrophe kept: the reader removes one
        ("'普通", "'普通"),
        ("响铃\x07\x00字符", "响铃字符"),
        (None, ""),
        (-5, "-5"),  # a number is no formula
    ],
)
def test_csv_fields(value, field):
    assert csv_field(value) == field
