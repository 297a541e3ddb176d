"""Encryption of personal data at rest (PIPL; 等保2.0 data confidentiality; GB/T 39786 密评).

The key lives outside the database: ``PARKOPS_DATA_KEY`` (urlsafe base64 of 32
bytes) or the file ``var/data_key`` (mode 0600), created on first use, so a
stolen database dump holds no phone number in clear.

The cipher is chosen by ``PARKOPS_DATA_CIPHER`` for new values and named in
each stored value, so values written under either cipher keep decrypting after
the setting changes:

- ``v2:aes-256-gcm:<b64>`` — AES-256-GCM under the key itself;
- ``v2:sm4-gcm:<b64>`` — 国密 SM4 (GB/T 32907-2016) in GCM mode under a 128-bit
  key derived from the data key with HKDF-SM3 (SM4 keys are 128 bits);
- ``v1:<b64>`` — values written before the cipher was named: AES-256-GCM.

``<b64>`` is urlsafe base64 of nonce ‖ ciphertext ‖ tag.
"""

from __future__ import annotations

import base64
import os
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

PREFIX = "v1:"  # the first format, AES-256-GCM with no cipher named
VERSION = "v2"
AES_GCM, SM4_GCM = "aes-256-gcm", "sm4-gcm"
CIPHERS = (AES_GCM, SM4_GCM)
NONCE_BYTES = 12
TAG_BYTES = 16


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


@cache
def _sm4_key() -> bytes:
    # One data key for both ciphers; SM4's 128-bit key is derived with the 国密 hash.
    return HKDF(hashes.SM3(), length=16, salt=None, info=b"parkops data sm4-gcm").derive(_key())


def _seal(cipher: str, nonce: bytes, plaintext: bytes) -> bytes:
    if cipher == AES_GCM:
        return AESGCM(_key()).encrypt(nonce, plaintext, None)
    encryptor = Cipher(algorithms.SM4(_sm4_key()), modes.GCM(nonce)).encryptor()
    return encryptor.update(plaintext) + encryptor.finalize() + encryptor.tag


def _open(cipher: str, nonce: bytes, sealed: bytes) -> bytes:
    if cipher == AES_GCM:
        return AESGCM(_key()).decrypt(nonce, sealed, None)
    if len(sealed) < TAG_BYTES:
        raise InvalidTag
    body, tag = sealed[:-TAG_BYTES], sealed[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(_sm4_key()), modes.GCM(nonce, tag)).decryptor()
    return decryptor.update(body) + decryptor.finalize()


def is_encrypted(stored: str) -> bool:
    """Whether ``stored`` is in one of this module's formats (not plain text)."""
    return stored.startswith((PREFIX, f"{VERSION}:"))


def cipher_of(stored: str) -> str:
    """The cipher a stored value was written with."""
    if stored.startswith(PREFIX):
        return AES_GCM
    version, _sep, rest = stored.partition(":")
    cipher = rest.partition(":")[0]
    if version != VERSION or cipher not in CIPHERS:
        raise DecryptionError("not an encrypted value")
    return cipher


def encrypt(plaintext: str, *, cipher: str | None = None) -> str:
    """``plaintext`` sealed under ``cipher`` (default: ``PARKOPS_DATA_CIPHER``)."""
    cipher = cipher or settings.PARKOPS_DATA_CIPHER
    if cipher not in CIPHERS:
        raise ValueError(f"unknown cipher {cipher!r}; one of {', '.join(CIPHERS)}")
    nonce = os.urandom(NONCE_BYTES)
    sealed = _seal(cipher, nonce, plaintext.encode())
    return f"{VERSION}:{cipher}:" + base64.urlsafe_b64encode(nonce + sealed).decode()


def decrypt(stored: str) -> str:
    cipher = cipher_of(stored)
    encoded = stored[len(PREFIX) :] if stored.startswith(PREFIX) else stored.split(":", 2)[2]
    try:
        raw = base64.urlsafe_b64decode(encoded)
        return _open(cipher, raw[:NONCE_BYTES], raw[NONCE_BYTES:]).decode()
    except (InvalidTag, ValueError) as error:
        raise DecryptionError("the encrypted value was altered or the key is wrong") from error
