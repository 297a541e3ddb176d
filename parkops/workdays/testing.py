"""Calendar-override factories and the calendar's test declaration."""

from __future__ import annotations

import datetime

from parkops.core.testing import Declaration, declare, sequence_number, unique
from parkops.workdays.models import CalendarOverride


def make_override(park, **fields) -> CalendarOverride:
    """A calendar override on a fresh day (each call a different date)."""
    defaults = {
        # Within the years the calendar keeps (workdays.models.calendar_years).
        "date": datetime.date(2028, 1, 1) + datetime.timedelta(days=sequence_number() % 1461),
        "kind": CalendarOverride.Kind.HOLIDAY,
        "note": unique("调休说明"),
    }
    return CalendarOverride.objects.create(park=park, **{**defaults, **fields})


def override_round_trip(park):
    make_override(park)
    make_override(park, kind=CalendarOverride.Kind.WORKDAY, note="")


OVERRIDE = declare(
    Declaration(
        model=CalendarOverride,
        make=make_override,
        text_of=lambda override: override.note,
        round_trip=override_round_trip,
        exempt={
            "workdays:calendaroverride_add": "no id; creates in the active park (workdays tests)",
            "workdays:calendaryear_confirm": "no id; acts on the active park only (workdays tests)",
            "workdays:calendaryear_reopen": "no id; acts on the active park only (workdays tests)",
            "api:calendar_deadline": "the caller's park or national; a code is checked (test_api)",
        },
    )
)
