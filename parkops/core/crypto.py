"""Encryption of personal data at rest: AES-256-GCM (PIPL; 等保2.0 data confidentiality).

The key lives outside the database: ``PARKOPS_DATA_KEY`` (urlsafe base64 of 32
bytes) or the file ``var/data_key`` (mode 0600), created on first use. Values
are stored as ``v1:`` + urlsafe base64 of nonce ‖ ciphertext ‖ tag, so a stolen
database dump holds no phone number in clear.
"""

from __future__ import annotations

import base64
import os
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

PREFIX = "v1:"
NONCE_BYTES = 12


class DecryptionError(ValueError):
    """The stored value was altered, or was encrypted with another key."""


def load_or_create_key(env_var: str, file_name: str) -> bytes:
    """A 32-byte key from ``env_var`` (urlsafe base64) or ``var/<file_name>``.

    The file is created on first use with mode 0600, so that the key never sits
    in the database (a stolen dump or a database administrator does not get it).
    """
    configured = os.environ.get(env_var)
    if configured:
        key = base64.urlsafe_b64decode(configured)
    else:
        path = settings.VAR_DIR / file_name
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(base64.urlsafe_b64encode(AESGCM.generate_key(bit_length=256)).decode())
        key = base64.urlsafe_b64decode(path.read_text().strip())
    if len(key) != 32:
        raise ValueError(f"{env_var} must be 32 bytes (urlsafe base64).")
    return key


@cache
def _key() -> bytes:
    return load_or_create_key("PARKOPS_DATA_KEY", "data_key")


def encrypt(plaintext: str) -> str:
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(_key()).encrypt(nonce, plaintext.encode(), None)
    return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()


def decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        raise DecryptionError("not an encrypted value")
    raw = base64.urlsafe_b64decode(stored[len(PREFIX) :])
    try:
        return AESGCM(_key()).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], None).decode()
    except InvalidTag as error:
        raise DecryptionError("the encrypted value was altered or the key is wrong") from error
