"""Keyed, versioned seals for the audit chain, and its anchors outside the database.

A seal is ``v2:<algorithm>:<hex HMAC>`` under the audit key, which lives outside
the database like the data key (``PARKOPS_AUDIT_KEY``, urlsafe base64 of 32
bytes, or ``var/audit_key``, mode 0600): whoever can write to the database but
cannot read that key cannot re-seal an entry they edited, so re-hashing the
chain no longer hides an edit. The algorithm is named in each seal, so SHA-256
and 国密 SM3 (GB/T 32905-2016) seals verify side by side, and new seals switch
algorithm (``PARKOPS_AUDIT_MAC``) without touching old ones. Entries written
before seals existed hold a bare SHA-256 hex digest: version 1.

The same seals, each under a purpose of its own, guard what the server keeps
outside the database for itself: an import preview's validated rows
(``exchange.services.validated_keep``).

An anchor is one line, ``parkops-audit-anchor seq=… hash=… time=… mac=…``: the
chain head at a moment, sealed. Copied off the machine (log shipping, a file
the administrator collects), it proves what the chain held then, even against
someone who later holds the database and the key.
"""

from __future__ import annotations

import datetime
import hmac
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.hmac import HMAC
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from parkops.core.crypto import load_or_create_key

VERSION = "v2"
ALGORITHMS = {"hmac-sha256": hashes.SHA256, "hmac-sm3": hashes.SM3}
ANCHOR_TAG = "parkops-audit-anchor"


@cache
def _key() -> bytes:
    key_configured = (
        os.environ.get("PARKOPS_AUDIT_KEY") or (settings.VAR_DIR / "audit_key").exists()
    )
    if not key_configured and _trail_already_sealed():
        # A new key would make every existing seal fail and seal new entries
        # under a key the old ones do not share: refuse, loudly.
        raise ImproperlyConfigured(
            "The audit key is missing (PARKOPS_AUDIT_KEY or var/audit_key) but the audit "
            "trail was sealed with one: restore it."
        )
    return load_or_create_key("PARKOPS_AUDIT_KEY", "audit_key")


def _trail_already_sealed() -> bool:
    from django.db import DatabaseError, transaction

    from parkops.core.models import AuditChainHead

    try:
        # In a savepoint: a failed query leaves the caller's transaction usable.
        with transaction.atomic():
            return AuditChainHead.objects.exclude(seal="").exists()
    except DatabaseError:  # not migrated yet: nothing sealed
        return False


def _mac(algorithm: str, purpose: str, payload: bytes) -> str:
    # The purpose is MAC'd too, so an entry's seal can never pass as a head's or
    # an anchor's seal over the same bytes.
    mac = HMAC(_key(), ALGORITHMS[algorithm]())
    mac.update(purpose.encode() + b"\x00" + payload)
    return mac.finalize().hex()


def seal(purpose: str, payload: bytes) -> str:
    """``payload`` sealed for ``purpose`` with the configured algorithm."""
    algorithm = settings.PARKOPS_AUDIT_MAC
    if algorithm not in ALGORITHMS:
        raise ImproperlyConfigured(
            f"PARKOPS_AUDIT_MAC must be one of {', '.join(ALGORITHMS)}, not {algorithm!r}."
        )
    return f"{VERSION}:{algorithm}:{_mac(algorithm, purpose, payload)}"


def is_keyed(value: str) -> bool:
    """True for a version 2 seal; False for a bare version 1 digest (or nothing)."""
    return value.startswith(VERSION + ":")


def check(purpose: str, payload: bytes, sealed: str) -> bool:
    """True only if ``sealed`` is a seal of ``payload`` for ``purpose`` under our key."""
    version, _, rest = sealed.partition(":")
    algorithm, _, digest = rest.partition(":")
    if version != VERSION or algorithm not in ALGORITHMS:
        return False
    return hmac.compare_digest(_mac(algorithm, purpose, payload), digest)


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str
    time: str

    def payload(self) -> bytes:
        return f"{self.seq}|{self.hash}|{self.time}".encode()

    def line(self) -> str:
        mac = seal("anchor", self.payload())
        return f"{ANCHOR_TAG} seq={self.seq} hash={self.hash or '-'} time={self.time} mac={mac}"


def new_anchor(seq: int, head_hash: str) -> Anchor:
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    return Anchor(seq, head_hash, now.isoformat())


class AnchorError(ValueError):
    """An anchor line that is malformed or whose MAC does not match."""


def parse_anchor(line: str) -> Anchor:
    """The anchor a line records; ``AnchorError`` unless its MAC is genuine."""
    tag, *pairs = line.split()
    fields = dict(pair.partition("=")[::2] for pair in pairs)
    if tag != ANCHOR_TAG or set(fields) != {"seq", "hash", "time", "mac"}:
        raise AnchorError("not an anchor line")
    try:
        anchor = Anchor(
            int(fields["seq"]), "" if fields["hash"] == "-" else fields["hash"], fields["time"]
        )
    except ValueError as error:
        raise AnchorError("not an anchor line") from error
    if not check("anchor", anchor.payload(), fields["mac"]):
        raise AnchorError("its MAC does not match (altered, or another key)")
    return anchor


def latest_anchor(path: Path) -> Anchor | None:
    """The anchor with the highest sequence in ``path`` (None if there is none).

    Lines other than anchors are skipped, so a shipped log file can be given as
    it is; an anchor line that does not verify raises ``AnchorError``.
    """
    if not path.exists():
        return None
    latest = None
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            start = line.find(ANCHOR_TAG)
            if start < 0:
                continue
            try:
                anchor = parse_anchor(line[start:])
            except AnchorError as error:
                raise AnchorError(f"{path} line {number}: {error}") from error
            if latest is None or anchor.seq > latest.seq:
                latest = anchor
    return latest
