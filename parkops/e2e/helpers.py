"""What the browser tests share: signing in as a demo user."""

from parkops.demo.data import DEMO_PASSWORD

PHONE = {"width": 390, "height": 844}  # an iPhone 12–15


def log_in(page, username):
    """Sign in through the login page as the demo user ``username``."""
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
