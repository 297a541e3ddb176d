import django_tables2 as tables

from parkops.core import generic
from parkops.core.tables import BaseTable
from parkops.core.tests.sample_app import services
from parkops.core.tests.sample_app.forms import WidgetForm
from parkops.core.tests.sample_app.models import Widget
from parkops.core.tests.sample_app.selectors import widget_list


class WidgetTable(BaseTable):
    name = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Widget
        fields = ("name",)


class WidgetListView(generic.ObjectListView):
    selector = widget_list
    table_class = WidgetTable
    exchange_key = "widgets"


class WidgetDetailView(generic.ObjectDetailView):
    model = Widget
    template_name = "core/object_detail.html"


class WidgetEditView(generic.ObjectEditView):
    model = Widget
    form_class = WidgetForm

    def create(self, form, park):
        return services.widget_create(park=park, actor=self.request.user, **form.cleaned_data)

    def update(self, obj, form):
        return services.widget_update(widget=obj, actor=self.request.user, **form.cleaned_data)
