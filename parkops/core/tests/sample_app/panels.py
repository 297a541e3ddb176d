"""Panels on the widget's page (rendered by the generic ``core/object_detail.html``)."""

from parkops.core.panels import DetailPanel, declare_detail_panel


def _second(request, widget):
    return {"note": f"second panel of {widget.name}"}


def _first(request, widget):
    return {"note": f"first panel of {widget.name}"}


def _nothing(request, widget):
    return None  # a panel with nothing to show for this user: left out


TEMPLATE = "sample/widget_panel.html"
declare_detail_panel("sample.Widget", DetailPanel(TEMPLATE, _second, order=20))
declare_detail_panel("sample.Widget", DetailPanel(TEMPLATE, _first, order=10))
declare_detail_panel("sample.Widget", DetailPanel(TEMPLATE, _nothing, order=15))
