import django_tables2 as tables

from parkops.core import generic
from parkops.core.filters import ScopedFilterSet
from parkops.core.tables import BaseTable
from parkops.core.tests.sample_app.models import Widget


class WidgetFilterSet(ScopedFilterSet):
    class Meta:
        model = Widget
        fields = ["q"]

    def search(self, queryset, name, value):
        return queryset.filter(name__icontains=value)


class WidgetTable(BaseTable):
    name = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Widget
        fields = ("name",)


class WidgetListView(generic.ObjectListView):
    model = Widget
    table_class = WidgetTable
    filterset_class = WidgetFilterSet
    exchange_key = "widgets"


class WidgetDetailView(generic.ObjectDetailView):
    model = Widget
    template_name = "core/object_detail.html"
