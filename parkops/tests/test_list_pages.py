"""The shared list page (``core.generic.ObjectListView``, issue #15 items 2 and 4):
one bounded count, the layout built once, and cursor pages for deep lists that
neither repeat nor skip a row when rows are added between two requests."""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parkops.core import pagination
from parkops.core.permissions import Role
from parkops.core.testing import make_park, make_user, sign_in
from parkops.enterprises.models import Enterprise
from parkops.enterprises.testing import make_enterprise
from parkops.promotion.testing import make_officer, make_unit, make_visit

pytestmark = pytest.mark.django_db

ENTERPRISES = reverse("enterprises:enterprise_list")
VISITS = reverse("promotion:visit_list")


@pytest.fixture
def park():
    return make_park()


def page(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200
    return response


def records(response):
    return [row.record for row in response.context["table"].page.object_list]


def follow(client, response, link):
    """The page the ``link`` ("next", "previous", "first", "last") leads to."""
    href = response.context["table"].page.links[link]
    assert href in response.content.decode().replace("&amp;", "&")
    return page(client, href if href.startswith("/") else response.request["PATH_INFO"] + href)


def queries_of(client, url, params=None):
    with CaptureQueriesContext(connection) as captured:
        page(client, url, params)
    return [query["sql"] for query in captured.captured_queries]


def counts(sqls):
    return [sql for sql in sqls if re.search(r"\bCOUNT\(", sql)]


# ------------------------------------------------------------ one count, once
@pytest.mark.parametrize("rows", [3, 30])
def test_the_enterprise_list_counts_once_and_reads_nothing_twice(client, park, rows):
    for _ in range(rows):
        make_enterprise(park)
    sign_in(client, make_user(Role.SERVICE_OFFICER, park=park))
    page(client, ENTERPRISES)  # the first request after sign-in refreshes the session
    for params in ({}, {"page": 2}, {"sort": "uscc"}):
        sqls = queries_of(client, ENTERPRISES, params)
        assert len(counts(sqls)) == 1, params
        # The layout (the user's parks, the navigation) is built once per page.
        assert len(sqls) == len(set(sqls)), params


def bulk_enterprises(park, n: int, start: int = 0):
    from parkops.core.text import pinyin_keys

    rows = []
    for index in range(start, start + n):
        name = f"批量{index:05d}有限公司"
        full, initials = pinyin_keys(name)
        rows.append(
            Enterprise(
                park=park,
                name=name,
                uscc=f"9132130{index:011d}",
                name_pinyin=full,
                name_initials=initials,
            )
        )
    Enterprise.objects.unscoped().bulk_create(rows)


def test_the_enterprise_list_reads_as_many_queries_at_10_rows_as_at_1000(client, park):
    sign_in(client, make_user(Role.SERVICE_OFFICER, park=park))
    bulk_enterprises(park, 10)
    page(client, ENTERPRISES)
    few = len(queries_of(client, ENTERPRISES))
    bulk_enterprises(park, 990, start=10)
    assert len(queries_of(client, ENTERPRISES)) == few
    assert len(queries_of(client, ENTERPRISES, {"page": 30})) == few
    assert len(queries_of(client, ENTERPRISES, {"page": "last"})) == few
    bulk_enterprises(park, 1, start=1000)  # more than 1,000: pages by cursor
    response = page(client, ENTERPRISES, {"page": 39})
    assert "after=" in response.context["table"].page.links["next"]
    assert (
        len(queries_of(client, ENTERPRISES + response.context["table"].page.links["next"])) == few
    )


def test_the_visit_list_counts_once_and_reads_nothing_twice(client, park):
    unit = make_unit(park)
    officer = make_officer(park, unit)
    for _ in range(30):
        make_visit(park, unit=unit, staff=[officer])
    sign_in(client, make_user(Role.PARK_LEADER, park=park))
    page(client, VISITS)
    sqls = queries_of(client, VISITS, {"page": 2})
    assert len(counts(sqls)) == 1
    assert len(sqls) == len(set(sqls))


def drawn_by_django_tables2(table) -> str:
    from django.template import Context, Template

    return Template(
        "{% for row in table.paginated_rows %}<tr {{ row.attrs.as_html }}>"
        "{% for column, cell in row.items %}<td {{ column.attrs.td.as_html }}>{{ cell }}</td>"
        "{% endfor %}</tr>{% endfor %}"
    ).render(Context({"table": table}))


def squeeze(html: str) -> str:
    # Rows alternate "even" and "odd" by a counter the table keeps across draws.
    html = re.sub(r'(class="[^"]*?) ?\b(even|odd)"', r'\1"', re.sub(r"\s+", " ", html))
    return html.replace(" ", "")


def test_the_rows_are_drawn_as_before(client, park):
    """The page draws its cells itself (``BaseTable.body_html``): each cell as
    django-tables2's own template drew it (links, choices' labels, yes/no marks,
    empty cells), escaped."""
    from parkops.core.models import Industry

    industry = Industry.objects.create(park=park, code="C1", name="制造<业>", level=1)
    make_enterprise(park, name="乙示例<b>公司", above_scale=True, industry=industry)
    make_enterprise(park, status=Enterprise.Status.PROSPECT)
    sign_in(client, make_user(Role.SERVICE_OFFICER, park=park))
    response = page(client, ENTERPRISES)
    html = response.content.decode()
    enterprise = Enterprise.objects.unscoped().get(name="乙示例<b>公司")
    assert f'<a href="/enterprises/{enterprise.pk}/">乙示例&lt;b&gt;公司</a>' in html
    assert "制造&lt;业&gt;" in html
    table = response.context["table"]
    assert squeeze(str(table.body_html())) == squeeze(drawn_by_django_tables2(table))
    assert "<td>—</td>" in html  # no industry, no commissioner


def test_every_list_draws_its_rows_as_django_tables2_does(client, park):
    """Every list in the park leader's menu, with a few rows in each: cells of
    render methods, dates, tooltips and row attributes of their own among them."""
    from parkops.core.models import Industry
    from parkops.core.navigation import visible_navigation
    from parkops.projects.testing import make_milestone, make_project
    from parkops.promotion.testing import make_event, make_institution

    industry = Industry.objects.create(park=park, code="C1", name="制造业", level=1)
    make_enterprise(park, industry=industry, above_scale=True)
    make_institution(park, name="行业<协会>")
    unit = make_unit(park)
    officer = make_officer(park, unit)
    for day in range(3):
        make_visit(park, unit=unit, staff=[officer], next_step_due=datetime.date(2024, 2, day + 1))
    make_visit(park, unit=unit, staff=[], purpose="")
    make_event(park)
    make_project(park)
    make_project(park, on=datetime.date(2020, 1, 1))  # long a lead: past its deadline
    make_milestone(park)
    user = make_user(Role.PARK_LEADER, park=park)
    sign_in(client, user)
    checked = 0
    for _label, items in visible_navigation(user):
        for item in items:
            response = client.get(reverse(item.url_name))
            table = getattr(response, "context", None) and response.context.get("table")
            if response.status_code != 200 or table is None or not hasattr(table, "body_html"):
                continue
            assert squeeze(str(table.body_html())) == squeeze(drawn_by_django_tables2(table)), (
                item.url_name
            )
            checked += 1
    assert checked >= 8


def test_a_date_column_shows_the_short_date_as_django_tables2s_own(client, park):
    """Date fields' columns are drawn in Python (``core.tables.DateColumn``),
    showing what django-tables2's template-drawn ``DateColumn`` showed, in
    both languages, and the column's default when empty."""
    import django_tables2 as tables
    from django.utils import translation

    from parkops.core.tables import DateColumn
    from parkops.promotion.tables import VisitTable

    assert isinstance(VisitTable.base_columns["next_step_due"], DateColumn)
    ours, stock = DateColumn(), tables.DateColumn()
    bound = VisitTable([]).columns["next_step_due"]
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for value in (datetime.date(2024, 2, 9), datetime.date(1999, 12, 31)):
                expected = stock.render(
                    record=None,
                    table=VisitTable([]),
                    value=value,
                    bound_column=bound,
                    bound_row=SimpleNamespace(row_counter=0),
                )
                assert ours.render(value, bound) == str(expected)
    assert ours.value(datetime.date(2024, 2, 9)) == "2024-02-09"


# ---------------------------------------------------------------- cursor pages
@pytest.fixture
def deep(monkeypatch):
    """Lists of more than a few rows count as deep (cursor pages)."""
    monkeypatch.setattr(pagination, "KEYSET_FROM", 5)


def test_page_two_by_cursor_follows_page_one_with_ties_in_the_sort_key(client, park, deep):
    # 30 enterprises, one status: sorted by status, every row ties on the key.
    made = [make_enterprise(park) for _ in range(30)]
    sign_in(client, make_user(Role.SERVICE_OFFICER, park=park))
    first = page(client, ENTERPRISES, {"sort": "status"})
    assert "after=" in first.context["table"].page.links["next"]
    second = follow(client, first, "next")
    assert len(records(first)) == 25 and len(records(second)) == 5
    # The exports take the filters and the order, not the page.
    assert 'export.xlsx?sort=status"' in second.content.decode()
    shown = [e.pk for e in records(first) + records(second)]
    assert shown == sorted(e.pk for e in made)  # ties go by id: all, once, in order
    back = follow(client, second, "previous")
    assert [e.pk for e in records(back)] == shown[:25]
    assert not back.context["table"].page.has_previous


def test_visits_on_the_same_day_page_by_cursor(client, park, deep):
    unit = make_unit(park)
    officer = make_officer(park, unit)
    days = [datetime.date(2024, 3, 1), datetime.date(2024, 3, 2)]
    made = [make_visit(park, unit=unit, staff=[officer], date=days[i % 2]) for i in range(30)]
    sign_in(client, make_user(Role.PARK_LEADER, park=park))
    first = page(client, VISITS)
    second = follow(client, first, "next")
    shown = [v.pk for v in records(first) + records(second)]
    expected = [v.pk for v in sorted(made, key=lambda v: (v.date, v.pk), reverse=True)]
    assert shown == expected


def test_a_row_added_between_two_requests_is_not_shown_twice(client, park, deep):
    for index in range(30):
        make_enterprise(park, name=f"宿迁{index:02d}有限公司", name_pinyin=f"suqian{index:02d}")
    sign_in(client, make_user(Role.SERVICE_OFFICER, park=park))
    first = page(client, ENTERPRISES)
    # A new enterprise sorts first: with OFFSET, page 2 would repeat page 1's last row.
    make_enterprise(park, name="阿新有限公司", name_pinyin="axin")
    second = follow(client, first, "next")
    seen = [e.name for e in records(first)]
    assert [e.name for e in records(second)] == [f"宿迁{i:02d}有限公司" for i in range(25, 30)]
    assert not set(seen) & {e.name for e in records(second)}
    # A row removed between requests does not make the next page skip one either.
    Enterprise.objects.unscoped().filter(name="宿迁03有限公司").delete()
    assert records(follow(client, first, "next"))[0].name == "宿迁25有限公司"


def test_the_last_page_is_the_end_of_the_list_and_leads_back(client, park, deep):
    for index in range(60):
        make_enterprise(park, name=f"宿迁{index:02d}有限公司", name_pinyin=f"suqian{index:02d}")
    sign_in(client, make_user(Role.SERVICE_OFFICER, park=park))
    last = follow(client, page(client, ENTERPRISES), "last")
    names = [f"宿迁{i:02d}有限公司" for i in range(60)]
    assert [e.name for e in records(last)] == names[35:]
    assert not last.context["table"].page.has_next
    before = follow(client, last, "previous")
    assert [e.name for e in records(before)] == names[10:35]
    # Back at the start, the first page is the first page (25 rows, numbered).
    start = follow(client, before, "previous")
    assert [e.name for e in records(start)] == names[:25]
    assert start.context["table"].page.number == 1
    assert not start.context["table"].page.has_previous


def test_sorting_by_another_column_still_works_and_drops_the_cursor(client, park, deep):
    from parkops.core.models import Industry

    industries = [
        Industry.objects.create(park=park, code=f"C{i}", name=f"产业{i}", level=1) for i in range(3)
    ]
    for index in range(30):
        make_enterprise(park, industry=industries[index % 3])
    sign_in(client, make_user(Role.SERVICE_OFFICER, park=park))
    first = page(client, ENTERPRISES)
    after = follow(client, first, "next").request["QUERY_STRING"]
    assert after.startswith("after=")
    # The header's sort link leaves the cursor behind.
    html = page(client, ENTERPRISES + "?" + after).content.decode()
    assert 'href="?sort=industry"' in html
    # A related column is no cursor key: its pages are numbered.
    by_industry = page(client, ENTERPRISES, {"sort": "industry"})
    assert by_industry.context["table"].page.links["next"] == "?sort=industry&page=2"
    last = page(client, ENTERPRISES, {"sort": "industry", "page": "last"})
    assert last.context["table"].page.number == 2
    two = follow(client, by_industry, "next")
    shown = records(by_industry) + records(two)
    assert len({e.pk for e in shown}) == 30
    assert [e.industry.code for e in shown] == sorted(e.industry.code for e in shown)
    # A cursor made for another order is ignored: the first page, not an error.
    mixed = page(client, ENTERPRISES + "?" + after + "&sort=uscc")
    assert [e.pk for e in records(mixed)] == [
        e.pk for e in Enterprise.objects.unscoped().order_by("uscc", "pk")[:25]
    ]


def test_a_malformed_cursor_shows_the_first_page(client, park, deep):
    for _ in range(30):
        make_enterprise(park)
    sign_in(client, make_user(Role.SERVICE_OFFICER, park=park))
    first = records(page(client, ENTERPRISES))
    for junk in ("x", "!!!", "eyJhIjogMX0", ""):
        assert records(page(client, ENTERPRISES, {"after": junk})) == first


def test_small_lists_keep_numbered_pages(client, park):
    for _ in range(30):
        make_enterprise(park)
    sign_in(client, make_user(Role.SERVICE_OFFICER, park=park))
    response = page(client, ENTERPRISES)
    assert response.context["table"].page.links["next"] == "?page=2"
    assert "1–25 of 30" in response.content.decode() or "共 30 条" in response.content.decode()


def test_a_big_list_says_how_many_only_up_to_the_bound(client, park, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_BOUND", 20)
    for _ in range(30):
        make_enterprise(park)
    sign_in(client, make_user(Role.SERVICE_OFFICER, park=park))
    response = page(client, ENTERPRISES)
    table = response.context["table"]
    assert (table.paginator.count, table.paginator.capped) == (20, True)
    assert table.paginator.num_pages is None
    assert "20+" in response.content.decode()
    second = follow(client, response, "next")
    assert len(records(response)) + len(records(second)) == 30
    # Past the end of a list whose length is not known: its last page.
    past = records(page(client, ENTERPRISES, {"page": 9}))
    assert past == records(page(client, ENTERPRISES, {"page": "last"})) and len(past) == 25
    # Below the bound the total is exact.
    monkeypatch.setattr(pagination, "COUNT_BOUND", 30)
    table = page(client, ENTERPRISES).context["table"]
    assert (table.paginator.count, table.paginator.capped) == (30, False)


# ------------------------------------------------------------------- API lists
def api_get(client, headers, **params):
    response = client.get(reverse("api:enterprise_list"), params, **headers)
    assert response.status_code == 200, response.content
    return response.json()


def test_the_api_list_pages_by_cursor_without_repeating_a_row_added_meanwhile(client, park):
    from parkops.core.testing import make_token

    for index in range(30):
        make_enterprise(park, name=f"宿迁{index:02d}有限公司", name_pinyin=f"suqian{index:02d}")
    headers = {
        "HTTP_AUTHORIZATION": f"Bearer {make_token(make_user(Role.SERVICE_OFFICER, park=park))}"
    }
    first = api_get(client, headers, page_size=20)
    assert first["count"] == 30 and first["next"]
    make_enterprise(park, name="阿新有限公司", name_pinyin="axin")  # sorts first
    second = api_get(client, headers, page_size=20, cursor=first["next"], count="false")
    assert second["count"] is None and second["next"] is None
    names = [item["name"] for item in first["items"] + second["items"]]
    assert names == [f"宿迁{i:02d}有限公司" for i in range(30)]
    # Numbered pages work as before; a cursor that is not one is a 422.
    assert api_get(client, headers, page=2, page_size=20)["items"][0]["name"] == "宿迁19有限公司"
    bad = client.get(reverse("api:enterprise_list"), {"cursor": "nonsense"}, **headers)
    assert bad.status_code == 422 and list(bad.json()["errors"]) == ["cursor"]


def test_the_api_list_reads_as_many_queries_on_a_deep_page(client, park):
    from parkops.core.testing import make_token

    for _ in range(60):
        make_enterprise(park)
    headers = {
        "HTTP_AUTHORIZATION": f"Bearer {make_token(make_user(Role.SERVICE_OFFICER, park=park))}"
    }
    api_get(client, headers)
    with CaptureQueriesContext(connection) as one:
        first = api_get(client, headers, page_size=10)
    with CaptureQueriesContext(connection) as deep:
        api_get(client, headers, page_size=10, cursor=first["next"])
    assert len(deep) == len(one)
    with CaptureQueriesContext(connection) as uncounted:
        api_get(client, headers, page_size=10, cursor=first["next"], count="false")
    assert len(uncounted) == len(one) - 1
    assert not counts([query["sql"] for query in uncounted.captured_queries])


def test_the_api_list_counts_a_page_that_reaches_the_end_by_its_rows(client, park):
    from parkops.core.testing import make_token

    for _ in range(12):
        make_enterprise(park)
    headers = {
        "HTTP_AUTHORIZATION": f"Bearer {make_token(make_user(Role.SERVICE_OFFICER, park=park))}"
    }
    api_get(client, headers)
    with CaptureQueriesContext(connection) as first:
        assert api_get(client, headers, page_size=10)["count"] == 12
    assert counts([query["sql"] for query in first.captured_queries])
    # The last page and the full pages before it are the whole list: no COUNT.
    with CaptureQueriesContext(connection) as last:
        answer = api_get(client, headers, page=2, page_size=10)
    assert (answer["count"], len(answer["items"])) == (12, 2)
    assert not counts([query["sql"] for query in last.captured_queries])
    assert api_get(client, headers, page_size=20)["count"] == 12
    # Past the end, the page's rows tell nothing: counted.
    past = api_get(client, headers, page=3, page_size=10)
    assert (past["items"], past["count"]) == ([], 12)


def test_the_page_reads_the_users_parks_once_for_the_switcher_and_the_active_park(client, park):
    make_enterprise(park)
    sign_in(client, make_user(Role.SERVICE_OFFICER, park=park))
    page(client, ENTERPRISES)
    sqls = queries_of(client, ENTERPRISES)
    assert len([sql for sql in sqls if re.search(r'FROM "core_park"', sql)]) == 1


def test_an_alliance_members_page_reads_its_alliances_parks_once(client, park):
    """The menu and the list ask about several registers; the member parks of
    an alliance the user works in are read once for all of them."""
    from parkops.core.testing import make_alliance

    alliance = make_alliance([park, make_park()])
    sign_in(client, make_user(Role.ALLIANCE_VIEWER, alliance=alliance))
    parks = reverse("core:park_list")
    page(client, parks)
    sqls = queries_of(client, parks)
    assert len([sql for sql in sqls if "core_alliance_members" in sql]) == 1
    assert len(sqls) == len(set(sqls))


# ------------------------------------------------- the filter form, drawn once
@pytest.fixture
def fresh_forms():
    """No filter form kept from an earlier test (they are kept per process)."""
    from parkops.core import generic

    generic._DRAWN_FIELDS.clear()
    yield generic._DRAWN_FIELDS
    generic._DRAWN_FIELDS.clear()


def filter_form(response) -> str:
    html = response.content.decode()
    start = html.index('<form method="get"')
    return html[start : html.index("</form>", start)]


def fields_of(response) -> str:
    """The filter form but its hidden inputs (the sort kept, say)."""
    return re.sub(r'<input type="hidden"[^>]*>', "", filter_form(response))


def test_a_kept_filter_form_is_not_shown_to_a_user_with_other_filters(client, park, fresh_forms):
    """A project officer reads no visits: the project list's form leaves the
    visit filters out for them, whoever opened the list before."""
    from parkops.projects.filters import ProjectFilterSet

    projects = reverse("projects:project_list")
    leader = make_user(Role.PARK_LEADER, park=park)
    officer = make_user(Role.PROJECT_OFFICER, park=park)
    for first, second in ((leader, officer), (officer, leader)):
        fresh_forms.clear()
        for user in (first, second):
            sign_in(client, user)
            form = filter_form(page(client, projects))
            assert ('name="visit"' in form) == (user is leader)
            assert 'name="investor"' in form
    assert {key[0] for key in fresh_forms} == {ProjectFilterSet}
    assert all(html is not None for html in fresh_forms.values())  # kept, not drawn anew


def test_a_kept_filter_form_is_not_shown_in_another_language(client, park, fresh_forms):
    for language, search in (("en", "Search"), ("zh-hans", "搜索"), ("en", "Search")):
        sign_in(client, make_user(Role.SERVICE_OFFICER, park=park, language=language))
        form = filter_form(page(client, ENTERPRISES))
        assert f'<label class="form-label" for="id_q">{search}</label>' in form, language
    assert len(fresh_forms) == 2


def test_a_filter_form_offering_records_as_options_is_drawn_each_time(client, park, fresh_forms):
    """The visit list's staff filter lists the promotion officers as options
    (users: no picker): one who joins appears on the next page."""
    unit = make_unit(park)
    make_visit(park, unit=unit, staff=[make_officer(park, unit)])
    sign_in(client, make_user(Role.PARK_LEADER, park=park))
    page(client, VISITS)
    newcomer = make_officer(park, unit)
    assert f'<option value="{newcomer.pk}">' in filter_form(page(client, VISITS))


def test_a_list_sorted_or_paged_draws_its_filter_form_as_one_given_nothing(
    client, park, fresh_forms
):
    """Such a request's form is bound (to no filter) and drawn from what was
    kept for the list opened from the menu: the same, for every list."""
    from parkops.core.navigation import visible_navigation

    make_enterprise(park)
    user = make_user(Role.PARK_LEADER, park=park)
    sign_in(client, user)
    checked = 0
    for _label, items in visible_navigation(user):
        for item in items:
            url = reverse(item.url_name)
            fresh_forms.clear()
            response = client.get(url, {"page": "1", "sort": "-pk"})
            if response.status_code != 200 or "table" not in (response.context or {}):
                continue
            fresh_forms.clear()
            assert fields_of(response) == fields_of(page(client, url)), item.url_name
            checked += 1
    assert checked >= 8


def test_an_edited_template_is_drawn_anew_by_the_development_server(client, park, fresh_forms):
    from pathlib import Path

    from django.utils.autoreload import file_changed

    sign_in(client, make_user(Role.SERVICE_OFFICER, park=park))
    page(client, ENTERPRISES)
    assert fresh_forms
    file_changed.send(sender=None, file_path=Path("core/partials/filter_fields.html"))
    assert not fresh_forms


def test_a_filter_an_init_drops_for_a_role_is_not_shown_to_that_role(
    client, park, fresh_forms, monkeypatch
):
    """A FilterSet may drop a filter for some roles in its ``__init__``: the
    form kept for one role is not served to another with other filters."""
    from parkops.core.permissions import roles_of
    from parkops.enterprises.filters import EnterpriseFilterSet

    declared = EnterpriseFilterSet.__init__

    def leaders_only_search(self, *args, **kwargs):
        declared(self, *args, **kwargs)
        if Role.PARK_LEADER not in roles_of(self.request.user):
            del self.filters["q"]

    monkeypatch.setattr(EnterpriseFilterSet, "__init__", leaders_only_search)
    for user in (
        make_user(Role.PARK_LEADER, park=park),
        make_user(Role.SERVICE_OFFICER, park=park),
    ):
        sign_in(client, user)
        assert ('name="q"' in filter_form(page(client, ENTERPRISES))) == (
            Role.PARK_LEADER in roles_of(user)
        )


def test_choices_an_init_works_out_per_request_are_drawn_each_time(
    client, park, fresh_forms, monkeypatch
):
    """Choices a FilterSet's ``__init__`` works out for the request (here, by
    role) are the request's own: such a form is drawn each time, not kept."""
    from parkops.core.permissions import roles_of
    from parkops.enterprises.filters import EnterpriseFilterSet

    declared = EnterpriseFilterSet.__init__

    def choices_by_role(self, *args, **kwargs):
        declared(self, *args, **kwargs)
        role = sorted(roles_of(self.request.user))[0]
        self.filters["status"].extra["choices"] = [("settled", f"在园-{role}")]

    monkeypatch.setattr(EnterpriseFilterSet, "__init__", choices_by_role)
    for role in (Role.PARK_LEADER, Role.SERVICE_OFFICER):
        sign_in(client, make_user(role, park=park))
        assert f"在园-{role}" in filter_form(page(client, ENTERPRISES))


def test_every_kept_filter_form_is_what_its_user_would_be_drawn_anew(
    client, park, fresh_forms, monkeypatch
):
    """Every role opens every list of its menu, in both languages, one after
    another, so that each may be served a form another role's request kept:
    each form served equals the same form drawn afresh for that request."""
    from django.template.loader import get_template

    from parkops.core import generic
    from parkops.core.navigation import visible_navigation

    kept = generic.drawn_filter_fields
    served = []

    def compared(filterset):
        html = kept(filterset)
        fresh = get_template("core/partials/filter_fields.html").render({"filter": filterset})
        served.append((type(filterset).__name__, html == fresh))
        return html

    monkeypatch.setattr(generic, "drawn_filter_fields", compared)
    make_enterprise(park)
    for language in ("zh-hans", "en"):
        for role in Role:
            user = make_user(role, park=park, language=language)
            sign_in(client, user)
            for _label, items in visible_navigation(user):
                for item in items:
                    client.get(reverse(item.url_name))
    assert served and all(same for _name, same in served), [n for n, same in served if not same]
    assert len({name for name, _same in served}) >= 8


def test_an_htmx_page_of_the_table_draws_no_filter_form(client, park, fresh_forms):
    """A page or sort fetched by htmx answers the table alone: its filter form
    (the visit list's reads the promotion officers) is not drawn."""
    unit = make_unit(park)
    make_visit(park, unit=unit, staff=[make_officer(park, unit)])
    sign_in(client, make_user(Role.PARK_LEADER, park=park))
    response = client.get(VISITS, {"sort": "-pk"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "filter_fields" not in response.context
    assert '<form method="get"' not in response.content.decode()


def test_a_column_reaching_through_a_relation_shows_the_related_value(park):
    """A column whose accessor follows a relation (``park__name``) is drawn as
    django-tables2 resolves it, not read as an attribute of the row's record."""
    import django_tables2 as tables
    from django.test import RequestFactory

    from parkops.core.tables import BaseTable

    class Parks(BaseTable):
        name = tables.Column()
        park_name = tables.Column(accessor="park__name")

        class Meta:
            model = Enterprise
            fields = ("name",)

    make_enterprise(park, name="甲企业")
    table = Parks(Enterprise.objects.unscoped().filter(park=park).select_related("park"))
    table.context = {"request": RequestFactory().get("/")}
    html = str(table.body_html())
    assert f"<td>{park.name}</td>" in html
