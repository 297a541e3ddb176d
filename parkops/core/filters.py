"""FilterSet base shared by list pages and the API."""

import django_filters
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.widgets import BooleanWidget

from parkops.core import permissions
from parkops.core.audit_display import object_type_choices
from parkops.core.forms import LenientDateField, all_for_empty_choices, style_widgets
from parkops.core.models import Alliance, AuditEntry, ImportBatch, Industry, Park
from parkops.core.pickers import register_filterset, use_pickers


class YesNoAllWidget(BooleanWidget):
    """Yes / no / all, instead of django-filter's "unknown"."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = (("", _("All")), ("true", _("yes")), ("false", _("no")))


class DateFilter(django_filters.DateFilter):
    """A date filter with the date picker, reading dates as the importer does."""

    field_class = LenientDateField


class BaseFilterSet(django_filters.FilterSet):
    """Filter forms styled like every other form."""

    FILTER_DEFAULTS = {
        **django_filters.FilterSet.FILTER_DEFAULTS,
        models.DateField: {"filter_class": DateFilter},
        models.BooleanField: {
            "filter_class": django_filters.BooleanFilter,
            "extra": lambda f: {"widget": YesNoAllWidget},
        },
    }

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            use_pickers(self, form)
            all_for_empty_choices(form.fields)
            style_widgets(form.fields, prompt=False)
        return self._form


class ScopedFilterSet(BaseFilterSet):
    """A FilterSet whose model-choice filters offer only rows in the user's scope."""

    q = django_filters.CharFilter(method="search", label=_("Search"))

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # Its choices of many records are served a few at a time (core.pickers).
        register_filterset(cls)

    def __init__(self, data=None, queryset=None, *, request=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        user = getattr(request, "user", None)
        for filter_ in self.filters.values():
            # Model-choice filters keep their queryset on the filter itself.
            queryset_ = getattr(filter_, "queryset", None)
            if queryset_ is not None and hasattr(queryset_.model.objects, "restrict"):
                filter_.queryset = queryset_.model.objects.restrict(user, permissions.VIEW)

    def unusable_filters(self) -> set[str]:
        """Filters choosing among records of a model the user may read in no park
        (a project officer's visits, a finance officer's promotion units): they
        would offer nothing, so the form leaves them out (the list page and the
        pickers' endpoint alike). One the request sets anyway (a link kept from
        elsewhere) stays, and its value is refused as any record outside the
        user's scope is, rather than ignored with every row shown as filtered."""
        user = getattr(self.request, "user", None)
        unusable = set()
        for name, filter_ in self.filters.items():
            model = getattr(getattr(filter_, "queryset", None), "model", None)
            if model is None or not hasattr(model.objects, "restrict"):
                continue  # not a choice of scoped records (users, fixed choices)
            if _is_set(self.data, name):
                continue
            if not permissions.can(user, model, permissions.VIEW):
                unusable.add(name)
        return unusable

    def get_form_class(self):
        unusable = self.unusable_filters()
        if not unusable:
            return super().get_form_class()
        fields = {
            name: filter_.field for name, filter_ in self.filters.items() if name not in unusable
        }
        return type(f"{type(self).__name__}Form", (self._meta.form,), fields)

    def search(self, queryset, name, value):
        raise NotImplementedError


def _is_set(data, name: str) -> bool:
    """Does the filter data (a QueryDict or the API's dict) give ``name`` a value?"""
    values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
    return any(value not in (None, "") for value in values)


def sets_a_filter(filterset_class, data) -> bool:
    """Does ``data`` (a request's query) give any filter of ``filterset_class`` a
    value, even an empty one? A filter's form field reads the parameter of its
    name, or of its name and a suffix (``amount_min``): either counts; the
    list's own parameters (``page``, ``sort``) do not."""
    names = filterset_class.base_filters
    return any(
        key in names or any(key.startswith(f"{name}_") for name in names) for key in data or ()
    )


class ParkFilterSet(ScopedFilterSet):
    class Meta:
        model = Park
        fields = ["q"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(short_name__icontains=value))


class AllianceFilterSet(ScopedFilterSet):
    class Meta:
        model = Alliance
        fields = ["q"]

    def search(self, queryset, name, value):
        return queryset.filter(name__icontains=value)


class IndustryFilterSet(ScopedFilterSet):
    class Meta:
        model = Industry
        fields = ["q", "level"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))


class AuditEntryFilterSet(BaseFilterSet):
    actor_name = django_filters.CharFilter(method="actor", label=_("actor"))
    # Offered by their names (企业, 用户…); the API passes the stored type itself.
    object_type = django_filters.ChoiceFilter(choices=object_type_choices, label=_("object type"))
    since = DateFilter(field_name="time", lookup_expr="date__gte", label=_("from"))
    until = DateFilter(field_name="time", lookup_expr="date__lte", label=_("to"))

    class Meta:
        model = AuditEntry
        fields = ["actor_name", "action", "object_type", "park", "since", "until"]

    def actor(self, queryset, name, value):
        # By the name the log shows (full name) or the username it stores.
        return queryset.filter(
            Q(actor_name__icontains=value) | Q(actor__full_name__icontains=value)
        )


def register_choices(user=None) -> list[tuple[str, str]]:
    """(key, title) of each importable register, by title: 企业名录, not ``enterprises``;
    given ``user``, only the registers they may read somewhere (their batches are
    the only ones they see, ``ImportBatchQuerySet.restrict``)."""
    from parkops.core.exchange.spec import all_specs

    specs = [
        spec
        for spec in all_specs()
        if spec.importable and (user is None or permissions.can(user, spec.model, permissions.VIEW))
    ]
    return sorted(((spec.key, str(spec.title)) for spec in specs), key=lambda choice: choice[1])


class ImportBatchFilterSet(BaseFilterSet):
    # "register" is a reserved name in the API's query schema, hence register_key.
    register_key = django_filters.ChoiceFilter(
        field_name="register", choices=register_choices, label=_("register")
    )
    file_name = django_filters.CharFilter(lookup_expr="icontains", label=_("file name"))

    class Meta:
        model = ImportBatch
        fields = ["register_key", "status", "file_name"]

    def __init__(self, data=None, queryset=None, *, request=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        user = getattr(request, "user", None)
        self.filters["register_key"].extra["choices"] = lambda: register_choices(user)
