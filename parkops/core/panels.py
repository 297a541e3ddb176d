"""Panels on a detail page that another app fills: the leads a promotion event
generated, shown on the event's page by the app that keeps leads, without the
event's app importing it (arrows point toward the app that knows both).

An app declares its panels in its ``panels.py`` (found on first use, like
``navigation.py``)::

    declare_detail_panel(
        "promotion.PromotionEvent",
        DetailPanel("projects/panels/leads.html", leads_context, order=10),
    )

``context(request, obj)`` returns the template's context, or None to show
nothing (a user who may not read the panel's records). It reads through the
user's scope and with a fixed number of queries: the panel is on every view of
the page. ``core/object_detail.html`` renders the panels of the object's model
below the page's content (``{% detail_panels object %}``), so every detail
template extending it shows them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class DetailPanel:
    template: str
    context: Callable  # (request, obj) -> dict | None
    order: int = 100


_PANELS: dict[str, list[DetailPanel]] = {}
_discovered = False


def _label(model_label: str) -> str:
    return model_label.lower()


def declare_detail_panel(model_label: str, panel: DetailPanel) -> DetailPanel:
    """Show ``panel`` on the detail page of ``model_label`` (``app_label.ModelName``)."""
    panels = _PANELS.setdefault(_label(model_label), [])
    if panel not in panels:
        panels.append(panel)
    return panel


def _discover() -> None:
    global _discovered
    if not _discovered:
        autodiscover_modules("panels")
        _discovered = True


def panels_for(model) -> list[DetailPanel]:
    """The panels declared for ``model`` (a model class or instance), in order."""
    _discover()
    panels = _PANELS.get(_label(model._meta.label), [])
    return sorted(panels, key=lambda panel: panel.order)


def panel_contexts(request, obj) -> list[tuple[str, dict]]:
    """(template, context) of each of ``obj``'s panels that has something to show."""
    shown = []
    for panel in panels_for(obj):
        context = panel.context(request, obj)
        if context is not None:
            shown.append((panel.template, {"object": obj, **context}))
    return shown
