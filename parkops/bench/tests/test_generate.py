"""``manage.py generate_province`` at a tiny scale: the rows it plans, the same
rows for the same seed, valid records, and pages that work on them with park
scoping intact (issue #16 item 4). Timings are not tested: bench/ records them."""

import io
from itertools import pairwise

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from parkops.accounts.models import User
from parkops.bench import generate
from parkops.core.models import Park
from parkops.core.permissions import PARK_ROLES, Role
from parkops.core.text import pinyin_keys
from parkops.enterprises.models import Enterprise
from parkops.projects.models import (
    TRANSITIONS,
    Milestone,
    Project,
    ProjectEvent,
    Stage,
)
from parkops.promotion.models import Visit

pytestmark = pytest.mark.django_db

# A seed whose tiny province has a row in every table (major listings are rare).
PARKS, SCALE, SEED = 2, 0.02, 11


@pytest.fixture
def province():
    return generate.generate_province(parks=PARKS, scale=SCALE, seed=SEED)


def planned(name: str) -> int:
    sizes = generate.park_sizes(PARKS, SEED)
    return sum(generate.planned(generate.PER_PARK[name], SCALE, size) for size in sizes)


def test_the_command_fills_every_table_with_the_rows_its_scale_plans():
    out = io.StringIO()
    call_command("generate_province", parks=PARKS, scale=SCALE, seed=SEED, stdout=out)
    counts = generate.table_counts()
    assert counts["core.park"] == PARKS
    assert counts["core.alliance"] == 1
    # One user per park role in each park, the alliance's viewer, the assessor.
    assert counts["accounts.user"] == PARKS * len(PARK_ROLES) + 2
    assert counts["enterprises.enterprise"] == planned("enterprises")
    assert counts["promotion.visit"] == counts["promotion.visitstaff"] == planned("visits")
    assert counts["promotion.institution"] == planned("institutions")
    assert counts["projects.project"] == planned("projects")
    assert counts["projects.milestone"] == generate.MILESTONES_PER_PROJECT * planned("projects")
    assert counts["projects.projectevent"] >= counts["projects.project"]
    assert all(rows > 0 for rows in counts.values()), counts
    for label, rows in counts.items():
        assert f"| {label} | {rows:,} |" in out.getvalue()


def test_a_larger_scale_plans_proportionally_more_rows():
    sizes = generate.park_sizes(50, SEED)
    small = sum(generate.planned(1200, 0.1, size) for size in sizes)
    large = sum(generate.planned(1200, 1.0, size) for size in sizes)
    assert large == pytest.approx(10 * small, rel=0.01)
    assert large == pytest.approx(60_000, rel=0.01)


def test_the_same_seed_gives_the_same_rows_and_another_seed_other_rows():
    def run(seed):
        with transaction.atomic():
            generate.generate_province(parks=PARKS, scale=SCALE, seed=seed)
            digest = generate.checksum()
            transaction.set_rollback(True)
        return digest

    first = run(SEED)
    assert run(SEED) == first
    assert run(SEED + 1) != first


def test_a_database_with_parks_is_refused_unless_appending(province):
    before = generate.table_counts()
    with pytest.raises(CommandError, match="already has 2 parks"):
        call_command("generate_province", parks=1, scale=SCALE, seed=SEED)
    assert generate.table_counts() == before
    call_command("generate_province", parks=1, scale=SCALE, seed=SEED, append=True)
    assert list(Park.objects.order_by("pk").values_list("code", flat=True)) == [
        "js001",
        "js002",
        "js003",
    ]


def test_generated_records_pass_their_models_validation(province):
    for model in (Enterprise, Visit, Project, Milestone):
        for record in model.objects.unscoped().all():
            record.full_clean()


def test_search_keys_are_those_the_write_path_stores(province):
    for name, full, initials in Enterprise.objects.unscoped().values_list(
        "name", "name_pinyin", "name_initials"
    ):
        assert pinyin_keys(name) == (full, initials)
    for name, full in Project.objects.unscoped().values_list("name", "name_pinyin"):
        assert pinyin_keys(name)[0] == full


def test_stage_events_follow_the_transition_table_in_date_order(province):
    events = ProjectEvent.objects.unscoped().order_by("project", "on_date", "pk")
    by_project = {}
    for event in events:
        by_project.setdefault(event.project_id, []).append(event)
    for project in Project.objects.unscoped().all():
        history = by_project[project.pk]
        assert (history[0].from_stage, history[0].to_stage) == ("", Stage.LEAD)
        for before, after in pairwise(history):
            assert (after.from_stage, after.to_stage) in TRANSITIONS
            assert after.from_stage == before.to_stage
            assert before.on_date <= after.on_date
        assert (project.stage, project.stage_on) == (history[-1].to_stage, history[-1].on_date)
        assert project.stage_on <= generate.END


def test_a_generated_park_user_works_in_their_park_and_not_in_another(province):
    first, second = Park.objects.order_by("pk")
    leader = User.objects.get(username=f"{first.code}-{Role.PARK_LEADER}")
    client = Client()
    client.force_login(leader)
    listing = client.get(reverse("enterprises:enterprise_list"), {"park": first.code})
    assert listing.status_code == 200
    some = Enterprise.objects.unscoped().filter(park=first).order_by("name_pinyin").first()
    assert some.name in listing.content.decode()
    board = client.get(reverse("projects:traffic_board"), {"park": first.code})
    assert board.status_code == 200
    theirs = Project.objects.unscoped().filter(park=second).first()
    assert client.get(theirs.get_absolute_url()).status_code == 404
    ours = Project.objects.unscoped().filter(park=first).first()
    assert client.get(ours.get_absolute_url()).status_code == 200


def test_generated_users_sign_in_with_the_documented_password(province):
    user = User.objects.get(username=f"js001-{Role.PROJECT_OFFICER}")
    assert user.check_password(generate.PASSWORD)
    assert not user.must_change_password
