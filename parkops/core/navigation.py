"""The left navigation, by domain, showing only what the user may open."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from parkops.core import permissions


@dataclass(frozen=True)
class NavItem:
    url_name: str
    icon: str
    model: str  # app_label.ModelName whose view permission shows the item
    label: str | None = None

    @property
    def title(self) -> str:
        """The item's name: the model's plural name unless told otherwise, which is
        also the list page's heading and the home card's label (one name per thing)."""
        if self.label is not None:
            return self.label
        return capfirst(apps.get_model(self.model)._meta.verbose_name_plural)


@dataclass(frozen=True)
class NavSection:
    label: str
    items: tuple[NavItem, ...]


NAVIGATION = (
    NavSection(
        _("Reports"),
        # Shown to whoever reads a park's enterprises: the card's first figures.
        (NavItem("reports:card", "report-analytics", "enterprises.Enterprise", _("Report card")),),
    ),
    NavSection(
        _("Enterprises"),
        (NavItem("enterprises:enterprise_list", "building", "enterprises.Enterprise"),),
    ),
    NavSection(
        _("Investment promotion"),
        (NavItem("promotion:promotionunit_list", "sitemap", "promotion.PromotionUnit"),),
    ),
    NavSection(
        _("Park"),
        (
            NavItem("core:park_list", "map-pin", "core.Park"),
            NavItem("core:alliance_list", "affiliate", "core.Alliance"),
            NavItem("core:industry_list", "hierarchy", "core.Industry"),
            NavItem(
                "workdays:calendaroverride_list",
                "calendar",
                "workdays.CalendarOverride",
                label=_("Working-day calendar"),
            ),
            NavItem("exchange:importbatch_list", "file-import", "core.ImportBatch"),
        ),
    ),
    NavSection(
        _("Administration"),
        (
            # These two pages have their own templates; their headings say the same.
            NavItem("accounts:user_list", "users", "accounts.User", _("Users")),
            NavItem("accounts:lockout_list", "lock", "accounts.Lockout", _("Locked sign-ins")),
            NavItem("core:auditentry_list", "file-search", "core.AuditEntry"),
        ),
    ),
)


def visible_navigation(user) -> list[tuple[str, list[NavItem]]]:
    sections = []
    for section in NAVIGATION:
        items = [
            item
            for item in section.items
            if permissions.can(user, apps.get_model(item.model), permissions.VIEW)
        ]
        if items:
            sections.append((section.label, items))
    return sections


def shell_context(request) -> dict:
    from parkops.core.models import Park

    user = request.user
    park_ids = permissions.user_park_ids(user)
    parks = list(Park.objects.filter(id__in=sorted(park_ids))) if park_ids else []
    active_id = getattr(user, "active_park_id", None)
    return {
        "nav_sections": visible_navigation(user),
        "user_parks": parks,
        "active_park": next((p for p in parks if p.pk == active_id), None),
        "user_roles": sorted({m.get_role_display() for m in permissions.memberships(user)}),
    }
