"""Personal data (PIPL): phones encrypted at rest, masked everywhere, shown in
full only with the permission, each view audited; erasable on request."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from parkops.accounts.models import Membership
from parkops.core import crypto
from parkops.core.models import AuditEntry
from parkops.core.permissions import Role
from parkops.core.testing import make_park, make_token, make_user, sign_in
from parkops.enterprises import services
from parkops.enterprises.models import Contact
from parkops.enterprises.testing import make_contact

pytestmark = pytest.mark.django_db
PHONE = "13912345678"


@pytest.fixture
def park():
    return make_park()


@pytest.fixture
def contact(park):
    return make_contact(park, phone=PHONE)


def officer(park, *, personal=False):
    user = make_user(Role.SERVICE_OFFICER, park=park)
    Membership.objects.filter(user=user).update(can_view_personal_data=personal)
    return user


def test_database_column_holds_no_plaintext(contact):
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM enterprises_contact WHERE id = %s", [contact.pk])
        stored = cursor.fetchone()[0]
    assert PHONE not in stored and "5678" not in stored
    assert stored.startswith("v2:aes-256-gcm:")
    assert Contact.objects.unscoped().get(pk=contact.pk).phone == PHONE


def test_tampered_ciphertext_does_not_decrypt(contact):
    stored = crypto.encrypt(PHONE)
    tampered = stored[:-4] + ("AAAA" if stored[-4:] != "AAAA" else "BBBB")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(tampered)


def test_full_number_appears_in_no_list_page_or_api(client, park, contact):
    user = officer(park)
    sign_in(client, user)
    detail = client.get(contact.enterprise.get_absolute_url()).content.decode()
    assert PHONE not in detail and "139****5678" in detail
    api = client.get(
        reverse("api:enterprise_detail", args=[contact.enterprise_id]),
        HTTP_AUTHORIZATION=f"Bearer {make_token(user)}",
    )
    assert PHONE not in api.content.decode()


def test_reveal_without_permission_is_refused_and_nothing_is_logged_as_viewed(
    client, park, contact
):
    sign_in(client, officer(park))
    response = client.get(reverse("enterprises:contact_phone", args=[contact.pk]))
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="view_personal").exists()


def test_reveal_with_permission_shows_the_number_and_is_audited(client, park, contact):
    user = officer(park, personal=True)
    sign_in(client, user)
    page = client.get(contact.enterprise.get_absolute_url()).content.decode()
    assert reverse("enterprises:contact_phone", args=[contact.pk]) in page
    response = client.get(reverse("enterprises:contact_phone", args=[contact.pk]))
    assert PHONE in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    entry = AuditEntry.objects.get(action="view_personal")
    assert entry.actor == user and entry.object_id == str(contact.pk)


def test_permission_in_another_park_does_not_count(client, park):
    other_park = make_park()
    foreign = make_contact(other_park, phone=PHONE)
    user = officer(park, personal=True)
    sign_in(client, user)
    response = client.get(reverse("enterprises:contact_phone", args=[foreign.pk]))
    assert response.status_code == 404


def test_audit_trail_never_holds_the_full_number(park, contact):
    user = officer(park)
    services.contact_anonymise(contact=contact, actor=user)
    dump = str(list(AuditEntry.objects.values("before", "after")))
    assert PHONE not in dump
    assert "139****5678" in dump


def test_anonymise_erases_the_data_and_is_audited(client, park, contact):
    user = officer(park)
    sign_in(client, user)
    client.post(reverse("enterprises:contact_anonymise", args=[contact.pk]))
    contact.refresh_from_db()
    assert (contact.phone, contact.email, contact.title) == ("", "", "")
    assert AuditEntry.objects.filter(action="anonymise", actor=user).exists()


def test_reader_cannot_anonymise(client, park, contact):
    sign_in(client, make_user(Role.PARK_LEADER, park=park))
    response = client.post(reverse("enterprises:contact_anonymise", args=[contact.pk]))
    assert response.status_code == 403
    contact.refresh_from_db()
    assert contact.phone == PHONE


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("138 1234 5678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("0527-84301234", "0527-84301234"),
        ("０５２７－８４３０１２３４", "0527-84301234"),
    ],
)
def test_phone_numbers_are_normalised(park, typed, stored):
    user = officer(park)
    created = services.contact_create(
        enterprise=make_contact(park).enterprise, actor=user, name="王五", phone=typed
    )
    assert Contact.objects.unscoped().get(pk=created.pk).phone == stored


@pytest.mark.parametrize("typed", ["12345", "1381234567", "abc", "23812345678"])
def test_invalid_phone_is_refused_with_a_field_error(park, typed):
    with pytest.raises(ValidationError) as caught:
        services.contact_create(
            enterprise=make_contact(park).enterprise, actor=officer(park), name="赵六", phone=typed
        )
    assert "phone" in caught.value.message_dict


def test_switching_the_setting_keeps_old_rows_readable(settings):
    park = make_park()
    settings.PARKOPS_DATA_CIPHER = crypto.AES_GCM
    old = make_contact(park, phone=PHONE)
    settings.PARKOPS_DATA_CIPHER = crypto.SM4_GCM
    new = make_contact(park, phone="13800000000")
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, phone FROM enterprises_contact ORDER BY id")
        stored = dict(cursor.fetchall())
    assert crypto.cipher_of(stored[old.pk]) == crypto.AES_GCM
    assert crypto.cipher_of(stored[new.pk]) == crypto.SM4_GCM
    phones = dict(Contact.objects.unscoped().values_list("pk", "phone"))
    assert phones == {old.pk: PHONE, new.pk: "13800000000"}
