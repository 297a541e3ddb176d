"""Browser-test fixtures: a page on the live server with the demo loaded."""

import pytest
from django.core.management import call_command

from parkops.e2e.helpers import PHONE


def _load_demo():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture
def page(browser, live_server):
    """A desktop page that records Content-Security-Policy violations."""
    _load_demo()
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    page = context.new_page()
    page.csp_violations = []
    page.on(
        "console",
        lambda msg: "Content Security Policy" in msg.text and page.csp_violations.append(msg.text),
    )
    yield page
    context.close()


@pytest.fixture
def phone_context(browser, live_server):
    """A browser context the size of a phone (390x844), the demo loaded."""
    _load_demo()
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport=PHONE, is_mobile=True
    )
    yield context
    context.close()
