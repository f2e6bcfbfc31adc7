"""What the browser tests share: the password of the accounts they create and signing in
through the real login page. (tests/e2e is on sys.path: the test directory has no package.)"""

from __future__ import annotations

from django.urls import reverse

PASSWORD = "Sunflower-e2e-password-2026"


def sign_in(page, live_server, email: str, password: str = PASSWORD) -> None:
    """Sign in as `email` on a clean slate (the previous user's session cookie dropped)."""
    page.context.clear_cookies()
    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.click("[data-testid=sign-in]")
    page.wait_for_url(live_server.url + reverse("home"))
