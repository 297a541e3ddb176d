"""The API answers in the language the user saved (issue #11, item 5): a token
request has no session, so the user's language is activated from the token."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from parkops.core.permissions import Role
from parkops.core.testing import make_park, make_token, make_user

pytestmark = pytest.mark.django_db


def missing_enterprise(client, user, **headers):
    return client.get(
        reverse("api:enterprise_detail", args=[999_999]),
        HTTP_AUTHORIZATION=f"Bearer {make_token(user)}",
        **headers,
    )


@pytest.mark.parametrize(("language", "detail"), [("en", "Not found."), ("zh-hans", "未找到。")])
def test_a_token_request_is_answered_in_the_users_saved_language(client, language, detail):
    user = make_user(Role.PARK_LEADER, park=make_park(), language=language)
    response = missing_enterprise(client, user)
    assert response.status_code == 404
    assert response.json()["detail"] == detail
    assert response["Content-Language"] == language


def test_the_saved_language_wins_over_accept_language(client):
    user = make_user(Role.PARK_LEADER, park=make_park(), language="zh-hans")
    response = missing_enterprise(client, user, HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["detail"] == "未找到。"


def test_import_messages_through_the_api_are_in_the_users_language(client):
    user = make_user(Role.STATISTICS_OFFICER, park=make_park(), language="en")
    response = client.post(
        reverse("api:import_preview", args=["enterprises"]),
        {"file": SimpleUploadedFile("x.xlsx", b"")},
        HTTP_AUTHORIZATION=f"Bearer {make_token(user)}",
    )
    assert response.json()["file_errors"] == ["The file is empty."]
