from django.urls import reverse

from parkops.core.models import AuditEntry
from parkops.core.permissions import Role
from parkops.core.testing import WritableRegisterTestCase, audit_entries, make_user, sign_in
from parkops.promotion.testing import UNIT, make_unit, unit_form


class PromotionUnitRegisterTests(WritableRegisterTestCase):
    declaration = UNIT
    shared = False  # the shared tests: parkops/tests/test_declared_registers.py

    def test_members_are_saved_with_the_units_park_and_audited(self):
        officer = make_user(Role.PROMOTION_OFFICER, park=self.park_a)
        sign_in(self.client, self.writer)
        response = self.client.post(
            reverse("promotion:promotionunit_edit", args=[self.own.pk]),
            {**unit_form(self.park_a), "members": [officer.pk]},
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(list(self.own.members.all()), [officer])
        entry = audit_entries(self.own, action=AuditEntry.Action.UPDATE).get()
        self.assertEqual(entry.after["members"], [officer.pk])

    def test_officer_of_another_park_cannot_be_made_member(self):
        stranger = make_user(Role.PROMOTION_OFFICER, park=self.park_b)
        sign_in(self.client, self.writer)
        response = self.client.post(
            reverse("promotion:promotionunit_edit", args=[self.own.pk]),
            {**unit_form(self.park_a), "members": [stranger.pk]},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("members", response.context["form"].errors)

    def test_unit_cannot_be_placed_under_its_own_child(self):
        child = make_unit(self.park_a, parent=self.own)
        sign_in(self.client, self.writer)
        response = self.client.post(
            reverse("promotion:promotionunit_edit", args=[self.own.pk]),
            {**unit_form(self.park_a), "parent": child.pk},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("parent", response.context["form"].errors)
