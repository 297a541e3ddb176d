"""Forms and pages as users meet them: one-line phone, 姓名, why a field is locked,
请选择 in selects, required fields marked, and a revealed phone that can be hidden."""

import re

import pytest
from django.urls import reverse

from parkops.accounts.models import Membership
from parkops.core.models import AuditEntry
from parkops.core.permissions import Role
from parkops.core.testing import make_park, make_user, sign_in
from parkops.enterprises.testing import make_contact, make_enterprise

pytestmark = pytest.mark.django_db
PHONE = "13912345678"


@pytest.fixture
def park():
    return make_park()


@pytest.fixture
def promotion_officer(client, park):
    user = make_user(Role.PROMOTION_OFFICER, park=park)
    sign_in(client, user)
    return user


def test_a_contacts_phone_is_typed_on_one_line(client, park, promotion_officer):
    html = client.get(make_enterprise(park).get_absolute_url()).content.decode()
    assert re.search(r'<input type="text" name="phone"', html)
    assert '<textarea name="phone"' not in html


def test_a_contacts_name_is_labelled_as_a_persons_name(client, park, promotion_officer):
    html = client.get(make_enterprise(park).get_absolute_url()).content.decode()
    assert re.search(r'<label class="form-label small required" for="id_name">姓名</label>', html)


def test_a_field_the_role_may_not_change_says_who_keeps_it(client, park, promotion_officer):
    enterprise = make_enterprise(park)
    html = client.get(reverse("enterprises:enterprise_edit", args=[enterprise.pk])).content.decode()
    assert re.search(r'<input type="checkbox" name="above_scale"[^>]*disabled', html)
    assert '<div class="form-hint">由统计人员维护。</div>' in html
    assert '<div class="form-hint">由企业服务专员维护。</div>' in html


def test_the_owner_of_a_field_gets_no_such_note(client, park):
    sign_in(client, make_user(Role.STATISTICS_OFFICER, park=park))
    enterprise = make_enterprise(park)
    html = client.get(reverse("enterprises:enterprise_edit", args=[enterprise.pk])).content.decode()
    assert "由统计人员维护" not in html


def test_selects_ask_to_choose_instead_of_showing_dashes(client, promotion_officer):
    html = client.get(reverse("enterprises:enterprise_add")).content.decode()
    assert '<option value="" selected>请选择</option>' in html
    assert "---------" not in html


def test_required_fields_are_marked(client, promotion_officer):
    html = client.get(reverse("enterprises:enterprise_add")).content.decode()
    assert '<label class="form-label required" for="id_name">' in html
    assert '<label class="form-label" for="id_former_names">' in html


def test_a_revealed_phone_offers_to_hide_it_again(client, park):
    contact = make_contact(park, phone=PHONE)
    user = make_user(Role.SERVICE_OFFICER, park=park)
    Membership.objects.filter(user=user).update(can_view_personal_data=True)
    sign_in(client, user)
    url = reverse("enterprises:contact_phone", args=[contact.pk])
    shown = client.get(url).content.decode()
    assert PHONE in shown
    assert f'hx-get="{url}?hide=1"' in shown and ">隐藏</button>" in shown
    hidden = client.get(url, {"hide": "1"}).content.decode()
    assert PHONE not in hidden and "139****5678" in hidden
    assert f'hx-get="{url}"' in hidden and ">显示</button>" in hidden
    # Hiding reveals nothing, so only the one view is in the audit trail.
    assert AuditEntry.objects.filter(action="view_personal").count() == 1


def region_select(html: str) -> str:
    return re.search(r'<select name="registered_region".*?</select>', html, re.S).group(0)


def test_the_region_is_searched_not_listed_in_full(client, park, promotion_officer):
    """The 行政区划 select held all 3,339 regions; it holds the one chosen, and
    the picker asks the server for the rest as the user types."""
    enterprise = make_enterprise(park, registered_region="321302")
    html = client.get(reverse("enterprises:enterprise_edit", args=[enterprise.pk])).content.decode()
    select = region_select(html)
    assert f'data-picker-url="{reverse("core:region_picker")}"' in select
    assert '<option value="321302" selected>江苏省宿迁市宿城区</option>' in select
    assert select.count("<option") == 2  # and 请选择
    assert html.count("<option") < 50  # the page's other selects are short lists


def test_a_region_chosen_through_the_picker_is_saved(client, park, promotion_officer):
    enterprise = make_enterprise(park)
    url = reverse("enterprises:enterprise_edit", args=[enterprise.pk])
    code = client.get(reverse("core:region_picker"), {"q": "宿城"}).json()["results"][0]["value"]
    data = {"name": enterprise.name, "uscc": enterprise.uscc, "status": enterprise.status}
    response = client.post(url, {**data, "registered_region": code})
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.registered_region == "321302"


def test_a_region_that_is_no_division_is_a_field_error(client, park, promotion_officer):
    enterprise = make_enterprise(park, registered_region="321302")
    url = reverse("enterprises:enterprise_edit", args=[enterprise.pk])
    data = {"name": enterprise.name, "uscc": enterprise.uscc, "status": enterprise.status}
    response = client.post(url, {**data, "registered_region": "999999"})
    assert response.status_code == 200
    assert response.context["form"].errors["registered_region"] == [
        "999999 不是 GB/T 2260 行政区划代码。"
    ]
    html = response.content.decode()
    assert re.search(r'<div class="invalid-feedback d-block" data-field="registered_region">', html)
    # The value sent is shown back as itself, marked invalid, nothing saved.
    select = region_select(html)
    assert '<option value="999999" selected>999999</option>' in select
    assert 'aria-invalid="true"' in select
    enterprise.refresh_from_db()
    assert enterprise.registered_region == "321302"
