"""The transition table, every pair: which stage changes a project may make,
with which dates, reasons and amounts."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from parkops.core.permissions import SYSTEM
from parkops.projects import selectors, services
from parkops.projects.models import TRANSITIONS, Project, ProjectEvent, Stage

from .conftest import D, move

# Written out, not derived from TRANSITIONS: the lifecycle forward one step;
# DROPPED and ON_HOLD from any open stage; from ON_HOLD back to where it was
# held (NEGOTIATING here) or DROPPED; PRODUCING and DROPPED final.
OPEN = ["lead", "negotiating", "signed", "ready", "started", "completed"]
NEXT = {
    "lead": "negotiating",
    "negotiating": "signed",
    "signed": "ready",
    "ready": "started",
    "started": "completed",
    "completed": "producing",
}
EXPECTED = (
    set(NEXT.items())
    | {(stage, "dropped") for stage in OPEN}
    | {(stage, "on_hold") for stage in OPEN}
    | {("on_hold", "negotiating"), ("on_hold", "dropped")}
)
# How to bring a lead to each stage (dated a day apart from 2023-03-01).
PATH = {
    "lead": [],
    "negotiating": ["negotiating"],
    "signed": ["negotiating", "signed"],
    "ready": ["negotiating", "signed", "ready"],
    "started": ["negotiating", "signed", "ready", "started"],
    "completed": ["negotiating", "signed", "ready", "started", "completed"],
    "producing": ["negotiating", "signed", "ready", "started", "completed", "producing"],
    "dropped": ["dropped"],
    "on_hold": ["negotiating", "on_hold"],
}


def at(project, stage):
    steps = [(s, D(2023, 3, 2 + i), "原因") for i, s in enumerate(PATH[stage])]
    return move(project, *steps)


@pytest.mark.parametrize(
    ("from_stage", "to_stage"), list(itertools.product(Stage.values, Stage.values))
)
def test_every_stage_pair_is_allowed_or_refused_by_the_table(lead, from_stage, to_stage):
    project = at(lead, from_stage)
    allowed = (from_stage, to_stage) in EXPECTED
    try:
        moved = move(project, (to_stage, D(2023, 4, 1), "客户决策推迟"))
    except ValidationError as error:
        assert not allowed, error
        assert "to_stage" in error.message_dict
        project.refresh_from_db()
        assert project.stage == from_stage
    else:
        assert allowed, f"{from_stage} → {to_stage} should be refused"
        assert moved.stage == to_stage
        assert moved.stage_on == D(2023, 4, 1)


def test_the_table_in_models_is_the_lifecycle():
    # The model's table allows from ON_HOLD every open stage; the service
    # narrows it to the held one (tested above).
    without_resume = {pair for pair in TRANSITIONS if pair[0] != "on_hold"}
    assert without_resume == {pair for pair in EXPECTED if pair[0] != "on_hold"}
    assert {to for frm, to in TRANSITIONS if frm in ("producing", "dropped")} == set()


def test_offered_next_stages_follow_the_table(lead):
    assert services.allowed_next_stages(lead) == ["negotiating", "dropped", "on_hold"]
    held = at(lead, "on_hold")
    assert services.allowed_next_stages(held) == ["negotiating", "dropped"]


def test_a_project_on_hold_resumes_at_the_stage_it_was_held_at(lead):
    project = move(
        lead,
        ("negotiating", D(2023, 3, 5)),
        ("signed", D(2023, 4, 1)),
        ("on_hold", D(2023, 5, 1), "资金未到位"),
    )
    assert services.allowed_next_stages(project) == ["signed", "dropped"]
    with pytest.raises(ValidationError):
        move(project, ("negotiating", D(2023, 6, 1)))
    assert move(project, ("signed", D(2023, 6, 1))).stage == "signed"


@pytest.mark.parametrize("stage", ["dropped", "on_hold"])
def test_dropping_or_holding_needs_a_reason(lead, stage):
    with pytest.raises(ValidationError) as refused:
        services.project_advance(project=lead, to_stage=stage, on_date=D(2023, 4, 1), actor=SYSTEM)
    assert refused.value.message_dict["reason"] == ["中止或暂缓项目须填写原因。"]


def test_a_date_before_the_previous_change_or_in_the_future_is_refused(lead):
    project = move(lead, ("negotiating", D(2023, 4, 1)))
    with pytest.raises(ValidationError) as early:
        move(project, ("signed", D(2023, 3, 31)))
    assert early.value.message_dict["on_date"] == ["日期不能早于上一次阶段变更（2023-04-01）。"]
    from parkops.core.text import today_cst

    with pytest.raises(ValidationError) as future:
        move(project, ("signed", today_cst() + datetime.timedelta(days=1)))
    assert future.value.message_dict["on_date"] == ["日期不能晚于今天。"]
    assert move(project, ("signed", D(2023, 4, 1))).stage == "signed"  # same day is fine


def test_signing_records_the_agreement_amount(lead):
    project = move(lead, ("negotiating", D(2023, 4, 1)))
    with pytest.raises(ValidationError) as refused:
        services.project_advance(
            project=project, to_stage="signed", on_date=D(2023, 5, 1), actor=SYSTEM
        )
    assert "signing_amount" in refused.value.message_dict
    signed = services.project_advance(
        project=project,
        to_stage="signed",
        on_date=D(2023, 5, 1),
        actor=SYSTEM,
        signing_amount=Decimal("250000000"),
    )
    assert signed.signed_amount == Decimal("250000000.00")


def test_every_change_is_a_dated_event_and_stage_dates_come_from_them(lead):
    project = move(lead, ("negotiating", D(2023, 4, 1)), ("signed", D(2023, 6, 18)))
    events = ProjectEvent.objects.unscoped().filter(project=project).order_by("pk")
    assert [(e.from_stage, e.to_stage, e.on_date) for e in events] == [
        ("", "lead", D(2023, 3, 1)),
        ("lead", "negotiating", D(2023, 4, 1)),
        ("negotiating", "signed", D(2023, 6, 18)),
    ]
    assert selectors.stage_dates(project) == {
        "lead": D(2023, 3, 1),
        "negotiating": D(2023, 4, 1),
        "signed": D(2023, 6, 18),
    }
    stored = Project.objects.unscoped().get(pk=project.pk)
    assert (stored.stage, stored.stage_on) == ("signed", D(2023, 6, 18))
