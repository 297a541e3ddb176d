"""Investment promotion in the menu and on the home cards."""

from django.utils.translation import gettext_lazy as _

from parkops.core.navigation import (
    HomeCount,
    NavItem,
    declare_home_count,
    declare_item,
    declare_section,
)

declare_section("promotion", _("Investment promotion"), order=30)
declare_item("promotion", NavItem("promotion:visit_list", "walk", "promotion.Visit"))
declare_item(
    "promotion",
    NavItem("promotion:promotionevent_list", "plane-departure", "promotion.PromotionEvent"),
)
declare_item(
    "promotion", NavItem("promotion:institution_list", "building-bank", "promotion.Institution")
)
declare_item(
    "promotion",
    NavItem(
        "promotion:structure", "hierarchy-2", "promotion.PromotionUnit", _("Promotion structure")
    ),
)
declare_item(
    "promotion", NavItem("promotion:promotionunit_list", "sitemap", "promotion.PromotionUnit")
)
declare_home_count(HomeCount("units", "promotion.PromotionUnit", order=40))
