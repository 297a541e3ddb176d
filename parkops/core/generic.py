"""Generic list, detail and edit pages every register uses.

An app's page is a subclass that names its model, table, filterset, form and
service functions; scoping, permission checks, pagination, sorting and error
handling live here once.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.dispatch import receiver
from django.http import Http404
from django.shortcuts import redirect
from django.template.loader import get_template
from django.urls import (
    URLPattern,
    URLResolver,
    get_resolver,
    get_script_prefix,
    get_urlconf,
    reverse,
)
from django.utils import translation
from django.utils.autoreload import file_changed
from django.utils.choices import CallableChoiceIterator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin

from parkops.core import audit, pagination, permissions
from parkops.core.filters import sets_a_filter
from parkops.core.models import Park
from parkops.core.pickers import RecordPicker, RecordPickerMultiple


def park_of(obj) -> int | None:
    """The id of the park an object belongs to (a park belongs to itself)."""
    return obj.pk if isinstance(obj, Park) else getattr(obj, "park_id", None)


def park_of_object(obj) -> Park:
    return obj if isinstance(obj, Park) else obj.park


def user_parks(user) -> list[Park]:
    """The parks the user works in (the park switcher's), read once per request."""
    parks = getattr(user, "_parkops_parks", None)
    if parks is None:
        park_ids = permissions.user_park_ids(user)
        parks = list(Park.objects.filter(id__in=sorted(park_ids))) if park_ids else []
        user._parkops_parks = parks
    return parks


def active_park(user) -> Park | None:
    park_id = getattr(user, "active_park_id", None)
    if not park_id:
        return None
    # The switcher's choice is one of the user's parks (accounts.middleware).
    found = next((park for park in user_parks(user) if park.pk == park_id), None)
    return found or Park.objects.filter(pk=park_id).first()


def list_park_id(request, filterset_class=None) -> int | None:
    """Whose rows a list (and its export) shows: the park a link names with
    ``?park=<code>`` (the report card's drill-down of another of the user's
    parks), else the park switcher's choice. A code naming no park of the user's
    is a 404, as on the card: showing the active park's rows instead would pass
    them off as the named park's. A list whose filters have a ``park`` of their
    own (the audit log) leaves the parameter to them. Scoping is
    ``restrict()``'s; this only narrows."""
    user = request.user
    named = request.GET.get("park")
    if named and "park" not in getattr(filterset_class, "base_filters", {}):
        own = permissions.user_park_ids(user)
        chosen = Park.objects.filter(code=named, pk__in=own).values_list("pk", flat=True).first()
        if chosen is None:
            existing = Park.objects.filter(code=named).values_list("pk", flat=True).first()
            if existing is not None:
                audit.record_out_of_scope(Park, existing, user)
            raise Http404
        return chosen
    return getattr(user, "active_park_id", None)


def served_url_names(patterns=None, namespace: str = "") -> frozenset[str]:
    """Every namespaced URL name the project serves (``core:park_list`` ...)."""
    if patterns is None:
        return _served_url_names(get_resolver(get_urlconf()))
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= served_url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return frozenset(names)


_SERVED: dict[int, frozenset[str]] = {}


def _served_url_names(resolver) -> frozenset[str]:
    # One walk per URLconf (a test that swaps ROOT_URLCONF gets a new resolver).
    key = id(resolver)
    if key not in _SERVED:
        _SERVED[key] = served_url_names(resolver.url_patterns)
    return _SERVED[key]


def model_url_name(model, action: str, *, namespace: str | None = None) -> str | None:
    """``<app>:<model>_<action>``, the name of ``model``'s ``action`` page, if the
    project serves one (else None: a register without an add page, say)."""
    name = f"{namespace or model._meta.app_label}:{model._meta.model_name}_{action}"
    return name if name in served_url_names() else None


def list_rows(selector, request, *, strict: bool = False):
    """The rows a list page and its export show: ``selector`` (an app's
    ``<entity>_list``) for the request's user, filters and park (``list_park_id``).
    Filters that do not validate show no rows; the page says why beside them.
    ``strict`` (the export, which has no filters beside it to say why): they
    raise the selector's ``ValidationError`` by filter instead."""
    park_id = list_park_id(request, selector.filterset_class)
    try:
        return selector(user=request.user, filters=request.GET, park_id=park_id)
    except ValidationError:
        if strict:
            raise
        return selector(user=request.user, park_id=park_id).none()


# The report card adds these to a figure's drill-down link, so that the list can
# say where it came from; the filter form carries them (and ``park``) along.
CARD_PARAMS = ("card_period", "card_figure")


def list_origin(request, filterset_class=None) -> dict | None:
    """The banner of a list narrowed by a link rather than by the park switcher:
    which park's records it shows (when that is not the active park) and, from
    the report card, which figure and period, with the way back to that card."""
    from django.urls import reverse

    from parkops.core.figures import card_page, get_figure
    from parkops.core.periods import Period, PeriodError

    if not request.GET.get("park") or "park" in getattr(filterset_class, "base_filters", {}):
        return None
    park_id = list_park_id(request, filterset_class)
    try:
        period = Period.parse(request.GET.get("card_period") or "")
    except PeriodError:
        period = None
    if park_id == getattr(request.user, "active_park_id", None) and period is None:
        return None
    park = Park.objects.get(pk=park_id)
    card = {"park": park.code, **({"period": period.code} if period else {})}
    card_name = card_page()
    return {
        "park": park,
        "period": period,
        "figure": get_figure(request.GET.get("card_figure") or "") if period else None,
        "card_url": f"{reverse(card_name)}?{urlencode(card)}" if card_name else None,
        "kept": [
            (name, request.GET[name]) for name in ("park", *CARD_PARAMS) if request.GET.get(name)
        ],
    }


class ScopedMixin(LoginRequiredMixin):
    """Pages of one model: every queryset starts from ``restrict(user, view)``."""

    model = None
    select_related: tuple[str, ...] = ()
    # The model's page URL names follow from it (``<app>:<model>_<action>``,
    # ``model_url_name``); a register served under another namespace names it,
    # and one whose page for an action has another name lists it in
    # ``url_names`` (action -> name, or None for no such page).
    url_namespace: str | None = None
    url_names: dict[str, str | None] = {}

    def url_name(self, action: str) -> str | None:
        """The URL name of this model's ``action`` page, or None if it has none."""
        if action in self.url_names:
            return self.url_names[action]
        return model_url_name(self.model, action, namespace=self.url_namespace)

    def list_url(self) -> str | None:
        name = self.url_name("list")
        return reverse(name) if name else None

    def get_queryset(self):
        queryset = self.model.objects.restrict(self.request.user, permissions.VIEW)
        return queryset.select_related(*self.select_related) if self.select_related else queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meta = self.model._meta
        context["model_name"] = meta.verbose_name
        context["model_name_plural"] = meta.verbose_name_plural
        context["list_url"] = self.list_url()
        context["can_add"] = permissions.can(
            self.request.user, self.model, permissions.ADD, active_park(self.request.user)
        )
        return context


class ObjectListView(ScopedMixin, SingleTableMixin, FilterView):
    """A filtered, sorted, paginated table of the user's rows.

    A subclass names its ``selector``, the app's ``<entity>_list``: the rows
    (scope, park, filters, order) are the selector's, the same the API list and
    the export read; the model and FilterSet are taken from it.
    """

    template_name = "core/object_list.html"
    paginate_by = 25
    selector = None
    exchange_key: str | None = None  # the register's spreadsheet spec, if any

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        selector = cls.__dict__.get("selector")
        if selector is not None:
            cls.selector = staticmethod(selector)
            cls.model = selector.model
            cls.filterset_class = selector.filterset_class

    def dispatch(self, request, *args, **kwargs):
        # A list is refused (403) to a user who may view the model nowhere; one
        # of their own rows is not found (404) by the detail pages instead.
        if request.user.is_authenticated:
            permissions.require(request.user, self.model, permissions.VIEW)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        if self.selector is None:
            raise ImproperlyConfigured(f"{type(self).__name__} names no selector (<entity>_list).")
        return list_rows(self.selector, self.request)

    def get(self, request, *args, **kwargs):
        # The FilterSet only draws the filter form and its errors; the rows are
        # the selector's (FilterView would filter them a second time).
        self.object_list = self.get_queryset()
        self.filterset = self.get_filterset(self.get_filterset_class())
        context = self.get_context_data(filter=self.filterset, object_list=self.object_list)
        return self.render_to_response(context)

    def get_filterset_kwargs(self, filterset_class):
        # The form's FilterSet reads no rows: the selector's, read once.
        return {
            "data": self.request.GET or None,
            "request": self.request,
            "queryset": self.object_list,
        }

    def get_paginate_by(self, queryset):
        # The table pages (``get_table``): the view's own paginator would count
        # the rows a second time.
        return None

    def get_table(self, **kwargs):
        """The table, sorted by the request's ``sort`` and paged by
        ``core.pagination``: one bounded count, numbered pages for small lists,
        cursor pages for deep ones. Past the end shows the last page and a
        non-number the first, never a 404: a bookmark or a link kept after rows
        were removed still lands somewhere useful."""
        table = self.get_table_class()(data=self.get_table_data(), **kwargs)
        RequestConfig(self.request, paginate=False).configure(table)
        pagination.paginate(table, self.request, self.paginate_by)
        table.before_render(self.request)
        return table

    def filters_active(self) -> int:
        """How many filters the request sets: an empty list then means "nothing
        matches these filters", not "no records yet"."""
        return sum(1 for name in self.filterset.filters if self.request.GET.get(name, "").strip())

    def get_template_names(self):
        # An htmx filter request swaps only the table.
        if getattr(self.request, "htmx", False):
            return ["core/partials/table.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        table = context["table"]
        context["paginator"], context["page_obj"] = table.paginator, table.page
        context["is_paginated"] = table.page.has_other_pages()
        # The exports take the list's filters and order, not the page shown.
        query = self.request.GET.copy()
        for name in ("page", *pagination.CURSOR_PARAMS):
            query.pop(name, None)
        context["export_query"] = query.urlencode()
        context["create_url_name"] = self.url_name("add")
        # A register of the exchange exports there (``exchange_key``); one with
        # an export of its own (the audit log) serves ``<model>_export`` and,
        # as CSV, ``<model>_export_csv``.
        context["export_url_name"] = self.url_name("export")
        context["export_csv_url_name"] = self.url_name("export_csv")
        context["exchange_key"] = self.exchange_key
        context["filters_active"] = self.filters_active()
        context["list_origin"] = list_origin(self.request, self.filterset_class)
        # A request setting none of the filters (the list opened from the menu,
        # sorted or paged) has no filter errors, and its form's fields are
        # drawn as for anyone else who may use the same filters.
        if sets_a_filter(self.filterset_class, self.request.GET):
            context["filter_errors"] = self.filterset.errors
        elif not self.request.htmx:  # htmx answers the table only, no form
            context["filter_fields"] = drawn_filter_fields(self.filterset)
        if self.exchange_key:
            from parkops.core.exchange.spec import get_spec

            context["exchange_importable"] = get_spec(self.exchange_key).importable
        return context


# The fields of filter forms given no filters, drawn, by everything they depend
# on: the FilterSet, the language, the URLs (the pickers' addresses) and the
# filters the user's form has (``unusable_filters`` left out, or any filter an
# ``__init__`` drops for a role); None for a form that
# draws what may change between two requests, drawn each time. Nothing in them
# is a user's own: a few dozen entries (registers × languages × roles).
_DRAWN_FIELDS: dict[tuple, str | None] = {}


@receiver(file_changed, dispatch_uid="parkops_drawn_filter_fields")
def _forget_drawn_fields(sender, file_path, **kwargs):
    # The development server redraws an edited template without restarting.
    _DRAWN_FIELDS.clear()


def drawn_filter_fields(filterset) -> str:
    """The fields of ``filterset``'s form, as ``core/partials/filter_fields.html``
    draws them for a request setting none of its filters: drawn once and kept
    where they are the same for everyone (``_drawn_alike``), which spares every
    list page opened from the menu building the form and drawing its widgets
    (a fifth of the page)."""
    unusable = getattr(filterset, "unusable_filters", None)
    left_out = set(unusable() if unusable else ())
    key = (
        type(filterset),
        translation.get_language(),
        get_script_prefix(),
        get_resolver(get_urlconf()),
        tuple(name for name in filterset.filters if name not in left_out),
    )
    html = _DRAWN_FIELDS.get(key)
    if html is None:
        html = get_template("core/partials/filter_fields.html").render({"filter": filterset})
        if key not in _DRAWN_FIELDS:
            if len(_DRAWN_FIELDS) >= 500:
                _DRAWN_FIELDS.clear()
            _DRAWN_FIELDS[key] = html if _drawn_alike(filterset) else None
    return html


def _drawn_alike(filterset) -> bool:
    """Does ``filterset``'s form, given none of its values, draw the same on
    every request: no filter whose choices its ``__init__`` worked out for this
    request, no choices of records except pickers' (which draw none
    until one is chosen), no choices worked out as they are drawn, no initial
    values?"""
    declared = type(filterset).base_filters
    for name, one in filterset.filters.items():
        original = declared.get(name)
        if original is None or one.extra.get("choices") != original.extra.get("choices"):
            return False
    form = filterset.form
    if form.initial:
        return False
    for field in form.fields.values():
        if field.initial is not None:
            return False
        if isinstance(field, forms.ModelChoiceField):
            if not isinstance(field.widget, RecordPicker | RecordPickerMultiple):
                return False
        elif isinstance(field, forms.ChoiceField):
            # django-filter keeps the declared choices inside its iterator.
            choices = getattr(field.choices, "choices", field.choices)
            if callable(choices) or isinstance(choices, CallableChoiceIterator):
                return False
    return True


class ObjectDetailView(ScopedMixin, DetailView):
    """One object; "not yours" and "doesn't exist" are the same 404, also for a
    user who may view the model nowhere (the attempt is audited)."""

    def get_object(self, queryset=None):
        try:
            return super().get_object(queryset)
        except Http404:
            audit.record_out_of_scope(self.model, self.kwargs.get("pk"), self.request.user)
            raise

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["edit_url_name"] = edit = self.url_name("edit")
        context["can_change"] = bool(edit) and permissions.can(
            self.request.user, self.model, permissions.CHANGE, park_of(self.object)
        )
        return context


class ObjectEditView(ScopedMixin, FormView):
    """Create (no ``pk``) or edit an object through the app's service functions.

    Subclasses implement ``create(form, park)`` and ``update(obj, form)``, each
    calling a service; the view only parses and renders.
    """

    template_name = "core/object_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = None
        if "pk" in kwargs:
            self.object = get_scoped_or_404(self.model, request.user, kwargs["pk"])
            allowed = permissions.can(
                request.user, self.model, permissions.CHANGE, park_of(self.object)
            )
        else:
            self.park = active_park(request.user)
            allowed = permissions.can(request.user, self.model, permissions.ADD, self.park)
        if not allowed:
            permissions.deny()
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        kwargs["park"] = park_of_object(self.object) if self.object else self.park
        if self.object is not None:
            kwargs["instance"] = self.object
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        context["cancel_url"] = self.object.get_absolute_url() if self.object else self.list_url()
        return context

    def form_valid(self, form):
        try:
            if self.object is None:
                saved = self.create(form, self.park)
                messages.success(self.request, _("Created “%(name)s”.") % {"name": saved})
            else:
                saved = self.update(self.object, form)
                messages.success(self.request, _("Saved “%(name)s”.") % {"name": saved})
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        return redirect(saved.get_absolute_url())

    def create(self, form, park):
        raise NotImplementedError

    def update(self, obj, form):
        raise NotImplementedError


def apply_validation_error(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form, field by field."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def get_scoped_or_404(model, user, pk, action: str = permissions.VIEW):
    """The object with ``pk`` if ``user`` may ``action`` it; otherwise 404."""
    try:
        return model.objects.restrict(user, action).get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError) as exc:
        audit.record_out_of_scope(model, pk, user)
        raise Http404 from exc


def next_url(request, fallback: str) -> str:
    """Where to go back to after a POST: ``next`` or the referrer, if on this site."""
    target = request.POST.get("next") or request.headers.get("referer") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback
