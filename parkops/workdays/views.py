"""The working-day calendar page and the override forms."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from parkops.core import generic, permissions
from parkops.core.workdays import DayKind
from parkops.workdays import selectors, services
from parkops.workdays.forms import CalendarOverrideForm
from parkops.workdays.models import CalendarOverride, CalendarYear

# One character each (一 … 日), so seven columns fit a phone.
WEEKDAY_NAMES = [
    pgettext_lazy("weekday initial", "Mo"),
    pgettext_lazy("weekday initial", "Tu"),
    pgettext_lazy("weekday initial", "We"),
    pgettext_lazy("weekday initial", "Th"),
    pgettext_lazy("weekday initial", "Fr"),
    pgettext_lazy("weekday initial", "Sa"),
    pgettext_lazy("weekday initial", "Su"),
]


@login_required
def calendar_month(request):
    """A month of the active park's calendar, with its overrides."""
    park = generic.active_park(request.user)
    if park is None:
        permissions.deny()
    permissions.require(request.user, CalendarOverride, permissions.VIEW, park)
    year, month, month_error = selectors.parse_month(request.GET.get("month"))
    calendar = selectors.working_calendar(park=park)
    can_edit = permissions.can(request.user, CalendarOverride, permissions.ADD, park)
    missing_year = selectors.next_year_missing(park=park) if can_edit else None
    # The current and coming years are the ones an administrator maintains.
    overrides = list(
        selectors.calendar_override_list(
            user=request.user, filters={"date_from": f"{year}-01-01"}, park_id=park.pk
        )
    )
    context = {
        "park": park,
        "grid": selectors.month_grid(calendar=calendar, year=year, month=month),
        "month_error": month_error,
        "overrides": overrides,
        # Named in the question before confirming the year: 0 says nothing was entered.
        "year_overrides": sum(override.date.year == year for override in overrides),
        "can_add": can_edit,
        "can_change": permissions.can(request.user, CalendarOverride, permissions.CHANGE, park),
        "can_delete": permissions.can(request.user, CalendarOverride, permissions.DELETE, park),
        # Shown once: the provisional warning of the month on screen already
        # says it when that month is in next year.
        "missing_year": None if missing_year == year else missing_year,
        "year_needs_entry": selectors.year_needs_entry(year=year),
        "year_entered": selectors.year_entered(park=park, year=year),
        "can_confirm_year": permissions.can(request.user, CalendarYear, permissions.ADD, park),
        "can_reopen_year": permissions.can(request.user, CalendarYear, permissions.DELETE, park),
        "office_hours": calendar.office_hours,
        "weekday_names": WEEKDAY_NAMES,
        "day_kinds": list(DayKind),
    }
    return render(request, "workdays/calendar.html", context)


class CalendarOverrideEditView(generic.ObjectEditView):
    model = CalendarOverride
    form_class = CalendarOverrideForm

    def create(self, form, park):
        return services.override_create(park=park, actor=self.request.user, **form.cleaned_data)

    def update(self, obj, form):
        return services.override_update(override=obj, actor=self.request.user, **form.cleaned_data)


@require_POST
def override_delete(request, pk):
    if not request.user.is_authenticated:
        permissions.deny()
    override = generic.get_scoped_or_404(CalendarOverride, request.user, pk)
    back = override.get_absolute_url()
    services.override_delete(override=override, actor=request.user)
    messages.success(
        request, _("The park adjustment of %(date)s was removed.") % {"date": override.date}
    )
    return redirect(back)


def _active_park_or_403(request):
    if not request.user.is_authenticated:
        permissions.deny()
    park = generic.active_park(request.user)
    if park is None:
        permissions.deny()
    return park


@require_POST
def year_confirm(request, year):
    """The park administrator states ``year`` is entered in full (active park)."""
    park = _active_park_or_403(request)
    try:
        services.year_confirm(park=park, year=year, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(year)d is confirmed as entered in full: its deadlines are no longer provisional.")
            % {"year": year},
        )
    return redirect(
        generic.next_url(request, f"{reverse('workdays:calendaroverride_list')}?month={year}-01")
    )


@require_POST
def year_reopen(request, year):
    """Withdraw the statement that ``year`` is entered in full (active park)."""
    park = _active_park_or_403(request)
    services.year_reopen(park=park, year=year, actor=request.user)
    messages.success(
        request,
        _("The confirmation for %(year)d was withdrawn: its deadlines are provisional again.")
        % {"year": year},
    )
    return redirect(
        generic.next_url(request, f"{reverse('workdays:calendaroverride_list')}?month={year}-01")
    )
