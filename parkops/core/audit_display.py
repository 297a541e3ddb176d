"""The audit log as people read it, masked for the reader: one selector for every path.

The audit detail page, the audit list, the API and the export all show an entry
through ``AuditReader.display``, so they agree on names and on what is hidden.

What is confidential is declared by each model, once: ``audit_public_fields``,
a tuple of field names whose values any reader of the audit log may see, plus
``"__str__"`` when the object's name may be shown. Everything else a snapshot
holds (enterprise names, credit codes, unit names…) is masked, unless the
reader could read that record anyway (``permissions.can(user, model, VIEW,
park)``): the audit administrator sees who did what to which object and which
fields changed, not the business data itself (三员分立, GB/T 22239-2019).

Keys of an entry that are not fields of its model (``reason``, ``rows``,
``filters``…) are written by hand by the security code and describe the event
itself, so they are shown.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from parkops.core import permissions, scoping
from parkops.core.models import IMPORT_COUNT, AuditEntry
from parkops.core.text import format_cst

NAME = "__str__"  # in ``audit_public_fields``: the object's name may be shown
MASK = "***"  # a hidden value in the API's raw before/after

# Models we cannot declare on (third-party apps), and entries that name no model.
EXTERNAL_PUBLIC_FIELDS: dict[str, tuple[str, ...]] = {
    "otp_totp.totpdevice": ("name", "confirmed"),
}
EXTRA_TYPE_NAMES = {
    "otp_totp.totpdevice": gettext_lazy("two-factor device"),
    "path": gettext_lazy("page"),
}
# Labels of the event details recorded by hand (see the module docstring).
EVENT_KEY_LABELS = {
    "reason": gettext_lazy("reason"),
    "rows": gettext_lazy("rows"),
    "filters": gettext_lazy("filters"),
    "session": gettext_lazy("session"),
    "api_tokens_revoked": gettext_lazy("API tokens revoked"),
    "register": gettext_lazy("register"),
    "file": gettext_lazy("file name"),
    "sha256": "SHA-256",
    "counts": gettext_lazy("counts"),
    "undone": gettext_lazy("undone"),
    "items": gettext_lazy("items"),
    "field": gettext_lazy("field"),
    "until": gettext_lazy("locked until"),
    "before": gettext_lazy("purged before"),
    "deleted": gettext_lazy("deleted"),
    "last_deleted_seq": gettext_lazy("last deleted sequence"),
    "last_deleted_hash": gettext_lazy("last deleted hash"),
}
# Event details holding what a user typed (an export's search, an uploaded
# file's name): they may name a business record, so they are shown only to a
# reader who may read the records themselves.
TYPED_EVENT_KEYS = frozenset({"filters", "file"})


@dataclass(frozen=True)
class FieldChange:
    """One field of an entry: its label and its values as text, or hidden."""

    key: str
    label: str
    before: str
    after: str
    hidden: bool


@dataclass(frozen=True)
class EntryDisplay:
    """An audit entry as ``reader`` may see it."""

    entry: AuditEntry
    object_type_name: str
    action_name: str
    actor_name: str
    object_name: str  # "" when none was recorded
    object_hidden: bool
    changes: list[FieldChange] = field(default_factory=list)
    before: dict | None = None  # raw values, hidden ones replaced by MASK
    after: dict | None = None

    @property
    def changed_field_names(self) -> str:
        return "、".join(change.label for change in self.changes)

    def changes_text(self) -> str:
        """One line per field, ``label: before → after``, for the export."""
        return "\n".join(
            f"{change.label}: {change.before} → {change.after}" for change in self.changes
        )


def model_of(object_type: str) -> type[models.Model] | None:
    """The model an entry's ``object_type`` (``app_label.model``) names, if it still exists."""
    if "." not in object_type:
        return None
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def object_type_name(object_type: str) -> str:
    """``enterprises.enterprise`` as 企业; an unknown type as it was recorded."""
    if object_type in EXTRA_TYPE_NAMES:
        return str(EXTRA_TYPE_NAMES[object_type])
    model = model_of(object_type)
    return str(model._meta.verbose_name) if model is not None else object_type


def object_type_choices() -> list[tuple[str, str]]:
    """(type, name) of every type the trail may name, by name: the filter's choices."""
    types = {
        model._meta.label_lower
        for model in apps.get_models()
        if model.__module__.startswith("parkops.")
    } | set(EXTRA_TYPE_NAMES)
    return sorted(((t, object_type_name(t)) for t in types), key=lambda choice: choice[1])


def public_fields(model) -> frozenset[str]:
    """Names of ``model``'s fields whose values any audit reader may see."""
    declared = getattr(model, "audit_public_fields", None)
    if declared is None:
        declared = EXTERNAL_PUBLIC_FIELDS.get(model._meta.label_lower, ())
    # Not business data: the key, the park (shown with every entry anyway), and
    # timestamps the database sets.
    metadata = {model._meta.pk.name, "park"} | {
        f.name
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    }
    return frozenset(declared) | metadata


def automatic_keys(model) -> frozenset[str]:
    """Keys of ``model``'s snapshots that no person changes: its primary key and the
    timestamps the database sets. They are not listed among an entry's changes."""
    keys = {model._meta.pk.name, model._meta.pk.attname}
    for model_field in model._meta.concrete_fields:
        if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
            keys |= {model_field.name, model_field.attname}
    return frozenset(keys)


def _fields_by_key(model) -> dict[str, models.Field]:
    # Snapshots store foreign keys by attname ("park_id") and many-to-many by name.
    found = {}
    for model_field in model._meta.concrete_fields:
        found[model_field.attname] = model_field
        found[model_field.name] = model_field
    for model_field in model._meta.many_to_many:
        found[model_field.name] = model_field
    return found


class AuditReader:
    """Shows entries to one user; caches what repeats across entries (for lists
    and exports): permissions per (model, park) and names of related objects."""

    def __init__(self, user):
        self.user = user
        self._may_read: dict[tuple, bool] = {}
        self._names: dict[tuple, str] = {}

    # --------------------------------------------------------------- who may see
    def may_read(self, model, park_id: int | None) -> bool:
        """May the reader read ``model``'s records of that park (or global ones)?"""
        key = (model, park_id)
        if key not in self._may_read:
            if park_id is None:
                allowed = permissions.has_global(self.user, model, permissions.VIEW)
            else:
                allowed = permissions.can(self.user, model, permissions.VIEW, park_id)
            self._may_read[key] = allowed
        return self._may_read[key]

    def _name_visible(self, model, park_id) -> bool:
        return NAME in public_fields(model) or self.may_read(model, park_id)

    # ------------------------------------------------------------------ entries
    def display(self, entry: AuditEntry, *, values: bool = True) -> EntryDisplay:
        """``entry`` with names for people and values the reader may not see hidden.

        ``values=False`` leaves the changes' value texts empty (a list shows only
        which fields changed), sparing the lookups of related objects' names.
        """
        model = model_of(entry.object_type)
        # A type with a dot named a model that has since been removed: what its
        # fields were is unknown, so only the event details are shown.
        vanished = model is None and "." in entry.object_type
        if model is not None:
            reveal = self.may_read(model, entry.park_id)
            name_visible = self._name_visible(model, entry.park_id)
        else:
            reveal = name_visible = not vanished or self.user is permissions.SYSTEM
        object_hidden = bool(entry.object_id and entry.object_repr and not name_visible)
        changes, before, after = self._changes(entry, model, reveal, values)
        return EntryDisplay(
            entry=entry,
            object_type_name=object_type_name(entry.object_type),
            action_name=entry.get_action_display(),
            actor_name=self.actor_name(entry),
            object_name=_("confidential") if object_hidden else entry.object_repr,
            object_hidden=object_hidden,
            changes=changes,
            before=before,
            after=after,
        )

    @staticmethod
    def actor_name(entry: AuditEntry) -> str:
        """The acting person by name; 系统 only for what the system did by itself."""
        actor = entry.actor
        if actor is not None:
            if actor.full_name and actor.full_name != actor.username:
                return f"{actor.full_name}（{actor.username}）"
            return actor.username
        if entry.actor_name == str(permissions.SYSTEM):
            return _("system")
        return entry.actor_name or _("not signed in")

    def object_url(self, entry: AuditEntry) -> str | None:
        """The object's page, if it still exists and the reader may open it."""
        model = model_of(entry.object_type)
        if model is None or not entry.object_id or not hasattr(model, "get_absolute_url"):
            return None
        try:
            if hasattr(model.objects, "restrict"):
                found = model.objects.restrict(self.user, permissions.VIEW)
            elif permissions.can(self.user, model, permissions.VIEW):
                found = scoping.unscoped(model)
            else:
                return None
            obj = found.filter(pk=entry.object_id).first()
        except (ValueError, TypeError):
            return None
        return obj.get_absolute_url() if obj is not None else None

    # ------------------------------------------------------------------- fields
    def _changes(self, entry, model, reveal, values):
        fields = _fields_by_key(model) if model is not None else {}
        public = public_fields(model) if model is not None else frozenset()

        def hidden(key: str) -> bool:
            if reveal:
                return False
            if key in TYPED_EVENT_KEYS:
                return True
            if model is None:
                return key not in EVENT_KEY_LABELS
            model_field = fields.get(key)
            return model_field is not None and model_field.name not in public

        def text(key, snapshot, model_field, is_hidden) -> str:
            if not values:
                return ""
            # Nothing recorded (before a creation, after a deletion): nothing to hide.
            if snapshot is None or key not in snapshot:
                return "—"
            if is_hidden:
                return _("confidential")
            value = snapshot[key]
            if key == "field" and model_field is None and isinstance(value, str):
                # An event naming one of the object's fields (a phone revealed):
                # named as its label reads, 电话, not phone.
                named = fields.get(value)
                if named is not None:
                    return str(named.verbose_name)
            # Registers, import counts and lock times read the same whether the
            # entry stores them as an event detail or as a field (ImportBatch.register).
            shown = _event_text(key, value)
            if shown is not None:
                return shown
            return self._text(value, model_field, entry)

        automatic = automatic_keys(model) if model is not None else frozenset()
        changes = []
        for key, _old, _new in entry.changed_fields:
            if key in automatic:
                continue
            model_field = fields.get(key)
            is_hidden = hidden(key)
            changes.append(
                FieldChange(
                    key=key,
                    label=self._label(key, model_field),
                    before=text(key, entry.before, model_field, is_hidden),
                    after=text(key, entry.after, model_field, is_hidden),
                    hidden=is_hidden,
                )
            )

        def masked(snapshot: dict | None) -> dict | None:
            if snapshot is None:
                return None
            return {key: MASK if hidden(key) else value for key, value in snapshot.items()}

        return changes, masked(entry.before), masked(entry.after)

    @staticmethod
    def _label(key: str, model_field) -> str:
        if model_field is not None:
            return str(model_field.verbose_name)
        return str(EVENT_KEY_LABELS.get(key, key))

    def _text(self, value, model_field, entry) -> str:
        """A stored value as the rest of the application shows it."""
        if value is None or value == "" or value == []:
            return "—"
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if model_field is not None:
            if model_field.choices:
                return str(dict(model_field.flatchoices).get(value, value))
            if model_field.is_relation:
                ids = value if isinstance(value, list) else [value]
                related = model_field.related_model
                return "、".join(self._related_name(related, pk, entry.park_id) for pk in ids)
            if isinstance(model_field, models.DateTimeField) and isinstance(value, str):
                moment = parse_datetime(value)
                if moment is not None:
                    return format_cst(moment)
        if isinstance(value, dict | list):
            return json.dumps(value, ensure_ascii=False)
        return str(value)

    def _related_name(self, model, pk, park_id) -> str:
        """A related object's name where the reader may see it, else its number."""
        key = (model, pk)
        if key not in self._names:
            name = None
            if self._name_visible(model, park_id):
                # A display lookup for a reader already cleared above.
                obj = scoping.unscoped(model).filter(pk=pk).first()
                name = str(obj) if obj is not None else None
            self._names[key] = name or f"#{pk}"
        return self._names[key]


def audit_entry_display(*, entry: AuditEntry, user) -> EntryDisplay:
    """One entry as ``user`` may see it (see ``AuditReader`` for many)."""
    return AuditReader(user).display(entry)


# The import counts as the batch page names them (新建 / 更新 / 未变 / 错误).
_COUNT_LABELS = {
    "create": ("created", IMPORT_COUNT),
    "update": ("updated", IMPORT_COUNT),
    "unchanged": ("unchanged", IMPORT_COUNT),
    "error": ("rows with errors", None),
}


def _event_text(key: str, value) -> str | None:
    """An event detail as the rest of the application shows it, or None to show
    it as stored: registers by their names, import counts by their labels, times
    in the one format (China time)."""
    if key == "register" and isinstance(value, str):
        from parkops.core.exchange.spec import get_spec

        try:
            return str(get_spec(value).title)
        except KeyError:
            return value  # a register removed since: its key is all that is left
    if key == "counts" and isinstance(value, dict):
        parts = []
        for count_key, number in value.items():
            label, context = _COUNT_LABELS.get(count_key, (count_key, None))
            shown = pgettext(context, label) if context else _(label)
            parts.append(f"{shown} {number}")
        return "，".join(parts)
    if key == "until" and isinstance(value, str):
        moment = parse_datetime(value)
        if moment is not None:
            return format_cst(moment)
    return None
