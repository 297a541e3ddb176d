"""Exports are streamed: written row by row into the response, the first bytes
sent before the rows are all read, and the file the same as one written whole."""

import csv
import datetime
import decimal
import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from parkops.core import exports
from parkops.core.exchange.spec import get_spec
from parkops.core.exports import BOLD, append_row, csv_field, new_workbook, valid_sheet_title
from parkops.core.models import AuditEntry
from parkops.core.permissions import Role
from parkops.core.testing import make_park, make_user, sign_in
from parkops.enterprises.testing import make_enterprise

HEADERS = ["名称", "金额（元）", "日期", "时间", "备注"]
ROWS = 20_000
REGISTER = "enterprises"
WHEN = datetime.datetime(2025, 3, 1, 8, 30, tzinfo=datetime.UTC)


def sample_rows(n=ROWS):
    notes = ["普通", "=SUM(A1:A2)", "+1", "@x", "－5", "#N/A", "a\x01b", None]
    for i in range(n):
        yield [
            f"企业{i}",
            decimal.Decimal(i) / 100,
            datetime.date(2025, 1, 1) + datetime.timedelta(days=i % 365),
            WHEN + datetime.timedelta(minutes=i),
            notes[i % len(notes)],
        ]


def whole_xlsx(rows) -> bytes:
    """The export as it was written before streaming: the whole workbook saved at once."""
    workbook = new_workbook(write_only=True)
    sheet = workbook.create_sheet(valid_sheet_title("企业"))
    sheet.freeze_panes = "A2"
    append_row(sheet, HEADERS, font=BOLD)
    for row in rows:
        append_row(sheet, row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def whole_csv(rows) -> bytes:
    buffer = io.BytesIO()
    wrapper = io.TextIOWrapper(buffer, encoding="utf-8-sig", newline="")
    writer = csv.writer(wrapper, lineterminator="\r\n")
    writer.writerow([csv_field(h) for h in HEADERS])
    for row in rows:
        writer.writerow([csv_field(v) for v in row])
    wrapper.flush()
    return buffer.getvalue()


def cells(data: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    return [
        (c.coordinate, c.value, c.data_type, c.number_format, c.quotePrefix, c.font.b)
        for row in sheet.iter_rows()
        for c in row
    ]


@pytest.mark.parametrize(
    "n", [2_000, pytest.param(ROWS, marks=pytest.mark.slow_export, id="20000")]
)
def test_a_streamed_xlsx_equals_the_whole_one(n):
    streamed = b"".join(
        exports.xlsx_chunks(sheet_title="企业", headers=HEADERS, rows=sample_rows(n))
    )
    expected, got = cells(whole_xlsx(sample_rows(n))), cells(streamed)
    assert len(got) == (n + 1) * len(HEADERS)
    assert got == expected
    sheet = load_workbook(io.BytesIO(streamed)).worksheets[0]
    assert sheet.freeze_panes == "A2"
    assert zipfile.ZipFile(io.BytesIO(streamed)).testzip() is None


def test_a_streamed_csv_of_20000_rows_equals_the_whole_one():
    streamed = b"".join(exports.csv_chunks(HEADERS, sample_rows()))
    assert streamed == whole_csv(sample_rows())


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_first_bytes_leave_before_the_rows_are_read(fmt):
    read = []

    def rows():
        for row in sample_rows(5_000):
            read.append(1)
            yield row

    if fmt == "csv":
        chunks = exports.csv_chunks(HEADERS, rows())
    else:
        chunks = exports.xlsx_chunks(sheet_title="企业", headers=HEADERS, rows=rows())
    first = next(chunks)
    assert first  # the header row or the archive's first entry header
    assert len(read) < 5_000 / 10
    rest = b"".join(chunks)
    assert len(read) == 5_000  # every row read once, by the end
    assert len(first) < len(first + rest)


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_register_export_streams_every_row_and_is_audited_first(client, fmt):
    park = make_park()
    for n in range(exports.STREAM_ROWS + 7):
        make_enterprise(park, name=f"流式企业{n:04d}", uscc="")
    user = make_user(Role.PARK_LEADER, park=park)
    sign_in(client, user)
    name = "exchange:export" if fmt == "xlsx" else "exchange:export_csv"
    response = client.get(reverse(name, args=[REGISTER]))
    assert response.status_code == 200
    assert response.streaming
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT, actor=user)
    assert entry.after["rows"] == exports.STREAM_ROWS + 7
    data = b"".join(response.streaming_content)
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(data)).worksheets[0]
        table = [list(row) for row in sheet.iter_rows(values_only=True)]
    else:
        table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    column = table[0].index(str(get_spec(REGISTER).column("name").header))
    names = [row[column] for row in table[1:]]
    assert sorted(names) == [f"流式企业{n:04d}" for n in range(exports.STREAM_ROWS + 7)]
