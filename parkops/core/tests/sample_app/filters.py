from parkops.core.filters import ScopedFilterSet
from parkops.core.tests.sample_app.models import Widget


class WidgetFilterSet(ScopedFilterSet):
    class Meta:
        model = Widget
        fields = ["q"]

    def search(self, queryset, name, value):
        return queryset.filter(name__icontains=value)
