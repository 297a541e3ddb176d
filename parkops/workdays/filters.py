import django_filters
from django.utils.translation import gettext_lazy as _

from parkops.core.filters import BaseFilterSet, DateFilter
from parkops.workdays.models import CalendarOverride


class CalendarOverrideFilterSet(BaseFilterSet):
    year = django_filters.NumberFilter(field_name="date", lookup_expr="year", label=_("year"))
    date_from = DateFilter(field_name="date", lookup_expr="gte", label=_("from"))
    date_to = DateFilter(field_name="date", lookup_expr="lte", label=_("to"))

    class Meta:
        model = CalendarOverride
        fields = ["kind"]
