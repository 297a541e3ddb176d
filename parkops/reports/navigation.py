"""The report card in the menu."""

from django.utils.translation import gettext_lazy as _

from parkops.core.navigation import REPORTS, NavItem, declare_item

# Shown to whoever reads a park's enterprises: the card's first figures.
declare_item(
    REPORTS, NavItem("reports:card", "report-analytics", "enterprises.Enterprise", _("Report card"))
)
