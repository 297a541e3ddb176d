"""``record_url`` gives what ``reverse`` gives, also after the URLconf changes."""

import pytest
from django.test import override_settings
from django.urls import reverse

from parkops.core.links import record_url


@pytest.mark.parametrize("pk", [1, 42, 10**12])
def test_a_record_url_is_the_reversed_url(pk):
    for name in ("core:park_detail", "core:industry_detail", "core:auditentry_detail"):
        assert record_url(name, pk) == reverse(name, args=[pk])


def test_a_record_url_follows_a_new_urlconf_and_script_prefix():
    from django.urls import set_script_prefix

    before = record_url("core:park_detail", 7)
    with override_settings(ROOT_URLCONF="parkops.bench.urls"):
        assert record_url("core:park_detail", 7) == reverse("core:park_detail", args=[7])
    set_script_prefix("/parkops/")
    try:
        assert record_url("core:park_detail", 7) == "/parkops" + before
    finally:
        set_script_prefix("/")


def test_an_id_that_is_not_a_number_is_reversed_as_reverse_does():
    with pytest.raises(Exception, match="Reverse"):
        record_url("core:park_detail", "abc")
