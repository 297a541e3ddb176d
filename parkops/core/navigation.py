"""The left navigation, by domain, showing only what the user may open, and the
home page's counts: each app declares its own in its ``navigation.py``."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation
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


@dataclass(frozen=True)
class HomeCount:
    """One count on each park's home card: the rows of ``model`` the user may read
    in that park, narrowed by ``filters``, linked to the model's list page with
    ``query`` (its URL name follows from the model: ``<app>:<model>_list``)."""

    key: str
    model: str  # app_label.ModelName: its view permission shows the count
    label: str | None = None  # the model's plural name unless told otherwise
    filters: dict = field(default_factory=dict)
    query: str = ""
    order: int = 100

    @property
    def title(self) -> str:
        if self.label is not None:
            return self.label
        return capfirst(apps.get_model(self.model)._meta.verbose_name_plural)

    @property
    def url(self) -> str:
        opts = apps.get_model(self.model)._meta
        url = reverse(f"{opts.app_label}:{opts.model_name}_list")
        return f"{url}?{self.query}" if self.query else url


# Declared by each app's ``navigation.py`` (core's below), found on first use.
_SECTIONS: dict[str, tuple[int, str]] = {}
_ITEMS: dict[str, tuple[str, int, NavItem]] = {}
_HOME_COUNTS: dict[str, HomeCount] = {}
_discovered = False


def declare_section(key: str, label: str, *, order: int) -> None:
    """A menu section, placed by ``order`` among the others."""
    _SECTIONS[key] = (order, label)


def declare_item(section: str, item: NavItem, *, order: int = 100) -> NavItem:
    """A menu entry in ``section`` (declared by any app), placed by ``order``."""
    _ITEMS[item.url_name] = (section, order, item)
    return item


def declare_home_count(count: HomeCount) -> HomeCount:
    _HOME_COUNTS[count.key] = count
    return count


def _discover() -> None:
    global _discovered
    if not _discovered:
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("navigation")
        _discovered = True


def navigation() -> list[NavSection]:
    """Every declared section with its items, each in declared order."""
    _discover()
    sections = []
    for key, (_order, label) in sorted(_SECTIONS.items(), key=lambda kv: kv[1][0]):
        entries = sorted(
            (order, n, item)
            for n, (section, order, item) in enumerate(_ITEMS.values())
            if section == key
        )
        sections.append(NavSection(label, tuple(item for _o, _n, item in entries)))
    return sections


def home_counts() -> list[HomeCount]:
    _discover()
    return sorted(_HOME_COUNTS.values(), key=lambda count: count.order)


REPORTS, PARK, ADMINISTRATION = "reports", "park", "administration"
declare_section(REPORTS, _("Reports"), order=10)
declare_section(PARK, _("Park"), order=80)
declare_section(ADMINISTRATION, _("Administration"), order=90)
declare_item(PARK, NavItem("core:park_list", "map-pin", "core.Park"), order=10)
declare_item(PARK, NavItem("core:alliance_list", "affiliate", "core.Alliance"), order=20)
declare_item(PARK, NavItem("core:industry_list", "hierarchy", "core.Industry"), order=30)
declare_item(
    PARK, NavItem("exchange:importbatch_list", "file-import", "core.ImportBatch"), order=90
)
declare_item(
    ADMINISTRATION, NavItem("core:auditentry_list", "file-search", "core.AuditEntry"), order=90
)
declare_home_count(HomeCount("industries", "core.Industry", order=90))


def visible_navigation(user) -> list[tuple[str, list[NavItem]]]:
    sections = []
    for section in navigation():
        items = [
            item
            for item in section.items
            if permissions.can(user, apps.get_model(item.model), permissions.VIEW)
        ]
        if items:
            sections.append((section.label, items))
    return sections


# The menu's HTML for each (language, URL prefix and conf, entries shown): the same for
# every user who may open the same registers, so drawn once per process, not on
# every page. A few dozen at most (roles × languages); cleared if ever more.
_MENUS: dict[tuple, str] = {}


def menu_html(user) -> str:
    """The left menu with the entries the user may open (``visible_navigation``)."""
    sections = visible_navigation(user)
    shown = tuple(item.url_name for _label, items in sections for item in items)
    key = (translation.get_language(), get_script_prefix(), get_urlconf(), shown)
    html = _MENUS.get(key)
    if html is None:
        if len(_MENUS) > 200:
            _MENUS.clear()
        html = render_to_string("core/partials/menu.html", {"nav_sections": sections})
        _MENUS[key] = html
    return html


def shell_context(request) -> dict:
    from parkops.core.generic import user_parks

    user = request.user
    parks = user_parks(user)
    active_id = getattr(user, "active_park_id", None)
    return {
        "menu_html": menu_html(user),
        "user_parks": parks,
        "active_park": next((p for p in parks if p.pk == active_id), None),
        "user_roles": sorted({m.get_role_display() for m in permissions.memberships(user)}),
    }


@dataclass(frozen=True)
class HomeNotice:
    """A notice an app shows at the top of the home page: ``template`` rendered
    with what ``context(request)`` returns (nothing shown when it returns None)."""

    template: str
    context: object  # Callable[[HttpRequest], dict | None]


_HOME_NOTICES: list[HomeNotice] = []


def declare_home_notice(notice: HomeNotice) -> HomeNotice:
    _HOME_NOTICES.append(notice)
    return notice


def home_notices(request) -> list[str]:
    """Each declared notice that has something to say, rendered."""
    from django.template.loader import render_to_string

    _discover()
    shown = []
    for notice in _HOME_NOTICES:
        context = notice.context(request)
        if context:
            shown.append(render_to_string(notice.template, context, request=request))
    return shown
