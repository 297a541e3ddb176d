"""A list's header (``BaseTable.header_html``) links each sortable column as
the ``{% querystring %}`` tag did: the filters kept, page and cursor dropped."""

import re

import pytest
from django.template import RequestContext, Template
from django.urls import reverse

from parkops.core.permissions import Role
from parkops.core.testing import make_park, make_user, sign_in
from parkops.enterprises.testing import make_enterprise

pytestmark = pytest.mark.django_db

AS_THE_TAG_DREW_IT = Template(
    "{% for column in table.columns %}"
    '<th {{ column.attrs.th.as_html }} scope="col">{% if column.orderable %}'
    '<a href="{% querystring sort=column.order_by_alias.next page=None after=None before=None %}">'
    "{{ column.header }}</a>{% else %}{{ column.header }}{% endif %}</th>"
    "{% endfor %}"
)


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"q": "宿迁", "page": "2", "card_figure": "a & <b>"},
        {"sort": "-uscc", "after": "x", "status": "settled"},
    ],
)
def test_the_header_links_sort_as_the_querystring_tag_did(client, query):
    park = make_park()
    make_enterprise(park)
    sign_in(client, make_user(Role.SERVICE_OFFICER, park=park))
    response = client.get(reverse("enterprises:enterprise_list"), query)
    table = response.context["table"]
    expected = AS_THE_TAG_DREW_IT.render(RequestContext(response.wsgi_request, {"table": table}))
    drawn = str(table.header_html())
    assert drawn.replace("\n", "") == expected
    assert drawn in response.content.decode()
    assert re.search(r'<a href="\?[^"]*sort=', drawn)
