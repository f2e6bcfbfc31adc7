"""Each role signs in through the real login form, sees exactly the navigation the policy
allows, is refused a page it may not open, and signs out."""

from __future__ import annotations

import re

import pytest
from browsing import PASSWORD
from django.urls import reverse

from sunflower.accounts.navigation import FEATURES
from sunflower.accounts.policy import ROLE_TABLE, Scope
from sunflower.accounts.roles import Role
from sunflower.accounts.testing import create_user_with_role

# The live server needs committed data: transactional tests (tests/conftest.py puts back the
# rows migrations insert, which the flush between tests removes).
pytestmark = [pytest.mark.foundation, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def allowed_keys(role: Role) -> set[str]:
    return {f.key for f in FEATURES if ROLE_TABLE[f.action][role] is not Scope.NONE}


def refused_page(role: Role):
    """A feature page of this app that the role may not open (the committee page at worst:
    only a duty grants it)."""
    refused = [
        f
        for f in FEATURES
        if not f.url.startswith("/") and ROLE_TABLE[f.action][role] is Scope.NONE
    ]
    assert refused, f"{role} may open every page; pick another refusal"
    return refused[0]


@pytest.mark.parametrize("role", list(Role), ids=[role.value for role in Role])
def test_role_signs_in_sees_its_navigation_is_refused_and_signs_out(
    live_server, page, artifacts_dir, role
):
    email = f"e2e.{role.value}@example.org"
    create_user_with_role(email, role, PASSWORD, first_name="Casey", last_name="Browser")
    expected = allowed_keys(role)

    # Sign in through the real form.
    page.goto(live_server.url + reverse("home"))
    assert page.url.startswith(live_server.url + reverse("login"))
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("[data-testid=sign-in]")
    page.wait_for_url(live_server.url + reverse("home"))
    assert page.get_by_role("heading", level=1).inner_text() == "Welcome, Casey"

    # The header navigation shows exactly what the policy allows.
    nav = page.locator("header [data-nav-key]")
    shown = nav.evaluate_all("links => links.map(link => link.dataset.navKey)")
    assert set(shown) == expected
    assert len(shown) == len(expected)
    for key in expected:
        assert page.locator(f'header [data-nav-key="{key}"]').is_visible()
    page.screenshot(path=str(artifacts_dir / f"{role.value}.png"), full_page=True)

    # A page the role may not open answers 403 with the Sunflower page.
    feature = refused_page(role)
    response = page.goto(live_server.url + reverse(feature.url))
    assert response is not None and response.status == 403
    assert page.locator("[data-testid=error-403]").is_visible()
    assert page.locator(f'[data-nav-key="{feature.key}"]').count() == 0

    # Sign out (a POST form in the header) and land on the login page, signed out.
    page.click("[data-testid=logout]")
    page.wait_for_url(re.compile(re.escape(live_server.url + reverse("login"))))
    page.goto(live_server.url + reverse("home"))
    assert page.url.startswith(live_server.url + reverse("login"))
