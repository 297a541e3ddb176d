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
