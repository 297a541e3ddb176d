"""The working-day calendar page and the override forms."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parkops.core import generic, permissions
from parkops.workdays import selectors, services
from parkops.workdays.forms import CalendarOverrideForm
from parkops.workdays.models import CalendarOverride


@login_required
def calendar_month(request):
    """A month of the active park's calendar, with its overrides."""
    park = generic.active_park(request.user)
    if park is None or not permissions.can(request.user, CalendarOverride, permissions.VIEW, park):
        raise PermissionDenied
    year, month = selectors.parse_month(request.GET.get("month"))
    calendar = selectors.working_calendar(park=park)
    can_edit = permissions.can(request.user, CalendarOverride, permissions.ADD, park)
    context = {
        "park": park,
        "grid": selectors.month_grid(calendar=calendar, year=year, month=month),
        "overrides": selectors.override_list(user=request.user, park=park, since_year=year),
        "can_add": can_edit,
        "can_change": permissions.can(request.user, CalendarOverride, permissions.CHANGE, park),
        "can_delete": permissions.can(request.user, CalendarOverride, permissions.DELETE, park),
        "missing_year": selectors.next_year_missing(park=park) if can_edit else None,
        "office_hours": calendar.office_hours,
        "weekday_names": [WEEKDAYS_ABBR[weekday] for weekday in range(7)],
    }
    return render(request, "workdays/calendar.html", context)


class CalendarOverrideEditView(generic.ObjectEditView):
    model = CalendarOverride
    form_class = CalendarOverrideForm
    list_url_name = "workdays:calendar"

    def create(self, form, park):
        return services.override_create(park=park, actor=self.request.user, **form.cleaned_data)

    def update(self, obj, form):
        return services.override_update(override=obj, actor=self.request.user, **form.cleaned_data)


@require_POST
def override_delete(request, pk):
    if not request.user.is_authenticated:
        raise PermissionDenied
    override = generic.get_scoped_or_404(CalendarOverride, request.user, pk)
    back = override.get_absolute_url()
    services.override_delete(override=override, actor=request.user)
    messages.success(request, _("The override of %(date)s was removed.") % {"date": override.date})
    return redirect(back)
