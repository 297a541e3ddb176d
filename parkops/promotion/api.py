from ninja import Router, Schema

from parkops.core.api_routes import add_read_routes
from parkops.promotion.filters import PromotionUnitFilterSet
from parkops.promotion.models import PromotionUnit

router = Router(tags=["promotion"])


class PromotionUnitOut(Schema):
    id: int
    park_id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    head_id: int | None


add_read_routes(
    router,
    path="/promotion-units",
    model=PromotionUnit,
    filterset_class=PromotionUnitFilterSet,
    schema=PromotionUnitOut,
)
