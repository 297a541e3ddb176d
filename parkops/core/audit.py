"""The audit trail: one function records every write, in the write's transaction.

Services call ``record`` inside their ``transaction.atomic()`` block, so an
action and its audit entry are committed together or not at all. The request
middleware puts the request id and client IP into a context variable, so
services need not pass the request around.

Entries form a chain: consecutive sequence numbers, each sealed (``audit_seal``)
over its content and the previous seal, with a sealed head holding both ends.
The database refuses to change or delete entries (``audit_guard``) except
through ``audit_purge``; anchors written outside the database
(``audit_anchor``) let ``audit_verify`` catch a rollback or a rewrite even by
someone holding the key.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import decimal
import hashlib
import json
import logging
import os
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, models, router, transaction
from django.utils import timezone

from parkops.core import audit_guard, audit_seal, scoping
from parkops.core.inserts import insert_many
from parkops.core.models import AuditChainHead, AuditEntry

logger = logging.getLogger("parkops.audit")


class AuditChainError(RuntimeError):
    """The chain cannot be extended or anchored as it stands: run verify_audit."""


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
    if text.isprintable():  # holds no control character (the common case, checked in C)
        return text
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def _clean(value):
    """``value`` with every string in it, at any depth, control-escaped."""
    if isinstance(value, str):
        return escape_controls(value)
    if isinstance(value, dict):
        return {
            escape_controls(str(k)): (
                v
                if v is None or type(v) in _PLAIN_SCALARS
                else escape_controls(v)
                if type(v) is str
                else _clean(v)
            )
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


_PLAIN_SCALARS = frozenset({int, bool, float})  # nothing in them to escape


def _json_value(value):
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


_AS_IS = frozenset({str, int, bool})  # stored in a snapshot as they are
_SNAPSHOT_FIELDS: dict = {}


def _snapshot_fields(opts) -> tuple:
    """(attname, masked) of each concrete field a snapshot records, per model
    (by its ``_meta``: an object may come wrapped, as ``request.user`` does)."""
    fields = _SNAPSHOT_FIELDS.get(opts)
    if fields is None:
        from parkops.core.fields import EncryptedCharField

        fields = _SNAPSHOT_FIELDS[opts] = tuple(
            (field.attname, isinstance(field, EncryptedCharField))
            for field in opts.concrete_fields
            # a timestamp every save moves is not a change
            if not getattr(field, "auto_now", False)
        )
    return fields


def snapshot(obj: models.Model) -> dict:
    """The object's concrete field values (foreign keys as ids, many-to-many as id
    lists), in a form JSON can store and two snapshots can be compared."""
    from parkops.core.text import mask_phone

    data = {}
    for attname, masked in _snapshot_fields(obj._meta):
        value = getattr(obj, attname)
        if masked and value:
            value = mask_phone(value)  # personal data never enters the trail in clear
        data[attname] = value if value is None or type(value) in _AS_IS else _json_value(value)
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            data[field.name] = sorted(
                scoping.unscoped(getattr(obj, field.attname).through)
                .filter(**{field.m2m_field_name(): obj.pk})
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
    entry = build_entry(
        actor=actor,
        action=action,
        obj=obj,
        park=park,
        before=before,
        after=after,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
    )
    if not _rolling_back.get():
        _append(entry)
    return entry


def build_entry(
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
    """The entry ``record`` would append, not yet linked to the chain nor saved
    (``append_many`` links and saves many at once)."""
    context = _context.get()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
        if park is None:
            park = getattr(obj, "park", None) if hasattr(obj, "park_id") else None
    actor_user = actor if getattr(actor, "is_authenticated", False) else None
    return new_entry(
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


def new_entry(*, actor, park, **values) -> AuditEntry:
    """``AuditEntry(actor=…, park=…, **values)`` given every other field but the
    chain's own (``seq``, ``prev_hash``, ``hash``, set when appended), made as
    ``Model.from_db`` makes instances, without ``__init__``'s walk over every
    field (a bulk write builds one per row): the same attributes, and the actor
    and park cached as their foreign keys cache them. Through ``__init__``
    whenever that could differ (an actor or park of another type, or someone
    listening to the model's init signals)."""
    from django.contrib.auth import get_user_model
    from django.db.models import signals
    from django.db.models.base import ModelState

    from parkops.core.models import Park

    if (
        (actor is not None and not isinstance(actor, get_user_model()))
        or (park is not None and not isinstance(park, Park))
        or signals.pre_init.has_listeners(AuditEntry)
        or signals.post_init.has_listeners(AuditEntry)
    ):
        return AuditEntry(actor=actor, park=park, **values)
    entry = AuditEntry.__new__(AuditEntry)
    entry._state = ModelState()
    entry.__dict__.update(
        id=None,
        seq=None,
        prev_hash="",
        hash="",
        actor_id=actor.pk if actor is not None else None,
        park_id=park.pk if park is not None else None,
        **values,
    )
    for value in (actor, park):  # what the foreign keys' descriptors do on assignment
        if value is None:
            continue
        if not router.routers:  # the default router, without its dispatch
            entry._state.db = entry._state.db or value._state.db or DEFAULT_DB_ALIAS
            value._state.db = value._state.db or entry._state.db
            if value._state.db != entry._state.db:
                return AuditEntry(actor=actor, park=park, **values)  # which refuses it
            continue
        if entry._state.db is None:
            entry._state.db = router.db_for_write(AuditEntry, instance=value)
        if value._state.db is None:
            value._state.db = router.db_for_write(type(value), instance=entry)
        if not router.allow_relation(value, entry):
            return AuditEntry(actor=actor, park=park, **values)  # which refuses it
    entry._state.fields_cache.update(actor=actor, park=park)
    return entry


def record_denied(request, actor=None) -> None:
    """ROLES.md: every denied attempt is audited. Records a refused request (a
    403 from ``permissions.deny()``, or a rule refusal such as separation of
    duties) by its method and path, for the acting user or token owner."""
    user = actor or getattr(request, "user", None)
    with transaction.atomic():
        record(
            actor=user if user is not None and user.is_authenticated else None,
            action=AuditEntry.Action.DENIED,
            object_type="path",
            object_repr=f"{request.method} {request.path}"[:200],
        )


def record_out_of_scope(model, pk, actor) -> None:
    """ROLES.md: every denied attempt is audited. Asking for a record that exists
    but lies outside the user's scope (another park's id) is such an attempt;
    the user still gets the same 404 as for an id that does not exist."""
    try:
        exists = scoping.unscoped(model).filter(pk=pk).exists()
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


def _canonical(content: dict) -> bytes:
    return json.dumps(
        content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    ).encode()


def entry_hash(entry: AuditEntry) -> str:
    """Version 1, for entries written before seals: the bare SHA-256 of the content.

    Anyone can recompute it, so on its own it shows accidents, not tampering.
    """
    return hashlib.sha256(_canonical(_content(entry))).hexdigest()


def entry_seal(entry: AuditEntry) -> str:
    """Version 2: the content and the previous link, sealed under the audit key."""
    return audit_seal.seal("entry", _canonical(_content(entry)))


def entry_intact(entry: AuditEntry) -> bool:
    """True if the entry still matches its hash, under the version it was written with."""
    if audit_seal.is_keyed(entry.hash):
        return audit_seal.check("entry", _canonical(_content(entry)), entry.hash)
    return entry_hash(entry) == entry.hash


def _head_payload(head) -> bytes:
    return _canonical(
        {
            "last_seq": head.last_seq,
            "last_hash": head.last_hash,
            "first_seq": head.first_seq,
            "first_prev_hash": head.first_prev_hash,
        }
    )


def seal_head(head) -> None:
    """Seal the head's two ends, so that moving either needs the audit key."""
    head.seal = audit_seal.seal("head", _head_payload(head))


def head_intact(head) -> bool:
    return audit_seal.check("head", _head_payload(head), head.seal)


def ensure_chain_head(head_model=AuditChainHead, entry_model=AuditEntry, using="default") -> None:
    """Give an empty trail (a new or flushed database) its sealed head.

    A trail with entries but no head is left alone: that is damage for
    ``verify_audit`` to report, not something to paper over.
    """
    if entry_model._base_manager.using(using).exists():
        return
    fresh = head_model(pk=1)
    seal_head(fresh)
    head_model._base_manager.using(using).get_or_create(pk=1, defaults={"seal": fresh.seal})


# The chain head while one long transaction holds it (see ``chain_held``).
_held_head: contextvars.ContextVar[AuditChainHead | None] = contextvars.ContextVar(
    "parkops_held_chain_head", default=None
)


def _lock_head() -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        # Never re-created here: every database gets its head from migration 0007,
        # so a missing one was deleted, and a fresh one would hide an emptied trail.
        raise AuditChainError("The audit chain head is missing: run verify_audit.")
    return head


def _save_head(head: AuditChainHead) -> None:
    seal_head(head)
    head.save(update_fields=["last_seq", "last_hash", "seal"])


def _append(entry: AuditEntry) -> None:
    """Link ``entry`` to the chain, seal it and save it. The head row's lock makes
    appends from concurrent transactions take turns, so the chain never forks."""
    held = _held_head.get()
    head = held or _lock_head()
    entry.seq = head.last_seq + 1
    entry.prev_hash = head.last_hash
    entry.hash = entry_seal(entry)
    entry.save()
    head.last_seq, head.last_hash = entry.seq, entry.hash
    if held is None:
        _save_head(head)
    every = settings.PARKOPS_AUDIT_ANCHOR_EVERY
    if every and entry.seq % every == 0:
        # After commit only: an anchor must never name an entry that was rolled back.
        seq, sealed = entry.seq, entry.hash
        transaction.on_commit(lambda: write_anchor(seq, sealed), robust=True)


def append_many(entries: list[AuditEntry]) -> None:
    """Link ``entries`` to the chain in order, seal them and save them in one step.

    For a bulk write (an import's rows): the head is locked once, the entries
    are inserted together and the head written back once, so the lock that
    every other audited write waits for is held only for this short step.
    Must run inside the transaction of the change, like ``record``.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.append_many() must run inside the transaction of the change")
    if not entries or _rolling_back.get():
        return
    held = _held_head.get()
    head = held or _lock_head()
    every = settings.PARKOPS_AUDIT_ANCHOR_EVERY
    for entry in entries:
        entry.seq = head.last_seq + 1
        entry.prev_hash = head.last_hash
        entry.hash = entry_seal(entry)
        head.last_seq, head.last_hash = entry.seq, entry.hash
        if every and entry.seq % every == 0:
            seq, sealed = entry.seq, entry.hash
            transaction.on_commit(lambda s=seq, h=sealed: write_anchor(s, h), robust=True)
    insert_many(AuditEntry, entries)
    if held is None:
        _save_head(head)


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
    _save_head(head)  # only when nothing was raised


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
    anchor: audit_seal.Anchor | None = None


def audit_verify(*, anchor_file: Path | str | None = None) -> VerifyResult:
    """Walk the chain in order; report the first sign of an edit, deletion or reset.

    Fails when an entry no longer matches its seal, when sequence numbers or
    links break, when the chain does not start where the head says (1, or the
    point a recorded purge left) or does not end at the head, when the head's
    own seal is broken or the head is missing, when an entry has no sequence
    number, when an unkeyed (version 1) entry follows keyed ones, and when the
    latest anchor (``anchor_file``, by default ``PARKOPS_AUDIT_ANCHOR_FILE``)
    names an entry the chain no longer holds with that hash, or lies beyond the
    head.
    """
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None:
        return VerifyResult(False, 0, "the chain head row is missing")
    if not head_intact(head):
        return VerifyResult(False, 0, "the chain head was altered (its seal does not match)")
    if anchor_file is not None and not Path(anchor_file).exists():
        return VerifyResult(False, 0, f"anchor file {anchor_file} not found")
    try:
        anchor = audit_seal.latest_anchor(Path(anchor_file or settings.PARKOPS_AUDIT_ANCHOR_FILE))
    except audit_seal.AnchorError as error:
        return VerifyResult(False, 0, f"anchor not genuine: {error}")

    def broken(problem: str) -> VerifyResult:
        return VerifyResult(False, checked, problem)

    previous = None
    checked = 0
    keyed_seen = False
    anchored_hash = None
    purged = set()  # (last deleted seq, its hash) for every purge the chain records
    # Up to the head as read above: entries appended since are another run's work.
    chain = AuditEntry.objects.filter(seq__lte=head.last_seq).order_by("seq")
    for entry in chain.iterator(chunk_size=2000):
        if previous is None:
            if (entry.seq, entry.prev_hash) != (head.first_seq, head.first_prev_hash):
                return broken(
                    f"the chain should start at seq {head.first_seq} but starts at seq "
                    f"{entry.seq} (entries missing at the start)"
                )
        elif entry.seq != previous.seq + 1:
            return broken(f"seq {previous.seq + 1} missing (row deleted)")
        elif entry.prev_hash != previous.hash:
            return broken(f"entry seq={entry.seq}: prev_hash does not match")
        keyed = audit_seal.is_keyed(entry.hash)
        if keyed_seen and not keyed:
            return broken(f"entry seq={entry.seq}: unkeyed hash after keyed entries (rewritten)")
        if not entry_intact(entry):
            return broken(f"entry seq={entry.seq}: hash mismatch (row edited)")
        keyed_seen = keyed_seen or keyed
        if entry.action == AuditEntry.Action.PURGE and entry.after:
            purged.add((entry.after.get("last_deleted_seq"), entry.after.get("last_deleted_hash")))
        if anchor is not None and entry.seq == anchor.seq:
            anchored_hash = entry.hash
        previous = entry
        checked += 1

    last_seq, last_hash = (
        (previous.seq, previous.hash) if previous else (head.first_seq - 1, head.first_prev_hash)
    )
    if head.last_seq > last_seq:
        return broken(
            f"the chain head is at seq {head.last_seq} but the chain ends at seq {last_seq} "
            "(entries deleted)"
        )
    if (head.last_seq, head.last_hash) != (last_seq, last_hash):
        return broken(f"the chain head does not match the last entry (seq {last_seq})")
    beyond = AuditEntry.objects.filter(seq__gt=head.last_seq).order_by("seq").first()
    if beyond is not None and AuditChainHead.objects.get(pk=1).last_seq < beyond.seq:
        return broken(
            f"entry seq={beyond.seq} lies beyond the chain head (inserted behind its back)"
        )
    # Every entry gets its seq as it is appended (migration 0003 numbered older
    # ones); a row without one lies outside the chain walked above.
    unnumbered = AuditEntry.objects.filter(seq__isnull=True).order_by("pk").first()
    if unnumbered is not None:
        return broken(
            f"entry id={unnumbered.pk} without a sequence number (inserted behind the chain's back)"
        )
    if head.first_seq > 1 and (head.first_seq - 1, head.first_prev_hash) not in purged:
        return broken(
            f"the chain starts at seq {head.first_seq} but no purge entry records "
            "deleting the entries before it"
        )
    if anchor is None and _anchor_was_due(head):
        return broken(
            f"no anchor found, though an anchor is written every "
            f"{settings.PARKOPS_AUDIT_ANCHOR_EVERY} entries and the chain reached seq "
            f"{head.last_seq} (the anchor file was deleted or emptied; if it was lost, "
            "record why and start a new one with anchor_audit)"
        )
    if anchor is not None:
        if anchor.seq > head.last_seq:
            return broken(
                f"the chain ends at seq {head.last_seq}, before the anchor at seq {anchor.seq} "
                f"of {anchor.time} (entries removed or the head reset)"
            )
        if anchor.seq == head.first_seq - 1:
            anchored_hash = head.first_prev_hash
        if anchor.seq >= head.first_seq - 1 and anchored_hash != anchor.hash:
            return broken(
                f"entry seq={anchor.seq} differs from the anchor of {anchor.time} (chain rewritten)"
            )
    return VerifyResult(True, checked, anchor=anchor)


def _anchor_was_due(head: AuditChainHead) -> bool:
    """Was an automatic anchor due for an entry the chain still holds?

    Anchors are written at every multiple of PARKOPS_AUDIT_ANCHOR_EVERY among
    sealed (``v2``) entries; entries sealed before anchors existed owed none.
    """
    every = settings.PARKOPS_AUDIT_ANCHOR_EVERY
    if not every or head.last_seq < every:
        return False
    first_sealed = (
        AuditEntry.objects.filter(seq__gte=head.first_seq, hash__startswith="v2:")
        .order_by("seq")
        .values_list("seq", flat=True)
        .first()
    )
    if first_sealed is None:
        return False
    first_due = -(-first_sealed // every) * every  # the first multiple at or after it
    return first_due <= head.last_seq


def write_anchor(seq: int, head_hash: str) -> audit_seal.Anchor:
    """Append a sealed anchor line for (seq, hash) to the anchor file, and log it."""
    anchor = audit_seal.new_anchor(seq, head_hash)
    line = anchor.line()
    path = Path(settings.PARKOPS_AUDIT_ANCHOR_FILE)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")
    logger.info("%s", line)
    return anchor


def audit_anchor() -> audit_seal.Anchor:
    """Anchor the current head outside the database, once the chain verifies.

    Refuses (``AuditChainError``) to anchor a chain that does not verify: an
    anchor vouches for what the chain held, so it must not vouch for damage.
    """
    result = audit_verify()
    if not result.ok:
        raise AuditChainError(f"Refused: the chain does not verify ({result.problem}).")
    head = AuditChainHead.objects.get(pk=1)
    return write_anchor(head.last_seq, head.last_hash)


def audit_purge(*, before: datetime.date) -> int:
    """Delete entries from before ``before`` (CST), never inside the retention period.

    On PostgreSQL the deletion is done by the SECURITY DEFINER function
    ``parkops_audit_purge``, which applies the retention rule again; on SQLite
    by lifting the DELETE trigger inside this transaction only. The head then
    starts at the first surviving entry, and the purge records itself with the
    last deleted seq and hash, so the chain that remains still verifies.
    """
    from parkops.core.permissions import SYSTEM

    today = timezone.localdate()
    retention = max(settings.PARKOPS_AUDIT_RETENTION_DAYS, audit_guard.RETENTION_FLOOR_DAYS)
    if before > today - datetime.timedelta(days=retention):
        raise ValueError(
            f"Refused: entries must be kept at least {retention} days; "
            f"the latest allowed date is {today - datetime.timedelta(days=retention)}."
        )
    cutoff = datetime.datetime.combine(
        before, datetime.time.min, tzinfo=timezone.get_current_timezone()
    )
    with transaction.atomic():
        _lock_head()
        if connection.vendor == "postgresql":
            count, last_seq, last_hash = audit_guard.pg_purge(
                connection, cutoff=cutoff, retention_days=retention
            )
        else:
            count, last_seq, last_hash = _purge_here(cutoff)
        if not count:
            return 0
        record(
            actor=SYSTEM,
            action=AuditEntry.Action.PURGE,
            object_type="core.auditentry",
            after={
                "before": before.isoformat(),
                "deleted": count,
                "last_deleted_seq": last_seq,
                "last_deleted_hash": last_hash,
            },
        )
    return count


def _purge_here(cutoff: datetime.datetime) -> tuple[int, int | None, str | None]:
    """SQLite's purge, the same rule as ``parkops_audit_purge`` on PostgreSQL."""
    # Only the entries before the first one still inside the retention period,
    # so the chain that stays is whole.
    first_kept = (
        AuditEntry.objects.filter(time__gte=cutoff)
        .order_by("seq")
        .values_list("seq", flat=True)
        .first()
    )
    doomed = AuditEntry.objects.all()
    if first_kept is not None:
        doomed = doomed.filter(seq__lt=first_kept)
    last = doomed.order_by("-seq").first()
    if last is None:
        return 0, None, None
    count = doomed.count()
    with audit_guard.sqlite_delete_allowed(connection):
        doomed._raw_delete(doomed.db)
    AuditChainHead.objects.filter(pk=1).update(first_seq=last.seq + 1, first_prev_hash=last.hash)
    return count, last.seq, last.hash
