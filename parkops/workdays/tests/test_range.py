"""The years the calendar keeps: an adjustment outside them is refused (it could
never be shown again), a month outside them or not understood is said so, and
the export holds what the page's table shows."""

import csv
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from parkops.core.permissions import Role
from parkops.core.testing import make_park, make_user, sign_in, xlsx_bytes
from parkops.core.tests.test_workdays import UNCOVERED
from parkops.core.workdays import china_now
from parkops.workdays import services
from parkops.workdays.models import CalendarOverride
from parkops.workdays.testing import make_override

pytestmark = pytest.mark.django_db

CALENDAR = reverse("workdays:calendaroverride_list")
NEW = reverse("workdays:calendaroverride_add")
THIS_YEAR = china_now().year
LAST = THIS_YEAR + 5  # the last year the calendar keeps


@pytest.fixture
def park():
    return make_park()


@pytest.fixture
def admin(park):
    return make_user(Role.PARK_ADMIN, park=park)


@pytest.mark.parametrize("day", [datetime.date(1990, 1, 1), datetime.date(LAST + 1, 1, 1)])
def test_an_adjustment_outside_the_calendars_years_is_refused(park, admin, day):
    with pytest.raises(ValidationError) as refused:
        services.override_create(park=park, actor=admin, date=day, kind="holiday")
    assert refused.value.message_dict["date"] == [f"工作日历只涵盖1992年至{LAST}年。"]
    assert not CalendarOverride.objects.unscoped().filter(park=park).exists()


def test_the_first_and_last_years_are_accepted(park, admin):
    for day in (datetime.date(1992, 1, 1), datetime.date(LAST, 12, 31)):
        services.override_create(park=park, actor=admin, date=day, kind="holiday")
    assert CalendarOverride.objects.unscoped().filter(park=park).count() == 2


def test_an_adjustment_cannot_be_moved_outside_the_years(park, admin):
    override = make_override(park, date=datetime.date(THIS_YEAR, 6, 1))
    with pytest.raises(ValidationError) as refused:
        services.override_update(override=override, actor=admin, date=datetime.date(2200, 1, 1))
    assert "date" in refused.value.message_dict
    override.refresh_from_db()
    assert override.date == datetime.date(THIS_YEAR, 6, 1)


def test_the_form_says_why_1990_is_refused_and_saves_nothing(client, park, admin):
    sign_in(client, admin)
    response = client.post(NEW, {"date": "1990-01-01", "kind": "holiday"})
    assert response.status_code == 200
    assert f"工作日历只涵盖1992年至{LAST}年。" in response.content.decode()
    assert not CalendarOverride.objects.unscoped().filter(park=park).exists()


def test_an_import_row_outside_the_years_is_refused(client, park, admin):
    sign_in(client, admin)
    data = xlsx_bytes([["日期", "类型", "说明"], ["2200-01-01", "放假", "笔误"]])
    upload = io.BytesIO(data)
    upload.name = "calendar.xlsx"
    url = reverse("exchange:import", args=["calendar-overrides"])
    response = client.post(url, {"file": upload})
    assert "工作日历只涵盖" in response.content.decode()
    assert not CalendarOverride.objects.unscoped().filter(park=park).exists()


def test_a_year_outside_the_calendar_cannot_be_confirmed_entered(park, admin):
    with pytest.raises(ValidationError) as refused:
        services.year_confirm(park=park, year=2200, actor=admin)
    assert refused.value.message_dict["year"] == [f"工作日历只涵盖1992年至{LAST}年。"]


@pytest.mark.parametrize(
    ("month", "message"),
    [
        ("1990-01", f"1990-01不在工作日历范围内，日历只涵盖1992年至{LAST}年。"),
        ("2200-01", f"2200-01不在工作日历范围内，日历只涵盖1992年至{LAST}年。"),
        ("2023-13", "未能识别月份“2023-13”"),
        ("abc", "未能识别月份“abc”"),
    ],
    ids=["1990", "2200", "month-13", "letters"],
)
def test_a_month_not_shown_says_why_and_what_is_shown(client, park, admin, month, message):
    sign_in(client, admin)
    html = client.get(CALENDAR, {"month": month}).content.decode()
    assert 'data-warning="month"' in html
    assert message in html
    assert "现显示本月。" in html
    assert f'data-month="{china_now():%Y-%m}"' in html


def test_a_month_within_the_years_has_no_warning(client, park, admin):
    sign_in(client, admin)
    for month in (None, "1992-01", f"{LAST}-12"):
        html = client.get(CALENDAR, {"month": month} if month else {}).content.decode()
        assert 'data-warning="month"' not in html


def _table_dates(html: str) -> list[str]:
    table = html[html.index('data-table="overrides"') :]
    table = table[: table.index("</table>")]
    return [
        part.split(">", 1)[1][:10]
        for part in table.split('<td class="workdays-nowrap"><a href=')[1:]
    ]


def test_the_export_holds_the_rows_the_table_shows(client, park, admin):
    for day in (
        datetime.date(THIS_YEAR - 1, 12, 31),  # before the table's year: in neither
        datetime.date(THIS_YEAR, 12, 31),
        datetime.date(THIS_YEAR + 1, 1, 1),
        datetime.date(THIS_YEAR + 1, 2, 6),
    ):
        make_override(park, date=day)
    make_override(make_park(), date=datetime.date(THIS_YEAR, 12, 30))  # another park's
    sign_in(client, admin)
    html = client.get(CALENDAR, {"month": f"{THIS_YEAR}-11"}).content.decode()
    shown = _table_dates(html)
    assert shown == [f"{THIS_YEAR}-12-31", f"{THIS_YEAR + 1}-01-01", f"{THIS_YEAR + 1}-02-06"]
    link = html[html.index('data-export="csv"') - 300 : html.index('data-export="csv"')]
    href = link[link.rindex('href="') + 6 :].split('"')[0].replace("&amp;", "&")
    response = client.get(href)
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == shown


def test_the_confirm_button_says_what_it_does(client, park, admin):
    sign_in(client, admin)
    html = client.get(CALENDAR, {"month": f"{UNCOVERED}-03"}).content.decode()
    assert f'data-action="year-confirm">确认{UNCOVERED}年全年安排已录入</button>' in html


def test_the_new_adjustment_button_and_page_use_one_word(client, park, admin):
    sign_in(client, admin)
    assert "新建本园区调整</a>" in client.get(CALENDAR).content.decode()
    assert "<title>新建本园区调整" in client.get(NEW).content.decode()
