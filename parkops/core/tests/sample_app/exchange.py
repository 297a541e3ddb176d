from parkops.core.exchange.spec import Column, RegisterSpec, declare
from parkops.core.tests.sample_app import services
from parkops.core.tests.sample_app.models import Widget
from parkops.core.tests.sample_app.selectors import widget_list

WIDGETS = declare(
    RegisterSpec(
        key="widgets",
        model=Widget,
        title=Widget._meta.verbose_name_plural,
        natural_key="name",
        columns=[Column("name", "名称", required=True, example="示例物件")],
        create=services.widget_create,
        update=lambda widget, *, actor, **values: services.widget_update(
            widget=widget, actor=actor, **values
        ),
        selector=widget_list,
    )
)
