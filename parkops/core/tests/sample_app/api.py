from ninja import Router

from parkops.core.api_base import Schema
from parkops.core.api_routes import add_read_routes, add_write_routes
from parkops.core.tests.sample_app import services
from parkops.core.tests.sample_app.selectors import widget_list

router = Router(tags=["sample"])


class WidgetOut(Schema):
    id: int
    park_id: int
    name: str


class WidgetIn(Schema):
    name: str


class WidgetPatch(Schema):
    name: str | None = None


add_read_routes(router, path="/widgets", selector=widget_list, schema=WidgetOut)
add_write_routes(
    router,
    path="/widgets",
    selector=widget_list,
    schema_in=WidgetIn,
    schema_patch=WidgetPatch,
    schema_out=WidgetOut,
    create=services.widget_create,
    update=lambda widget, *, actor, **fields: services.widget_update(
        widget=widget, actor=actor, **fields
    ),
)
