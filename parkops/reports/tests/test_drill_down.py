"""From the report card to the records: a list narrowed by ``?park=`` shows that
park's records or nothing (404), says whose records they are and links back."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from parkops.core.models import AuditEntry
from parkops.core.periods import CHINA, Period, PeriodKind
from parkops.core.permissions import Role
from parkops.core.testing import grant, make_park, make_user, sign_in
from parkops.enterprises.testing import make_enterprise
from parkops.reports import selectors

pytestmark = pytest.mark.django_db

LIST = reverse("enterprises:enterprise_list")
CARD = reverse("reports:card")
EXPORTS = [
    reverse("exchange:export", args=["enterprises"]),
    reverse("exchange:export_csv", args=["enterprises"]),
]


@pytest.fixture
def parks():
    # The active park is the user's first (lowest id): home, then second.
    return make_park(name="苏宿工业园区", code="home"), make_park(name="吴中宿城园", code="second")


@pytest.fixture
def leader(parks):
    home, second = parks
    user = make_user(Role.PARK_LEADER, park=home)
    grant(user, Role.PARK_LEADER, park=second)
    return user


def _today():
    return timezone.now().astimezone(CHINA).date()


# ------------------------------------------------------------ item 1: 404


@pytest.mark.parametrize("url", [LIST, *EXPORTS])
def test_a_park_the_user_does_not_work_in_is_404_on_the_list_and_its_exports(client, parks, url):
    home, second = parks
    make_enterprise(home, name="本园企业有限公司", status="settled")
    make_enterprise(second, name="他园企业有限公司", status="settled")
    partner = make_user(Role.PROMOTION_OFFICER, park=home)
    sign_in(client, partner)
    response = client.get(url, {"park": "second", "status": "settled"})
    assert response.status_code == 404
    assert "本园企业有限公司" not in response.content.decode()
    # As on the card: the attempt on an existing park is audited.
    denied = AuditEntry.objects.filter(action=AuditEntry.Action.DENIED, actor=partner)
    assert denied.filter(object_id=str(second.pk)).exists()


@pytest.mark.parametrize("url", [LIST, *EXPORTS])
def test_a_park_code_that_does_not_exist_is_404_on_the_list_and_its_exports(client, leader, url):
    sign_in(client, leader)
    assert client.get(url, {"park": "nope"}).status_code == 404


def test_a_park_of_the_users_own_is_listed_and_exported(client, parks, leader):
    home, second = parks
    make_enterprise(home, name="本园企业有限公司")
    make_enterprise(second, name="他园企业有限公司")
    sign_in(client, leader)
    listed = client.get(LIST, {"park": "second"}).context["table"].data
    assert [row.name for row in listed] == ["他园企业有限公司"]
    response = client.get(EXPORTS[1], {"park": "second"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["他园企业有限公司"]


def test_the_audit_logs_own_park_filter_is_not_taken_for_a_park_code(client, parks):
    home, _second = parks
    sign_in(client, make_user(Role.AUDIT_ADMIN))
    response = client.get(reverse("core:auditentry_list"), {"park": home.pk})
    assert response.status_code == 200


# ------------------------------------------------------- item 2: the banner


def test_another_parks_records_say_whose_they_are_and_link_back_to_the_card(client, leader):
    sign_in(client, leader)
    response = client.get(
        LIST,
        {
            "park": "second",
            "status": "settled",
            "card_period": "2023-H1",
            "card_figure": "enterprises.registered",
        },
    )
    html = response.content.decode()
    assert 'data-list-origin="second"' in html
    assert "吴中宿城园的记录" in html
    assert "来自成绩单：2023年上半年" in html
    assert f'href="{CARD}?park=second&amp;period=2023-H1" data-back="card"' in html
    # Filtering again keeps to that park and that card.
    assert '<input type="hidden" name="park" value="second">' in html
    assert '<input type="hidden" name="card_period" value="2023-H1">' in html


def test_another_parks_records_are_named_without_a_card_too(client, leader):
    sign_in(client, leader)
    html = client.get(LIST, {"park": "second"}).content.decode()
    assert "吴中宿城园的记录" in html
    assert f'href="{CARD}?park=second" data-back="card"' in html


def test_the_active_parks_own_list_has_no_banner(client, leader):
    sign_in(client, leader)
    assert "data-list-origin" not in client.get(LIST).content.decode()
    assert "data-list-origin" not in client.get(LIST, {"park": "home"}).content.decode()


def test_the_cards_links_lead_to_a_list_naming_the_card(client, parks, leader):
    _home, second = parks
    make_enterprise(second, status="settled", settled_on=datetime.date(2023, 3, 1))
    sign_in(client, leader)
    response = client.get(CARD, {"park": "second", "period": "2023-H1"})
    url = next(
        url
        for _label, _key, rows in response.context["sections"]
        for item, url in rows
        if item.figure.key == "enterprises.registered"
    )
    assert "card_period=2023-H1" in url and "card_figure=enterprises.registered" in url
    listed = client.get(url)
    assert [row.park_id for row in listed.context["table"].data] == [second.pk]
    assert 'data-list-origin="second"' in listed.content.decode()


# --------------------------------------------------- item 5: period choices


def _offered(response) -> list[str]:
    return [
        period.code for _year, periods in response.context["period_groups"] for period in periods
    ]


def test_the_period_list_offers_comparison_years_and_cumulative_months(client, parks, leader):
    home, _second = parks
    make_enterprise(home, status="settled", settled_on=datetime.date(2021, 5, 1))
    sign_in(client, leader)
    response = client.get(CARD, {"period": "2023-H1"})
    offered = _offered(response)
    for code in ("2022-H1", "2022", "2023-06", "2023-03", "2023-11", "2021", "2020-H2"):
        assert code in offered
    html = response.content.decode()
    assert '<option value="2023-06">2023年1—6月</option>' in html
    assert '<option value="2023-H1" selected>' in html


def test_the_period_list_reaches_back_to_the_first_settlement(client, parks, leader):
    home, _second = parks
    make_enterprise(home, status="settled", settled_on=datetime.date(2012, 5, 1))
    sign_in(client, leader)
    offered = _offered(client.get(CARD))
    assert "2012-H1" in offered and "2011" not in offered


def test_the_period_list_offers_no_period_that_has_not_begun(client, leader):
    sign_in(client, leader)
    offered = _offered(client.get(CARD))
    today = _today()
    assert Period.of(PeriodKind.HALF, today).code in offered
    assert str(today.year + 1) not in offered


def test_after_a_period_not_understood_the_list_shows_the_default_period(client, leader):
    sign_in(client, leader)
    response = client.get(CARD, {"period": "23-H1"})
    default = selectors.default_period()
    assert response.context["error"]
    html = response.content.decode()
    start = html.index('id="card-period"')
    period_select = html[start : html.index("</select>", start)]
    assert period_select.count(" selected>") == 1
    assert f'<option value="{default.code}" selected>' in period_select


def test_a_period_under_way_says_its_figures_are_as_of_today(client, leader):
    sign_in(client, leader)
    running = Period.of(PeriodKind.YEAR, _today())
    html = client.get(CARD, {"period": running.code}).content.decode()
    assert 'data-period-state="running"' in html
    assert "统计期尚未结束，数字为截至今日" in html


def test_a_period_not_begun_says_so(client, leader):
    sign_in(client, leader)
    html = client.get(CARD, {"period": f"{_today().year + 4}-H1"}).content.decode()
    assert 'data-period-state="future"' in html
    assert "统计期尚未开始" in html


def test_an_ended_period_carries_no_such_notice(client, leader):
    sign_in(client, leader)
    html = client.get(CARD, {"period": "2023-H1"}).content.decode()
    assert "data-period-state" not in html
    assert "统计期2023-01-01至2023-06-30，与2022年上半年相比。" in html


def test_a_user_who_reads_no_enterprises_still_gets_the_period_list(client, parks):
    home, _second = parks
    sign_in(client, make_user(Role.PARK_ADMIN, park=home))
    response = client.get(CARD)
    assert response.status_code == 200
    assert "2020-H1" in _offered(response)
