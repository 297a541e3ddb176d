from ninja import Router, Schema

from parkops.core.api_routes import add_read_routes
from parkops.core.tests.sample_app.models import Widget
from parkops.core.tests.sample_app.views import WidgetFilterSet

router = Router(tags=["sample"])


class WidgetOut(Schema):
    id: int
    park_id: int
    name: str


add_read_routes(
    router, path="/widgets", model=Widget, filterset_class=WidgetFilterSet, schema=WidgetOut
)
