"""Sign-in, password reset, lock-out, the home page and the feature pages, role by role.

Expectations come from the policy's ROLE_TABLE and the navigation's FEATURES table, never
typed by hand: a change of the table changes these tests with it.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from sunflower.accounts.navigation import FEATURES, navigation_for
from sunflower.accounts.policy import ROLE_TABLE, Scope
from sunflower.accounts.roles import Role
from sunflower.accounts.testing import create_user_with_role
from sunflower.accounts.urls import FEATURE_PATHS

pytestmark = [pytest.mark.foundation, pytest.mark.django_db]

PASSWORD = "Sunflower-test-password-2026"
# The feature pages this app serves (the audit log and the admin are tested by their own URLs).
COMING_SOON_URL_NAMES = {name for _path, name in FEATURE_PATHS}
FEATURE_PAGES = [feature for feature in FEATURES if not feature.url.startswith("/")]
PUBLIC_PAGES = ["login", "password_reset", "password_reset_done", "password_reset_complete"]


def role_allows(role: Role, action) -> bool:
    return ROLE_TABLE[action][role] is not Scope.NONE


@pytest.fixture
def make_user():
    def make(role: Role, email: str | None = None, **fields):
        fields.setdefault("first_name", "Dana")
        fields.setdefault("last_name", "Tester")
        return create_user_with_role(email or f"{role.value}@example.org", role, PASSWORD, **fields)

    return make


def assert_redirects_to_login(response, target: str) -> None:
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")
    assert target in response["Location"]


# --- anonymous visitors ----------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["home"] + [feature.url for feature in FEATURE_PAGES])
def test_anonymous_visitor_is_sent_to_login(client, url_name):
    url = reverse(url_name)

    response = client.get(url)

    assert_redirects_to_login(response, url)


@pytest.mark.parametrize("url_name", PUBLIC_PAGES)
def test_sign_in_and_password_reset_pages_are_public(client, url_name):
    response = client.get(reverse(url_name))

    assert response.status_code == 200


def test_password_reset_confirm_with_a_bad_link_is_public_and_says_so(client):
    url = reverse("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "bad-token"})

    response = client.get(url)

    assert response.status_code == 200
    assert not response.context["validlink"]


def test_login_page_has_email_field_named_username_and_reset_link(client):
    response = client.get(reverse("login"))

    html = response.content.decode()
    assert 'name="username"' in html
    assert 'type="email"' in html
    assert reverse("password_reset") in html


# --- each role, each feature page ------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "feature"),
    [(role, feature) for role in Role for feature in FEATURE_PAGES],
    ids=[f"{role.value}-{feature.key}" for role in Role for feature in FEATURE_PAGES],
)
def test_feature_page_follows_the_role_table(client, make_user, role, feature):
    from sunflower.ces.testing import sign_agreement

    user = make_user(role)
    sign_agreement(user)  # CES pages first ask for the CE Participation Agreement (ces tests)
    client.force_login(user)

    response = client.get(reverse(feature.url))

    if role_allows(role, feature.action):
        assert response.status_code == 200
        # Features a later issue builds show the coming-soon page; built ones their own page.
        if feature.url in COMING_SOON_URL_NAMES:
            assert response.templates[0].name == "core/coming_soon.html"
        else:
            assert response.templates[0].name != "core/coming_soon.html"
        assert str(feature.label) in response.content.decode()
    else:
        assert response.status_code == 403
        assert "403.html" in [template.name for template in response.templates]


@pytest.mark.parametrize("role", list(Role), ids=[role.value for role in Role])
def test_navigation_and_home_cards_show_exactly_what_the_policy_allows(client, make_user, role):
    user = make_user(role)
    expected = {feature.key for feature in FEATURES if role_allows(role, feature.action)}
    client.force_login(user)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert {item.key for item in navigation_for(user)} == expected
    assert {item.key for item in response.context["nav_items"]} == expected
    assert {card.key for card in response.context["cards"]} == expected
    html = response.content.decode()
    for feature in FEATURES:
        assert (f'data-nav-key="{feature.key}"' in html) == (feature.key in expected)


def test_navigation_is_computed_once_and_follows_a_role_granted_meanwhile(
    make_user, django_assert_num_queries
):
    from sunflower.accounts.actions import grant_role
    from sunflower.hmis.testing import make_organization

    user = make_user(Role.AGENCY_CES)
    first = {item.key for item in navigation_for(user)}
    with django_assert_num_queries(0):
        assert {item.key for item in navigation_for(user)} == first

    grant_role(user, make_organization(), Role.HMIS_ADMIN)

    admin_keys = {f.key for f in FEATURES if role_allows(Role.HMIS_ADMIN, f.action)}
    assert {item.key for item in navigation_for(user)} == admin_keys
    assert "django_admin" not in first


@pytest.mark.parametrize("role", list(Role), ids=[role.value for role in Role])
def test_home_page_greets_and_lists_agency_and_role(client, make_user, role):
    user = make_user(role, first_name="Avery")
    membership = user.memberships.get()
    client.force_login(user)

    response = client.get(reverse("home"))

    html = response.content.decode()
    assert "Welcome, Avery" in html
    assert str(membership.organization) in html
    assert str(role.label) in html
    assert f'data-role="{role.value}"' in html  # the role's can / cannot summary


def test_vsp_home_says_plainly_it_cannot_enter_hmis_data(client, make_user):
    client.force_login(make_user(Role.VICTIM_SERVICE_PROVIDER))

    response = client.get(reverse("home"))

    html = response.content.decode()
    assert "you cannot enter or edit HMIS data" in html
    assert "enter or edit any data in HMIS" in html


def test_user_without_membership_is_told_access_is_not_set_up(client, make_user):
    user = make_user(Role.AGENCY_CES)
    user.memberships.update(is_active=False)
    client.force_login(user)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert not response.context["nav_items"]
    assert "Your access is not set up yet" in response.content.decode()


def test_home_page_query_count_is_bounded(client, make_user, django_assert_max_num_queries):
    client.force_login(make_user(Role.HMIS_ADMIN))

    # session, user, memberships with their agencies, the two duty look-ups, and the session
    # save (an UPDATE inside a savepoint): 8 in all, whatever the role.
    with django_assert_max_num_queries(8):
        response = client.get(reverse("home"))

    assert response.status_code == 200


# --- signing in and out ----------------------------------------------------------------------


def test_login_with_the_right_password_lands_on_home(client, make_user):
    user = make_user(Role.ACCESS_POINT, email="ap.worker@example.org")

    response = client.post(
        reverse("login"), {"username": "AP.Worker@example.org", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session[SESSION_KEY] == str(user.pk)


def test_wrong_password_shows_an_error(client, make_user):
    make_user(Role.ACCESS_POINT)

    response = client.post(
        reverse("login"), {"username": "access_point@example.org", "password": "wrong password"}
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert SESSION_KEY not in client.session


def test_five_failed_logins_lock_the_account_even_for_the_right_password(
    client, make_user, settings
):
    make_user(Role.AGENCY_CES)
    credentials = {"username": "agency_ces@example.org", "password": "not the password"}

    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("login"), credentials)
    locked = client.post(reverse("login"), {**credentials, "password": PASSWORD})

    assert settings.AXES_FAILURE_LIMIT == 5
    assert response.status_code == 429
    assert locked.status_code == 429
    assert "registration/locked_out.html" in [t.name for t in locked.templates]
    assert "HMIS team" in locked.content.decode()
    assert SESSION_KEY not in client.session


def test_logout_is_post_only(client, make_user):
    client.force_login(make_user(Role.AGENCY_ADMIN))

    refused = client.get(reverse("logout"))
    assert refused.status_code == 405
    assert SESSION_KEY in client.session

    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert SESSION_KEY not in client.session


def test_base_layout_has_banner_skip_link_logout_and_language_switch(client, make_user):
    client.force_login(make_user(Role.AGENCY_CES, first_name="Robin", last_name="Lee"))

    html = client.get(reverse("home")).content.decode()

    assert "Authorized users only." in html
    assert 'href="#main-content"' in html
    assert 'id="main-content"' in html
    assert "Robin Lee" in html
    assert f'action="{reverse("logout")}"' in html
    assert f'action="{reverse("set_language")}"' in html
    assert 'value="es"' in html


def test_spanish_is_offered_through_set_language(client, make_user):
    client.force_login(make_user(Role.AGENCY_CES))

    response = client.post(reverse("set_language"), {"language": "es", "next": "/"})

    assert response.status_code == 302
    assert client.get(reverse("home")).context["LANGUAGE_CODE"] == "es"


# --- password reset --------------------------------------------------------------------------


def test_password_reset_sends_a_link_that_sets_a_new_password(client, make_user, mailoutbox):
    make_user(Role.AGENCY_CES, email="reset.me@example.org")
    new_password = "A-brand-new-passphrase-77"

    response = client.post(reverse("password_reset"), {"email": "Reset.Me@example.org"})

    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["reset.me@example.org"]
    assert "Sunflower HMIS" in message.subject
    link = re.search(r"https?://[^/\s]+(/accounts/password-reset/\S+/)", message.body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert form_page.context["validlink"]
    set_password_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_password_url, {"new_password1": new_password, "new_password2": new_password}
    )
    assert done.status_code == 302
    assert done["Location"] == reverse("password_reset_complete")
    signed_in = client.post(
        reverse("login"), {"username": "reset.me@example.org", "password": new_password}
    )
    assert signed_in.status_code == 302
    assert SESSION_KEY in client.session


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})

    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert mailoutbox == []


# --- the Django admin --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", [role for role in Role if role is not Role.HMIS_ADMIN], ids=lambda role: role.value
)
def test_admin_is_refused_to_everyone_but_hmis_admins(client, make_user, role):
    client.force_login(make_user(role))

    response = client.get(reverse("admin:index"))
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert client.get(response["Location"]).status_code == 403


def test_admin_is_refused_to_a_superuser_without_the_hmis_admin_role(client, make_user):
    user = make_user(Role.AGENCY_ADMIN)
    type(user).objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
    client.force_login(user)

    response = client.get(reverse("admin:index"), follow=True)

    assert response.status_code == 403


def test_anonymous_admin_visit_goes_to_the_sunflower_login(client):
    response = client.get(reverse("admin:index"))
    assert_redirects_to_login(response, reverse("admin:index"))

    response = client.get(reverse("admin:login"))
    assert_redirects_to_login(response, reverse("admin:index"))


def test_hmis_admin_reaches_the_admin_and_the_user_list(client, make_user):
    client.force_login(make_user(Role.HMIS_ADMIN))

    assert client.get(reverse("admin:index")).status_code == 200
    changelist = client.get(reverse("admin:accounts_user_changelist"), {"q": "hmis_admin@"})
    assert changelist.status_code == 200
    assert "hmis_admin@example.org" in changelist.content.decode()
    assert client.get(reverse("admin:accounts_user_add")).status_code == 200
