"""The working-day calendar for other systems: deadlines and overrides."""

import datetime

from django.http import Http404
from ninja import Router, Schema

from parkops.core import audit
from parkops.core.api_base import user_of
from parkops.core.api_routes import add_read_routes
from parkops.core.models import Park
from parkops.core.periods import CHINA
from parkops.workdays import selectors
from parkops.workdays.filters import CalendarOverrideFilterSet
from parkops.workdays.models import CalendarOverride

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


add_read_routes(
    router,
    path="/calendar/overrides",
    name="calendar_override",
    model=CalendarOverride,
    filterset_class=CalendarOverrideFilterSet,
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
    Without ``park``, the national calendar; with a park code, that park's
    overrides too. ``provisional`` is true when the deadline passed over a year
    that neither the State Council calendar nor an override covers yet."""
    chosen = None
    if park:
        user = user_of(request)
        chosen = selectors.calendar_park(user=user, code=park)
        if chosen is None:
            existing = Park.objects.filter(code=park).values_list("pk", flat=True).first()
            if existing is not None:
                audit.record_out_of_scope(Park, existing, user)
            raise Http404
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
    }
