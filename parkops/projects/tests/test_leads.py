"""Lead-handling deadlines (线索处理时限) in a park's working days: the policy,
the handling steps, the next deadline across holidays, overdue as of a day,
major leads, and the list's overdue filter and badges."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from parkops.core.models import AuditEntry
from parkops.core.periods import CHINA
from parkops.core.permissions import Role
from parkops.core.testing import audit_entries, make_park, make_user, sign_in
from parkops.core.text import today_cst
from parkops.core.workdays import WorkingCalendar
from parkops.projects import selectors, services
from parkops.projects.deadlines import LeadDates, Policy, Step, WorkdayIndex, next_deadline
from parkops.projects.models import LeadPolicy, ProjectEvent
from parkops.projects.testing import make_lead_policy, make_project
from parkops.workdays.models import CalendarOverride
from parkops.workdays.selectors import working_calendar

from .conftest import D

# Thursday 2023-09-28: then the Mid-autumn and National Day holidays from 29
# September to 6 October, and two make-up working days, Saturday 7 and Sunday 8.
BEFORE_NATIONAL_DAY = D(2023, 9, 28)
DEFAULT = Policy.of(LeadPolicy.DEFAULTS)


def deadline(dates, *, as_of=BEFORE_NATIONAL_DAY, policy=DEFAULT, calendar=None):
    index = WorkdayIndex(calendar or WorkingCalendar())
    return next_deadline(dates, policy=policy, index=index, as_of=as_of)


# ------------------------------------------------------------ across a holiday
def test_each_step_falls_due_on_the_right_day_across_national_day():
    lead = LeadDates(lead_on=BEFORE_NATIONAL_DAY)
    # 1 working day after Thursday 28 September is the make-up Saturday, 7 October.
    assert (deadline(lead).step, deadline(lead).due) == (Step.ASSIGN, D(2023, 10, 7))
    assigned = LeadDates(lead_on=BEFORE_NATIONAL_DAY, assigned_on=BEFORE_NATIONAL_DAY)
    assert (deadline(assigned).step, deadline(assigned).due) == (Step.ASSESS, D(2023, 10, 9))
    assessed = LeadDates(
        lead_on=BEFORE_NATIONAL_DAY, assigned_on=D(2023, 9, 28), assessed_on=D(2023, 10, 7)
    )
    assert (deadline(assessed).step, deadline(assessed).due) == (Step.FEEDBACK, D(2023, 10, 11))
    # Then a progress note every 10 working days from the feedback.
    fed_back = LeadDates(
        lead_on=BEFORE_NATIONAL_DAY,
        assigned_on=D(2023, 9, 28),
        assessed_on=D(2023, 10, 7),
        feedback_on=D(2023, 10, 11),
        stage_on=BEFORE_NATIONAL_DAY,
    )
    assert (deadline(fed_back).step, deadline(fed_back).due) == (Step.PROGRESS, D(2023, 10, 25))
    noted = LeadDates(**{**fed_back.__dict__, "progress_on": D(2023, 10, 20)})
    assert deadline(noted).due == D(2023, 11, 3)


def test_a_major_lead_has_longer_to_be_assessed():
    major = LeadDates(
        lead_on=BEFORE_NATIONAL_DAY,
        assigned_on=BEFORE_NATIONAL_DAY,
        planned_investment=Decimal("500000000.00"),
    )
    found = deadline(major)
    assert (found.step, found.due, found.major) == (Step.ASSESS, D(2023, 10, 11), True)


@settings(max_examples=150, deadline=None)
@given(
    day=st.dates(min_value=D(2016, 1, 1), max_value=D(2025, 10, 1)),
    n=st.integers(min_value=1, max_value=40),
)
def test_a_due_date_is_a_working_day_exactly_n_working_days_later(day, n):
    calendar = WorkingCalendar()
    index = WorkdayIndex(calendar)
    due = index.add(day, n)
    assert calendar.is_workday(due)
    between = [day + datetime.timedelta(days=i) for i in range(1, (due - day).days + 1)]
    assert sum(calendar.is_workday(d) for d in between) == n
    assert index.between(day, due) == n
    # The same day as the calendar's own arithmetic from the close of ``day``
    # (``promotion.services.due_after_working_days``).
    close = datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=CHINA)
    assert calendar.add_working_days(close, n).at.date() == due


# ------------------------------------------------------------- overdue as of
@pytest.mark.parametrize(
    ("as_of", "overdue_days"),
    [
        (D(2023, 9, 28), 0),
        (D(2023, 10, 1), 0),  # a holiday: no working day has passed yet
        (D(2023, 10, 7), 0),  # the due day itself
        (D(2023, 10, 8), 1),  # the make-up Sunday counts
        (D(2023, 10, 9), 2),
        (D(2023, 10, 14), 6),  # Saturday 14 is a weekend day again
    ],
)
def test_overdue_is_counted_in_working_days_as_of_a_day(as_of, overdue_days):
    found = deadline(LeadDates(lead_on=BEFORE_NATIONAL_DAY), as_of=as_of)
    assert found.overdue_days == overdue_days
    assert found.overdue is (overdue_days > 0)


# ------------------------------------------------------------- through the DB
@pytest.fixture
def leader(park):
    return make_user(Role.PARK_LEADER, park=park)


def test_the_selector_reads_the_steps_from_the_events(park, leader):
    project = make_project(park, on=BEFORE_NATIONAL_DAY)
    found = selectors.lead_deadlines(user=leader, as_of=D(2023, 10, 9))[project.pk]
    assert (found.step, found.due, found.overdue_days) == (Step.ASSIGN, D(2023, 10, 7), 2)
    ProjectEvent.objects.create(park=park, project=project, kind="assigned", on_date=D(2023, 9, 28))
    found = selectors.project_deadline(project, user=leader, as_of=D(2023, 10, 9))
    assert (found.step, found.due, found.overdue) == (Step.ASSESS, D(2023, 10, 9), False)


def test_a_corrected_lead_date_moves_the_deadlines(park, leader):
    project = make_project(park, on=D(2023, 9, 25))
    created = ProjectEvent.objects.unscoped().get(project=project)
    services.project_event_correct(
        event=created, on_date=BEFORE_NATIONAL_DAY, reason="登记日期有误", actor=_officer(project)
    )
    found = selectors.project_deadline(project, user=leader, as_of=D(2023, 10, 9))
    assert found.due == D(2023, 10, 7)


def _officer(project):
    from parkops.promotion.testing import make_officer

    return make_officer(project.park, project.first_contact_unit)


def test_an_owner_named_with_the_lead_counts_as_assigned_that_day(lead, leader):
    found = selectors.project_deadline(lead, user=leader, as_of=D(2023, 3, 1))
    assert found.step == Step.ASSESS


@pytest.mark.parametrize(
    ("planned", "major"),
    [("499999999.99", False), ("500000000.00", True), ("600000000", True), (None, False)],
)
def test_major_at_the_threshold(park, leader, planned, major):
    project = make_project(park, on=BEFORE_NATIONAL_DAY, planned_investment=planned)
    assert (
        selectors.lead_deadlines(user=leader, as_of=BEFORE_NATIONAL_DAY)[project.pk].major is major
    )


def test_each_park_follows_its_own_policy_and_calendar(leader, park):
    other = make_park()
    other_leader = make_user(Role.PARK_LEADER, park=other)
    here = make_project(park, on=BEFORE_NATIONAL_DAY)
    there = make_project(other, on=BEFORE_NATIONAL_DAY)
    make_lead_policy(other, assign_days=2, major_threshold=Decimal("100000000"))
    assert selectors.project_deadline(here, user=leader).due == D(2023, 10, 7)
    assert selectors.project_deadline(there, user=other_leader).due == D(2023, 10, 8)
    # The park's own calendar: it rests on the make-up Saturday.
    CalendarOverride.objects.create(park=park, date=D(2023, 10, 7), kind="holiday", note="园区")
    assert selectors.project_deadline(here, user=leader).due == D(2023, 10, 8)
    assert working_calendar(park=other).is_workday(D(2023, 10, 7))


def test_closed_and_signed_projects_have_no_handling_deadline(park, leader):
    from .conftest import move

    project = make_project(park, on=D(2023, 3, 1))
    project = move(project, ("negotiating", D(2023, 4, 1)), ("signed", D(2023, 5, 1)))
    assert selectors.project_deadline(project, user=leader) is None


# -------------------------------------------------------------- the records
def test_a_handling_step_is_an_audited_event_that_stops_its_deadline(lead, officer, leader):
    event = services.project_note(
        project=lead,
        kind="assessment",
        on_date=D(2023, 3, 3),
        note="产业契合，建议洽谈",
        actor=officer,
    )
    assert (event.kind, event.note, event.recorded_by) == (
        "assessment",
        "产业契合，建议洽谈",
        officer,
    )
    assert audit_entries(event, action=AuditEntry.Action.CREATE).get().actor == officer
    found = selectors.project_deadline(lead, user=leader, as_of=D(2023, 3, 3))
    assert found.step == Step.FEEDBACK


def test_a_handling_step_is_refused_without_a_note_in_the_future_or_before_the_lead(lead, officer):
    for kind, on, note, field in (
        ("feedback", D(2023, 3, 2), "  ", "note"),
        ("progress", today_cst() + datetime.timedelta(days=1), "进展", "on_date"),
        ("progress", D(2023, 2, 1), "进展", "on_date"),
        ("stage", D(2023, 3, 2), "进展", "kind"),
    ):
        with pytest.raises(ValidationError) as refused:
            services.project_note(project=lead, kind=kind, on_date=on, note=note, actor=officer)
        assert field in refused.value.message_dict


def test_only_the_units_officers_record_handling_steps(lead, other_officer):
    with pytest.raises(PermissionDenied):
        services.project_note(
            project=lead, kind="feedback", on_date=D(2023, 3, 2), note="已反馈", actor=other_officer
        )


def test_assigning_an_owner_officer_records_the_step(park, unit, officer, leader):
    from parkops.enterprises.testing import make_enterprise
    from parkops.promotion.testing import make_officer

    project = services.project_create(
        park=park,
        actor=officer,
        on_date=D(2023, 3, 1),
        name="无负责人的线索",
        investor=make_enterprise(park, status="prospect", uscc=""),
        first_contact_unit=unit,
    )
    assert project.owner_officer is None
    assert selectors.project_deadline(project, user=leader).step == Step.ASSIGN
    colleague = make_officer(park, unit)
    services.project_update(project=project, actor=officer, owner_officer=colleague)
    assigned = ProjectEvent.objects.unscoped().get(project=project, kind="assigned")
    assert (assigned.on_date, assigned.details["officer"]["id"]) == (today_cst(), colleague.pk)
    assert selectors.project_deadline(project, user=leader).step == Step.ASSESS


# ----------------------------------------------------------------- the pages
def test_the_list_filters_and_highlights_overdue_leads_with_constant_queries(client, park, leader):
    overdue = make_project(park, name="逾期线索", on=D(2023, 3, 1))
    fresh = make_project(park, name="新线索", on=today_cst())
    ProjectEvent.objects.create(park=park, project=fresh, kind="assigned", on_date=today_cst())
    sign_in(client, leader)
    url = reverse("projects:project_list")
    response = client.get(url, {"overdue": "true"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "逾期线索" in text and "新线索" not in text
    assert 'data-overdue="true"' in text and "逾期" in text
    assert "新线索" in client.get(url, {"overdue": "false"}).content.decode()
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(5):
        make_project(park, name=f"又一条逾期线索{i}", on=D(2023, 3, 1), planned_investment="9e8")
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert len(few) == len(many), "the deadlines cost queries per row"
    assert page.content.decode().count('data-overdue="true"') == 6
    assert overdue.pk


def test_the_project_page_shows_the_next_deadline_and_the_major_flag(client, park, leader):
    project = make_project(park, on=D(2023, 3, 1), planned_investment="800000000")
    sign_in(client, leader)
    text = client.get(project.get_absolute_url()).content.decode()
    assert "data-deadline" in text and 'data-due="2023-03-02"' in text
    assert "重大线索" in text


def test_the_handling_form_records_a_step(client, lead, officer):
    sign_in(client, officer)
    response = client.post(
        reverse("projects:project_note", args=[lead.pk]),
        {"kind": "progress", "on_date": "2023-03-10", "note": "已实地考察"},
    )
    assert response.status_code == 302
    page = client.get(lead.get_absolute_url()).content.decode()
    assert "已实地考察" in page and 'data-event-kind="progress"' in page


def test_the_park_admin_sets_the_parks_policy_once_and_edits_it(client, park):
    admin = make_user(Role.PARK_ADMIN, park=park)
    sign_in(client, admin)
    data = {
        "assign_days": "1",
        "assess_days": "2",
        "assess_major_days": "5",
        "feedback_days": "5",
        "progress_days": "10",
        "major_threshold": "300000000",
    }
    assert client.post(reverse("projects:leadpolicy_add"), data).status_code == 302
    policy = LeadPolicy.objects.unscoped().get(park=park)
    assert policy.assess_days == 2
    assert audit_entries(policy, action=AuditEntry.Action.CREATE).get().actor == admin
    again = client.post(reverse("projects:leadpolicy_add"), data)
    assert again.status_code == 200
    assert "已设置线索处理时限" in again.content.decode()
    edited = client.post(
        reverse("projects:leadpolicy_edit", args=[policy.pk]), {**data, "progress_days": "14"}
    )
    assert edited.status_code == 302
    policy.refresh_from_db()
    assert policy.progress_days == 14
    assert audit_entries(policy, action=AuditEntry.Action.UPDATE).get().actor == admin


def test_officers_read_the_policy_but_may_not_change_it(client, park):
    policy = make_lead_policy(park)
    officer = make_user(Role.PROMOTION_OFFICER, park=park)
    sign_in(client, officer)
    assert client.get(policy.get_absolute_url()).status_code == 200
    assert client.get(reverse("projects:leadpolicy_edit", args=[policy.pk])).status_code == 403
    assert client.get(reverse("projects:leadpolicy_add")).status_code == 403


def test_the_handling_form_defaults_to_the_next_step(client, lead, officer):
    from parkops.projects import services

    sign_in(client, officer)
    page = client.get(lead.get_absolute_url()).content.decode()
    assert '<option value="assessment" selected>' in page
    services.project_note(
        project=lead, kind="assessment", on_date=D(2023, 3, 2), note="符合产业定位", actor=officer
    )
    page = client.get(lead.get_absolute_url()).content.decode()
    assert '<option value="feedback" selected>' in page


def test_the_handling_and_signing_fields_show_only_at_their_stages(
    client, lead, officer, project_officer
):
    from .conftest import move

    sign_in(client, officer)
    page = client.get(lead.get_absolute_url()).content.decode()
    notes = reverse("projects:project_note", args=[lead.pk])
    assert f'action="{notes}"' in page and 'name="signing_amount"' not in page
    negotiating = move(lead, ("negotiating", D(2023, 3, 5)), actor=officer)
    page = client.get(negotiating.get_absolute_url()).content.decode()
    assert "data-signing-only" in page and 'name="signing_amount"' in page
    assert "projects/stage_form.js" in page
    signed = move(negotiating, ("signed", D(2023, 4, 1)), actor=officer)
    client.logout()
    sign_in(client, project_officer)
    page = client.get(signed.get_absolute_url()).content.decode()
    assert 'name="to_stage"' in page  # the project officer moves it on
    assert 'name="signing_amount"' not in page and 'name="signing_event"' not in page
    # after signing, no lead handling: progress notes (推进情况) only
    assert f'action="{notes}"' in page and "推进情况" in page
    assert '<option value="progress" selected>' in page and 'value="assessment"' not in page
    refused = client.post(notes, {"kind": "assessment", "on_date": "2023-04-02", "note": "研判"})
    assert refused.status_code == 200 and not signed.events.filter(kind="assessment")
