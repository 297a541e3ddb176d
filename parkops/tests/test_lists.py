"""List pages as a user meets them: filters that say why a list is empty, date
filters that read dates as people write them, and empty states that say what to do."""

import datetime
from unittest import mock

import pytest
from django.urls import reverse

from parkops.core import audit
from parkops.core.filters import AuditEntryFilterSet, ImportBatchFilterSet, IndustryFilterSet
from parkops.core.models import AuditEntry
from parkops.core.permissions import Role
from parkops.core.testing import make_park, make_user, sign_in
from parkops.enterprises.filters import EnterpriseFilterSet
from parkops.enterprises.testing import make_enterprise
from parkops.promotion.filters import PromotionUnitFilterSet
from parkops.workdays.filters import CalendarOverrideFilterSet

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _auditor(client):
    sign_in(client, make_user(Role.AUDIT_ADMIN))


def test_a_wrong_date_in_the_audit_filter_says_so_in_place(client):
    _auditor(client)
    response = client.get(reverse("core:auditentry_list"), {"since": "2023-13-45"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    # The message comes with the table htmx swaps in, and beside the field itself.
    assert "2023-13-45 不是有效日期。" in html
    assert 'id="filter-errors-since" class="invalid-feedback d-block filter-errors"' in html
    assert 'hx-swap-oob="true"' in html
    assert "0 条记录" not in html


def test_a_wrong_date_shows_beside_its_field_after_a_reload_too(client):
    _auditor(client)
    response = client.get(reverse("core:auditentry_list"), {"until": "昨天"})
    assert response.status_code == 200
    assert "“昨天”不是日期" in response.content.decode()
    assert 'hx-swap-oob="true"' not in response.content.decode()


@pytest.mark.parametrize("typed", ["2023-06-30", "2023/6/30", "2023年6月30日"])
def test_a_date_filter_accepts_the_ways_people_write_dates(client, typed):
    _auditor(client)
    # Audit entries are append-only: the entry is written with the clock set back.
    inside = datetime.datetime(2023, 6, 30, 10, tzinfo=datetime.UTC)
    with audit.chain_held(), mock.patch("parkops.core.audit.timezone.now", return_value=inside):
        audit.record(actor=None, action=AuditEntry.Action.LOGIN, object_repr="on the day")
    with audit.chain_held():
        audit.record(actor=None, action=AuditEntry.Action.LOGIN, object_repr="later")
    response = client.get(reverse("core:auditentry_list"), {"since": typed, "until": typed})
    assert response.status_code == 200
    assert response.context["filter"].errors == {}
    assert [entry.object_repr for entry in response.context["filter"].qs] == ["on the day"]
    # The date picker is given the date in the one form it reads.
    assert 'type="date" name="since" value="2023-06-30"' in response.content.decode()


@pytest.mark.parametrize(
    "filterset",
    [
        AuditEntryFilterSet,
        ImportBatchFilterSet,
        IndustryFilterSet,
        EnterpriseFilterSet,
        PromotionUnitFilterSet,
        CalendarOverrideFilterSet,
    ],
)
def test_a_choice_filter_offers_labels_not_codes(filterset):
    import django_filters

    form = filterset({}).form
    for name, filter_ in filterset.base_filters.items():
        if not isinstance(filter_, django_filters.ChoiceFilter) or hasattr(filter_, "queryset"):
            continue
        choices = [(value, str(label)) for value, label in form.fields[name].choices if value]
        assert choices, name
        for value, label in choices:
            assert label != str(value), f"{filterset.__name__}.{name} offers the code {value}"


def test_an_empty_register_says_no_records_yet_and_offers_new_to_a_writer(client):
    park = make_park()
    sign_in(client, make_user(Role.SERVICE_OFFICER, park=park))
    response = client.get(reverse("enterprises:enterprise_list"))
    html = response.content.decode()
    assert 'data-empty="no-records"' in html
    assert "暂无记录。" in html
    assert html.count(f'href="{reverse("enterprises:enterprise_add")}"') == 2  # header, empty


def test_an_empty_register_offers_no_new_to_a_reader(client):
    park = make_park()
    sign_in(client, make_user(Role.PARK_LEADER, park=park))
    response = client.get(reverse("enterprises:enterprise_list"))
    html = response.content.decode()
    assert 'data-empty="no-records"' in html
    assert reverse("enterprises:enterprise_add") not in html


def test_a_filtered_out_list_offers_to_clear_the_filters(client):
    park = make_park()
    make_enterprise(park, name="宿迁甲有限公司")
    sign_in(client, make_user(Role.SERVICE_OFFICER, park=park))
    response = client.get(reverse("enterprises:enterprise_list"), {"q": "没有这家"}, **HTMX)
    html = response.content.decode()
    assert 'data-empty="no-match"' in html
    assert "没有符合筛选条件的记录。" in html
    assert f'<a href="{reverse("enterprises:enterprise_list")}" class="btn">清除筛选</a>' in html
    assert 'data-empty="no-records"' not in html


def test_filters_fold_behind_a_button_and_open_when_set(client):
    park = make_park()
    sign_in(client, make_user(Role.SERVICE_OFFICER, park=park))
    url = reverse("enterprises:enterprise_list")
    folded = client.get(url).content.decode()
    assert 'class="collapse d-md-block" id="list-filters"' in folded
    opened = client.get(url, {"status": "prospect"}).content.decode()
    assert 'class="collapse d-md-block show" id="list-filters"' in opened
