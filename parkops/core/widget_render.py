"""The form renderer: Django's, with its commonest widgets drawn in Python.

Every list page draws its filter form, and profiling the list pages (issue #15)
found each widget's templates (``input.html`` including ``attrs.html``,
``select.html`` including ``select_option.html`` per option) costing more
than the table's rows. ``WidgetRenderer`` draws those four templates (and the
input types that only include ``input.html``) directly, character for
character what the templates give (``tests/test_widget_render.py`` compares
them on every filter form), and hands every other template, and any of these
an app overrides, to Django's renderer.
"""

from __future__ import annotations

import html
from pathlib import Path

import django
from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.template.defaultfilters import stringformat
from django.utils.safestring import SafeData, mark_safe

_WIDGETS = "django/forms/widgets/"
# Templates that are only ``{% include "django/forms/widgets/input.html" %}\n``.
_INPUTS = frozenset(
    f"{_WIDGETS}{kind}.html"
    for kind in (
        *("text", "date", "number", "email", "url", "tel", "search", "password", "time"),
        *("hidden", "checkbox"),
    )
)
_INCLUDES_INPUT = '{% include "django/forms/widgets/input.html" %}\n'
_DJANGO_FORMS = Path(django.__file__).parent / "forms" / "templates"

# ``{{ value }}`` as a template draws it: localized, escaped unless safe.
_CONTEXT = Context(autoescape=True)


def _out(value) -> str:
    if type(value) is str:  # nothing to localize: escaped directly
        return html.escape(value)
    return render_value_in_context(value, _CONTEXT)


def _string(value) -> str:
    """``{{ value|stringformat:'s' }}``."""
    text = stringformat(value, "s")
    if isinstance(value, SafeData):  # stringformat is_safe: keeps a safe input safe
        text = mark_safe(text)  # noqa: S308 - the input was safe
    return _out(text)


def _attrs(attrs) -> str | None:
    """``attrs.html``; None where a value is callable (the template would call it)."""
    parts = []
    for name, value in attrs.items():
        if callable(value):
            return None
        if value is not False:
            parts.append(f" {_out(name)}")
            if value is not True:
                parts.append(f'="{_string(value)}"')
    return "".join(parts)


def _input(widget) -> str | None:
    attrs = _attrs(widget["attrs"])
    if attrs is None:
        return None
    value = widget["value"]
    shown = f' value="{_string(value)}"' if value is not None else ""
    return f'<input type="{_out(widget["type"])}" name="{_out(widget["name"])}"{shown}{attrs}>\n'


def _option(option) -> str | None:
    attrs = _attrs(option["attrs"])
    if attrs is None:
        return None
    return f'<option value="{_string(option["value"])}"{attrs}>{_out(option["label"])}</option>\n'


def _select(widget) -> str | None:
    attrs = _attrs(widget["attrs"])
    if attrs is None:
        return None
    parts = [f'<select name="{_out(widget["name"])}"{attrs}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_out(group_name)}">')
        for option in group_choices:
            if option.get("template_name") != f"{_WIDGETS}select_option.html":
                return None
            drawn = _option(option)
            if drawn is None:
                return None
            parts.append(f"\n  {drawn}")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>\n")
    return "".join(parts)


class WidgetRenderer(DjangoTemplates):
    """Django's template renderer, drawing plain inputs and selects directly."""

    def __init__(self):
        super().__init__()
        self._own: dict[str, bool] = {}

    def _is_djangos(self, template_name: str) -> bool:
        """Is the template the one Django ships (not an app's override)?"""
        if template_name not in self._own:
            origin = Path(self.get_template(template_name).origin.name)
            own = origin.is_relative_to(_DJANGO_FORMS)
            if own and template_name in _INPUTS:  # and still only includes input.html
                own = origin.read_text(encoding="utf-8") == _INCLUDES_INPUT
            self._own[template_name] = own
        return self._own[template_name]

    def render(self, template_name, context, request=None):
        drawn = None
        widget = context.get("widget") if isinstance(context, dict) else None
        if widget is not None and set(context) == {"widget"}:
            if template_name in _INPUTS and self._is_djangos(template_name):
                if self._is_djangos(f"{_WIDGETS}input.html") and self._is_djangos(
                    f"{_WIDGETS}attrs.html"
                ):
                    drawn = _input(widget)
            elif template_name == f"{_WIDGETS}select.html" and all(
                self._is_djangos(f"{_WIDGETS}{name}.html")
                for name in ("select", "select_option", "attrs")
            ):
                drawn = _select(widget)
        if drawn is None:
            return super().render(template_name, context, request)
        # Stripped, as Django's renderer strips what a template gives.
        return mark_safe(drawn.strip())  # noqa: S308 - every value escaped as the template does
