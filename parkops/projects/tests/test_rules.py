"""Who may do what to a project (ROLES.md), first-contact responsibility
(项目首招负责制), corrections that keep history, and the as-of count."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from parkops.core.models import AuditEntry
from parkops.core.periods import Period
from parkops.core.permissions import SYSTEM
from parkops.core.testing import audit_entries
from parkops.enterprises.testing import make_enterprise
from parkops.projects import selectors, services
from parkops.projects.figures import projects_negotiating
from parkops.projects.models import Project, ProjectEvent
from parkops.promotion.testing import make_officer, make_unit

from .conftest import D, move

FIRST_CONTACT_HERE = "首招不能在此修改（项目首招负责制）：须由园区领导通过“变更首招”并填写原因。"


# ------------------------------------------------------------ the row rule
def test_any_promotion_officer_records_a_lead_but_only_its_units_work_on_it(park, officer, unit):
    other_unit = make_unit(park)
    other_officer = make_officer(park, other_unit)
    lead = services.project_create(
        park=park,
        actor=other_officer,
        name="某项目",
        investor=make_enterprise(park),
        first_contact_unit=other_unit,
    )
    assert lead.stage == "lead"
    with pytest.raises(PermissionDenied):
        services.project_update(project=lead, actor=officer, notes="改")


def test_a_promotion_officer_names_one_of_their_own_units_and_its_member(
    park, officer, other_officer, unit
):
    with pytest.raises(ValidationError) as refused:
        services.project_create(
            park=park,
            actor=other_officer,
            name="某项目",
            investor=make_enterprise(park),
            first_contact_unit=unit,
            first_contact_officer=other_officer,
        )
    errors = refused.value.message_dict
    assert errors["first_contact_unit"] == [
        f"线索的首招单位须是您所在的单位：您不是“{unit}”的成员。"
    ]
    assert f"不是“{unit}”的成员，请选择首招单位的成员。" in errors["first_contact_officer"][0]
    assert not Project.objects.unscoped().filter(park=park).exists()


def test_a_leader_names_any_unit_of_the_park_but_a_member_as_its_officer(
    park, lead, leader, officer
):
    new_unit = make_unit(park)
    with pytest.raises(ValidationError) as refused:
        services.project_first_contact_change(
            project=lead, unit=new_unit, officer=officer, reason="调整", actor=leader
        )
    assert "请选择首招单位的成员" in refused.value.message_dict["officer"][0]
    changed = services.project_first_contact_change(
        project=lead, unit=new_unit, officer=None, reason="调整", actor=leader
    )
    assert changed.first_contact_unit == new_unit


def test_a_new_lead_starts_at_lead_with_its_owner_the_first_contact(lead, unit, officer):
    assert (lead.stage, lead.stage_on) == ("lead", D(2023, 3, 1))
    assert (lead.owner_unit, lead.owner_officer) == (unit, officer)


def test_a_promotion_officer_of_another_unit_may_not_edit_or_advance(lead, other_officer):
    with pytest.raises(PermissionDenied) as refused:
        services.project_update(project=lead, actor=other_officer, notes="改")
    assert "您不是这两个单位的成员" in str(refused.value)
    with pytest.raises(PermissionDenied):
        move(lead, ("negotiating", D(2023, 4, 1)), actor=other_officer)


def test_the_owner_units_officers_may_work_on_it_too(park, lead, officer):
    owner_unit = make_unit(park)
    owner = make_officer(park, owner_unit)
    services.project_update(project=lead, actor=officer, owner_unit=owner_unit)
    lead.refresh_from_db()
    assert move(lead, ("negotiating", D(2023, 4, 1)), actor=owner).stage == "negotiating"


def test_promotion_takes_a_project_up_to_signing_and_project_officers_on(
    lead, officer, project_officer
):
    with pytest.raises(PermissionDenied) as early:
        move(lead, ("negotiating", D(2023, 4, 1)), actor=project_officer)
    assert "签约前项目由所在单位的招商人员负责" in str(early.value)
    signed = move(lead, ("negotiating", D(2023, 4, 1)), ("signed", D(2023, 5, 1)), actor=officer)
    with pytest.raises(PermissionDenied) as late:
        move(signed, ("ready", D(2023, 6, 1)), actor=officer)
    assert "由项目推进专员维护" in str(late.value)
    with pytest.raises(PermissionDenied):
        services.project_update(project=signed, actor=officer, notes="签约后修改")
    assert move(signed, ("ready", D(2023, 6, 1)), actor=project_officer).stage == "ready"


def test_the_writer_is_checked_on_the_stored_row_not_the_callers_copy(lead, project_officer):
    stale = Project.objects.unscoped().get(pk=lead.pk)
    stale.stage = "signed"  # what the caller believes; the project is still a lead
    with pytest.raises(PermissionDenied):
        services.project_update(project=stale, actor=project_officer, notes="改")
    lead.refresh_from_db()
    assert lead.notes == ""


def test_a_park_leader_reads_but_does_not_edit(lead, leader):
    with pytest.raises(PermissionDenied):
        services.project_update(project=lead, actor=leader, notes="领导修改")
    with pytest.raises(PermissionDenied):
        move(lead, ("negotiating", D(2023, 4, 1)), actor=leader)


# ------------------------------------------------------ first contact (首招)
def test_first_contact_cannot_change_through_an_update(park, lead, officer):
    other = make_unit(park)
    with pytest.raises(ValidationError) as refused:
        services.project_update(project=lead, actor=officer, first_contact_unit=other)
    assert refused.value.message_dict["first_contact_unit"] == [FIRST_CONTACT_HERE]
    with pytest.raises(ValidationError):
        services.project_update(project=lead, actor=SYSTEM, first_contact_officer=None)
    lead.refresh_from_db()
    assert lead.first_contact_unit_id != other.pk
    # Repeating the same first contact (a form or a file read back) is fine.
    services.project_update(project=lead, actor=officer, first_contact_unit=lead.first_contact_unit)


def test_a_park_leader_changes_first_contact_with_a_reason_on_record(park, lead, leader, unit):
    new_unit = make_unit(park)
    new_officer = make_officer(park, new_unit)
    with pytest.raises(ValidationError) as no_reason:
        services.project_first_contact_change(
            project=lead, unit=new_unit, officer=new_officer, reason=" ", actor=leader
        )
    assert "reason" in no_reason.value.message_dict
    changed = services.project_first_contact_change(
        project=lead, unit=new_unit, officer=new_officer, reason="实为二分局首次对接", actor=leader
    )
    assert (changed.first_contact_unit, changed.first_contact_officer) == (new_unit, new_officer)
    event = ProjectEvent.objects.unscoped().get(project=lead, kind="first_contact")
    assert event.reason == "实为二分局首次对接"
    assert event.recorded_by == leader
    assert event.details["before"]["unit"] == {"id": unit.pk, "name": unit.name}
    assert event.details["after"]["unit"] == {"id": new_unit.pk, "name": new_unit.name}
    entry = audit_entries(lead, action=AuditEntry.Action.UPDATE).get()
    assert entry.actor == leader
    assert entry.before["first_contact_unit_id"] == unit.pk
    assert entry.after["first_contact_unit_id"] == new_unit.pk


@pytest.mark.parametrize("who", ["officer", "project_officer", "other_park_leader"])
def test_only_a_leader_of_the_projects_park_changes_first_contact(request, park, lead, who):
    from parkops.core.permissions import Role
    from parkops.core.testing import make_park, make_user

    actor = (
        make_user(Role.PARK_LEADER, park=make_park())
        if who == "other_park_leader"
        else request.getfixturevalue(who)
    )
    with pytest.raises(PermissionDenied) as refused:
        services.project_first_contact_change(
            project=lead, unit=make_unit(park), officer=None, reason="调整", actor=actor
        )
    assert "只有项目所在园区的园区领导可以变更首招" in str(refused.value)
    assert not ProjectEvent.objects.unscoped().filter(project=lead, kind="first_contact").exists()


# ----------------------------------------------------------------- corrections
def test_a_correction_keeps_history_and_moves_the_stage_date(lead, officer):
    project = move(lead, ("negotiating", D(2023, 4, 10)), actor=officer)
    wrong = ProjectEvent.objects.unscoped().get(project=project, to_stage="negotiating")
    correction = services.project_event_correct(
        event=wrong, on_date=D(2023, 4, 1), reason="录入时写错日期", actor=officer
    )
    assert correction.corrects == wrong and correction.kind == "correction"
    wrong.refresh_from_db()
    assert wrong.on_date == D(2023, 4, 10)  # never overwritten
    assert selectors.stage_dates(project)["negotiating"] == D(2023, 4, 1)
    project.refresh_from_db()
    assert project.stage_on == D(2023, 4, 1)
    # A correction is checked against its neighbours, as a stage change is.
    with pytest.raises(ValidationError) as refused:
        services.project_event_correct(
            event=wrong, on_date=D(2023, 2, 1), reason="再改", actor=officer
        )
    assert refused.value.message_dict["on_date"] == ["日期不能早于上一次阶段变更（2023-03-01）。"]
    with pytest.raises(ValidationError) as no_reason:
        services.project_event_correct(event=wrong, on_date=D(2023, 4, 2), reason="", actor=officer)
    assert "reason" in no_reason.value.message_dict


def test_a_correction_by_an_officer_of_another_unit_is_refused(lead, other_officer):
    first = ProjectEvent.objects.unscoped().get(project=lead)
    with pytest.raises(PermissionDenied):
        services.project_event_correct(
            event=first, on_date=D(2023, 2, 1), reason="改", actor=other_officer
        )


def test_a_correction_is_for_the_writers_of_the_corrected_changes_stage(
    lead, officer, project_officer
):
    """Who may re-date a change follows the stage it moved to, not the project's
    current one: the lead and negotiation stay promotion's after signing, the
    signing is both sides', later stages the project officers'."""
    project = move(
        lead,
        ("negotiating", D(2023, 4, 1)),
        ("signed", D(2023, 5, 10)),
        ("ready", D(2023, 6, 1)),
        actor=SYSTEM,
    )
    negotiating, signing, ready = (
        ProjectEvent.objects.unscoped().get(project=project, to_stage=stage)
        for stage in ("negotiating", "signed", "ready")
    )
    with pytest.raises(PermissionDenied):
        services.project_event_correct(
            event=negotiating, on_date=D(2023, 4, 2), reason="改", actor=project_officer
        )
    services.project_event_correct(
        event=negotiating, on_date=D(2023, 4, 3), reason="录错", actor=officer
    )
    services.project_event_correct(
        event=signing, on_date=D(2023, 5, 1), reason="签约日期录错", actor=officer
    )
    services.project_event_correct(
        event=signing, on_date=D(2023, 5, 2), reason="再核对", actor=project_officer
    )
    with pytest.raises(PermissionDenied):
        services.project_event_correct(
            event=ready, on_date=D(2023, 6, 2), reason="改", actor=officer
        )
    services.project_event_correct(
        event=ready, on_date=D(2023, 6, 3), reason="录错", actor=project_officer
    )
    assert selectors.stage_dates(project)["signed"] == D(2023, 5, 2)


# ------------------------------------------------------------ the as-of count
@pytest.fixture
def history(park, lead):
    """Three projects around 2023-06-30 (the end of H1):
    - ``lead`` negotiating from 04-01, signed 07-15 (after the date): counts;
    - ``dropped``: negotiating 03-10, dropped 06-01 (before the date): does not;
    - ``late``: a lead negotiating only from 07-01: does not."""
    signed_after = move(lead, ("negotiating", D(2023, 4, 1)), ("signed", D(2023, 7, 15)))
    dropped = move(
        services.project_create(
            park=park,
            actor=SYSTEM,
            on_date=D(2023, 3, 1),
            name="已中止项目",
            investor=make_enterprise(park),
            first_contact_unit=lead.first_contact_unit,
        ),
        ("negotiating", D(2023, 3, 10)),
        ("dropped", D(2023, 6, 1), "投资方放弃"),
    )
    late = move(
        services.project_create(
            park=park,
            actor=SYSTEM,
            on_date=D(2023, 6, 20),
            name="下半年在谈项目",
            investor=make_enterprise(park),
            first_contact_unit=lead.first_contact_unit,
        ),
        ("negotiating", D(2023, 7, 1)),
    )
    return signed_after, dropped, late


def test_projects_negotiating_counts_the_stage_on_the_periods_last_day(park, history):
    signed_after, dropped, late = history
    result = projects_negotiating(parks=[park], period=Period.parse("2023-H1"))
    assert result.value == 1
    assert result.record_ids == (signed_after.pk,)
    assert "2023-06-30" in str(result.note)
    assert "negotiating_on=2023-06-30" in result.url
    # Between events: in May the dropped one was still negotiating.
    may = projects_negotiating(parks=[park], period=Period.parse("2023-05"))
    assert may.record_ids == tuple(sorted((signed_after.pk, dropped.pk)))
    assert may.value == 2  # counted in SQL by the same rule
    # After the signing the first no longer counts; the late one does.
    assert selectors.projects_in_stage_on(parks=[park], stage="negotiating", on=D(2023, 7, 31)) == (
        late.pk,
    )


def test_a_corrected_date_moves_a_project_in_or_out_of_the_count(park, history):
    signed_after, _dropped, _late = history
    signing = ProjectEvent.objects.unscoped().get(project=signed_after, to_stage="signed")
    services.project_event_correct(
        event=signing, on_date=D(2023, 6, 28), reason="签约仪式实际在6月", actor=SYSTEM
    )
    result = projects_negotiating(parks=[park], period=Period.parse("2023-H1"))
    assert result.value == 0


def test_the_list_filter_shows_the_figures_records(client, park, history, leader):
    from django.urls import reverse

    from parkops.core.testing import sign_in

    signed_after, _dropped, _late = history
    sign_in(client, leader)
    url = reverse("projects:project_list") + "?negotiating_on=2023-06-30"
    shown = {p.pk for p in client.get(url).context["table"].data}
    assert shown == {signed_after.pk}
    assert Project.objects.unscoped().count() == 3
