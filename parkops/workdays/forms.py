from django import forms

from parkops.core.forms import ScopedModelForm
from parkops.workdays.models import CalendarOverride


class CalendarOverrideForm(ScopedModelForm):
    class Meta:
        model = CalendarOverride
        fields = ["date", "kind", "note"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
