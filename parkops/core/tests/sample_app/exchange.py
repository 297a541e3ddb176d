from parkops.core.exchange.spec import Column, RegisterSpec, declare
from parkops.core.tests.sample_app.models import Widget
from parkops.core.tests.sample_app.views import WidgetFilterSet

WIDGETS = declare(
    RegisterSpec(
        key="widgets",
        model=Widget,
        title=Widget._meta.verbose_name_plural,
        natural_key="name",
        columns=[Column("name", "名称", required=True)],
        filterset_class=WidgetFilterSet,
    )
)
