"""The enterprise register through spreadsheets: template, import, export, undo.

Malformed files are built by code; each asserts its own message and that the
database is unchanged.
"""

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from parkops.core.exchange import services as exchange_services
from parkops.core.exchange.importer import run_import
from parkops.core.exchange.spec import get_spec
from parkops.core.models import AuditEntry, ImportBatch
from parkops.core.permissions import Role
from parkops.core.testing import make_industry, make_park, make_user, sign_in, xlsx_bytes
from parkops.enterprises import services
from parkops.enterprises.models import Enterprise
from parkops.enterprises.testing import IMPORT_HEADER, make_enterprise, random_uscc

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in their English source text (the UI default is Chinese)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def park():
    return make_park()


@pytest.fixture
def officer(park):
    return make_user(Role.STATISTICS_OFFICER, park=park)


def run(park, officer, data, name="企业.xlsx", commit=True):
    return run_import(
        spec=get_spec("enterprises"),
        actor=officer,
        park=park,
        data=data,
        file_name=name,
        commit=commit,
    )


def good_rows(n=2, industry=""):
    return [IMPORT_HEADER] + [
        [f"宿迁导入{i}有限公司", random_uscc(), "在园企业", "321300", industry, "否", ""]
        for i in range(n)
    ]


def count():
    return Enterprise.objects.unscoped().count(), AuditEntry.objects.count()


# ---------------------------------------------------------------- good files
def test_preview_changes_nothing_and_commit_creates_all_rows(park, officer):
    data = xlsx_bytes(good_rows(3))
    before = count()
    preview = run(park, officer, data, commit=False)
    assert preview.ok and preview.counts["create"] == 3
    assert count() == before
    outcome = run(park, officer, data)
    assert outcome.batch.created_count == 3
    assert Enterprise.objects.unscoped().filter(park=park).count() == 3
    assert AuditEntry.objects.filter(action="import", object_id=str(outcome.batch.pk)).exists()


def test_rows_are_matched_by_credit_code_for_update_and_unchanged(park, officer):
    existing = make_enterprise(park, name="旧名有限公司")
    same = make_enterprise(park, name="不变有限公司")
    rows = [
        IMPORT_HEADER,
        ["新名有限公司", existing.uscc.lower(), "在园企业", "", "", "否", ""],
        [same.name, same.uscc, "在园企业", "", "", "否", ""],
    ]
    outcome = run(park, officer, xlsx_bytes(rows))
    assert [r.action for r in outcome.rows] == ["update", "unchanged"]
    existing.refresh_from_db()
    assert existing.name == "新名有限公司"


def test_tolerant_headers_dates_and_units(park, officer):
    industry = make_industry(park, code="NE-PV", name="光伏")
    rows = [
        [" 名称 ", "信用代码（必填）", "企业状态", "区划代码", "所属产业", "规上", "列统入规日期"],
        ["甲有限公司", random_uscc(), "settled", "321302", "光伏", "是", "2023年6月30日"],
        ["乙有限公司", random_uscc(), "在园企业", "321302", "NE-PV", "Y", 45107],
    ]
    outcome = run(park, officer, xlsx_bytes(rows))
    assert outcome.ok, outcome.problems
    created = Enterprise.objects.unscoped().filter(park=park).order_by("name")
    assert {e.industry for e in created} == {industry}
    assert all(str(e.above_scale_since) == "2023-06-30" for e in created)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_utf8_with_or_without_bom_and_gbk(park, officer, encoding):
    text = "企业名称,统一社会信用代码,状态\n" + f"宿迁编码测试有限公司,{random_uscc()},在园企业\n"
    outcome = run(park, officer, text.encode(encoding), name="企业.csv")
    assert outcome.ok, outcome.file_errors or outcome.problems
    assert Enterprise.objects.unscoped().filter(name="宿迁编码测试有限公司").exists()


def xls_bytes(rows) -> bytes:
    """An old-style .xls workbook (BIFF8), as WPS and Excel 2003 save it."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("企业")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    handle = io.BytesIO()
    book.save(handle)
    return handle.getvalue()


@pytest.mark.parametrize("name", ["企业.xls", "企业.xlsx"])  # .xlsx: an old file renamed
def test_old_xls_workbook_is_read(park, officer, name):
    rows = [
        ["企业名称", "统一社会信用代码", "状态"],
        ["宿迁老格式有限公司", random_uscc(), "在园企业"],
    ]
    outcome = run(park, officer, xls_bytes(rows), name=name)
    assert outcome.ok, outcome.file_errors or outcome.problems
    assert Enterprise.objects.unscoped().filter(name="宿迁老格式有限公司").exists()


def with_cached_formula(data: bytes, cell: str, formula: str, value: str) -> bytes:
    """Replace `cell` of the first sheet with a formula whose last computed value
    is `value`, as Excel saves it (openpyxl itself writes formulas without values)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                xml = content.decode()
                start = xml.index(f'<c r="{cell}"')
                end = xml.index("</c>", start) + len("</c>")
                cached = f'<c r="{cell}" t="str"><f>{formula}</f><v>{value}</v></c>'
                content = (xml[:start] + cached + xml[end:]).encode()
            target.writestr(item, content)
    return out.getvalue()


def test_formulas_are_read_as_their_computed_values(park, officer):
    rows = [["企业名称", "统一社会信用代码", "状态"], ["占位", random_uscc(), "在园企业"]]
    data = with_cached_formula(
        xlsx_bytes(rows), "A2", 'CONCATENATE("宿迁","公式有限公司")', "宿迁公式有限公司"
    )
    outcome = run(park, officer, data)
    assert outcome.ok, outcome.file_errors or outcome.problems
    assert Enterprise.objects.unscoped().filter(name="宿迁公式有限公司").exists()


def test_empty_rows_are_skipped(park, officer):
    rows = [*good_rows(1), [None] * 7, ["", "", "", "", "", "", ""], *good_rows(1)[1:]]
    outcome = run(park, officer, xlsx_bytes(rows))
    assert outcome.ok and outcome.counts["create"] == 2


def test_export_then_reimport_leaves_every_row_unchanged(client, park, officer):
    make_industry(park, code="EI", name="电子信息")
    for i in range(3):
        make_enterprise(park, name=f"往返{i}有限公司")
    make_enterprise(park, name="目标企业无代码", uscc="", status="prospect")
    make_enterprise(park, name="宿迁甲（集团）有限公司")  # full-width brackets stay as they are
    make_enterprise(park, name="乙（香港）控股", uscc="", status="prospect")
    make_enterprise(park, name="-待定名称", uscc="", status="prospect")  # exported as '-待定名称
    sign_in(client, officer)
    response = client.get(reverse("exchange:export", args=["enterprises"]))
    data = b"".join(response.streaming_content)
    outcome = run(park, officer, data, name="导出.xlsx")
    assert outcome.ok, outcome.problems
    assert {r.action for r in outcome.rows} == {"unchanged"}
    assert len(outcome.rows) == 7


def test_an_enterprise_that_dropped_out_of_above_scale_round_trips_with_both_dates(
    client, park, officer
):
    dropped = make_enterprise(
        park,
        name="退规有限公司",
        settled_on=datetime.date(2020, 1, 1),
        above_scale_since=datetime.date(2021, 6, 30),
        above_scale_until=datetime.date(2023, 12, 31),
    )
    sign_in(client, officer)
    response = client.get(reverse("exchange:export", args=["enterprises"]))
    data = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(data)).active
    header = [cell.value for cell in sheet[1]]
    assert "规上截止日期" in header
    Enterprise.objects.unscoped().filter(pk=dropped.pk).update(
        above_scale_since=None, above_scale_until=None
    )
    outcome = run(park, officer, data, name="导出.xlsx")
    assert outcome.ok, outcome.problems
    dropped.refresh_from_db()
    assert (dropped.above_scale_since, dropped.above_scale_until) == (
        datetime.date(2021, 6, 30),
        datetime.date(2023, 12, 31),
    )


def test_export_is_the_lists_filtered_view_scoped_and_audited(client, park, officer):
    make_enterprise(park, name="=cmd|'/c calc'!A1")
    make_enterprise(park, name="规上甲有限公司", above_scale=True)
    make_enterprise(make_park(), name="外园企业有限公司")
    sign_in(client, officer)
    response = client.get(reverse("exchange:export", args=["enterprises"]), {"q": "规上甲"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["规上甲有限公司"]
    response = client.get(reverse("exchange:export", args=["enterprises"]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "=cmd|'/c calc'!A1" in names and "外园企业有限公司" not in names
    assert sheet.freeze_panes == "A2"
    assert (
        AuditEntry.objects.filter(action="export", object_type="enterprises.enterprise").count()
        == 2
    )


def test_template_has_headers_example_dropdowns_and_instructions(client, park, officer):
    make_industry(park, code="PM", name="精密机械")
    make_industry(make_park(), code="FOREIGN", name="外园产业")
    sign_in(client, officer)
    response = client.get(reverse("exchange:template", args=["enterprises"]))
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["企业", "选项", "填写说明"]
    sheet = workbook["企业"]
    assert [c.value for c in sheet[1]][:3] == ["企业名称", "统一社会信用代码", "状态"]
    assert sheet["A2"].value == "宿迁示例科技有限公司"
    formulas = {dv.formula1 for dv in sheet.data_validations.dataValidation}
    assert any("选项" in formula for formula in formulas)
    options = [c.value for c in workbook["选项"]["A"]]
    assert "在园企业" in options
    all_options = [c.value for row in workbook["选项"].iter_rows() for c in row]
    assert "精密机械 (PM)" in all_options  # by name, with the code the importer relies on
    # Another park's industries are never offered.
    assert not any("FOREIGN" in str(option) for option in all_options)


# ------------------------------------------------------------------ bad files
def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (60 * 1024 * 1024))
    return buffer.getvalue()


def macro_workbook() -> bytes:
    buffer = io.BytesIO(xlsx_bytes(good_rows(1)))
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"\x00macro")
    return buffer.getvalue()


def encrypted(data: bytes) -> bytes:
    """The workbook as Excel or WPS saves it with an opening password."""
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt("园区2026", out)
    return out.getvalue()


BAD_FILES = [
    ("empty.xlsx", lambda: b"", "empty"),
    ("renamed.xlsx", lambda: b"%PDF-1.4 not a workbook at all", "not an Excel file"),
    ("locked.xlsx", lambda: encrypted(xlsx_bytes(good_rows(1))), "password-protected"),
    ("headers-only.xlsx", lambda: xlsx_bytes([IMPORT_HEADER]), "no data rows"),
    (
        "unheaded.xlsx",
        lambda: xlsx_bytes([[*IMPORT_HEADER], [*good_rows(1)[1], "多出来的数据"]]),
        "H2 has data but its column has no header",
    ),
    ("bomb.xlsx", zip_bomb, "implausible size"),
    ("macro.xlsm", lambda: xlsx_bytes(good_rows(1)), "macros"),
    ("macro.xlsx", macro_workbook, "macros"),
    ("notes.txt", lambda: b"hello", ".xlsx, .xls or .csv"),
    ("missing.xlsx", lambda: xlsx_bytes([["统一社会信用代码"], [random_uscc()]]), "企业名称"),
    ("hidden.xlsx", lambda: xlsx_bytes(good_rows(1), hidden_sheet=True), "hidden sheets"),
    ("merged.xlsx", lambda: xlsx_bytes(good_rows(1), merge="A1:B1"), "merged"),
    ("binary.csv", lambda: b"\x00\x01\x02 not text", "not a text CSV"),
]


@pytest.mark.parametrize(("name", "build", "message"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_file_gets_its_own_message_and_changes_nothing(park, officer, name, build, message):
    before = count()
    outcome = run(park, officer, build(), name=name)
    assert outcome.file_errors and message in outcome.file_errors[0], outcome.file_errors
    assert outcome.batch is None
    assert count() == before


@override_settings(PARKOPS_IMPORT_MAX_BYTES=1000)
def test_file_over_the_size_limit_is_refused(park, officer):
    outcome = run(park, officer, xlsx_bytes(good_rows(50)))
    assert "larger than" in outcome.file_errors[0]


@override_settings(PARKOPS_IMPORT_MAX_ROWS=3)
def test_file_over_the_row_limit_is_refused(park, officer):
    outcome = run(park, officer, xlsx_bytes(good_rows(5)))
    assert "more than 3 rows" in outcome.file_errors[0]


def test_invalid_credit_code_names_row_column_and_why_and_nothing_is_saved(park, officer):
    rows = good_rows(2)
    rows[2][1] = "91321300MA1MXXXXX0"
    before = count()
    outcome = run(park, officer, xlsx_bytes(rows))
    problem = outcome.problems[0]
    assert (problem.row, problem.column, problem.header) == (3, "B", "统一社会信用代码")
    assert "校验码" in problem.message or "check character" in problem.message
    assert outcome.counts["create"] == 1 and outcome.counts["error"] == 1
    assert outcome.batch is None and count() == before


def test_duplicate_keys_within_the_file_are_errors(park, officer):
    rows = good_rows(2)
    rows[2][1] = rows[1][1]
    outcome = run(park, officer, xlsx_bytes(rows))
    assert any(
        "row 2" in p.message or "第 2 行" in p.message or "2" in p.message for p in outcome.problems
    )
    assert outcome.batch is None


def test_a_row_naming_another_park_refuses_the_whole_file(park, officer):
    other = make_park()
    rows = [[*IMPORT_HEADER, "园区"]] + [[*row, park.name] for row in good_rows(2)[1:]]
    rows[2][-1] = other.name
    before = count()
    outcome = run(park, officer, xlsx_bytes(rows))
    assert "another park" in outcome.file_errors[0] or "其他园区" in outcome.file_errors[0]
    assert count() == before


def test_a_link_to_another_parks_record_refuses_the_file_without_revealing_it(park, officer):
    """Nothing is saved, and the message is the one for a code that exists
    nowhere: an import must not tell a user what other parks hold."""
    make_industry(make_park(), code="FOREIGN", name="外园产业")
    before = count()
    foreign = run(park, officer, xlsx_bytes(good_rows(2, industry="FOREIGN")))
    nowhere = run(park, officer, xlsx_bytes(good_rows(2, industry="NOWHERE")))
    assert foreign.batch is None and count() == before
    assert [p.column for p in foreign.problems] == ["E", "E"]
    assert [p.message.replace("FOREIGN", "X") for p in foreign.problems] == [
        p.message.replace("NOWHERE", "X") for p in nowhere.problems
    ]


def test_prospects_without_a_credit_code_must_not_repeat_by_name(park, officer):
    prospect = ["同名目标公司", "", "目标企业", "", "", "否", ""]
    rows = [IMPORT_HEADER, prospect, list(prospect)]
    outcome = run(park, officer, xlsx_bytes(rows))
    problem = outcome.problems[0]
    assert (problem.row, problem.column, problem.header) == (3, "A", "企业名称")
    assert "row 2" in problem.message
    assert not Enterprise.objects.unscoped().exists()


def test_a_credit_code_stored_as_a_long_number_is_refused_not_rounded(park, officer):
    rows = good_rows(1)
    rows[1][1] = 913213003663924507  # Excel keeps 15 digits: 913213003663924000
    outcome = run(park, officer, xlsx_bytes(rows))
    problem = outcome.problems[0]
    assert problem.column == "B" and "15 digits" in problem.message
    assert not Enterprise.objects.unscoped().exists()


def test_undo_is_refused_when_someone_added_a_contact_since(park, officer):
    outcome = run(park, officer, xlsx_bytes(good_rows(1)))
    enterprise = Enterprise.objects.unscoped().get()
    service = make_user(Role.SERVICE_OFFICER, park=park)
    services.contact_create(enterprise=enterprise, actor=service, name="李四", phone="13812345678")
    with pytest.raises(ValidationError, match="used by other records"):
        exchange_services.import_undo(batch=outcome.batch, actor=officer)
    assert enterprise.contacts.count() == 1


def test_unknown_choice_value_lists_the_allowed_ones(park, officer):
    rows = good_rows(1)
    rows[1][2] = "已倒闭"
    problem = run(park, officer, xlsx_bytes(rows)).problems[0]
    assert problem.column == "C" and "settled in the park、prospect" in problem.message


def test_a_row_setting_another_offices_field_is_an_error(park):
    promotion = make_user(Role.PROMOTION_OFFICER, park=park)
    rows = good_rows(1)
    rows[1][5] = "是"  # above-scale status belongs to the statistics office
    problem = run(park, promotion, xlsx_bytes(rows)).problems[0]
    assert (problem.column, problem.header) == ("F", "是否规上")
    assert "another office" in problem.message
    assert not Enterprise.objects.unscoped().exists()


def test_reader_cannot_import(park):
    from django.core.exceptions import PermissionDenied

    leader = make_user(Role.PARK_LEADER, park=park)
    with pytest.raises(PermissionDenied):
        run(park, leader, xlsx_bytes(good_rows(1)))


# --------------------------------------------------------------------- undo
def test_only_the_importer_may_undo(client, park, officer):
    from django.core.exceptions import PermissionDenied

    outcome = run(park, officer, xlsx_bytes(good_rows(1)))
    colleague = make_user(Role.PROMOTION_OFFICER, park=park)
    with pytest.raises(PermissionDenied):
        exchange_services.import_undo(batch=outcome.batch, actor=colleague)
    sign_in(client, colleague)
    assert (
        client.post(reverse("exchange:importbatch_undo", args=[outcome.batch.pk])).status_code
        == 403
    )
    assert Enterprise.objects.unscoped().count() == 1


def test_undo_restores_updated_and_removes_created_records(park, officer):
    existing = make_enterprise(park, name="原名有限公司")
    rows = [*good_rows(1), ["改名有限公司", existing.uscc, "在园企业", "", "", "否", ""]]
    batch = run(park, officer, xlsx_bytes(rows)).batch
    assert Enterprise.objects.unscoped().filter(park=park).count() == 2
    exchange_services.import_undo(batch=batch, actor=officer)
    existing.refresh_from_db()
    assert existing.name == "原名有限公司"
    assert Enterprise.objects.unscoped().filter(park=park).count() == 1
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.UNDONE


def test_undo_is_refused_when_a_record_changed_since_naming_the_row(park, officer):
    from django.core.exceptions import ValidationError

    batch = run(park, officer, xlsx_bytes(good_rows(2))).batch
    changed = Enterprise.objects.unscoped().get(name="宿迁导入1有限公司")
    services.enterprise_update(enterprise=changed, actor=officer, name="之后又改了有限公司")
    with pytest.raises(ValidationError, match="3"):
        exchange_services.import_undo(batch=batch, actor=officer)
    assert Enterprise.objects.unscoped().filter(park=park).count() == 2


# -------------------------------------------------------------------- pages
def upload(client, rows):
    """Upload ``rows`` as 企业.xlsx through the import page; returns the preview."""
    handle = io.BytesIO(xlsx_bytes(rows))
    handle.name = "企业.xlsx"
    return client.post(reverse("exchange:import", args=["enterprises"]), {"file": handle})


def test_upload_preview_then_commit_through_the_pages(client, park, officer):
    sign_in(client, officer)
    response = upload(client, good_rows(2))
    assert response.status_code == 200
    assert Enterprise.objects.unscoped().count() == 0
    token = response.context["token"]
    response = client.post(reverse("exchange:import_commit", args=["enterprises", token]))
    assert response.status_code == 302
    assert Enterprise.objects.unscoped().count() == 2
    batch = ImportBatch.objects.unscoped().get()
    assert client.get(batch.get_absolute_url()).status_code == 200
    client.post(reverse("exchange:importbatch_undo", args=[batch.pk]))
    assert Enterprise.objects.unscoped().count() == 0


def test_error_report_is_the_sheet_with_an_error_column(client, park, officer):
    rows = good_rows(2)
    rows[1][1] = "123"
    sign_in(client, officer)
    token = upload(client, rows).context["token"]
    response = client.get(reverse("exchange:import_errors", args=["enterprises", token]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    assert header[-1] == "错误"
    assert "B列" in sheet.cell(row=2, column=len(header)).value
    assert sheet.cell(row=3, column=len(header)).value in (None, "")


def test_error_report_keeps_date_time_cells(client, park, officer):
    rows = good_rows(1)
    rows[1][1], rows[1][6] = "123", datetime.datetime(2023, 6, 30, 9, 30)
    sign_in(client, officer)
    token = upload(client, rows).context["token"]
    response = client.get(reverse("exchange:import_errors", args=["enterprises", token]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["G2"].value == datetime.datetime(2023, 6, 30, 9, 30)


def test_someone_elses_held_upload_cannot_be_committed(client, park, officer):
    sign_in(client, officer)
    token = upload(client, good_rows(1)).context["token"]
    intruder = make_user(Role.STATISTICS_OFFICER, park=park)
    sign_in(client, intruder)
    response = client.post(reverse("exchange:import_commit", args=["enterprises", token]))
    assert response.status_code == 403
    assert Enterprise.objects.unscoped().count() == 0


def test_a_second_commit_of_a_held_file_while_the_first_runs_is_refused(park, officer, monkeypatch):
    from parkops.core.exchange import services as held

    token = held.upload_hold(
        data=xlsx_bytes(good_rows(3)),
        file_name="企业.xlsx",
        user=officer,
        park=park,
        register="enterprises",
    )
    second = []
    real_run = held.run_import

    def first_commit(**kwargs):  # a double click arrives while the first commit writes
        with pytest.raises(ValidationError) as refused:
            held.import_commit(token=token, actor=officer, register="enterprises")
        second.append(refused.value.messages)
        return real_run(**kwargs)

    monkeypatch.setattr(held, "run_import", first_commit)
    outcome = held.import_commit(token=token, actor=officer, register="enterprises")
    assert outcome.batch is not None and outcome.batch.created_count == 3
    assert second == [["This file is being imported already."]]


def test_a_batch_failing_after_others_were_written_reverses_them_all(park, officer, monkeypatch):
    """A commit writes in short batches; when a later one fails (here a colleague
    registers row 5's credit code meanwhile), the batches already written are
    reversed, each row's reversal audited, and nothing counts as imported."""
    from parkops.core import audit
    from parkops.core.exchange import bulk

    monkeypatch.setattr(bulk, "BATCH_ROWS", 2)
    rows = good_rows(6)
    taken = rows[5][1]

    def colleague_meanwhile(done, total):
        if done == 2 and not Enterprise.objects.unscoped().filter(uscc=taken).exists():
            services.enterprise_create(
                park=park, actor=officer, name="同事登记的企业", uscc=taken, status="settled"
            )

    outcome = run_import(
        spec=get_spec("enterprises"),
        actor=officer,
        park=park,
        data=xlsx_bytes(rows),
        file_name="企业.xlsx",
        commit=True,
        progress=colleague_meanwhile,
    )
    assert outcome.batch is None
    assert "nothing was imported" in outcome.file_errors[0]
    assert list(Enterprise.objects.unscoped().values_list("name", flat=True)) == ["同事登记的企业"]
    batch = ImportBatch.objects.unscoped().get()
    assert batch.status == ImportBatch.Status.UNDONE
    created = AuditEntry.objects.filter(action="create", object_type="enterprises.enterprise")
    deleted = AuditEntry.objects.filter(action="delete", object_type="enterprises.enterprise")
    assert created.count() == 4 + 1 and deleted.count() == 4  # two batches, and the colleague's
    assert audit.audit_verify().ok


def test_an_undo_batch_failing_after_others_were_undone_puts_them_back(park, officer, monkeypatch):
    """An undo runs in short batches, newest rows first; when a later batch
    fails (here a colleague edits row 2's record after the undo's checks
    passed), the batches already undone are put back: the same records with
    the same ids and values, the updated one with the import's values again,
    each row audited, and the import still stands, undoable."""
    from parkops.core import audit
    from parkops.core.exchange import bulk

    existing = make_enterprise(park, name="原名有限公司")
    rows = [*good_rows(6), ["改名有限公司", existing.uscc, "在园企业", "", "", "否", ""]]
    batch = run(park, officer, xlsx_bytes(rows)).batch
    as_imported = {
        e.pk: (audit.snapshot(e), e.created_at, e.updated_at)
        for e in Enterprise.objects.unscoped().all()
    }
    assert len(as_imported) == 7
    monkeypatch.setattr(bulk, "BATCH_ROWS", 2)
    first = Enterprise.objects.unscoped().get(name="宿迁导入0有限公司")  # row 2, undone last

    def colleague_meanwhile(done, total):
        if done == 2:
            services.enterprise_update(enterprise=first, actor=officer, name="同事改过有限公司")

    before_undo = AuditEntry.objects.count()
    with pytest.raises(ValidationError, match="nothing was undone"):
        exchange_services.import_undo(batch=batch, actor=officer, progress=colleague_meanwhile)
    first.refresh_from_db()
    assert first.name == "同事改过有限公司"
    now = {
        e.pk: (audit.snapshot(e), e.created_at, e.updated_at)
        for e in Enterprise.objects.unscoped().exclude(pk=first.pk)
    }
    assert now == {pk: state for pk, state in as_imported.items() if pk != first.pk}
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED
    new = AuditEntry.objects.filter(object_type="enterprises.enterprise").order_by("seq")
    new = list(new.filter(seq__gt=before_undo).values_list("action", flat=True))
    # Batches [8, 7] and [6, 5] undone (one an update), the colleague's edit,
    # the batch [4, 3] undone, then the three put back: 6 rows each way.
    assert new.count("delete") == 5 and new.count("create") == 5
    assert new.count("update") == 1 + 1 + 1
    assert audit.audit_verify().ok
    # The import is still whole apart from the colleague's row: undoing it is
    # refused for that row alone, and nothing else changed.
    with pytest.raises(ValidationError, match="rows 2 changed"):
        exchange_services.import_undo(batch=batch, actor=officer)


def _undo_with_a_colleague(park, officer, monkeypatch, meanwhile):
    """Import 6 new rows and one update (row 8), then undo them in batches of 2
    rows, newest first ([8, 7], [6, 5], [4, 3], [2]), calling ``meanwhile``
    once the first batch is undone. Returns the batch, the records as the
    import left them, and the undo's error."""
    from parkops.core import audit
    from parkops.core.exchange import bulk

    existing = make_enterprise(park, name="原名有限公司")
    rows = [*good_rows(6), ["改名有限公司", existing.uscc, "在园企业", "", "", "否", ""]]
    batch = run(park, officer, xlsx_bytes(rows)).batch
    as_imported = {
        e.pk: (audit.snapshot(e), e.created_at, e.updated_at)
        for e in Enterprise.objects.unscoped().all()
    }
    monkeypatch.setattr(bulk, "BATCH_ROWS", 2)

    def progress(done, total):
        if done == 2:
            meanwhile()

    with pytest.raises(ValidationError) as refused:
        exchange_services.import_undo(batch=batch, actor=officer, progress=progress)
    return batch, as_imported, refused.value


# Committed transactions: the database checks foreign keys when a batch commits.
@pytest.mark.django_db(transaction=True)
def test_an_undo_batch_refused_by_the_database_puts_the_others_back(park, officer, monkeypatch):
    """A colleague adds a contact to row 2's record after the undo's checks:
    the database refuses to delete it, and the batches undone before are put
    back, so the import stands exactly as it was, audited."""
    from parkops.core import audit

    service = make_user(Role.SERVICE_OFFICER, park=park)

    def add_contact():
        first = Enterprise.objects.unscoped().get(name="宿迁导入0有限公司")
        services.contact_create(enterprise=first, actor=service, name="李四", phone="13812345678")

    batch, as_imported, error = _undo_with_a_colleague(park, officer, monkeypatch, add_contact)
    assert "nothing was undone" in error.messages[0]
    now = {
        e.pk: (audit.snapshot(e), e.created_at, e.updated_at)
        for e in Enterprise.objects.unscoped().all()
    }
    assert now == as_imported
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED
    assert Enterprise.objects.unscoped().get(name="宿迁导入0有限公司").contacts.count() == 1
    assert audit.audit_verify().ok


# Committed transactions: the database checks foreign keys when a batch commits.
@pytest.mark.django_db(transaction=True)
def test_an_undo_that_cannot_put_a_batch_back_names_its_rows(park, officer, monkeypatch):
    """If a record the undo already restored is edited by a colleague before a
    later batch fails, putting it back would overwrite the colleague's edit:
    that batch stays undone and the message names its rows."""
    from parkops.core import audit

    service = make_user(Role.SERVICE_OFFICER, park=park)

    def edit_and_add_contact():
        restored = Enterprise.objects.unscoped().get(name="原名有限公司")  # row 8, undone
        services.enterprise_update(enterprise=restored, actor=officer, name="同事改过有限公司")
        first = Enterprise.objects.unscoped().get(name="宿迁导入0有限公司")
        services.contact_create(enterprise=first, actor=service, name="李四", phone="13812345678")

    batch, as_imported, error = _undo_with_a_colleague(
        park, officer, monkeypatch, edit_and_add_contact
    )
    assert "7、8" in error.messages[0] and "stay undone" in error.messages[0]
    batch.refresh_from_db()  # its first two rows (8, 7) undone: to be resumed
    assert (batch.status, batch.undone_items) == (ImportBatch.Status.UNDOING, 2)
    assert Enterprise.objects.unscoped().get(pk__in=as_imported, name="同事改过有限公司")
    names = set(Enterprise.objects.unscoped().values_list("name", flat=True))
    assert {f"宿迁导入{i}有限公司" for i in range(5)} <= names  # rows 2-6 put back
    assert "宿迁导入5有限公司" not in names  # row 7 stays undone
    assert audit.audit_verify().ok


class WorkerDied(Exception):
    """Stands for the worker's process ending between two batches of an undo."""


def _undo_cut_short(park, officer, monkeypatch):
    """Import 6 new rows and one update (row 8), then undo them in batches of 2
    rows, newest first, the worker dying once the first batch ([8, 7]) is
    undone. Returns the batch, the register before the import, and the last
    audit entry's sequence number after the import."""
    from parkops.core import audit
    from parkops.core.exchange import bulk

    existing = make_enterprise(park, name="原名有限公司")
    before_import = {e.pk: audit.snapshot(e) for e in Enterprise.objects.unscoped().all()}
    rows = [*good_rows(6), ["改名有限公司", existing.uscc, "在园企业", "", "", "否", ""]]
    batch = run(park, officer, xlsx_bytes(rows)).batch
    imported = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    monkeypatch.setattr(bulk, "BATCH_ROWS", 2)
    real, calls = bulk._reverse_chunk, []

    def dies_after_the_first_batch(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise WorkerDied
        return real(*args, **kwargs)

    monkeypatch.setattr(bulk, "_reverse_chunk", dies_after_the_first_batch)
    with pytest.raises(WorkerDied):
        exchange_services.import_undo(batch=batch, actor=officer)
    monkeypatch.setattr(bulk, "_reverse_chunk", real)
    return batch, before_import, imported


def test_an_undo_cut_short_is_resumed_where_it_stopped(park, officer, monkeypatch):
    """The batch says how far the undo got; undoing it again goes on from there,
    never undoing a row twice: the register ends as it was before the import,
    with exactly one undo audit entry per row."""
    from parkops.core import audit
    from parkops.core.models import ImportItem

    batch, before_import, imported = _undo_cut_short(park, officer, monkeypatch)
    batch.refresh_from_db()
    assert (batch.status, batch.undone_items) == (ImportBatch.Status.UNDOING, 2)
    assert Enterprise.objects.unscoped().count() == 6  # rows 7 (created) and 8 undone only
    exchange_services.import_undo(batch=batch, actor=officer)
    batch.refresh_from_db()
    assert (batch.status, batch.undone_items) == (ImportBatch.Status.UNDONE, 7)
    assert {e.pk: audit.snapshot(e) for e in Enterprise.objects.unscoped().all()} == before_import
    undo_entries = AuditEntry.objects.filter(seq__gt=imported, object_type="enterprises.enterprise")
    for item in ImportItem.objects.unscoped().filter(batch=batch):
        action = "delete" if item.action == "create" else "update"
        assert undo_entries.filter(object_id=item.object_id, action=action).count() == 1
    assert undo_entries.count() == 7
    assert audit.audit_verify().ok
    with pytest.raises(ValidationError, match="already undone"):
        exchange_services.import_undo(batch=batch, actor=officer)


def test_the_batch_page_shows_an_undo_cut_short_and_resumes_it(client, park, officer, monkeypatch):
    batch, before_import, _imported = _undo_cut_short(park, officer, monkeypatch)
    sign_in(client, officer)
    page = client.get(batch.get_absolute_url()).content.decode()
    # The pages speak Chinese: 撤销中 "being undone", 继续撤销 "resume the undo".
    assert "撤销中" in page and "已撤销 2 / 7 行" in page
    assert "继续撤销" in page and "撤销此次导入" not in page
    response = client.post(reverse("exchange:importbatch_undo", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.UNDONE
    assert set(Enterprise.objects.unscoped().values_list("pk", flat=True)) == set(before_import)
