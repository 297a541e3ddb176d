import django_filters
from django.utils.translation import gettext_lazy as _

from parkops.core.filters import DateFilter, ScopedFilterSet, YesNoAllWidget
from parkops.core.models import Industry
from parkops.enterprises.models import Enterprise


class EnterpriseFilterSet(ScopedFilterSet):
    industry = django_filters.ModelChoiceFilter(
        queryset=Industry.objects.all(), label=_("industry")
    )
    above_scale = django_filters.BooleanFilter(label=_("above-scale"), widget=YesNoAllWidget)
    # Date bounds, inclusive: the report card's drill-down links use them to list
    # exactly the enterprises a figure counted (STYLE.md rule 5).
    settled_on_before = DateFilter(
        field_name="settled_on", lookup_expr="lte", label=_("settled on or before")
    )
    above_scale_since_after = DateFilter(
        field_name="above_scale_since", lookup_expr="gte", label=_("above-scale on or after")
    )
    above_scale_since_before = DateFilter(
        field_name="above_scale_since", lookup_expr="lte", label=_("above-scale on or before")
    )
    # Above-scale on that day, including enterprises that have dropped out since.
    above_scale_on = DateFilter(method="filter_above_scale_on", label=_("above-scale on"))

    class Meta:
        model = Enterprise
        fields = [
            "q",
            "status",
            "industry",
            "above_scale",
            "settled_on_before",
            "above_scale_since_after",
            "above_scale_since_before",
            "above_scale_on",
        ]

    def filter_above_scale_on(self, queryset, name, value):
        return queryset.filter(Enterprise.above_scale_on_q(value))

    def search(self, queryset, name, value):
        # Imported here: the selectors module declares its list with this FilterSet.
        from parkops.enterprises.selectors import enterprise_search

        return enterprise_search(queryset, value)

    def filter_queryset(self, queryset):
        # The search last: a text below three characters is looked for among the
        # first rows of the list it is given (``enterprise_search``), which must
        # be the list the other filters leave, the one the page shows and says
        # was searched in part (``selectors.list_search_limited``).
        data = self.form.cleaned_data
        for name, value in data.items():
            if name != "q":
                queryset = self.filters[name].filter(queryset, value)
        if "q" in data:
            queryset = self.filters["q"].filter(queryset, data["q"])
        return queryset
