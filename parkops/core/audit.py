"""The audit trail: one function records every write, in the write's transaction.

Services call ``record`` inside their ``transaction.atomic()`` block, so an
action and its audit entry are committed together or not at all. The request
middleware puts the request id and client IP into a context variable, so
services need not pass the request around.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import decimal
import hashlib
import json
import re
import uuid
from dataclasses import dataclass

from django.db import models, transaction
from django.utils import timezone

from parkops.core.models import AuditChainHead, AuditEntry


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    client_ip: str | None = None


_NO_REQUEST = RequestContext()  # frozen, so a safe shared default
_context: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "parkops_request_context", default=_NO_REQUEST
)


def set_request_context(*, client_ip: str | None) -> contextvars.Token:
    return _context.set(RequestContext(request_id=str(uuid.uuid4()), client_ip=client_ip))


def reset_request_context(token: contextvars.Token) -> None:
    _context.reset(token)


def current_request_id() -> str:
    return _context.get().request_id


def current_client_ip() -> str | None:
    return _context.get().client_ip


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def escape_controls(text: str) -> str:
    """Control characters as visible ``\\xNN``: no forged lines or terminal escapes."""
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def _clean(value):
    """``value`` with every string in it, at any depth, control-escaped."""
    if isinstance(value, str):
        return escape_controls(value)
    if isinstance(value, dict):
        return {escape_controls(str(k)): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def _json_value(value):
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def snapshot(obj: models.Model) -> dict:
    """The object's concrete field values (foreign keys as ids, many-to-many as id
    lists), in a form JSON can store and two snapshots can be compared."""
    from parkops.core.fields import EncryptedCharField
    from parkops.core.text import mask_phone

    data = {}
    for field in obj._meta.concrete_fields:
        if getattr(field, "auto_now", False):
            continue  # a timestamp every save moves is not a change
        value = field.value_from_object(obj)
        if isinstance(field, EncryptedCharField) and value:
            value = mask_phone(value)  # personal data never enters the trail in clear
        data[field.attname] = _json_value(value)
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            data[field.name] = sorted(
                getattr(obj, field.attname)
                .through._base_manager.filter(**{field.m2m_field_name(): obj.pk})
                .values_list(field.m2m_reverse_name(), flat=True)
            )
    return data


def record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    park=None,
    before: dict | None = None,
    after: dict | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> AuditEntry:
    """Append one audit entry. Must run inside the transaction of the change."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record() must run inside the transaction of the change")
    context = _context.get()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
        if park is None:
            park = getattr(obj, "park", None) if hasattr(obj, "park_id") else None
    actor_user = actor if getattr(actor, "is_authenticated", False) else None
    entry = AuditEntry(
        time=timezone.now(),
        actor=actor_user,
        actor_name=escape_controls(actor.get_username() if hasattr(actor, "get_username") else "")[
            :150
        ],
        action=action,
        object_type=object_type,
        object_id=escape_controls(object_id)[:64],
        object_repr=escape_controls(object_repr)[:200],
        park=park,
        before=_clean(before),
        after=_clean(after),
        request_id=context.request_id,
        client_ip=_canonical_ip(context.client_ip),
    )
    if not _rolling_back.get():
        _append(entry)
    return entry


def record_out_of_scope(model, pk, actor) -> None:
    """ROLES.md: every denied attempt is audited. Asking for a record that exists
    but lies outside the user's scope (another park's id) is such an attempt;
    the user still gets the same 404 as for an id that does not exist."""
    try:
        exists = model._default_manager.filter(pk=pk).exists()
    except (ValueError, TypeError):
        return
    if exists and getattr(actor, "is_authenticated", False):
        with transaction.atomic():
            record(
                actor=actor,
                action=AuditEntry.Action.DENIED,
                object_type=model._meta.label_lower,
                object_id=str(pk),
            )


def _canonical_ip(ip: str | None) -> str | None:
    # Stored as the database will return it, so the hash survives a round trip.
    if ip and ":" in ip:
        from django.utils.ipv6 import clean_ipv6_address

        return clean_ipv6_address(ip)
    return ip


def _content(entry: AuditEntry) -> dict:
    """What an entry's hash covers: everything it records, and the previous hash."""
    return {
        "seq": entry.seq,
        "time": entry.time.isoformat(),
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "park_id": entry.park_id,
        "before": entry.before,
        "after": entry.after,
        "request_id": entry.request_id,
        "client_ip": entry.client_ip,
        "prev_hash": entry.prev_hash,
    }


def entry_hash(entry: AuditEntry) -> str:
    canonical = json.dumps(
        _content(entry), sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


# The chain head while one long transaction holds it (see ``chain_held``).
_held_head: contextvars.ContextVar[AuditChainHead | None] = contextvars.ContextVar(
    "parkops_held_chain_head", default=None
)


def _lock_head() -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        AuditChainHead.objects.get_or_create(pk=1)
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    return head


def _append(entry: AuditEntry) -> None:
    """Link ``entry`` to the chain and save it. The head row's lock makes appends
    from concurrent transactions take turns, so the chain never forks."""
    held = _held_head.get()
    head = held or _lock_head()
    entry.seq = head.last_seq + 1
    entry.prev_hash = head.last_hash
    entry.hash = entry_hash(entry)
    entry.save()
    head.last_seq, head.last_hash = entry.seq, entry.hash
    if held is None:
        head.save(update_fields=["last_seq", "last_hash"])


@contextlib.contextmanager
def chain_held():
    """Hold the chain head for a transaction that records many entries (an import,
    an undo): lock it once, advance it in memory, write it back once at the end.

    PostgreSQL keeps every version of a row updated inside one transaction, and
    each later lookup of that row walks past them all, so updating the head for
    each of 50,000 entries would take quadratic time. Use inside
    ``transaction.atomic()``; steps that may fail and roll back go in
    ``rewinding_savepoint()`` so the held head forgets their entries.
    """
    if _held_head.get() is not None:  # an outer block holds it already
        yield
        return
    head = _lock_head()
    token = _held_head.set(head)
    try:
        yield
    finally:
        _held_head.reset(token)
    head.save(update_fields=["last_seq", "last_hash"])  # only when nothing was raised


# True inside ``rolled_back()``: nothing written there survives, so nothing is audited.
_rolling_back: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "parkops_audit_rolling_back", default=False
)


@contextlib.contextmanager
def rolled_back():
    """A transaction that always rolls back, for a dry run such as an import's
    preview: the services run exactly as for real, but their audit entries are
    not written (they would vanish with the rollback anyway), so a long preview
    neither holds the chain head's lock nor blocks other writers."""
    with transaction.atomic():
        token = _rolling_back.set(True)
        try:
            yield
        finally:
            _rolling_back.reset(token)
            transaction.set_rollback(True)


@contextlib.contextmanager
def rewinding_savepoint():
    """``transaction.atomic()`` as a savepoint that, when it rolls back, also
    rewinds a held chain head to where it was (its entries are gone)."""
    head = _held_head.get()
    mark = (head.last_seq, head.last_hash) if head is not None else None
    try:
        with transaction.atomic():
            yield
    except BaseException:
        if head is not None:
            head.last_seq, head.last_hash = mark
        raise


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    problem: str = ""


def audit_verify() -> VerifyResult:
    """Walk the chain in order; report the first entry edited, deleted or relinked.

    After a purge the chain starts at the first surviving entry, whose previous
    hash must equal the last purged hash recorded by the purge entry.
    """
    entries = AuditEntry.objects.order_by("seq").iterator(chunk_size=2000)
    purge_anchors = {
        entry.after.get("last_deleted_hash"): entry.after.get("last_deleted_seq")
        for entry in AuditEntry.objects.filter(action=AuditEntry.Action.PURGE)
        if entry.after
    }
    previous = None
    checked = 0
    for entry in entries:
        if previous is None:
            if entry.seq != 1 and purge_anchors.get(entry.prev_hash) != entry.seq - 1:
                return VerifyResult(False, checked, f"seq {entry.seq - 1} missing (row deleted)")
        elif entry.seq != previous.seq + 1:
            return VerifyResult(False, checked, f"seq {previous.seq + 1} missing (row deleted)")
        elif entry.prev_hash != previous.hash:
            return VerifyResult(False, checked, f"entry seq={entry.seq}: prev_hash does not match")
        if entry_hash(entry) != entry.hash:
            return VerifyResult(
                False, checked, f"entry seq={entry.seq}: hash mismatch (row edited)"
            )
        previous = entry
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and previous is not None and head.last_seq != previous.seq:
        return VerifyResult(False, checked, f"seq {previous.seq + 1} missing (row deleted)")
    return VerifyResult(True, checked)


def audit_purge(*, before: datetime.date) -> int:
    """Delete entries from before ``before`` (CST), never inside the retention period.

    The purge is itself recorded, with the last deleted hash, so that the chain
    that remains still verifies.
    """
    from django.conf import settings
    from django.db import connection

    from parkops.core.permissions import SYSTEM

    today = timezone.localdate()
    retention = settings.PARKOPS_AUDIT_RETENTION_DAYS
    if before > today - datetime.timedelta(days=retention):
        raise ValueError(
            f"Refused: entries must be kept at least {retention} days; "
            f"the latest allowed date is {today - datetime.timedelta(days=retention)}."
        )
    cutoff = datetime.datetime.combine(
        before, datetime.time.min, tzinfo=timezone.get_current_timezone()
    )
    with transaction.atomic():
        AuditChainHead.objects.select_for_update().filter(pk=1).first()
        doomed = AuditEntry.objects.filter(time__lt=cutoff)
        last = doomed.order_by("-seq").first()
        if last is None:
            return 0
        # Only entries that precede every kept entry, so the chain stays whole.
        doomed = AuditEntry.objects.filter(seq__lte=last.seq)
        count = doomed.count()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL parkops.audit_purge = 'on'")
        doomed._raw_delete(doomed.db)
        record(
            actor=SYSTEM,
            action=AuditEntry.Action.PURGE,
            object_type="core.auditentry",
            after={
                "before": before.isoformat(),
                "deleted": count,
                "last_deleted_seq": last.seq,
                "last_deleted_hash": last.hash,
            },
        )
    return count
