import datetime

import pytest

from parkops.core.permissions import SYSTEM, Role
from parkops.core.testing import make_park, make_user
from parkops.enterprises.testing import make_enterprise
from parkops.projects import services
from parkops.promotion.testing import make_officer, make_unit

D = datetime.date


@pytest.fixture
def park(db):
    return make_park()


@pytest.fixture
def unit(park):
    return make_unit(park)


@pytest.fixture
def officer(park, unit):
    """A promotion officer of ``unit``."""
    return make_officer(park, unit)


@pytest.fixture
def other_officer(park):
    """A promotion officer of another unit of the same park."""
    return make_officer(park, make_unit(park))


@pytest.fixture
def project_officer(park):
    return make_user(Role.PROJECT_OFFICER, park=park)


@pytest.fixture
def leader(park):
    return make_user(Role.PARK_LEADER, park=park)


@pytest.fixture
def lead(park, unit, officer):
    """A lead of ``unit`` since 2023-03-01, recorded by its officer."""
    return services.project_create(
        park=park,
        actor=officer,
        on_date=D(2023, 3, 1),
        name="新型储能电池项目",
        investor=make_enterprise(park, status="prospect", uscc=""),
        first_contact_unit=unit,
        first_contact_officer=officer,
        terms="土地价格面议，前三年租金减半",
    )


def move(project, *steps, actor=SYSTEM):
    """Move ``project`` along ``steps`` of (stage, date[, reason])."""
    for step in steps:
        stage, on = step[0], step[1]
        reason = step[2] if len(step) > 2 else ""
        amount = 100_000_000 if stage == "signed" else None
        project = services.project_advance(
            project=project,
            to_stage=stage,
            on_date=on,
            actor=actor,
            reason=reason,
            signing_amount=amount,
        )
    return project
