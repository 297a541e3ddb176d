"""The promotion structure in the menu and on the home cards."""

from django.utils.translation import gettext_lazy as _

from parkops.core.navigation import (
    HomeCount,
    NavItem,
    declare_home_count,
    declare_item,
    declare_section,
)

declare_section("promotion", _("Investment promotion"), order=30)
declare_item(
    "promotion", NavItem("promotion:promotionunit_list", "sitemap", "promotion.PromotionUnit")
)
declare_home_count(HomeCount("units", "promotion.PromotionUnit", order=40))
