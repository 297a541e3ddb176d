"""Search-as-you-type pickers for filters that choose among many records.

A filter of a register's records (the projects of one investor, the visits a
project came from) drew every record it could name as an ``<option>``: at
province scale thousands per page, most of the list page's time. Such a filter
is drawn instead as a ``RecordPicker``: a select holding only the record chosen,
which the page (core/app.js, Tom Select) fills as the user types, from
``core.views.pick``: at most ``PICKER_LIMIT`` matches of the filter's own queryset, the
one the FilterSet narrowed to the user's scope (``ScopedFilterSet``), so a
picker offers exactly the records the select offered, a page at a time. The
endpoint is ``core.views.pick``; this module holds what it serves.

What a typed text matches is what the record's own list matches for ``q``
(its list selector's search: names, pinyin, codes…); a model with no list
selector matches its ``name``.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parkops.core import permissions

PICKER_LIMIT = 20

# FilterSet classes by ``picker_key``: the pickers' endpoint builds only these.
_FILTERSETS: dict[str, type] = {}


def picker_key(filterset_class) -> str:
    """``projects.ProjectFilterSet``: the app's module and the class name."""
    parts = filterset_class.__module__.split(".")
    app = parts[-2] if len(parts) > 1 else parts[0]
    return f"{app}.{filterset_class.__qualname__}"


def register_filterset(filterset_class) -> None:
    """Let the pickers' endpoint build ``filterset_class``. Two FilterSets of one
    key (same class name in one app) are refused: the second would silently take
    the first's pickers."""
    key = picker_key(filterset_class)
    known = _FILTERSETS.get(key)
    if (
        known is not None
        and known is not filterset_class
        and not _same_definition(known, filterset_class)
    ):
        raise ImproperlyConfigured(
            f"Two FilterSets have the picker key {key!r}: "
            f"{known.__module__}.{known.__qualname__} and "
            f"{filterset_class.__module__}.{filterset_class.__qualname__}; rename one."
        )
    _FILTERSETS[key] = filterset_class


def registered_filtersets() -> dict[str, type]:
    """The FilterSets the pickers' endpoint builds, by ``picker_key``."""
    return dict(_FILTERSETS)


def _same_definition(known, new) -> bool:
    """The same class statement run again (its module reloaded): it replaces the first."""
    return (known.__module__, known.__qualname__) == (new.__module__, new.__qualname__)


def wants_picker(field) -> bool:
    """Is ``field`` a choice of park records (records that grow with the park,
    unlike a handful of roles or stages), drawn as a plain select?"""
    if not isinstance(field, forms.ModelChoiceField):
        return False
    if type(field.widget) not in (forms.Select, forms.SelectMultiple):
        return False
    from parkops.core.selectors import is_park_scoped

    return is_park_scoped(field.queryset.model)


class _PickerMixin:
    """A select that draws only the chosen records (one query, none if nothing is
    chosen); the page asks ``data-picker-url`` for the others as the user types."""

    def __init__(self, attrs=None, *, url: str):
        super().__init__(attrs)
        self.attrs.setdefault("data-searchable", "")
        self.attrs["data-picker-url"] = url

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].setdefault("data-no-results", str(_("No match")))
        context["widget"]["attrs"].setdefault("data-clear-title", str(_("Clear")))
        return context

    def optgroups(self, name, value, attrs=None):
        iterator = self.choices
        field = getattr(iterator, "field", None)
        if field is None:  # not a model choice: every choice, as a select would
            return super().optgroups(name, value, attrs)
        chosen = [v for v in value if v not in ("", None)]
        choices = []
        if field.empty_label is not None and not self.allow_multiple_selected:
            choices.append(("", field.empty_label))
        if chosen:
            try:
                rows = list(field.queryset.filter(pk__in=chosen))
            except (ValueError, TypeError, ValidationError):  # not ids: nothing to show
                rows = []
            choices += [iterator.choice(row) for row in rows]
        self.choices = choices
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = iterator


class RecordPicker(_PickerMixin, forms.Select):
    pass


class RecordPickerMultiple(_PickerMixin, forms.SelectMultiple):
    pass


class RegionPicker(_PickerMixin, forms.Select):
    """A GB/T 2260 region chosen by search, its value the six-digit code: the
    select holds the region chosen only (a form drew all 3,339 as options), the
    page asks ``core:region_picker`` for the places matching what is typed
    (``regions.region_matches``: names, pinyin, code). A stored code the list no
    longer has is shown as itself."""

    def __init__(self, attrs=None):
        super().__init__(attrs, url=reverse("core:region_picker"))

    def optgroups(self, name, value, attrs=None):
        from parkops.core.regions import region_full_name

        chosen = [(code, region_full_name(code) or code) for code in value if code]
        self.choices = [("", _("Please choose")), *chosen]
        return super().optgroups(name, value, attrs)


def region_options(text: str) -> list[dict]:
    """The places a region picker offers for ``text``, as ``{"value", "text"}`` pairs."""
    from parkops.core.regions import region_matches

    return [
        {"value": code, "text": name} for code, name in region_matches(text, limit=PICKER_LIMIT)
    ]


def use_pickers(filterset, form) -> None:
    """Draw ``form``'s choices of park records (``wants_picker``) as pickers
    served by ``core.views.pick`` for ``filterset``'s class."""
    key = picker_key(type(filterset))
    if _FILTERSETS.get(key) is not type(filterset):
        return  # a class the endpoint would not build (defined twice, say)
    for name, field in form.fields.items():
        if not wants_picker(field):
            continue
        kind = RecordPickerMultiple if field.widget.allow_multiple_selected else RecordPicker
        url = reverse("core:picker", args=[key, name])
        picker = kind(attrs=dict(field.widget.attrs), url=url)
        picker.is_required = field.widget.is_required
        picker.choices = field.choices
        field.widget = picker


def picker_matches(queryset, *, user, text: str):
    """The first ``PICKER_LIMIT`` rows of ``queryset`` that match ``text`` as the
    records' own list matches ``q``."""
    from parkops.core.selectors import list_selector_for

    text = text.strip()
    if text:
        selector = list_selector_for(queryset.model)
        if selector is not None:
            try:
                found = selector(user=user, filters={"q": text})
            except ValidationError:
                return []
            queryset = queryset.filter(pk__in=found.order_by().values("pk"))
        elif any(f.name == "name" for f in queryset.model._meta.fields):
            queryset = queryset.filter(name__icontains=text)
        else:
            return []
    return list(queryset[:PICKER_LIMIT])


def picker_field(*, key: str, field: str, user) -> forms.ModelChoiceField | None:
    """The form field ``field`` of the FilterSet ``key`` as the list page draws it
    for ``user``, its queryset narrowed to the user's scope; ``None`` unless the
    page draws it as a picker. Only pickers are served: another model choice
    (the staff of a visit: users, which no park scope narrows) would be served
    by whatever narrowing its FilterSet happens to do by hand. Refused
    (PermissionDenied) to a user who may not view the list the FilterSet filters."""
    filterset_class = _FILTERSETS.get(key)
    if filterset_class is None or field not in filterset_class.base_filters:
        return None
    model = filterset_class._meta.model
    permissions.require(user, model, permissions.VIEW)
    from parkops.core.selectors import FilterRequest

    filterset = filterset_class(
        None,
        queryset=model.objects.restrict(user, permissions.VIEW),
        request=FilterRequest(user),
    )
    # Left out of the form (``ScopedFilterSet.unusable_filters``) or drawn
    # otherwise: not served.
    form_field = filterset.form.fields.get(field)
    if form_field is None or not isinstance(form_field.widget, _PickerMixin):
        return None
    return form_field


def picker_options(form_field: forms.ModelChoiceField, *, user, text: str) -> list[dict]:
    """``form_field``'s records that match ``text``, as ``{"value", "text"}`` pairs."""
    rows = picker_matches(form_field.queryset, user=user, text=text)
    return [
        {"value": str(form_field.prepare_value(row)), "text": form_field.label_from_instance(row)}
        for row in rows
    ]
