"""Client search (sunflower/hmis/search.py, docs/client-search.md): what it finds, for whom,
where the query travels, and how many queries a results page costs. Runs on SQLite and on
PostgreSQL (DATABASE_URL), where it exercises the pg_trgm/fuzzystrmatch path."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sunflower.accounts.roles import Role
from sunflower.hmis import search
from sunflower.hmis.search import parse_query, search_clients
from sunflower.hmis.testing import make_client, make_enrollment

pytestmark = [pytest.mark.casemgmt, pytest.mark.django_db]


@pytest.fixture
def agency_user(world):
    return world.user_with(Role.AGENCY_CES, organization=world.own_agency)


@pytest.fixture
def admin_user(world):
    return world.user_with(Role.HMIS_ADMIN, organization=world.lead_agency)


def own(world, **fields):
    """A client enrolled in the agency user's own project (so the agency user may see it)."""
    client = make_client(**fields)
    make_enrollment(client, world.own_project)
    return client


def names(matches):
    return [(m.first_name, m.last_name) for m in matches]


# --- what it finds -------------------------------------------------------------------------


def test_misspelled_last_name_is_found(world, agency_user):
    own(world, first_name="Alice", last_name="Johnson")
    own(world, first_name="Bob", last_name="Ramirez")

    matches = search_clients(agency_user, "Jonson")

    assert names(matches) == [("Alice", "Johnson")]
    assert search.REASON_NAME_SIMILAR in matches[0].reasons


def test_full_name_in_either_order(world, agency_user):
    own(world, first_name="Alice", last_name="Johnson")
    own(world, first_name="Johnny", last_name="Alison")

    straight = search_clients(agency_user, "Alice Jonson")
    swapped = search_clients(agency_user, "Johnson Alice")

    assert names(straight)[0] == ("Alice", "Johnson")
    assert names(swapped)[0] == ("Alice", "Johnson")
    assert search.REASON_SWAPPED in swapped[0].reasons
    assert search.REASON_SWAPPED not in straight[0].reasons


@pytest.mark.parametrize(("typed", "stored"), [("Smyth", "Smith"), ("Meier", "Mayer")])
def test_sound_alike_name_is_found(world, agency_user, typed, stored):
    own(world, first_name="Carol", last_name=stored)

    matches = search_clients(agency_user, typed)

    assert names(matches) == [("Carol", stored)]
    assert search.REASON_SOUNDS_LIKE in matches[0].reasons


def test_exact_name_ranks_above_similar_names(world, agency_user):
    own(world, first_name="Dan", last_name="Johnsen")
    own(world, first_name="Eve", last_name="Johnson")

    assert names(search_clients(agency_user, "johnson"))[0] == ("Eve", "Johnson")


@pytest.mark.parametrize("typed", ["1985-03-14", "03/14/1985", "3/14/1985", "19850314", "03141985"])
def test_date_of_birth(world, agency_user, typed):
    own(world, first_name="Frank", last_name="Born", dob=dt.date(1985, 3, 14))
    own(world, first_name="Gina", last_name="Later", dob=dt.date(1990, 1, 1))

    matches = search_clients(agency_user, typed)

    assert names(matches) == [("Frank", "Born")]
    assert matches[0].reasons == [search.REASON_DOB]


def test_ssn_last_four(world, agency_user):
    own(world, first_name="Hal", last_name="Numbers", ssn="900124321", ssn_data_quality=1)
    own(world, first_name="Ida", last_name="Other", ssn="900121234", ssn_data_quality=1)

    matches = search_clients(agency_user, "4321")

    assert names(matches) == [("Hal", "Numbers")]
    assert matches[0].ssn_last4 == "4321"
    assert search.REASON_SSN4 in matches[0].reasons


def test_name_and_date_of_birth_combined(world, agency_user):
    own(world, first_name="Jo", last_name="Garcia", dob=dt.date(1985, 3, 14))
    own(world, first_name="Jo", last_name="Garcia", dob=dt.date(1970, 5, 5))

    matches = search_clients(agency_user, "Garsia 03/14/1985")

    assert [m.dob for m in matches] == [dt.date(1985, 3, 14)]


def test_hmis_id(world, agency_user):
    client = own(world, first_name="Kim", last_name="Byid")
    imported = own(world, first_name="Lee", last_name="Imported", personal_id="ABC-123")

    for typed, expected in [
        (client.personal_id, client),
        (client.personal_id.upper(), client),
        ("ABC-123", imported),
    ]:
        matches = search_clients(agency_user, typed)
        assert [m.pk for m in matches] == [expected.pk]
        assert search.REASON_HMIS_ID in matches[0].reasons


def test_nothing_to_search_finds_nothing(world, agency_user):
    own(world, first_name="Mo", last_name="Empty")

    assert search_clients(agency_user, "") == []
    assert search_clients(agency_user, "   ,  ") == []
    assert search_clients(agency_user, "Zzyzxqq") == []


def test_deleted_clients_are_not_found(world, agency_user):
    gone = own(world, first_name="Ned", last_name="Deleted")
    gone.soft_delete()

    assert search_clients(agency_user, "Deleted") == []


# --- for whom ------------------------------------------------------------------------------


def test_agency_user_finds_only_clients_of_its_agency(world, agency_user, admin_user):
    # ("Otherclient" is similar enough to "Ownclient" to list the agency's own client.)
    assert world.other_client.pk not in {m.pk for m in search_clients(agency_user, "Otherclient")}
    assert [m.pk for m in search_clients(agency_user, "Ownclient")] == [world.own_client.pk]
    assert search_clients(admin_user, "Otherclient")[0].pk == world.other_client.pk
    # Also by HMIS ID, DOB and SSN: the scope applies to every kind of query.
    assert search_clients(agency_user, world.other_client.personal_id) == []
    by_dob = {m.pk for m in search_clients(admin_user, "1980-01-01")}
    assert {world.own_client.pk, world.other_client.pk, world.ces_client.pk} <= by_dob
    assert {m.pk for m in search_clients(agency_user, "1980-01-01")} == {world.own_client.pk}


def test_access_point_finds_ces_clients_only(world):
    user = world.user_with(Role.ACCESS_POINT, organization=world.own_agency)

    found = {m.pk for m in search_clients(user, "1980-01-01")}

    assert found == {world.ces_client.pk}


@pytest.mark.parametrize("url_name", ["clients", "client_search_results"])
def test_victim_service_provider_is_refused(client, world, url_name):
    client.force_login(world.user_with(Role.VICTIM_SERVICE_PROVIDER, organization=world.own_agency))

    assert client.get(reverse("clients")).status_code == 403
    assert client.post(reverse(url_name), {"q": "Ownclient"}).status_code == 403


def test_anonymous_user_is_sent_to_sign_in(client, world):
    response = client.post(reverse("client_search_results"), {"q": "Ownclient"})

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


# --- the pages -----------------------------------------------------------------------------


def test_page_posts_the_query_in_the_body_never_the_url(client, world, agency_user):
    client.force_login(agency_user)

    page = client.get(reverse("clients")).content.decode()

    assert 'method="post"' in page
    assert f'hx-post="{reverse("client_search_results")}"' in page
    assert 'hx-trigger="input changed delay:250ms, search"' in page
    assert "csrfmiddlewaretoken" in page
    # A query string is ignored: nothing is searched from the URL.
    response = client.get(reverse("clients") + "?q=Ownclient")
    assert reverse("client_detail", args=[world.own_client.pk]) not in response.content.decode()
    # The results partial answers POST only.
    assert client.get(reverse("client_search_results") + "?q=Ownclient").status_code == 405


def test_htmx_results_link_to_the_audited_record(client, world, agency_user):
    own(world, first_name="Olga", last_name="Linked", ssn="900125555", ssn_data_quality=1)
    client.force_login(agency_user)

    response = client.post(reverse("client_search_results"), {"q": "Linkd"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 200
    assert [t.name for t in response.templates] == ["hmis/_client_results.html"]
    linked = search_clients(agency_user, "Linkd")[0]
    assert reverse("client_detail", args=[linked.pk]) in html
    assert "5555" in html and "900125555" not in html  # last four only, never the full SSN
    assert "<html" not in html


def test_plain_form_post_renders_the_page_with_results(client, world, agency_user):
    client.force_login(agency_user)

    response = client.post(reverse("clients"), {"q": "Ownclent"})

    assert response.status_code == 200
    assert reverse("client_detail", args=[world.own_client.pk]) in response.content.decode()
    assert "hmis/client_search.html" in [t.name for t in response.templates]


def test_the_query_is_not_logged(client, world, agency_user, caplog):
    client.force_login(agency_user)
    caplog.set_level(logging.DEBUG)

    client.post(reverse("client_search_results"), {"q": "Secretname 4321"})

    assert "Secretname" not in caplog.text


def test_results_page_query_count_does_not_grow_with_results(client, world, agency_user):
    for number in range(20):
        own(world, first_name=f"Pat{number}", last_name="Vandermeer")
    for number in range(2):
        own(world, first_name=f"Quin{number}", last_name="Quibble")
    client.force_login(agency_user)
    url = reverse("client_search_results")

    counts = {}
    for query, expected in [("Quibble", 2), ("Vandermeer", 20)]:
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, {"q": query})
        assert response.content.decode().count('data-testid="client-result"') == expected
        counts[query] = len(queries)

    assert counts["Quibble"] == counts["Vandermeer"]


def test_search_function_query_count_is_fixed(world, agency_user, django_assert_num_queries):
    for number in range(20):
        own(world, first_name=f"Ray{number}", last_name="Counted")
    search_clients(agency_user, "warm the membership cache")
    expected = 2 if connection.vendor != "postgresql" else 1  # SQLite: candidates + rows

    with django_assert_num_queries(expected):
        assert len(search_clients(agency_user, "Counted")) == 20
    with django_assert_num_queries(expected):
        assert len(search_clients(agency_user, "Countd")) == 20


# --- the parts -----------------------------------------------------------------------------


def test_parse_query():
    parsed = parse_query("  Garcia, Maria 03/14/1985 4321 ")
    assert parsed.names == ["garcia", "maria"]
    assert parsed.dob == dt.date(1985, 3, 14)
    assert parsed.ssn4 == "4321"
    assert parse_query("02/30/1985").dob is None
    assert parse_query("a" * 32).hud_id == "a" * 32
    assert parse_query("O'Brien-Smith").names == ["o'brien-smith"]


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Robert", "R163"),
        ("Rupert", "R163"),
        ("Ashcraft", "A226"),
        ("Tymczak", "T522"),
        ("Pfister", "P236"),
        ("Smith", "S530"),
        ("Smyth", "S530"),
        ("Lee", "L000"),
        ("", ""),
    ],
)
def test_soundex_agrees_with_postgresql(name, code):
    assert search.soundex(name) == code
    if connection.vendor == "postgresql" and name:
        with connection.cursor() as cursor:
            cursor.execute("SELECT soundex(%s)", [name])
            assert cursor.fetchone()[0] == code


@pytest.mark.parametrize(("a", "b"), [("jonson", "johnson"), ("smyth", "smith"), ("lam", "lamb")])
def test_similarity_agrees_with_postgresql(a, b):
    value = search.similarity(a, b)
    assert 0 < value < 1
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT similarity(%s, %s)", [a, b])
            assert cursor.fetchone()[0] == pytest.approx(value, abs=1e-6)
