"""Formula injection (issue #8): whatever a user typed or uploaded comes back in
every workbook ParkOps writes as plain text, never as a live formula.

Each workbook is read back with openpyxl: a cell holding a payload must be text
(data type "s", marked quoted so that editing it in Excel keeps it text), the
text exactly as stored, and no cell anywhere may be a formula ("f").
"""

from __future__ import annotations

import dataclasses
import io
import pathlib

import pytest
from django.db import transaction
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from parkops.core import audit
from parkops.core.cell_text import QUOTED_PREFIXES
from parkops.core.exchange.spec import REF, all_specs, get_spec
from parkops.core.exports import append_row, new_workbook
from parkops.core.models import AuditEntry, ImportBatch
from parkops.core.permissions import SYSTEM, Role
from parkops.core.testing import (
    declaration_of,
    declarations,
    grant,
    make_alliance,
    make_industry,
    make_park,
    make_user,
    sign_in,
)
from parkops.enterprises.models import Enterprise
from parkops.enterprises.testing import make_enterprise
from parkops.projects.testing import (
    make_annual_plan,
    make_delivery_project,
    make_investment_entry,
    make_milestone,
    make_park_investment_plan,
    make_project,
    make_signed_project,
)
from parkops.promotion.testing import make_unit
from parkops.workdays.testing import make_override

pytestmark = pytest.mark.django_db

# What a spreadsheet reads as the start of a formula, and the variants that
# slip past a naive check: a leading tab or CR, and the full-width ＝ an IME types.
PAYLOADS = [
    '=HYPERLINK("http://x.cn","a")',
    "+1+2",
    "-1+2",
    "@SUM(1,2)",
    "\t=1+2",
    "\r=1+2",
    "＝1+2",
]


def workbook_of(response) -> Workbook:
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return load_workbook(io.BytesIO(data))


def assert_payloads_are_text(workbook: Workbook, payloads=PAYLOADS) -> None:
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    formulas = [f"{cell.parent.title}!{cell.coordinate}" for cell in cells if cell.data_type == "f"]
    assert formulas == []
    for payload in payloads:
        holding = [cell for cell in cells if cell.value == payload]
        assert holding, f"{payload!r} is missing from the workbook"
        assert all(cell.data_type == "s" for cell in holding), payload
        if payload.startswith(QUOTED_PREFIXES):
            assert all(cell.quotePrefix for cell in holding), payload


def text_xlsx(rows) -> bytes:
    """An upload whose cells are all text cells, as an attacker would save it."""
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for row in sheet.iter_rows():
        for cell in row:
            cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, register, data, name):
    handle = io.BytesIO(data)
    handle.name = name
    return client.post(reverse("exchange:import", args=[register]), {"file": handle})


# ----------------------------------------------------------------- error report
def test_error_report_keeps_uploaded_headers_and_cells_as_text(client):
    park = make_park()
    admin = make_user(Role.PARK_ADMIN, park=park)
    header_payloads = [f"{payload}列" for payload in PAYLOADS]
    rows = [["代码", "名称", *header_payloads]]
    rows += [[f"OK-{i}", payload, *PAYLOADS] for i, payload in enumerate(PAYLOADS)]
    rows.append(["=1+2", "坏代码", *PAYLOADS])  # a refused code: the report has an error
    sign_in(client, admin)
    token = upload(client, "industries", text_xlsx(rows), "产业.xlsx").context["token"]
    response = client.get(reverse("exchange:import_errors", args=["industries", token]))
    assert response.status_code == 200
    workbook = workbook_of(response)
    # The header row is stripped when read, so "\t=1+2列" comes back as "=1+2列".
    headers = [cell.value for cell in workbook.active[1]]
    assert headers[2:-1] == [header.strip() for header in header_payloads]
    assert_payloads_are_text(workbook, [*PAYLOADS, "=1+2"])
    assert all(cell.data_type == "s" for cell in workbook.active[1])


def test_error_report_of_a_csv_with_control_characters_is_still_written(client):
    park = make_park()
    admin = make_user(Role.PARK_ADMIN, park=park)
    data = "代码,名称\n=1+2,响铃\x07字符\n".encode()
    sign_in(client, admin)
    token = upload(client, "industries", data, "产业.csv").context["token"]
    response = client.get(reverse("exchange:import_errors", args=["industries", token]))
    assert response.status_code == 200
    sheet = workbook_of(response).active
    assert sheet["B2"].value == "响铃\ufffd字符"
    assert sheet["A2"].value == "=1+2" and sheet["A2"].data_type == "s"


# -------------------------------------------------------------------- templates
# Offered as "名称 (代码)": a payload as the name leads the option's cell. Each
# referenced record is made by its model's declaration (``Declaration.make_reference``).
def make_ref(column, park, payload):
    return declaration_of(column.ref_model._meta.label).make_reference(
        park, payload, column.ref_field
    )


def test_every_referenced_register_is_declared():
    """A reference column's records are made by their model's declaration: a
    register another one references needs one (its app's ``testing.py``)."""
    declared = {d.model for d in declarations()}
    referenced = {c.ref_model for s in all_specs() for c in s.columns if c.kind == REF}
    assert sorted(m._meta.label for m in referenced - declared) == []


def test_a_reference_is_cut_to_fit_its_field_unless_the_declaration_makes_it():
    declaration = declaration_of(Enterprise._meta.label)
    park = make_park()
    made = declaration.make_reference(park, PAYLOADS[0], "uscc")
    assert (made.name, made.uscc) == (PAYLOADS[0], PAYLOADS[0][:18])
    own = dataclasses.replace(
        declaration, make_ref=lambda park, text: make_enterprise(park, name=f"{text}有限公司")
    )
    assert own.make_reference(park, "宿迁甲", "uscc").name == "宿迁甲有限公司"


def _fills_options_from_the_database(spec):
    return spec.importable and any(column.kind == REF for column in spec.columns)


@pytest.mark.parametrize(
    "spec", [s for s in all_specs() if _fills_options_from_the_database(s)], ids=lambda s: s.key
)
def test_template_option_lists_hold_stored_codes_as_text(client, spec):
    """Codes saved before codes were restricted still reach every template's
    option sheet; there they are text."""
    park = make_park()
    user = make_user(Role.PARK_LEADER, park=park)
    from parkops.core.exchange.refs import label

    expected, made = [], {}
    for column in spec.columns:
        if column.kind == REF:
            for payload in PAYLOADS:
                # Two columns may name the same register (first contact and owner unit).
                key = (column.ref_model, payload)
                if key not in made:
                    made[key] = make_ref(column, park, payload)
                expected.append(label(made[key], column.ref_field))
    sign_in(client, user)
    response = client.get(reverse("exchange:template", args=[spec.key]))
    assert response.status_code == 200
    workbook = workbook_of(response)
    assert_payloads_are_text(workbook, expected)


# ---------------------------------------------------------------------- exports
def _parks(park, user):
    for payload in PAYLOADS:
        grant(user, Role.PARK_LEADER, park=make_park(name=payload))


def _import_batches(park, user):
    for payload in PAYLOADS:
        ImportBatch.objects.create(
            park=park, register="industries", actor=user, file_name=payload, sha256="0" * 64
        )


POPULATE = {
    "industries": lambda park, user: [make_industry(park, name=p) for p in PAYLOADS],
    "parks": _parks,
    "alliances": lambda park, user: [make_alliance([park], name=p) for p in PAYLOADS],
    "import-batches": _import_batches,
    "enterprises": lambda park, user: [make_enterprise(park, name=p) for p in PAYLOADS],
    "promotion-units": lambda park, user: [make_unit(park, name=p) for p in PAYLOADS],
    "calendar-overrides": lambda park, user: [make_override(park, note=p) for p in PAYLOADS],
    # Keyed by project and month (or year): the payloads in the project's name and the note.
    "investment-entries": lambda park, user: [
        make_investment_entry(park, project=make_delivery_project(park, name=p), note=p)
        for p in PAYLOADS
    ],
    "annual-plans": lambda park, user: [
        make_annual_plan(park, project=make_delivery_project(park, name=p)) for p in PAYLOADS
    ],
    # Keyed by project and name (or stage and date): the payloads in both names.
    "milestones": lambda park, user: [
        make_milestone(park, project=make_signed_project(park, name=p), name=p) for p in PAYLOADS
    ],
    "stage-changes": lambda park, user: [make_project(park, name=p) for p in PAYLOADS],
    # Keyed by year: the payloads in the note.
    "park-investment-plans": lambda park, user: [
        make_park_investment_plan(park, note=p) for p in PAYLOADS
    ],
}


def populate(register: str, park, user) -> list:
    """Rows of ``register`` holding the payloads: as listed above, or for any other
    register its declared factory with each payload as the natural key."""
    if register in POPULATE:
        return POPULATE[register](park, user)
    spec = get_spec(register)
    make = declaration_of(spec.model._meta.label).make
    return [make(park, **{spec.natural_key: payload}) for payload in PAYLOADS]


@pytest.mark.parametrize("register", [spec.key for spec in all_specs()])
def test_every_register_export_writes_stored_text_as_text(client, register):
    park = make_park()
    leader = make_user(Role.PARK_LEADER, park=park)
    populate(register, park, leader)
    leader.active_park_id = park.pk
    leader.save()
    sign_in(client, leader)
    response = client.get(reverse("exchange:export", args=[register]))
    assert response.status_code == 200
    assert_payloads_are_text(workbook_of(response))


def test_audit_log_export_writes_stored_text_as_text(client):
    with transaction.atomic():
        for payload in PAYLOADS:
            audit.record(
                actor=SYSTEM,
                action=AuditEntry.Action.CREATE,
                object_type="enterprises.enterprise",
                object_repr=payload,
            )
    # The audit trail itself writes a tab or CR as an escape (\\t): check what it stored.
    stored = list(AuditEntry.objects.values_list("object_repr", flat=True))
    sign_in(client, make_user(Role.AUDIT_ADMIN))
    response = client.get(reverse("core:auditentry_export"))
    assert response.status_code == 200
    assert_payloads_are_text(workbook_of(response), stored)


def test_user_list_export_writes_stored_text_as_text(client):
    for payload in PAYLOADS:
        make_user(full_name=payload)
    sign_in(client, make_user(Role.SECURITY_ADMIN))
    response = client.get(reverse("accounts:user_export"))
    assert response.status_code == 200
    assert_payloads_are_text(workbook_of(response))


def test_export_headers_are_text_too():
    workbook = new_workbook(write_only=True)
    sheet = workbook.create_sheet("表")
    append_row(sheet, PAYLOADS)
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert_payloads_are_text(load_workbook(buffer))


def test_text_that_looks_like_an_error_code_stays_text():
    workbook = new_workbook(write_only=True)
    sheet = workbook.create_sheet("表")
    append_row(sheet, ["#N/A", "#DIV/0!", "普通"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    cells = next(load_workbook(buffer).active.iter_rows())
    assert [(c.value, c.data_type) for c in cells] == [
        ("#N/A", "s"),
        ("#DIV/0!", "s"),
        ("普通", "s"),
    ]


# ------------------------------------------------------------------- round trip
@pytest.mark.parametrize("name", [p for p in PAYLOADS if p == p.strip()])
def test_exported_text_starting_with_a_formula_sign_reimports_unchanged(client, name):
    from parkops.core.exchange.importer import run_import
    from parkops.core.exchange.spec import get_spec

    park = make_park()
    officer = make_user(Role.STATISTICS_OFFICER, park=park)
    make_enterprise(park, name=name)
    sign_in(client, officer)
    response = client.get(reverse("exchange:export", args=["enterprises"]))
    data = b"".join(response.streaming_content)
    outcome = run_import(
        spec=get_spec("enterprises"),
        actor=officer,
        park=park,
        data=data,
        file_name="导出.xlsx",
        commit=True,
    )
    assert outcome.ok, outcome.file_errors or outcome.problems
    assert [row.action for row in outcome.rows] == ["unchanged"]
    assert Enterprise.objects.unscoped().get(park=park).name == name


# --------------------------------------------------------------- one writer only
def test_only_the_cell_writer_module_creates_workbooks():
    """A new workbook anywhere in the product must come from ``exports.new_workbook``
    so that its cells are written by ``exports.write_cell``."""
    root = pathlib.Path(__file__).resolve().parents[1]
    allowed = {root / "core" / "exports.py", root / "core" / "testing.py"}
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts
        and path not in allowed
        and ("Workbook(" in (text := path.read_text()) or "WriteOnlyCell" in text)
    ]
    assert offenders == []
