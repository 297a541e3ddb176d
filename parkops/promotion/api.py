from ninja import Router, Schema

from parkops.core.api_routes import add_read_routes
from parkops.promotion.selectors import promotion_unit_list

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
    selector=promotion_unit_list,
    schema=PromotionUnitOut,
)
