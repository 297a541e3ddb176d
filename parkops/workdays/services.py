"""Writes on the working-day calendar: the park administrator's adjustments
(overrides) and the statement that a year is entered in full."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parkops.core import permissions, services
from parkops.core.workdays import library_covers
from parkops.workdays.models import (
    CalendarOverride,
    CalendarYear,
    calendar_years,
    outside_calendar_years,
)

OVERRIDE_FIELDS = ("date", "kind", "note")


def _refuse_second_override(*, park, date, exclude_pk=None) -> None:
    # One override per day and park; the database constraint backs this up, but
    # its message would name no field and speak of "park and date".
    if date is None:
        return
    taken = CalendarOverride.objects.unscoped().filter(park=park, date=date)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError(
            {
                "date": _("%(date)s already has a park adjustment; edit that one instead.")
                % {"date": date}
            }
        )


def override_create(*, park, actor, **fields) -> CalendarOverride:
    """Add an override to ``park``'s calendar: park administrators only, audited."""
    data = {name: value for name, value in fields.items() if name in OVERRIDE_FIELDS}
    permissions.require(actor, CalendarOverride, permissions.ADD, park)
    with transaction.atomic():
        _refuse_second_override(park=park, date=data.get("date"))
        return services.object_create(model=CalendarOverride, park=park, actor=actor, fields=data)


def override_update(*, override: CalendarOverride, actor, **fields) -> CalendarOverride:
    """Change an override (its day, kind or note); audited with before and after."""
    data = {name: value for name, value in fields.items() if name in OVERRIDE_FIELDS}
    permissions.require(actor, CalendarOverride, permissions.CHANGE, override.park_id)
    with transaction.atomic():
        _refuse_second_override(park=override.park, date=data.get("date"), exclude_pk=override.pk)
        return services.object_update(obj=override, actor=actor, fields=data)


def override_delete(*, override: CalendarOverride, actor) -> None:
    """Remove an override; the day falls back to the State Council calendar. Audited."""
    services.object_delete(obj=override, actor=actor)


def year_confirm(*, park, year: int, actor) -> CalendarYear:
    """Record that ``park``'s administrator has entered the State Council's whole
    arrangement for ``year``: its deadlines stop being provisional. Audited."""
    permissions.require(actor, CalendarYear, permissions.ADD, park)
    years = calendar_years()
    if year not in years:
        raise ValidationError({"year": outside_calendar_years(years)})
    if library_covers(year):
        raise ValidationError(
            {
                "year": _("The State Council calendar for %(year)d is already in the system.")
                % {"year": year}
            }
        )
    with transaction.atomic():
        if CalendarYear.objects.unscoped().filter(park=park, year=year).exists():
            raise ValidationError(
                {"year": _("%(year)d is already confirmed as entered.") % {"year": year}}
            )
        return services.object_create(
            model=CalendarYear,
            park=park,
            actor=actor,
            fields={"year": year, "entered_by": actor, "entered_at": timezone.now()},
        )


def year_reopen(*, park, year: int, actor) -> None:
    """Withdraw the statement that ``year`` is entered in full: its days counted
    Monday to Friday are provisional again. Audited; a no-op if there is none."""
    with transaction.atomic():
        permissions.require(actor, CalendarYear, permissions.DELETE, park)
        current = (
            CalendarYear.objects.restrict(actor, permissions.DELETE)
            .select_for_update()
            .filter(park=park, year=year)
            .first()
        )
        if current is None:
            return
        services.object_delete(obj=current, actor=actor)
