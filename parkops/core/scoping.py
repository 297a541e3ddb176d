"""Park scoping: the one place where rows are limited to what a user may see.

Every park-scoped model uses ``ParkScopedManager``. Its querysets refuse to run
until they have been scoped, either by ``restrict(user, action)`` (the normal
path for pages, the API, exports and search) or by ``unscoped()`` (management
commands, demo data and tests, which say so explicitly). A query that forgot
its scope raises ``ScopeError`` instead of silently returning every park's rows.

This is our equivalent of django-scopes: the guard is tied to the permission
call itself rather than to a context variable, so the code that scopes a query
is the code that decides what the user may do with it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from parkops.core import permissions


class ScopeError(RuntimeError):
    """A park-scoped query ran without ``restrict()`` or ``unscoped()``."""


def _guard(method_name):
    def guarded(self, *args, **kwargs):
        if not self._park_scoped:
            raise ScopeError(
                f"{self.model.__name__}.objects.{method_name}() ran without a park scope; "
                "call .restrict(user, action) or .unscoped() first."
            )
        return getattr(super(ParkScopedQuerySet, self), method_name)(*args, **kwargs)

    guarded.__name__ = method_name
    return guarded


class ParkScopedQuerySet(models.QuerySet):
    """A queryset that must be scoped before it touches the database."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._park_scoped = False

    def _clone(self):
        clone = super()._clone()
        clone._park_scoped = self._park_scoped
        return clone

    def restrict(self, user, action: str = "view") -> ParkScopedQuerySet:
        """Rows of the parks where ``user`` may perform ``action`` on this model."""
        park_ids = permissions.park_ids_for(user, self.model, action)
        clone = self.filter(park_id__in=sorted(park_ids))
        clone._park_scoped = True
        return clone

    def unscoped(self) -> ParkScopedQuerySet:
        """All parks' rows: only for code that acts for no particular user."""
        clone = self._chain()
        clone._park_scoped = True
        return clone

    _fetch_all = _guard("_fetch_all")
    count = _guard("count")
    exists = _guard("exists")
    aggregate = _guard("aggregate")
    iterator = _guard("iterator")
    update = _guard("update")
    delete = _guard("delete")
    explain = _guard("explain")


class ParkScopedManager(models.Manager.from_queryset(ParkScopedQuerySet)):
    """Default manager of every park-scoped model."""

    def restrict(self, user, action: str = "view") -> ParkScopedQuerySet:
        return self.get_queryset().restrict(user, action)

    def unscoped(self) -> ParkScopedQuerySet:
        return self.get_queryset().unscoped()


class ParkScopedModel(models.Model):
    """Base of every table that belongs to one park.

    ``park`` leads every index of a subclass (declare indexes as
    ``models.Index(fields=["park", ...])``) so that large deployments can shard by
    park.
    """

    park = models.ForeignKey(
        "core.Park", on_delete=models.PROTECT, related_name="+", verbose_name=_("park")
    )

    # Django's own machinery (unique and constraint checks, forward and reverse
    # relations, deletion) uses the default manager, which is the first one
    # declared: a plain manager. Project code uses ``objects``, which is guarded.
    unguarded = models.Manager()
    objects = ParkScopedManager()

    class Meta:
        abstract = True
