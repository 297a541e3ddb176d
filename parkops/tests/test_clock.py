"""One clock: every time a user sees is China Standard Time in one format, even on
a server whose own time zone is UTC (here: TIME_ZONE="UTC")."""

import datetime
import io
import re

import pytest
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from parkops.core.exchange.importer import run_import
from parkops.core.exchange.spec import get_spec
from parkops.core.exports import excel_value
from parkops.core.models import ImportBatch
from parkops.core.permissions import Role
from parkops.core.testing import make_park, make_token, make_user, sign_in, xlsx_bytes
from parkops.core.text import format_cst, format_cst_date
from parkops.enterprises.testing import random_uscc

pytestmark = pytest.mark.django_db

# 21:43 UTC on 1 March is 05:43 on 2 March in China: a time that also changes the date.
UTC_INSTANT = datetime.datetime(2026, 3, 1, 21, 43, tzinfo=datetime.UTC)
CHINA_SHOWN = "2026-03-02 05:43"


@pytest.fixture
def park():
    return make_park()


@pytest.fixture
def officer(park):
    return make_user(Role.STATISTICS_OFFICER, park=park)


@pytest.fixture
def batch(park, officer):
    rows = [
        ["企业名称", "统一社会信用代码", "状态"],
        ["时钟测试有限公司", random_uscc(), "在园企业"],
    ]
    outcome = run_import(
        spec=get_spec("enterprises"),
        actor=officer,
        park=park,
        data=xlsx_bytes(rows),
        file_name="企业.xlsx",
        commit=True,
    )
    ImportBatch.objects.unscoped().filter(pk=outcome.batch.pk).update(created_at=UTC_INSTANT)
    return ImportBatch.objects.unscoped().get(pk=outcome.batch.pk)


def test_a_utc_time_is_shown_as_china_time_in_one_format():
    assert format_cst(UTC_INSTANT) == CHINA_SHOWN
    assert format_cst_date(UTC_INSTANT) == "2026-03-02"
    assert format_cst(None) == ""


@override_settings(TIME_ZONE="UTC")
def test_the_batch_page_shows_one_time(client, officer, batch):
    sign_in(client, officer)
    html = client.get(batch.get_absolute_url()).content.decode()
    heading = re.search(r'<h2 class="page-title">(.*?)</h2>', html, re.S).group(1)
    imported_at = re.search(r"<dt[^>]*>导入时间</dt><dd[^>]*>(.*?)</dd>", html).group(1)
    assert CHINA_SHOWN in heading
    assert imported_at == CHINA_SHOWN
    assert "21:43" not in html


@override_settings(TIME_ZONE="UTC")
def test_the_batch_list_shows_china_time(client, officer, batch):
    sign_in(client, officer)
    html = client.get(reverse("exchange:importbatch_list")).content.decode()
    assert CHINA_SHOWN in html
    assert "21:43" not in html


@override_settings(TIME_ZONE="UTC")
def test_a_records_name_carries_china_time(batch):
    assert str(batch) == f"企业.xlsx（{CHINA_SHOWN}）"


@override_settings(TIME_ZONE="UTC")
def test_an_exports_times_are_china_time(client, officer, batch):
    sign_in(client, officer)
    response = client.get(reverse("exchange:export", args=["import-batches"]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cell = sheet.cell(row=2, column=1)
    assert cell.value == datetime.datetime(2026, 3, 2, 5, 43)
    assert cell.number_format == "yyyy-mm-dd hh:mm"


@override_settings(TIME_ZONE="UTC")
def test_an_exported_cell_is_china_time_whatever_the_server_zone():
    assert excel_value(UTC_INSTANT) == datetime.datetime(2026, 3, 2, 5, 43)


@override_settings(TIME_ZONE="UTC")
def test_the_apis_datetimes_carry_plus_eight_hours(client, officer, batch):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {make_token(officer)}"}
    body = client.get(reverse("api:importbatch_detail", args=[batch.pk]), **auth).json()
    assert body["created_at"] == "2026-03-02T05:43:00+08:00"
    assert body["undone_at"] is None


@override_settings(TIME_ZONE="UTC")
def test_a_users_last_login_is_china_time(client, park):
    admin = make_user(Role.SYSTEM_ADMIN)
    target = make_user(Role.PARK_LEADER, park=park, last_login=UTC_INSTANT)
    sign_in(client, admin)
    html = client.get(reverse("accounts:user_detail", args=[target.pk])).content.decode()
    assert CHINA_SHOWN in html
    assert "21:43" not in html
