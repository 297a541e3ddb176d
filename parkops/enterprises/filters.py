import django_filters
from django.utils.translation import gettext_lazy as _

from parkops.core.filters import ScopedFilterSet, YesNoAllWidget
from parkops.core.models import Industry
from parkops.enterprises.models import Enterprise
from parkops.enterprises.selectors import enterprise_search


class EnterpriseFilterSet(ScopedFilterSet):
    industry = django_filters.ModelChoiceFilter(
        queryset=Industry.objects.all(), label=_("industry")
    )
    above_scale = django_filters.BooleanFilter(label=_("above-scale"), widget=YesNoAllWidget)

    class Meta:
        model = Enterprise
        fields = ["q", "status", "industry", "above_scale"]

    def search(self, queryset, name, value):
        return enterprise_search(queryset, value)
