from ninja import Router, Schema

from parkops.core.api_routes import add_read_routes
from parkops.core.tests.sample_app.selectors import widget_list

router = Router(tags=["sample"])


class WidgetOut(Schema):
    id: int
    park_id: int
    name: str


add_read_routes(router, path="/widgets", selector=widget_list, schema=WidgetOut)
