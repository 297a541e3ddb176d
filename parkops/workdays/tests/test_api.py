"""GET /api/calendar/deadline: deadlines in Chinese working time for other systems."""

import datetime

from django.test import TestCase
from django.urls import reverse

from parkops.core.models import AuditEntry, Park
from parkops.core.permissions import Role
from parkops.core.testing import grant, make_alliance, make_park, make_token, make_user, sign_in
from parkops.core.tests.test_workdays import UNCOVERED, a_monday
from parkops.workdays import services
from parkops.workdays.testing import make_override


def make_park_admin(park):
    return make_user(Role.PARK_ADMIN, park=park)


DEADLINE = reverse("api:calendar_deadline")


class DeadlineApiTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.park = make_park(code="suqian")
        cls.other = make_park(code="kunshu")
        cls.officer = make_user(Role.SERVICE_OFFICER, park=cls.park)

    def get(self, user=None, **params):
        headers = {}
        if user is not None:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {make_token(user)}"
        return self.client.get(DEADLINE, params, **headers)

    def test_two_working_days_across_national_day_2023(self):
        response = self.get(self.officer, start="2023-09-28T10:00:00+08:00", working_days="2")
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["deadline"], "2023-10-08T10:00:00+08:00")
        self.assertIs(body["provisional"], False)

    def test_a_start_without_offset_is_china_time_and_hours_are_accepted(self):
        response = self.get(self.officer, start="2023-06-09T16:00", working_hours="3.5")
        self.assertEqual(response.json()["deadline"], "2023-06-12T11:00:00+08:00")

    def test_a_start_pasted_unencoded_keeps_its_offset(self):
        # In a query string "+" decodes to a space: ?start=2023-09-28T10:00+08:00.
        response = self.client.get(
            f"{DEADLINE}?start=2023-09-28T10:00+08:00&working_days=2",
            HTTP_AUTHORIZATION=f"Bearer {make_token(self.officer)}",
        )
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["start"], "2023-09-28T10:00:00+08:00")
        self.assertEqual(body["deadline"], "2023-10-08T10:00:00+08:00")

    def test_a_start_in_utc_is_converted_to_china_time(self):
        response = self.get(self.officer, start="2023-09-28T02:00:00Z", working_days="2")
        body = response.json()
        self.assertEqual(body["start"], "2023-09-28T10:00:00+08:00")
        self.assertEqual(body["deadline"], "2023-10-08T10:00:00+08:00")

    def test_an_uncovered_year_gives_a_provisional_deadline(self):
        response = self.get(self.officer, start=f"{UNCOVERED}-03-02T10:00", working_days="1")
        self.assertEqual(response.status_code, 200)
        self.assertIs(response.json()["provisional"], True)

    def test_the_parks_overrides_apply_when_its_code_is_given(self):
        monday = a_monday(UNCOVERED)
        make_override(self.park, date=monday + datetime.timedelta(days=1), note="园区调整")
        start = f"{monday:%Y-%m-%d}T10:00"
        viewer = make_user(Role.ALLIANCE_VIEWER, alliance=make_alliance([self.park]))
        national = self.get(viewer, start=start, working_days="1").json()
        local = self.get(self.officer, start=start, working_days="1", park="suqian").json()
        self.assertEqual(
            national["deadline"], f"{monday + datetime.timedelta(days=1)}T10:00:00+08:00"
        )
        # The park's Tuesday is a day off: its deadline is Wednesday.
        self.assertEqual(local["deadline"], f"{monday + datetime.timedelta(days=2)}T10:00:00+08:00")
        self.assertEqual((local["park"], local["basis"]), ("suqian", "suqian"))

    def test_one_override_in_an_uncovered_year_leaves_its_spring_festival_provisional(self):
        make_override(self.park, date=datetime.date(UNCOVERED, 1, 1), note="园区运动会")
        start = f"{UNCOVERED}-02-08T10:00"
        body = self.get(self.officer, start=start, working_days="1", park="suqian").json()
        self.assertIs(body["provisional"], True)

    def test_a_year_confirmed_entered_gives_definite_deadlines(self):
        make_override(self.park, date=datetime.date(UNCOVERED, 1, 1), note="元旦")
        services.year_confirm(park=self.park, year=UNCOVERED, actor=make_park_admin(self.park))
        start = f"{UNCOVERED}-02-08T10:00"
        body = self.get(self.officer, start=start, working_days="1", park="suqian").json()
        self.assertIs(body["provisional"], False)

    def test_without_park_a_park_users_deadline_follows_their_parks_holiday(self):
        # 2023-06-06 is a Tuesday the park gives off; the officer has one park.
        make_override(self.park, date=datetime.date(2023, 6, 6), note="园区调整")
        body = self.get(self.officer, start="2023-06-05T10:00", working_days="1").json()
        self.assertEqual(body["deadline"], "2023-06-07T10:00:00+08:00")
        self.assertEqual(body["basis"], "suqian")

    def test_a_session_user_gets_their_active_park(self):
        make_override(self.other, date=datetime.date(2023, 6, 6), note="昆数调整")
        grant(self.officer, Role.SERVICE_OFFICER, park=self.other)
        sign_in(self.client, self.officer)
        self.client.post(reverse("core:park_switch"), {"park": self.other.pk})
        body = self.client.get(DEADLINE, {"start": "2023-06-05T10:00", "working_days": "1"}).json()
        self.assertEqual(body["basis"], "kunshu")
        self.assertEqual(body["deadline"], "2023-06-07T10:00:00+08:00")

    def test_a_user_without_a_park_gets_the_national_calendar_and_is_told_so(self):
        make_override(self.park, date=datetime.date(2023, 6, 6), note="园区调整")
        viewer = make_user(Role.ALLIANCE_VIEWER, alliance=make_alliance([self.park]))
        body = self.get(viewer, start="2023-06-05T10:00", working_days="1").json()
        self.assertEqual(body["deadline"], "2023-06-06T10:00:00+08:00")
        self.assertEqual(body["basis"], "national")
        self.assertIsNone(body["park"])

    def test_a_park_the_user_cannot_see_is_404_and_audited(self):
        response = self.get(self.officer, start="2023-06-05T10:00", working_days="1", park="kunshu")
        self.assertEqual(response.status_code, 404)
        denied = AuditEntry.objects.filter(action=AuditEntry.Action.DENIED, actor=self.officer)
        self.assertTrue(
            denied.filter(object_type="core.park", object_id=str(self.other.pk)).exists()
        )

    def test_an_unknown_park_is_the_same_404(self):
        response = self.get(
            self.officer, start="2023-06-05T10:00", working_days="1", park="nowhere"
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(Park.objects.filter(code="nowhere").exists())

    def test_an_alliance_viewer_uses_the_national_calendar_but_no_park_calendar(self):
        viewer = make_user(Role.ALLIANCE_VIEWER, alliance=make_alliance([self.park]))
        national = self.get(viewer, start="2023-06-05T10:00", working_days="1")
        self.assertEqual(national.status_code, 200)
        local = self.get(viewer, start="2023-06-05T10:00", working_days="1", park="suqian")
        self.assertEqual(local.status_code, 404)

    def test_without_credentials_is_401(self):
        self.assertEqual(self.get(start="2023-06-05T10:00", working_days="1").status_code, 401)

    def test_bad_parameters_are_422_naming_the_parameter(self):
        cases = [
            ({"start": "yesterday", "working_days": "1"}, "start"),
            ({"start": "2023-06-05T10:00", "working_days": "-1"}, "working_days"),
            ({"start": "2023-06-05T10:00", "working_days": "abc"}, "working_days"),
            ({"start": "2023-06-05T10:00", "working_hours": "NaN"}, "working_hours"),
            ({"start": "2023-06-05T10:00", "working_days": "100000"}, "working_days"),
            ({"start": "2023-06-05T10:00"}, "working_days"),
            (
                {"start": "2023-06-05T10:00", "working_days": "1", "working_hours": "1"},
                "working_days",
            ),
        ]
        for params, field in cases:
            with self.subTest(params=params):
                response = self.get(self.officer, **params)
                self.assertEqual(response.status_code, 422)
                self.assertIn(field, response.json()["errors"])

    def test_a_start_near_the_end_of_time_is_422_not_500(self):
        response = self.get(self.officer, start="9999-12-31T17:00", working_days="5")
        self.assertEqual(response.status_code, 422)


class OverrideApiTests(TestCase):
    def test_overrides_are_listed_by_year_for_the_users_park_only(self):
        park, other = make_park(), make_park()
        officer = make_user(Role.PROJECT_OFFICER, park=park)
        mine = make_override(park, date=datetime.date(2027, 10, 1))
        make_override(park, date=datetime.date(2026, 10, 1))
        make_override(other, date=datetime.date(2027, 10, 2))
        response = self.client.get(
            reverse("api:calendaroverride_list"),
            {"year": 2027},
            HTTP_AUTHORIZATION=f"Bearer {make_token(officer)}",
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual([item["id"] for item in response.json()["items"]], [mine.pk])
