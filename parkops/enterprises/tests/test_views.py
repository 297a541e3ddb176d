import pytest
from django.urls import reverse

from parkops.core.permissions import Role
from parkops.core.testing import (
    WritableRegisterTestCase,
    make_industry,
    make_park,
    make_user,
    sign_in,
)
from parkops.enterprises.models import Enterprise
from parkops.enterprises.testing import ENTERPRISE, enterprise_form, make_enterprise, random_uscc


class EnterpriseRegisterTests(WritableRegisterTestCase):
    declaration = ENTERPRISE
    shared = False  # the shared tests: parkops/tests/test_declared_registers.py

    def test_search_by_pinyin_initials_finds_the_enterprise(self):
        wanted = make_enterprise(self.park_a, name="苏州宿迁电子有限公司")
        other = make_enterprise(self.park_a, name="泗洪精密机械有限公司")
        sign_in(self.client, self.reader)
        response = self.client.get(reverse("enterprises:enterprise_list"), {"q": "szsq"})
        self.assertContains(response, wanted.name)
        self.assertNotContains(response, other.name)

    def test_search_by_full_pinyin_finds_the_enterprise(self):
        wanted = make_enterprise(self.park_a, name="骆马湖光电科技有限公司")
        sign_in(self.client, self.reader)
        response = self.client.get(reverse("enterprises:enterprise_list"), {"q": "luomahu"})
        self.assertContains(response, wanted.name)

    def test_search_by_credit_code_ignores_case_and_full_width(self):
        wanted = make_enterprise(self.park_a)
        typed = wanted.uscc[:10].lower().translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
        sign_in(self.client, self.reader)
        response = self.client.get(reverse("enterprises:enterprise_list"), {"q": typed})
        self.assertContains(response, wanted.name)

    def test_create_normalises_full_width_lower_case_credit_code(self):
        code = random_uscc()
        typed = "  " + code.lower().translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
        sign_in(self.client, self.writer)
        response = self.client.post(
            reverse("enterprises:enterprise_add"),
            {**enterprise_form(self.park_a), "uscc": typed},
        )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(Enterprise.objects.unscoped().filter(uscc=code).exists())

    def test_duplicate_credit_code_in_the_same_park_is_refused(self):
        sign_in(self.client, self.writer)
        data = {**enterprise_form(self.park_a), "uscc": self.own.uscc}
        response = self.client.post(reverse("enterprises:enterprise_add"), data)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors)

    def test_industry_of_another_park_is_not_offered(self):
        foreign_industry = make_industry(self.park_b, name="外园产业")
        sign_in(self.client, self.writer)
        response = self.client.post(
            reverse("enterprises:enterprise_add"),
            {**enterprise_form(self.park_a), "industry": foreign_industry.pk},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("industry", response.context["form"].errors)

    def test_contact_phone_is_masked_on_the_detail_page(self):
        from parkops.enterprises.testing import make_contact

        make_contact(self.park_a, enterprise=self.own, phone="13812341234")
        sign_in(self.client, self.reader)
        response = self.client.get(self.own.get_absolute_url())
        self.assertContains(response, "138****1234")
        self.assertNotContains(response, "13812341234")

    def test_commissioner_must_be_a_service_officer_of_the_park(self):
        stranger = make_user(Role.SERVICE_OFFICER, park=self.park_b)
        sign_in(self.client, self.writer)
        response = self.client.post(
            reverse("enterprises:enterprise_add"),
            {**enterprise_form(self.park_a), "commissioner": stranger.pk},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("commissioner", response.context["form"].errors)


@pytest.mark.django_db
def test_fields_owned_by_another_office_are_shown_but_locked_in_the_form(client):
    park = make_park()
    enterprise = make_enterprise(park)
    sign_in(client, make_user(Role.SERVICE_OFFICER, park=park))
    page = client.get(reverse("enterprises:enterprise_edit", args=[enterprise.pk]))
    form = page.context["form"]
    assert form.fields["above_scale"].disabled and form.fields["above_scale_since"].disabled
    assert form.fields["above_scale_until"].disabled
    assert not form.fields["commissioner"].disabled  # the service staff's own field


@pytest.mark.django_db
def test_a_refused_contact_keeps_what_was_typed_with_the_errors_by_field(client):
    from parkops.enterprises.models import Contact

    park = make_park()
    enterprise = make_enterprise(park)
    sign_in(client, make_user(Role.SERVICE_OFFICER, park=park))
    typed = {"name": "赵联系", "title": "总经理", "phone": "12345", "email": "不是邮箱"}
    response = client.post(reverse("enterprises:contact_add", args=[enterprise.pk]), typed)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="赵联系"' in html and 'value="总经理"' in html and 'value="12345"' in html
    assert 'data-field="email">' in html
    assert enterprise.name in html
    assert not Contact.objects.unscoped().exists()
    # A phone only the service refuses (the form cannot tell) is shown on the field too.
    response = client.post(
        reverse("enterprises:contact_add", args=[enterprise.pk]), {**typed, "email": ""}
    )
    assert response.status_code == 200
    assert 'data-field="phone">请输入 11 位手机号' in response.content.decode()
    response = client.post(
        reverse("enterprises:contact_add", args=[enterprise.pk]),
        {**typed, "email": "", "phone": "13812345678"},
    )
    assert response.status_code == 302
    assert Contact.objects.unscoped().get().name == "赵联系"
