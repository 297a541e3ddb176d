"""A refusal with a reason (``permissions.deny(message)``) says why on the 403 page,
not "ask for a role"; other 403s keep the generic text and leak no detail."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse

from parkops.core.views import error_403

pytestmark = pytest.mark.django_db

ASK_FOR_ROLE = "请向安全管理员申请相应角色"


def test_the_403_page_shows_the_reason_and_a_way_back(client, lead, other_officer):
    from parkops.core.testing import sign_in

    sign_in(client, other_officer)
    referer = "http://testserver" + lead.get_absolute_url()
    response = client.get(
        reverse("projects:project_edit", args=[lead.pk]),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
        HTTP_REFERER=referer,
    )
    html = response.content.decode()
    assert response.status_code == 403
    assert "您不是这两个单位的成员" in html
    assert ASK_FOR_ROLE not in html
    assert f'href="{lead.get_absolute_url()}"' in html or f'href="{referer}"' in html


def test_other_refusals_keep_the_generic_text_and_hide_their_detail(client, other_officer):
    request = RequestFactory().get("/x/", HTTP_REFERER="https://evil.example/")
    request.user = other_officer
    request.session = client.session
    html = error_403(request, PermissionDenied("internal: table foo")).content.decode()
    assert "internal" not in html
    assert "evil.example" not in html
    assert "安全管理员" in html or "security administrator" in html
