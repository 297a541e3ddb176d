"""The enterprise register in the menu and on the home cards."""

from django.utils.translation import gettext_lazy as _

from parkops.core.navigation import (
    HomeCount,
    NavItem,
    declare_home_count,
    declare_item,
    declare_section,
)

declare_section("enterprises", _("Enterprises"), order=20)
declare_item(
    "enterprises", NavItem("enterprises:enterprise_list", "building", "enterprises.Enterprise")
)

MODEL = "enterprises.Enterprise"
declare_home_count(
    HomeCount(
        "settled",
        MODEL,
        _("Enterprises settled"),
        filters={"status": "settled"},
        query="status=settled",
        order=10,
    )
)
declare_home_count(
    HomeCount(
        "prospects",
        MODEL,
        _("Prospects"),
        filters={"status": "prospect"},
        query="status=prospect",
        order=20,
    )
)
declare_home_count(
    HomeCount(
        "above_scale",
        MODEL,
        _("Above-scale enterprises"),
        filters={"above_scale": True},
        query="above_scale=true",
        order=30,
    )
)
