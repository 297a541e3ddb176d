"""The report card API and page: the user's parks only, clear 400s, drill-down."""

import pytest
from django.urls import reverse

from parkops.accounts.models import User
from parkops.core.models import AuditEntry, Park
from parkops.core.permissions import Role
from parkops.core.testing import make_alliance, make_token, make_user, sign_in

URL = "/api/reports/card"


@pytest.fixture
def demo(demo_loaded, db):
    return Park.objects.get(code="sszy")


def _get(client, user, **params):
    return client.get(URL, params, HTTP_AUTHORIZATION=f"Bearer {make_token(user)}")


def test_card_api_returns_the_first_figures_with_their_records(client, demo):
    response = _get(client, User.objects.get(username="leader"), park="sszy", period="2023-H1")
    assert response.status_code == 200
    body = response.json()
    assert body["period"]["first_day"] == "2023-01-01"
    assert body["period"]["last_day"] == "2023-06-30"
    assert body["comparison_period"]["code"] == "2022-H1"
    figures = {f["key"]: f for f in body["figures"]}
    entered = figures["enterprises.entered_statistics_new"]
    assert (entered["value"], entered["records"]["count"]) == (6, 6)
    yoy = figures["enterprises.entered_statistics_new_yoy_pct"]
    assert (yoy["value"], yoy["comparison_value"], yoy["unit"]) == (50.0, 4, "percent")
    assert yoy["sentence"] == "新增列统入规企业数量同比增长50.0%"


def test_card_api_keys_choose_the_figures(client, demo):
    response = _get(
        client,
        User.objects.get(username="leader"),
        park="sszy",
        period="2023-H1",
        keys="enterprises.above_scale",
    )
    assert [f["key"] for f in response.json()["figures"]] == ["enterprises.above_scale"]


def test_unknown_key_is_a_400_naming_it(client, demo):
    response = _get(
        client, User.objects.get(username="leader"), park="sszy", period="2023-H1", keys="no.such"
    )
    assert response.status_code == 400
    assert "no.such" in response.json()["errors"]["keys"][0]


def test_bad_period_is_a_400_naming_the_accepted_forms(client, demo):
    response = _get(client, User.objects.get(username="leader"), park="sszy", period="2023-H3")
    assert response.status_code == 400
    assert "2023-H1" in response.json()["errors"]["period"][0]


def test_another_parks_card_is_404_and_audited(client, demo):
    outsider = make_user(Role.PARK_LEADER, park=Park.objects.get(code="wzsc"))
    response = _get(client, outsider, park="sszy", period="2023-H1")
    assert response.status_code == 404
    denied = AuditEntry.objects.filter(action=AuditEntry.Action.DENIED, actor=outsider)
    assert denied.filter(object_id=str(demo.pk)).exists()


def test_alliance_viewer_gets_no_single_parks_card(client, demo):
    viewer = make_user(Role.ALLIANCE_VIEWER, alliance=make_alliance([demo]))
    assert _get(client, viewer, park="sszy", period="2023-H1").status_code == 404


def test_figures_whose_records_the_user_may_not_read_are_left_out(client, demo):
    # The park administrator works in the park but does not read the enterprise register.
    admin = make_user(Role.PARK_ADMIN, park=demo)
    from parkops.core import permissions
    from parkops.enterprises.models import Enterprise

    assert not permissions.can(admin, Enterprise, permissions.VIEW, demo)
    response = _get(client, admin, park="sszy", period="2023-H1")
    assert response.status_code == 200
    assert response.json()["figures"] == []


def test_card_page_shows_the_figures_and_links_to_exactly_the_counted_records(client, demo):
    sign_in(client, User.objects.get(username="leader"))
    response = client.get(reverse("reports:card"), {"park": "sszy", "period": "2023-H1"})
    assert response.status_code == 200
    card = response.context["card"]
    item = next(i for i in card.figures if i.figure.key == "enterprises.entered_statistics_new")
    page = response.content.decode()
    assert "新增列统入规企业6家" in page
    # The link names the card it came from, so that the list can say so.
    drill = f"{item.result.url}&card_period=2023-H1&card_figure={item.figure.key}"
    assert f'href="{drill}"'.replace("&", "&amp;") in page
    listed = client.get(drill).context["table"].data
    assert sorted(row.pk for row in listed) == sorted(item.result.record_ids)


def test_card_counts_enterprises_and_institutions_in_家_as_the_article(client, demo):
    import re

    sign_in(client, User.objects.get(username="leader"))
    page = client.get(reverse("reports:card"), {"park": "sszy", "period": "2023-H1"})
    html = page.content.decode()

    def unit_of(key):
        row = re.search(rf'data-figure="{re.escape(key)}".*?</tr>', html, re.S).group(0)
        return re.search(r'&nbsp;<span class="text-secondary">([^<]+)</span>', row).group(1)

    assert unit_of("enterprises.registered") == "家"
    assert unit_of("promotion.enterprises_visited") == "家"
    # 对接各类行业机构34家: the article counts institutions in 家 too.
    assert unit_of("promotion.institutions_engaged") == "家"


def test_card_page_with_a_bad_period_says_so(client, demo):
    sign_in(client, User.objects.get(username="leader"))
    response = client.get(reverse("reports:card"), {"period": "23-H1"})
    assert response.status_code == 200
    assert "2023-H1" in response.context["error"]


def test_drill_down_of_another_own_park_lists_that_parks_records(client, demo):
    leader = User.objects.get(username="leader")  # works in sszy (active) and wzsc
    sign_in(client, leader)
    response = client.get(reverse("reports:card"), {"park": "wzsc", "period": "2023-H1"})
    item = next(
        i for i in response.context["card"].figures if i.figure.key == "enterprises.registered"
    )
    assert "park=wzsc" in item.result.url
    listed = client.get(item.result.url).context["table"].data
    assert sorted(row.pk for row in listed) == sorted(item.result.record_ids)
    assert {row.park.code for row in listed} == {"wzsc"}


def test_a_list_link_naming_a_foreign_park_is_404(client, demo):
    # Not the user's own park's rows instead: they would pass for sszy's.
    outsider = make_user(Role.PARK_LEADER, park=Park.objects.get(code="wzsc"))
    sign_in(client, outsider)
    response = client.get(reverse("enterprises:enterprise_list"), {"park": "sszy"})
    assert response.status_code == 404


def test_a_1992_period_is_a_400_not_a_server_error(client, demo):
    # Its comparison would be in 1991, before China time was UTC+8 all year.
    response = _get(client, User.objects.get(username="leader"), park="sszy", period="1992-H1")
    assert response.status_code == 400
    assert "1993" in response.json()["errors"]["period"][0]
    sign_in(client, User.objects.get(username="leader"))
    page = client.get(reverse("reports:card"), {"period": "1992"})
    assert page.status_code == 200
    assert "1993" in page.context["error"]


@pytest.mark.parametrize(
    ("params", "field", "reason"),
    [
        ({"park": "", "period": "2023-H1"}, "park", "请指明园区"),
        ({"period": "2023-H1"}, "park", "请指明园区"),
        ({"park": "sszy", "period": ""}, "period", "请指明报告期"),
        ({"park": "sszy"}, "period", "请指明报告期"),
        ({"park": "sszy", "period": "2023-H1", "keys": ","}, "keys", "至少写一个指标"),
        ({"park": "sszy", "period": "2023-H1", "keys": ""}, "keys", "至少写一个指标"),
    ],
)
def test_a_missing_or_empty_parameter_is_a_400_saying_which(client, demo, params, field, reason):
    response = _get(client, User.objects.get(username="leader"), **params)
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "请求无效。"
    assert reason in body["errors"][field][0]


def test_the_card_api_answers_without_deprecated_returns(client, demo):
    import warnings

    leader = User.objects.get(username="leader")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert _get(client, leader, park="sszy", period="2023-H1").status_code == 200
        assert _get(client, leader, park="sszy", period="2023-H3").status_code == 400
    assert not [w for w in caught if issubclass(w.category, DeprecationWarning)]


def test_money_on_the_card_reads_in_yi_with_the_exact_yuan_on_hover(client, demo):
    sign_in(client, User.objects.get(username="leader"))
    html = client.get(reverse("reports:card"), {"park": "sszy", "period": "2023-H1"})
    text = html.content.decode()
    row = text[text.index('data-figure="projects.major_investment_completed"') :]
    row = row[: row.index("</tr>")]
    assert "重大项目完成投资13亿元" in row
    assert ">13亿元</a>" in row and 'title="1300000000.00 元"' in row
    assert "1300000000<" not in row  # no raw number beside it
    # The API keeps the exact number in yuan; only its sentence reads in 亿元.
    body = _get(client, User.objects.get(username="leader"), park="sszy", period="2023-H1")
    money = {f["key"]: f for f in body.json()["figures"]}["projects.major_investment_completed"]
    assert money["value"] == 1300000000 and money["unit"] == "yuan"
