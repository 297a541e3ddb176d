"""Personal data at rest: the cipher is chosen by a setting and named in each value,
so AES-256-GCM and 国密 SM4 values decrypt side by side (GB/T 39786 密评)."""

import base64

import pytest

from parkops.core import crypto

PHONE = "13912345678"


@pytest.mark.parametrize("cipher", crypto.CIPHERS)
def test_each_cipher_round_trips_and_names_itself(cipher):
    stored = crypto.encrypt(PHONE, cipher=cipher)
    assert stored.startswith(f"v2:{cipher}:")
    assert PHONE not in stored
    assert crypto.decrypt(stored) == PHONE


def test_sm4_and_aes_values_differ_and_cannot_be_swapped():
    aes = crypto.encrypt(PHONE, cipher=crypto.AES_GCM)
    sm4 = crypto.encrypt(PHONE, cipher=crypto.SM4_GCM)
    # The body of an SM4 value labelled as AES fails its tag check instead of
    # decrypting to something else.
    relabelled = "v2:aes-256-gcm:" + sm4.split(":", 2)[2]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(relabelled)
    assert crypto.decrypt(aes) == crypto.decrypt(sm4) == PHONE


def test_values_from_before_the_cipher_was_named_still_decrypt():
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = b"\x01" * crypto.NONCE_BYTES
    sealed = AESGCM(crypto._key()).encrypt(nonce, PHONE.encode(), None)
    legacy = "v1:" + base64.urlsafe_b64encode(nonce + sealed).decode()
    assert crypto.cipher_of(legacy) == crypto.AES_GCM
    assert crypto.decrypt(legacy) == PHONE


@pytest.mark.parametrize(
    "stored", ["13912345678", "v2:rot13:abcd", "v3:sm4-gcm:abcd", "v2:sm4-gcm:"]
)
def test_anything_else_is_refused_not_guessed(stored):
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(stored)


def test_an_unknown_cipher_is_refused_when_encrypting():
    with pytest.raises(ValueError, match="unknown cipher"):
        crypto.encrypt(PHONE, cipher="des")
