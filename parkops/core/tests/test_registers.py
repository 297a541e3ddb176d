import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from parkops.core.models import Industry, Park
from parkops.core.permissions import Role
from parkops.core.testing import (
    INDUSTRY,
    WritableRegisterTestCase,
    audit_entries,
    make_industry,
    make_park,
    make_user,
    sign_in,
)


class IndustryRegisterTests(WritableRegisterTestCase):
    declaration = INDUSTRY
    shared = False  # the shared tests: parkops/tests/test_declared_registers.py

    def test_level_follows_from_the_parent(self):
        chain = make_industry(self.park_a, parent=self.own, level=Industry.Level.CHAIN)
        sign_in(self.client, self.writer)
        response = self.client.post(
            reverse("core:industry_add"),
            {"code": "SEG-1", "name": "芯片设计", "parent": chain.pk},
        )
        self.assertEqual(response.status_code, 302)
        created = Industry.objects.unscoped().get(park=self.park_a, code="SEG-1")
        self.assertEqual(created.level, Industry.Level.SEGMENT)

    def test_segment_cannot_have_children(self):
        segment = make_industry(self.park_a, level=Industry.Level.SEGMENT)
        sign_in(self.client, self.writer)
        response = self.client.post(
            reverse("core:industry_add"), {"code": "X-1", "name": "更细", "parent": segment.pk}
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("parent", response.context["form"].errors)


class ParkSettingsTests(TestCase):
    """Parks are system settings: the system administrator creates and edits them;
    a park administrator changes only their own park's sharing setting."""

    def setUp(self):
        self.park = make_park()

    def test_system_admin_creates_a_park_with_a_valid_region(self):
        admin = make_user(Role.SYSTEM_ADMIN)
        sign_in(self.client, admin)
        data = {"name": "新园区", "short_name": "新园", "code": "xin", "region": "321300"}
        response = self.client.post(reverse("core:park_add"), data)
        self.assertEqual(response.status_code, 302)
        park = Park.objects.get(code="xin")
        self.assertTrue(audit_entries(park, action="create").exists())

    def test_unknown_region_code_is_refused(self):
        sign_in(self.client, make_user(Role.SYSTEM_ADMIN))
        data = {"name": "错园区", "short_name": "错", "code": "cuo", "region": "999999"}
        response = self.client.post(reverse("core:park_add"), data)
        self.assertIn("region", response.context["form"].errors)

    def test_park_admin_changes_only_the_sharing_setting(self):
        admin = make_user(Role.PARK_ADMIN, park=self.park)
        sign_in(self.client, admin)
        response = self.client.post(
            reverse("core:park_edit", args=[self.park.pk]),
            {"name": "改名园区", "shares_figures_with_alliance": "on"},
        )
        self.assertEqual(response.status_code, 302)
        self.park.refresh_from_db()
        self.assertTrue(self.park.shares_figures_with_alliance)
        self.assertNotEqual(self.park.name, "改名园区")
        entry = audit_entries(self.park, action="update").get()
        self.assertEqual(entry.changed_fields, [("shares_figures_with_alliance", False, True)])

    def test_park_admin_of_another_park_gets_404(self):
        sign_in(self.client, make_user(Role.PARK_ADMIN, park=make_park()))
        response = self.client.get(reverse("core:park_edit", args=[self.park.pk]))
        self.assertEqual(response.status_code, 404)

    def test_park_leader_cannot_edit_settings(self):
        sign_in(self.client, make_user(Role.PARK_LEADER, park=self.park))
        response = self.client.get(reverse("core:park_edit", args=[self.park.pk]))
        self.assertEqual(response.status_code, 403)


@pytest.mark.django_db
def test_moving_an_industry_relevels_everything_below_it_and_audits_it():
    from parkops.core import services
    from parkops.core.models import AuditEntry

    park = make_park()
    admin = make_user(Role.PARK_ADMIN, park=park)
    leading = make_industry(park, code="EI")
    chain = make_industry(park, code="EI-IC", parent=leading, level=2)
    segment = make_industry(park, code="EI-IC-D", parent=chain, level=3)
    services.industry_update(industry=chain, actor=admin, parent=None)
    chain.refresh_from_db()
    segment.refresh_from_db()
    assert (chain.level, segment.level) == (Industry.Level.LEADING, Industry.Level.CHAIN)
    assert AuditEntry.objects.filter(object_id=str(segment.pk), action="update").exists()
    other = make_industry(park, code="NE")
    with translation.override("en"), pytest.raises(ValidationError, match="below the segment"):
        services.industry_update(
            industry=chain,
            actor=admin,
            parent=make_industry(park, code="NE-PV", parent=other, level=2),
        )


@pytest.mark.django_db
def test_an_alliance_viewer_sees_only_their_own_alliance():
    from parkops.core.models import Alliance
    from parkops.core.testing import make_alliance

    a, b, c = make_park(), make_park(), make_park()
    own = make_alliance([a, b])
    make_alliance([c, b])  # shares park b, but is another alliance
    viewer = make_user(Role.ALLIANCE_VIEWER, alliance=own)
    assert list(Alliance.objects.restrict(viewer)) == [own]
    leader_of_b = make_user(Role.PARK_LEADER, park=b)
    assert Alliance.objects.restrict(leader_of_b).count() == 2  # b's staff see both of b's
