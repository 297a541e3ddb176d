"""Park scoping: the one place where rows are limited to what a user may see.

Every park-scoped model uses ``ParkScopedManager``. Its querysets refuse to run
until they have been scoped, either by ``restrict(user, action)`` (the normal
path for pages, the API, exports and search) or by ``unscoped()``, the one way
to bypass scoping: for code that acts for no particular user (management
commands, demo data, tests) or that checks a rule across parks (a tree's
ancestors, uniqueness in a park), and says so explicitly. A query that forgot
its scope raises ``ScopeError`` instead of silently returning every park's rows.

The scope lives on the SQL query itself, so an unscoped query refuses to compile
wherever it ends up: run directly, used as a subquery (``id__in=``, ``Exists``,
``Subquery``), in a ``union`` or combined with ``|``/``&``. ``raw()`` is allowed
only after ``unscoped()``: hand-written SQL cannot be restricted.

Related access follows the object it starts from. Each object a scoped query
returns remembers that scope, and its reverse and many-to-many managers
(``enterprise.contacts.all()``) and ``prefetch_related`` apply it to the
related model: restricted with the same user and action, or unscoped. An object
that came from nowhere scoped (built by hand, ``objects.create()``, Django's
machinery) has guarded related managers: call ``.restrict()`` or ``.unscoped()``
on them. Forward foreign keys (``contact.enterprise``, ``select_related``) load
the one row the object points to and are not scoped.

This is our equivalent of django-scopes: the guard is tied to the permission
call itself rather than to a context variable, so the code that scopes a query
is the code that decides what the user may do with it.
"""

from __future__ import annotations

from functools import cache

from django.apps import apps
from django.db import models
from django.db.models import ForeignObjectRel
from django.db.models.query import ModelIterable
from django.db.models.sql import Query
from django.utils.translation import gettext_lazy as _

from parkops.core import permissions


class ScopeError(RuntimeError):
    """A park-scoped query ran without ``restrict()`` or ``unscoped()``."""


# The scope of a query, and of each object it returns: None (not scoped yet),
# UNSCOPED, or the (user, action) pair given to ``restrict``.
UNSCOPED = "unscoped"


def _refuse(model, what: str):
    raise ScopeError(
        f"{model.__name__}: {what} ran without a park scope; "
        "call .restrict(user, action) or .unscoped() first."
    )


class ParkScopedQuery(Query):
    """The SQL query of a park-scoped queryset: it will not compile unscoped.

    Compiling is the one step shared by running a queryset, using it as a
    subquery of another query and combining it with ``union``.
    """

    park_scope = None

    def get_compiler(self, *args, **kwargs):
        if self.park_scope is None:
            _refuse(self.model, "a query (or subquery)")
        if self.park_scope != UNSCOPED:
            _check_joins(self)
        return super().get_compiler(*args, **kwargs)


@cache
def _scoped_tables() -> dict[str, type[models.Model]]:
    return {
        model._meta.db_table: model
        for model in apps.get_models()
        if issubclass(model, ParkScopedModel)
    }


def _check_joins(query: ParkScopedQuery) -> None:
    """Refuse a restricted query that joins back into a park-scoped model the user
    may not read as widely: ``restrict(finance).values("contacts__phone")`` would
    read contacts the finance role may not, through its own enterprises.

    Related rows lie in the same park as the row they belong to, so a join into a
    model the user may read in every park of the query's own scope shows nothing
    new and runs. Forward foreign keys, and what they lead to, load the
    rows the user's own rows point to, as ``contact.enterprise`` does.
    """
    user, action = query.park_scope
    own_parks = None
    reversed_aliases = set()
    for alias, join in query.alias_map.items():
        parent = getattr(join, "parent_alias", None)
        if parent is None:  # the query's own table
            continue
        if not (isinstance(join.join_field, ForeignObjectRel) or parent in reversed_aliases):
            continue
        reversed_aliases.add(alias)
        related = _scoped_tables().get(join.table_name)
        if related is None:
            continue
        if own_parks is None:
            own_parks = permissions.park_ids_for(user, query.model, action)
        # A join reads the related rows, whatever the query is for: VIEW decides.
        if not own_parks <= permissions.park_ids_for(user, related, permissions.VIEW):
            raise ScopeError(
                f"{query.model.__name__}: a restricted query joins {related.__name__} rows "
                "the user may not read; query them through their own restrict()."
            )


def _scope_of(queryset):
    # getattr: a plain ``Query`` assigned to ``queryset.query`` counts as unscoped.
    return getattr(queryset.query, "park_scope", None)


class _ScopedModelIterable(ModelIterable):
    """Objects that remember the scope of the query that loaded them."""

    def __iter__(self):
        scope = _scope_of(self.queryset)
        for obj in super().__iter__():
            obj._park_scope = scope
            yield obj


def _guard(method_name):
    def guarded(self, *args, **kwargs):
        if _scope_of(self) is None:
            _refuse(self.model, f"objects.{method_name}()")
        return getattr(super(ParkScopedQuerySet, self), method_name)(*args, **kwargs)

    guarded.__name__ = method_name
    return guarded


class ParkScopedQuerySet(models.QuerySet):
    """A queryset that must be scoped before it touches the database."""

    def __init__(self, model=None, query=None, using=None, hints=None):
        super().__init__(model, query or ParkScopedQuery(model), using, hints)
        self._iterable_class = _ScopedModelIterable

    def restrict(self, user, action: str = "view") -> ParkScopedQuerySet:
        """Rows of the parks where ``user`` may perform ``action`` on this model."""
        park_ids = permissions.park_ids_for(user, self.model, action)
        clone = self.filter(park_id__in=sorted(park_ids))
        clone.query.park_scope = (user, action)
        return clone

    def unscoped(self) -> ParkScopedQuerySet:
        """All parks' rows: only for code that acts for no particular user.

        A queryset already restricted stays restricted (and so do the objects it
        returns): ``unscoped()`` never widens a scope.
        """
        clone = self._chain()
        if _scope_of(clone) is None:
            clone.query.park_scope = UNSCOPED
        return clone

    def raw(self, raw_query, params=(), translations=None, using=None):
        """Hand-written SQL, only on ``unscoped()``: no restriction can be added to it."""
        if _scope_of(self) != UNSCOPED:
            raise ScopeError(
                f"{self.model.__name__}.objects.raw() runs SQL that no restriction "
                "reaches; only .unscoped().raw() is allowed."
            )
        return super().raw(raw_query, params, translations, using)

    def _merge_sanity_check(self, other):
        # ``restricted | Model.objects.all()`` would OR the park filter away.
        if isinstance(other, ParkScopedQuerySet) and _scope_of(other) is None:
            _refuse(other.model, "a queryset combined with | & or ^")
        super()._merge_sanity_check(other)

    _fetch_all = _guard("_fetch_all")
    count = _guard("count")
    exists = _guard("exists")
    aggregate = _guard("aggregate")
    iterator = _guard("iterator")
    aiterator = _guard("aiterator")
    update = _guard("update")
    delete = _guard("delete")
    explain = _guard("explain")


def _scoped_like(queryset: ParkScopedQuerySet, instance) -> ParkScopedQuerySet:
    """``queryset`` of a model related to ``instance``, in the scope ``instance`` came from."""
    scope = getattr(instance, "_park_scope", None)
    if scope is None:
        return queryset  # guarded: the caller must scope it explicitly
    if scope == UNSCOPED:
        return queryset.unscoped()
    user, action = scope
    return queryset.restrict(user, action)


class ParkScopedManager(models.Manager.from_queryset(ParkScopedQuerySet)):
    """The ``objects`` manager of every park-scoped model."""

    def get_queryset(self) -> ParkScopedQuerySet:
        queryset = super().get_queryset()
        # Django sets ``instance`` only on the related managers it derives from
        # this class (``enterprise.contacts``); they, and the prefetches they
        # run, take the scope of the object they start from.
        instance = getattr(self, "instance", None)
        return queryset if instance is None else _scoped_like(queryset, instance)

    def restrict(self, user, action: str = "view") -> ParkScopedQuerySet:
        return self.get_queryset().restrict(user, action)

    def unscoped(self) -> ParkScopedQuerySet:
        """All parks' rows: the one way project code bypasses scoping."""
        return self.get_queryset().unscoped()


class DjangoDefaultManager(ParkScopedManager):
    """The default manager, for Django's machinery only: plain on the model,
    scoped for related access.

    Django uses the default manager for its own queries (unique and constraint
    checks, form choices) and derives related managers from its class. Used on
    the model it returns a plain queryset; as a related manager it behaves like
    ``ParkScopedManager``. Project code never uses it (a test checks): it calls
    ``objects.restrict()`` or, to bypass scoping, ``objects.unscoped()``.
    """

    def get_queryset(self):
        if getattr(self, "instance", None) is None:
            return models.QuerySet(model=self.model, using=self._db, hints=self._hints)
        return super().get_queryset()


class ParkScopedModel(models.Model):
    """Base of every table that belongs to one park.

    ``park`` leads every index of a subclass (declare indexes as
    ``models.Index(fields=["park", ...])``) so that large deployments can shard by
    park.
    """

    park = models.ForeignKey(
        "core.Park", on_delete=models.PROTECT, related_name="+", verbose_name=_("park")
    )

    # Django's own machinery (unique and constraint checks, form choices) uses
    # the default manager, which is the first one declared: plain on the model,
    # scoped as related managers. Forward relations and deletion use the base
    # manager, a plain one. Project code uses ``objects``, which is guarded.
    # (The name is recorded in every park-scoped model's migrations.)
    unguarded = DjangoDefaultManager()
    objects = ParkScopedManager()

    class Meta:
        abstract = True


def unscoped(model) -> models.QuerySet:
    """Every row of ``model``, for code that names its model only at run time (the
    audit reader, the write path's link tables, the chain): ``objects.unscoped()``
    for a park-scoped model, all rows of any other. The same bypass as the method,
    so that ``unscoped`` is the one word a reader searches for."""
    manager = model.objects if hasattr(model, "objects") else model._base_manager
    if hasattr(manager, "unscoped"):
        return manager.unscoped()
    return model._base_manager.all()
