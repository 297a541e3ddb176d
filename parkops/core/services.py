"""The write path every app's services share: permission, validation, scope
re-check and audit entry, all in one transaction.

App services (``enterprise_create``, ``unit_update`` ...) add their domain rules
and call ``object_create`` / ``object_update``; nothing else saves a park-scoped
object.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from parkops.core import audit, permissions, scoping
from parkops.core.models import AuditEntry


def _ensure_still_in_scope(obj: models.Model, actor, action: str) -> None:
    # Re-checked after the save, inside the transaction: a write that would move
    # a record out of the actor's scope (e.g. into another park) rolls back.
    model = type(obj)
    # A new park changes the set of all parks, an alliance's its member parks:
    # compute the scope afresh.
    for cached in ("_parkops_park_ids", "_parkops_alliance_parks"):
        if hasattr(actor, cached):
            delattr(actor, cached)
    in_scope = model.objects.restrict(actor, action).filter(pk=obj.pk).exists()
    if not in_scope:
        permissions.deny()


def _set_many(obj: models.Model, many: dict | None) -> None:
    # Park-scoped many-to-many tables carry the park of their owner.
    defaults = {"park": obj.park} if hasattr(obj, "park_id") else {}
    for name, values in (many or {}).items():
        related = getattr(obj, name)
        through_has_park = any(f.name == "park" for f in related.through._meta.fields)
        if hasattr(related.model.objects, "unscoped"):
            # A park-scoped target (an institution's industries): the related
            # manager's own reads would run unscoped, so write the table directly.
            _set_through(obj, name, values, defaults if through_has_park else {})
            continue
        related.set(values, through_defaults=defaults if through_has_park else None)


def _set_through(obj: models.Model, name: str, values, defaults: dict) -> None:
    field = obj._meta.get_field(name)
    through = field.remote_field.through
    source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
    rows = scoping.unscoped(through).filter(**{source: obj.pk})
    wanted = {getattr(value, "pk", value) for value in values}
    have = set(rows.values_list(target, flat=True))
    rows.filter(**{f"{target}__in": have - wanted}).delete()
    scoping.unscoped(through).bulk_create(
        through(**{f"{source}_id": obj.pk, f"{target}_id": pk, **defaults})
        for pk in sorted(wanted - have)
    )


def _check_owned_fields(actor, obj: models.Model, before: models.Model | None) -> None:
    """Refuse a change to a field another role owns (permissions.FIELD_OWNERS).
    On create, "change" means a value other than the field's default."""
    model = type(obj)
    errors = {}
    for name in permissions.FIELD_OWNERS.get(permissions.label(model), {}):
        field = model._meta.get_field(name)
        value = field.value_from_object(obj)
        was = field.value_from_object(before) if before is not None else field.get_default()
        if value != was and not permissions.may_set_field(actor, model, name, obj.park_id):
            errors[name] = _("Your role may not change this; it belongs to another office.")
    if errors:
        raise ValidationError(errors)


def object_create(
    *,
    model,
    actor,
    park=None,
    fields: dict,
    many: dict | None = None,
    check: Callable | None = None,
) -> models.Model:
    """Create ``model`` in ``park`` from ``fields``: validated, scoped, audited.

    ``check(obj, None)``, if given, enforces the app's rules that need other
    objects (a commissioner's role, a member's park): it runs after the
    permission check and before ``full_clean()``, and raises ``ValidationError``.
    """
    permissions.require(actor, model, permissions.ADD, park)
    with transaction.atomic():
        obj = model(**fields) if park is None else model(park=park, **fields)
        _check_owned_fields(actor, obj, None)
        if check is not None:
            check(obj, None)
        obj.full_clean()
        obj.save()
        _set_many(obj, many)
        _ensure_still_in_scope(obj, actor, permissions.ADD)
        audit.record(
            actor=actor, action=AuditEntry.Action.CREATE, obj=obj, after=audit.snapshot(obj)
        )
    return obj


def object_update(
    *,
    obj: models.Model,
    actor,
    fields: dict,
    many: dict | None = None,
    action: str = AuditEntry.Action.UPDATE,
    check: Callable | None = None,
) -> models.Model:
    """Apply ``fields`` to ``obj``: validated, scoped, audited; a no-op is not audited.

    ``check(obj, before)`` as for ``object_create``; ``before`` is the object as
    stored, so a rule can hold only for values that change.
    """
    model = type(obj)
    with transaction.atomic():
        current = (
            model.objects.restrict(actor, permissions.CHANGE)
            .select_for_update()
            .filter(pk=obj.pk)
            .first()
        )
        if current is None:
            permissions.deny()
        before = audit.snapshot(current)
        unchanged = copy.copy(current)
        for name, value in fields.items():
            setattr(current, name, value)
        _check_owned_fields(actor, current, unchanged)
        if check is not None:
            check(current, unchanged)
        current.full_clean()
        current.save()
        _set_many(current, many)
        _ensure_still_in_scope(current, actor, permissions.CHANGE)
        after = audit.snapshot(current)
        if after != before:
            audit.record(
                actor=actor,
                action=action,
                obj=current,
                before=before,
                after=after,
            )
    return current


def object_delete(*, obj: models.Model, actor, check: Callable | None = None) -> None:
    """Delete ``obj``: permission, scope, audit entry, all in one transaction.

    The row is re-read with ``restrict(actor, DELETE)`` and locked: a user who
    may not delete it (no role, another park, or it is gone) is refused.
    ``check(obj)``, if given, enforces the app's rules (raises ``ValidationError``).
    The audit entry keeps the record as it was (``before``). A record that other
    records still refer to is not deleted; the error says so.
    """
    model = type(obj)
    with transaction.atomic():
        current = (
            model.objects.restrict(actor, permissions.DELETE)
            .select_for_update()
            .filter(pk=obj.pk)
            .first()
        )
        if current is None:
            permissions.deny()
        if check is not None:
            check(current)
        audit.record(
            actor=actor,
            action=AuditEntry.Action.DELETE,
            obj=current,
            before=audit.snapshot(current),
        )
        try:
            with transaction.atomic():
                scoping.unscoped(model).filter(pk=current.pk).delete()
        except models.ProtectedError as error:
            raise ValidationError(
                _("This record cannot be deleted: other records refer to it.")
            ) from error


INDUSTRY_FIELDS = ("code", "name", "parent")


def industry_create(*, park, actor, **fields):
    """Add a node to ``park``'s industry tree; its level follows from its parent."""
    from parkops.core.models import Industry

    data = {name: value for name, value in fields.items() if name in INDUSTRY_FIELDS}
    return object_create(model=Industry, park=park, actor=actor, fields=data)


def industry_update(*, industry, actor, **fields):
    """Change an industry; moving it re-levels everything below it (each audited)."""
    from parkops.core.models import Industry

    data = {name: value for name, value in fields.items() if name in INDUSTRY_FIELDS}
    with transaction.atomic():
        level_before = (
            Industry.objects.unscoped().filter(pk=industry.pk).values_list("level", flat=True)[0]
        )
        updated = object_update(obj=industry, actor=actor, fields=data)
        if updated.level != level_before:
            below = list(Industry.objects.unscoped().filter(parent=updated))
            while below:
                moved = [object_update(obj=child, actor=actor, fields={}) for child in below]
                below = list(Industry.objects.unscoped().filter(parent__in=moved))
    return updated


PARK_FIELDS = ("name", "short_name", "code", "region", "shares_figures_with_alliance")
# What a park administrator may change on their own park (ROLES.md: sharing settings).
PARK_ADMIN_FIELDS = ("shares_figures_with_alliance",)


def park_fields_for(actor) -> tuple[str, ...]:
    """The park fields ``actor`` may set: all for the system administrator."""
    from parkops.core.models import Park

    if permissions.has_global(actor, Park, permissions.CHANGE):
        return PARK_FIELDS
    return PARK_ADMIN_FIELDS


def with_sort_key(data: dict) -> dict:
    """``data`` with ``name_pinyin`` set from its ``name`` (排序按拼音), if it sets one."""
    from parkops.core.text import pinyin_sort_key

    if "name" in data:
        data = {**data, "name_pinyin": pinyin_sort_key(data["name"] or "")}
    return data


def park_create(*, actor, **fields):
    from parkops.core.models import Park

    if not permissions.has_global(actor, Park, permissions.ADD):
        permissions.deny()
    data = {name: value for name, value in fields.items() if name in PARK_FIELDS}
    return object_create(model=Park, actor=actor, fields=with_sort_key(data))


def park_update(*, park, actor, **fields):
    """Change a park's settings; each actor only the fields their role owns."""
    allowed = park_fields_for(actor)
    data = {name: value for name, value in fields.items() if name in allowed}
    return object_update(obj=park, actor=actor, fields=with_sort_key(data))


def alliance_create(*, actor, name: str, lead_park, members):
    """Found an alliance of ``members`` led by ``lead_park``."""
    from parkops.core.models import Alliance

    return object_create(
        model=Alliance,
        actor=actor,
        fields=with_sort_key({"name": name, "lead_park": lead_park}),
        many={"members": members},
    )
