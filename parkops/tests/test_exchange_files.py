"""Files that used to break an import (issue #11, items 3 and 4), built by code.

Each broken case is refused or reported with its own Chinese message, through
the page and the API alike, and leaves the database as it was: no register
row, no import batch, no audit entry for a write.
"""

from __future__ import annotations

import codecs
import io
import struct
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from parkops.core.exchange import readers
from parkops.core.exchange.importer import run_import
from parkops.core.exchange.readers import FileError, read_table
from parkops.core.exchange.spec import get_spec
from parkops.core.models import AuditEntry, ImportBatch
from parkops.core.permissions import Role
from parkops.core.testing import (
    make_industry,
    make_park,
    make_token,
    make_user,
    sign_in,
    xlsx_bytes,
)
from parkops.enterprises.models import Enterprise
from parkops.enterprises.testing import make_enterprise, random_uscc

pytestmark = pytest.mark.django_db
HEADER = ["企业名称", "统一社会信用代码", "状态", "产业"]
DAMAGED = "文件已损坏，无法打开。"


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def park():
    return make_park()


@pytest.fixture
def officer(park):
    return make_user(Role.STATISTICS_OFFICER, park=park)


def run(park, officer, data, name, commit=False):
    return run_import(
        spec=get_spec("enterprises"),
        actor=officer,
        park=park,
        data=data,
        file_name=name,
        commit=commit,
    )


def rows(n):
    return [HEADER] + [[f"宿迁文件{i}有限公司", random_uscc(), "在园企业", ""] for i in range(n)]


def state():
    """What a refused file must leave as it was."""
    return (
        Enterprise.objects.unscoped().count(),
        ImportBatch.objects.unscoped().count(),
        AuditEntry.objects.exclude(action__in=["login", "export"]).count(),
    )


def understated(data: bytes, member: str = "xl/worksheets/sheet1.xml") -> bytes:
    """``data`` with ``member``'s unpacked size written as a third of the truth in
    both its local header and the central directory, as a crafted zip has it."""
    data = bytearray(data)
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(member)
    told = info.file_size // 3
    assert data[info.header_offset : info.header_offset + 4] == b"PK\x03\x04"
    struct.pack_into("<I", data, info.header_offset + 22, told)
    entry = data.find(b"PK\x01\x02")
    while entry != -1:
        length = struct.unpack_from("<H", data, entry + 28)[0]
        if data[entry + 46 : entry + 46 + length].decode() == member:
            struct.pack_into("<I", data, entry + 24, told)
        entry = data.find(b"PK\x01\x02", entry + 4)
    return bytes(data)


def csv_bytes(table, encoding="utf-8") -> bytes:
    return "".join(",".join(row) + "\r\n" for row in table).encode(encoding)


def page_preview(client, user, data, name):
    sign_in(client, user)
    return client.post(
        reverse("exchange:import", args=["enterprises"]),
        {"file": SimpleUploadedFile(name, data)},
    )


def api_preview(client, user, data, name):
    return client.post(
        reverse("api:import_preview", args=["enterprises"]),
        {"file": SimpleUploadedFile(name, data)},
        HTTP_AUTHORIZATION=f"Bearer {make_token(user)}",
    )


# ------------------------------------------------------------ large files (3)
@override_settings(PARKOPS_IMPORT_MAX_ROWS=5)
def test_a_csv_over_the_row_limit_is_refused_without_reading_the_rest(park, officer, monkeypatch):
    read = []
    original = readers.csv_rows

    def counted(data):
        for row in original(data):
            read.append(row)
            yield row

    monkeypatch.setattr(readers, "csv_rows", counted)
    before = state()
    outcome = run(park, officer, csv_bytes(rows(10_000)), "企业.csv")
    assert outcome.file_errors == ["文件超过 5 行，请拆分成几个文件。"]
    # The header and one row past the limit were read; 9,994 rows never were.
    assert len(read) == 7
    assert state() == before


@override_settings(PARKOPS_IMPORT_MAX_ROWS=50)
def test_an_xlsx_over_the_row_limit_is_refused_from_a_stream_of_its_xml(park, officer, monkeypatch):
    monkeypatch.setattr(readers, "SCAN_CHUNK_BYTES", 4096)
    seen = []
    original = readers.rows_with_values

    def counted(stream):
        for row in original(stream):
            seen.append(row)
            yield row

    monkeypatch.setattr(readers, "rows_with_values", counted)
    before = state()
    outcome = run(park, officer, xlsx_bytes(rows(3000)), "企业.xlsx")
    assert outcome.file_errors == ["文件超过 50 行，请拆分成几个文件。"]
    # Scanning stopped at the header plus 51 rows, long before the 3,001 the sheet has.
    assert len(seen) == 52
    assert state() == before


@override_settings(PARKOPS_IMPORT_MAX_ROWS=50)
def test_a_sheet_of_formatted_empty_rows_is_not_counted_against_the_limit(park, officer):
    data = xlsx_bytes(rows(3))
    from openpyxl import load_workbook as load

    workbook = load(io.BytesIO(data))
    sheet = workbook.active
    for row in range(10, 400):
        sheet.cell(row=row, column=1).number_format = "@"  # styled, never filled
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert len(read_table(buffer.getvalue(), "企业.xlsx").rows) == 3


def test_the_import_page_reads_an_upload_once(client, park, officer, monkeypatch):
    from parkops.core.exchange import importer, services

    calls = []

    def counted(data, name):
        calls.append(name)
        return read_table(data, name)

    monkeypatch.setattr(services, "read_table", counted)
    monkeypatch.setattr(importer, "read_table", counted)
    response = page_preview(client, officer, xlsx_bytes(rows(2)), "企业.xlsx")
    assert response.context["outcome"].counts["create"] == 2
    assert calls == ["企业.xlsx"]


# ------------------------------------------------------------- file cases (4)
def test_a_zip_that_understates_its_size_is_damaged_on_the_page(client, park, officer):
    data = understated(xlsx_bytes(rows(40)))
    before = state()
    response = page_preview(client, officer, data, "企业.xlsx")
    assert response.status_code == 200
    assert response.context["outcome"].file_errors == [DAMAGED]
    assert state() == before


def test_a_zip_that_understates_its_size_is_damaged_in_the_api(client, park, officer):
    before = state()
    response = api_preview(client, officer, understated(xlsx_bytes(rows(40))), "企业.xlsx")
    assert response.status_code == 200
    assert response.json()["file_errors"] == [DAMAGED]
    assert state() == before


@pytest.mark.parametrize("large", [False, True], ids=["small-sheet", "scanned-sheet"])
def test_any_calamine_error_is_damage(park, officer, large):
    # Small sheets go straight to calamine; large ones are scanned first.
    with override_settings(PARKOPS_IMPORT_MAX_ROWS=5 if large else 200_000):
        data = understated(xlsx_bytes(rows(4 if large else 40)))
        with pytest.raises(FileError, match=DAMAGED):
            read_table(data, "企业.xlsx")


def nul_after_the_first_4kb() -> bytes:
    table = rows(120)
    table[100][0] = "宿迁\x00空字符有限公司"
    data = csv_bytes(table)
    assert data.index(b"\x00") > 4096
    return data


def test_a_nul_byte_in_a_csv_is_a_row_error_naming_the_cell(park, officer):
    before = state()
    outcome = run(park, officer, nul_after_the_first_4kb(), "企业.csv", commit=True)
    assert outcome.batch is None
    problems = [(p.row, p.column, p.message) for p in outcome.problems]
    assert problems == [
        (101, "A", "单元格含有不可见的控制字符（U+0000），请删除后重新输入。"),
    ]
    assert state() == before


def test_a_nul_byte_in_a_csv_is_reported_on_the_page(client, park, officer):
    before = state()
    response = page_preview(client, officer, nul_after_the_first_4kb(), "企业.csv")
    assert response.status_code == 200
    assert "U+0000" in response.content.decode()
    assert state() == before


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b", "\x7f", "\x85"])
def test_control_characters_in_an_xlsx_cell_are_refused_too(park, officer, character):
    table = rows(2)
    # How Excel writes a control character into the XML (ST_Xstring escape).
    table[2][3] = f"光伏_x{ord(character):04X}_"
    before = state()
    outcome = run(park, officer, xlsx_bytes(table), "企业.xlsx", commit=True)
    assert [(p.row, p.column, p.header) for p in outcome.problems] == [(3, "D", "产业")]
    assert f"U+{ord(character):04X}" in outcome.problems[0].message
    assert state() == before


def test_a_stored_control_character_never_breaks_an_export(client, park, officer):
    make_enterprise(park, name="宿迁响铃\x07有限公司")
    sign_in(client, officer)
    xlsx = client.get(reverse("exchange:export", args=["enterprises"]))
    csv = client.get(reverse("exchange:export_csv", args=["enterprises"]))
    assert xlsx.status_code == 200 and csv.status_code == 200
    names = [
        c.value for c in load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active["A"]
    ]
    assert "宿迁响铃\ufffd有限公司" in names
    assert "宿迁响铃有限公司" in b"".join(csv.streaming_content).decode("utf-8-sig")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_a_utf16_csv_with_its_bom_is_read(park, officer, encoding):
    bom = codecs.BOM_UTF16_LE if encoding.endswith("le") else codecs.BOM_UTF16_BE
    # Excel's "Unicode text" is UTF-16 with tabs between the cells.
    data = bom + "\r\n".join("\t".join(row) for row in rows(2)).encode(encoding)
    outcome = run(park, officer, data, "企业.csv", commit=True)
    assert outcome.ok, outcome.file_errors or outcome.problems
    assert Enterprise.objects.unscoped().filter(name="宿迁文件1有限公司").exists()


def test_a_utf16_csv_without_bom_is_told_to_be_saved_as_utf8(park, officer):
    before = state()
    outcome = run(park, officer, csv_bytes(rows(2), "utf-16-le"), "企业.csv")
    assert outcome.file_errors == ["这个 CSV 文件是 UTF-16 编码，请另存为 UTF-8。"]
    assert state() == before


def test_an_unknown_header_is_a_warning_in_the_preview(client, park, officer):
    table = [[*HEADER, "联系电话"], ["宿迁警告有限公司", random_uscc(), "在园企业", "", "0527-1"]]
    response = page_preview(client, officer, xlsx_bytes(table), "企业.xlsx")
    warning = "E 列“联系电话”不是本台账的列，该列数据不会导入。"
    assert response.context["outcome"].warnings == [warning]
    assert warning in response.content.decode()
    api = api_preview(client, officer, xlsx_bytes(table), "企业.xlsx").json()
    assert api["warnings"] == [warning]


def test_industry_under_a_usual_synonym_is_imported(park, officer):
    industry = make_industry(park, code="NE-PV", name="光伏")
    table = [["企业名称", "统一社会信用代码", "状态", "所属行业"]]
    table.append(["宿迁行业有限公司", random_uscc(), "在园企业", "光伏"])
    outcome = run(park, officer, xlsx_bytes(table), "企业.xlsx", commit=True)
    assert outcome.ok and outcome.warnings == []
    assert Enterprise.objects.unscoped().get(name="宿迁行业有限公司").industry == industry


GUARDED_NAMES = ["'=宿迁引号有限公司", "=宿迁等号有限公司", "-宿迁减号有限公司", "''+宿迁双引号"]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_names_starting_with_formula_signs_or_apostrophes_round_trip(client, park, officer, fmt):
    for name in GUARDED_NAMES:
        make_enterprise(park, name=name)
    sign_in(client, officer)
    url = "exchange:export_csv" if fmt == "csv" else "exchange:export"
    data = b"".join(client.get(reverse(url, args=["enterprises"])).streaming_content)
    outcome = run(park, officer, data, f"企业.{fmt}", commit=True)
    assert outcome.ok, outcome.problems
    assert outcome.counts["unchanged"] == len(GUARDED_NAMES)
    stored = set(Enterprise.objects.unscoped().values_list("name", flat=True))
    assert stored == set(GUARDED_NAMES)


def test_all_of_a_rows_errors_are_reported_at_once(park, officer):
    table = [["企业名称", "统一社会信用代码", "状态", "入规日期"]]
    # A date no calendar has (a cell error) and a credit code with a wrong check
    # character (the service's error) in the same row.
    table.append(["宿迁两错有限公司", "91321300MA1MXXXXX0", "在园企业", "2023-02-30"])
    before = state()
    outcome = run(park, officer, xlsx_bytes(table), "企业.xlsx", commit=True)
    assert sorted(p.column for p in outcome.problems) == ["B", "D"]
    assert state() == before
