"""The working-day calendar for other systems: deadlines and overrides."""

import datetime

from ninja import Router

from parkops.core.api_base import Schema, user_of
from parkops.core.api_routes import add_read_routes
from parkops.core.periods import CHINA
from parkops.workdays import selectors

router = Router(tags=["calendar"])


class CalendarOverrideOut(Schema):
    id: int
    park_id: int
    date: datetime.date
    kind: str
    note: str


class DeadlineOut(Schema):
    start: datetime.datetime
    deadline: datetime.datetime
    provisional: bool
    park: str | None
    basis: str


add_read_routes(
    router,
    path="/calendar/overrides",
    selector=selectors.calendar_override_list,
    schema=CalendarOverrideOut,
)


@router.get(
    "/calendar/deadline",
    response=DeadlineOut,
    operation_id="calendar_deadline",
    url_name="calendar_deadline",
)
def calendar_deadline(
    request,
    start: str,
    working_days: str | None = None,
    working_hours: str | None = None,
    park: str | None = None,
):
    """The deadline ``working_days`` (fractions allowed) or ``working_hours`` after
    ``start`` (ISO 8601; without an offset, China time), in Chinese working time.

    Whose calendar: ``park`` (a park code) names one explicitly, 404 if the
    caller may not read it. Without it, the caller's active park (in a signed-in
    session) or their only park; callers with no park, or several and no
    session, get the national calendar. ``basis`` says which was used: the park
    code, or ``"national"``. ``provisional`` is true when the deadline passed
    over a year that the State Council calendar does not cover and the park's
    administrator has not confirmed as entered in full."""
    chosen = selectors.deadline_park(user=user_of(request), code=park)
    deadline = selectors.deadline_for(
        calendar=selectors.working_calendar(park=chosen),
        start=start,
        working_days=working_days,
        working_hours=working_hours,
    )
    return {
        "start": selectors.parse_moment(start).astimezone(CHINA),
        "deadline": deadline.at,
        "provisional": deadline.provisional,
        "park": chosen.code if chosen else None,
        "basis": chosen.code if chosen else "national",
    }
