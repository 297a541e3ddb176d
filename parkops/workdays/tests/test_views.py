"""The calendar page: month grid, overrides kept by the park administrator, audited."""

import datetime
from unittest import mock

from django.test import TestCase
from django.urls import reverse

from parkops.core.models import AuditEntry
from parkops.core.periods import CHINA
from parkops.core.permissions import Role
from parkops.core.testing import (
    audit_entries,
    grant,
    make_alliance,
    make_park,
    make_user,
    sign_in,
    xlsx_bytes,
)
from parkops.core.tests.test_workdays import UNCOVERED
from parkops.workdays import selectors, services
from parkops.workdays.models import CalendarOverride, CalendarYear
from parkops.workdays.testing import make_override

CALENDAR = reverse("workdays:calendaroverride_list")


def in_november_before(year):
    """Today (China time) is 15 November of the year before ``year``."""
    moment = datetime.datetime(year - 1, 11, 15, 10, tzinfo=CHINA)
    return mock.patch("parkops.workdays.selectors.china_now", return_value=moment)


class CalendarPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.park = make_park()
        cls.other = make_park()
        cls.admin = make_user(Role.PARK_ADMIN, park=cls.park)
        cls.officer = make_user(Role.SERVICE_OFFICER, park=cls.park)

    def page(self, user, month):
        sign_in(self.client, user)
        response = self.client.get(CALENDAR, {"month": month})
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_national_day_2023_shows_holidays_and_make_up_days(self):
        html = self.page(self.officer, "2023-10")
        self.assertIn('data-date="2023-10-02" data-kind="holiday"', html)
        self.assertIn('data-date="2023-10-07" data-kind="makeup"', html)
        self.assertIn('data-date="2023-10-08" data-kind="makeup"', html)
        self.assertIn('data-date="2023-10-09" data-kind="workday"', html)
        self.assertIn('data-date="2023-10-14" data-kind="weekend"', html)
        self.assertNotIn('data-warning="provisional"', html)

    def test_month_links_go_to_the_previous_and_next_month(self):
        html = self.page(self.officer, "2024-01")
        self.assertIn('href="?month=2023-12"', html)
        self.assertIn('href="?month=2024-02"', html)

    def test_a_malformed_month_shows_the_current_month(self):
        html = self.page(self.officer, "2023-13")
        today = selectors.china_now().date()
        self.assertIn(f'data-month="{today:%Y-%m}"', html)

    def test_an_uncovered_year_is_marked_provisional_with_a_warning(self):
        html = self.page(self.officer, f"{UNCOVERED}-03")
        self.assertIn('data-warning="provisional"', html)
        self.assertIn("data-provisional", html)

    def test_an_override_shows_on_its_day_and_the_warning_stays_until_the_year_is_confirmed(self):
        # An override alone does not end the provisional warning: confirming the whole year does.
        make_override(self.park, date=datetime.date(UNCOVERED, 3, 2), note="园区运动会")
        html = self.page(self.officer, f"{UNCOVERED}-03")
        self.assertIn(f'data-date="{UNCOVERED}-03-02" data-kind="override_holiday"', html)
        self.assertIn("园区运动会", html)
        self.assertIn('data-warning="provisional"', html)
        services.year_confirm(park=self.park, year=UNCOVERED, actor=self.admin)
        html = self.page(self.officer, f"{UNCOVERED}-03")
        self.assertNotIn('data-warning="provisional"', html)
        self.assertNotIn("data-provisional", html)

    def test_one_override_in_an_uncovered_year_does_not_make_the_year_final(self):
        # The user's complaint: 2027-01-01 休息 made all of 2027 count as final.
        make_override(self.park, date=datetime.date(UNCOVERED, 1, 1), note="元旦")
        html = self.page(self.officer, f"{UNCOVERED}-02")
        self.assertIn('data-warning="provisional"', html)
        self.assertIn(f'data-date="{UNCOVERED}-02-10" data-kind="workday" data-provisional', html)
        with in_november_before(UNCOVERED):
            sign_in(self.client, self.admin)
            home = self.client.get(reverse("core:home")).content.decode()
        self.assertIn('data-notice="calendar-next-year"', home)

    def test_the_administrator_confirms_a_year_from_the_calendar_page(self):
        html = self.page(self.admin, f"{UNCOVERED}-01")
        confirm = reverse("workdays:calendaryear_confirm", args=[UNCOVERED])
        self.assertIn(f'action="{confirm}"', html)
        response = self.client.post(confirm, {"next": f"{CALENDAR}?month={UNCOVERED}-01"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(response["Location"], f"{CALENDAR}?month={UNCOVERED}-01")
        entered = CalendarYear.objects.unscoped().get(park=self.park, year=UNCOVERED)
        self.assertEqual(entered.entered_by, self.admin)
        entry = audit_entries(entered, action=AuditEntry.Action.CREATE).get()
        self.assertEqual(entry.actor, self.admin)
        html = self.page(self.admin, f"{UNCOVERED}-01")
        self.assertIn('data-notice="year-entered"', html)
        self.assertNotIn('data-warning="provisional"', html)

    def test_the_administrator_withdraws_the_confirmation_and_it_is_audited(self):
        entered = services.year_confirm(park=self.park, year=UNCOVERED, actor=self.admin)
        sign_in(self.client, self.admin)
        response = self.client.post(reverse("workdays:calendaryear_reopen", args=[UNCOVERED]))
        self.assertEqual(response.status_code, 302)
        self.assertFalse(CalendarYear.objects.unscoped().filter(park=self.park).exists())
        self.assertTrue(audit_entries(entered, action=AuditEntry.Action.DELETE).exists())
        self.assertIn('data-warning="provisional"', self.page(self.admin, f"{UNCOVERED}-01"))

    def test_only_the_park_administrator_may_confirm_or_withdraw_a_year(self):
        sign_in(self.client, self.officer)
        html = self.client.get(CALENDAR, {"month": f"{UNCOVERED}-01"}).content.decode()
        self.assertNotIn('data-action="year-confirm"', html)
        confirm = reverse("workdays:calendaryear_confirm", args=[UNCOVERED])
        self.assertEqual(self.client.post(confirm).status_code, 403)
        self.assertFalse(CalendarYear.objects.unscoped().exists())
        services.year_confirm(park=self.park, year=UNCOVERED, actor=self.admin)
        reopen = reverse("workdays:calendaryear_reopen", args=[UNCOVERED])
        self.assertEqual(self.client.post(reopen).status_code, 403)
        self.assertTrue(CalendarYear.objects.unscoped().exists())

    def test_a_year_the_state_council_calendar_covers_cannot_be_confirmed(self):
        from django.core.exceptions import ValidationError

        with self.assertRaises(ValidationError) as caught:
            services.year_confirm(park=self.park, year=2023, actor=self.admin)
        self.assertIn("year", caught.exception.message_dict)
        self.assertNotIn('data-action="year-confirm"', self.page(self.admin, "2023-10"))

    def test_confirming_a_year_in_one_park_leaves_another_park_provisional(self):
        services.year_confirm(park=self.park, year=UNCOVERED, actor=self.admin)
        other_officer = make_user(Role.SERVICE_OFFICER, park=self.other)
        self.assertIn('data-warning="provisional"', self.page(other_officer, f"{UNCOVERED}-03"))

    def test_another_parks_override_does_not_change_this_calendar(self):
        make_override(self.other, date=datetime.date(2023, 10, 9), note="别的园区")
        html = self.page(self.officer, "2023-10")
        self.assertIn('data-date="2023-10-09" data-kind="workday"', html)
        self.assertNotIn("别的园区", html)

    def test_the_park_administrator_is_told_when_next_year_is_missing(self):
        with in_november_before(UNCOVERED):
            self.assertIn('data-notice="calendar-next-year"', self.page(self.admin, "2023-10"))
            home = self.client.get(reverse("core:home")).content.decode()
        self.assertIn('data-notice="calendar-next-year"', home)

    def test_the_notice_goes_once_next_year_is_confirmed_entered(self):
        make_override(self.park, date=datetime.date(UNCOVERED, 1, 1), note="元旦")
        services.year_confirm(park=self.park, year=UNCOVERED, actor=self.admin)
        with in_november_before(UNCOVERED):
            html = self.page(self.admin, "2023-10")
        self.assertNotIn('data-notice="calendar-next-year"', html)

    def test_the_calendar_page_says_next_year_is_missing_once_without_linking_to_itself(self):
        with in_november_before(UNCOVERED):
            this_year = self.page(self.admin, f"{UNCOVERED - 1}-11")
            next_year = self.page(self.admin, f"{UNCOVERED}-01")
        self.assertEqual(this_year.count('data-notice="calendar-next-year"'), 1)
        self.assertNotIn(f'href="{CALENDAR}?month={UNCOVERED}-01"', this_year)
        # Next year's own month says it in its provisional warning only.
        self.assertEqual(next_year.count('role="alert"'), 1)
        self.assertIn('data-warning="provisional"', next_year)

    def test_the_page_uses_one_word_per_thing_and_chinese_punctuation(self):
        make_override(self.park, date=datetime.date(2023, 10, 9), note="园区调整")
        html = self.page(self.admin, "2023-10")
        self.assertNotIn("覆盖", html)
        self.assertIn("本园区调整", html)
        self.assertIn("放假（本园区调整）", html)
        self.assertIn("工作日办公时间：09:00–12:00、13:30–17:30。", html)

    def test_no_notice_while_the_library_covers_next_year(self):
        with in_november_before(2024):
            html = self.page(self.admin, "2023-10")
        self.assertNotIn('data-notice="calendar-next-year"', html)

    def test_other_park_roles_read_the_calendar_without_edit_controls(self):
        override = make_override(self.park, date=datetime.date(2023, 10, 9))
        html = self.page(self.officer, "2023-10")
        self.assertNotIn(reverse("workdays:calendaroverride_add"), html)
        self.assertNotIn(reverse("workdays:calendaroverride_edit", args=[override.pk]), html)
        self.assertNotIn('data-notice="calendar-next-year"', html)

    def test_roles_without_a_park_are_refused(self):
        for user in (
            make_user(Role.ALLIANCE_VIEWER, alliance=make_alliance([self.park])),
            make_user(Role.SYSTEM_ADMIN),
            make_user(Role.AUDIT_ADMIN),
        ):
            with self.subTest(role=user.memberships.get().role):
                sign_in(self.client, user)
                self.assertEqual(self.client.get(CALENDAR).status_code, 403)

    def test_the_menu_shows_the_calendar_to_park_staff(self):
        sign_in(self.client, self.officer)
        home = self.client.get(reverse("core:home")).content.decode()
        self.assertIn(f'href="{CALENDAR}"', home)


class OverrideEditTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.park = make_park()
        cls.admin = make_user(Role.PARK_ADMIN, park=cls.park)
        cls.leader = make_user(Role.PARK_LEADER, park=cls.park)

    def test_park_admin_adds_an_override_and_it_is_audited(self):
        sign_in(self.client, self.admin)
        response = self.client.post(
            reverse("workdays:calendaroverride_add"),
            {"date": "2027-10-01", "kind": "holiday", "note": "国庆节"},
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(response["Location"], f"{CALENDAR}?month=2027-10")
        override = CalendarOverride.objects.unscoped().get(park=self.park)
        entry = audit_entries(override, action=AuditEntry.Action.CREATE).get()
        self.assertEqual(entry.actor, self.admin)
        self.assertEqual(entry.park_id, self.park.pk)
        self.assertEqual(entry.after["note"], "国庆节")

    def test_park_admin_changes_an_override_with_before_and_after(self):
        override = make_override(self.park, date=datetime.date(2027, 10, 1), note="国庆")
        sign_in(self.client, self.admin)
        response = self.client.post(
            reverse("workdays:calendaroverride_edit", args=[override.pk]),
            {"date": "2027-10-01", "kind": "holiday", "note": "国庆节"},
        )
        self.assertEqual(response.status_code, 302)
        entry = audit_entries(override, action=AuditEntry.Action.UPDATE).get()
        self.assertEqual((entry.before["note"], entry.after["note"]), ("国庆", "国庆节"))

    def test_park_admin_deletes_an_override_and_it_is_audited(self):
        override = make_override(self.park)
        sign_in(self.client, self.admin)
        response = self.client.post(reverse("workdays:calendaroverride_delete", args=[override.pk]))
        self.assertEqual(response.status_code, 302)
        self.assertFalse(CalendarOverride.objects.unscoped().filter(pk=override.pk).exists())
        entry = audit_entries(override, action=AuditEntry.Action.DELETE).get()
        self.assertEqual(entry.before["note"], override.note)

    def test_a_second_override_of_the_same_day_is_refused_on_the_date_field(self):
        make_override(self.park, date=datetime.date(2027, 10, 1))
        sign_in(self.client, self.admin)
        before = AuditEntry.objects.count()
        response = self.client.post(
            reverse("workdays:calendaroverride_add"),
            {"date": "2027-10-01", "kind": "workday", "note": ""},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("2027-10-01", response.context["form"].errors["date"][0])
        self.assertEqual(CalendarOverride.objects.unscoped().filter(park=self.park).count(), 1)
        self.assertEqual(AuditEntry.objects.count(), before)

    def test_moving_an_override_onto_another_overridden_day_is_refused(self):
        make_override(self.park, date=datetime.date(2027, 10, 1))
        second = make_override(self.park, date=datetime.date(2027, 10, 2))
        from django.core.exceptions import ValidationError

        with self.assertRaises(ValidationError) as caught:
            services.override_update(
                override=second, actor=self.admin, date=datetime.date(2027, 10, 1)
            )
        self.assertIn("date", caught.exception.message_dict)

    def test_a_leader_may_read_but_not_add_change_or_delete(self):
        override = make_override(self.park)
        sign_in(self.client, self.leader)
        self.assertEqual(self.client.get(reverse("workdays:calendaroverride_add")).status_code, 403)
        edit = reverse("workdays:calendaroverride_edit", args=[override.pk])
        self.assertEqual(self.client.get(edit).status_code, 403)
        delete = reverse("workdays:calendaroverride_delete", args=[override.pk])
        self.assertEqual(self.client.post(delete).status_code, 403)
        self.assertTrue(CalendarOverride.objects.unscoped().filter(pk=override.pk).exists())
        self.assertTrue(audit_entries(action=AuditEntry.Action.DENIED, actor=self.leader).exists())

    def test_an_admin_of_another_park_cannot_edit_this_parks_override(self):
        override = make_override(self.park)
        stranger = make_user(Role.PARK_ADMIN, park=make_park())
        sign_in(self.client, stranger)
        response = self.client.post(
            reverse("workdays:calendaroverride_edit", args=[override.pk]),
            {"date": "2027-10-01", "kind": "workday", "note": "改"},
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(audit_entries(override).exclude(action=AuditEntry.Action.DENIED).exists())

    def test_an_admin_of_two_parks_writes_into_the_active_one(self):
        second = make_park()
        grant(self.admin, Role.PARK_ADMIN, park=second)
        sign_in(self.client, self.admin)
        self.client.post(reverse("core:park_switch"), {"park": second.pk})
        self.client.post(
            reverse("workdays:calendaroverride_add"), {"date": "2027-05-06", "kind": "holiday"}
        )
        self.assertEqual(CalendarOverride.objects.unscoped().get().park, second)


class OverrideImportTests(TestCase):
    """A whole year (e.g. 2027, before any library release) entered from Excel."""

    def test_a_year_imported_from_a_sheet_is_definite_once_confirmed(self):
        from parkops.core.exchange.importer import run_import
        from parkops.core.exchange.spec import get_spec

        park = make_park()
        admin = make_user(Role.PARK_ADMIN, park=park)
        # The new words (放假, 调休上班) and the first template's (休息, 上班) both import.
        rows = [
            ["日期", "类型", "说明"],
            [f"{UNCOVERED}-10-01", "放假", "国庆节"],
            [f"{UNCOVERED}/10/2", "休息", "国庆节"],
            [f"{UNCOVERED}年10月9日", "上班", "调休上班"],
            [f"{UNCOVERED}年10月10日", "调休上班", "调休上班"],
        ]
        outcome = run_import(
            spec=get_spec("calendar-overrides"),
            actor=admin,
            park=park,
            data=xlsx_bytes(rows),
            file_name=f"{UNCOVERED}.xlsx",
            commit=True,
        )
        self.assertTrue(outcome.ok, outcome.problems or outcome.file_errors)
        calendar = selectors.working_calendar(park=park)
        self.assertFalse(calendar.is_workday(datetime.date(UNCOVERED, 10, 1)))
        self.assertFalse(calendar.is_workday(datetime.date(UNCOVERED, 10, 2)))
        self.assertTrue(calendar.is_workday(datetime.date(UNCOVERED, 10, 9)))
        self.assertTrue(calendar.is_workday(datetime.date(UNCOVERED, 10, 10)))
        self.assertTrue(calendar.day(datetime.date(UNCOVERED, 3, 1)).provisional)
        self.assertEqual(
            audit_entries(action=AuditEntry.Action.CREATE, object_type="workdays.calendaroverride")
            .filter(park=park)
            .count(),
            4,
        )
        # Back on the calendar the imported month offers the confirmation.
        sign_in(self.client, admin)
        html = self.client.get(CALENDAR, {"month": f"{UNCOVERED}-10"}).content.decode()
        self.assertIn('data-action="year-confirm"', html)
        self.client.post(reverse("workdays:calendaryear_confirm", args=[UNCOVERED]))
        calendar = selectors.working_calendar(park=park)
        self.assertFalse(calendar.day(datetime.date(UNCOVERED, 3, 1)).provisional)

    def test_a_day_listed_twice_in_a_sheet_is_refused(self):
        from parkops.core.exchange.importer import run_import
        from parkops.core.exchange.spec import get_spec

        park = make_park()
        admin = make_user(Role.PARK_ADMIN, park=park)
        rows = [["日期", "类型"], [f"{UNCOVERED}-10-01", "休息"], [f"{UNCOVERED}/10/1", "上班"]]
        outcome = run_import(
            spec=get_spec("calendar-overrides"),
            actor=admin,
            park=park,
            data=xlsx_bytes(rows),
            file_name="dup.xlsx",
            commit=True,
        )
        self.assertFalse(outcome.ok)
        self.assertFalse(CalendarOverride.objects.unscoped().filter(park=park).exists())
