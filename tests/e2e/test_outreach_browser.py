"""Street outreach at a phone's size: record a contact with the phone's position, see it on
the map in its county; a user without the outreach role is refused the map; an entry made
while offline is kept on the phone and lands once when the connection returns.

Screenshots: test-artifacts/e2e/outreach/NN-step.png."""

from __future__ import annotations

import itertools

import pytest
from browsing import PASSWORD, sign_in  # tests/e2e is on sys.path (no package)
from django.urls import reverse

from sunflower.accounts.roles import Role
from sunflower.accounts.testing import create_user_with_role

pytestmark = [pytest.mark.outreach, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TOPEKA = {"latitude": 39.0473, "longitude": -95.6752, "accuracy": 15}
GARDEN_CITY = {"latitude": 37.9717, "longitude": -100.8727, "accuracy": 20}
_shot_numbers = itertools.count(1)


@pytest.fixture
def phone(browser):
    """A phone: 390x844, touch, the position of a street in Topeka, location allowed."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="en-US",
        service_workers="block",
        geolocation=TOPEKA,
        permissions=["geolocation"],
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def outreach_world(transactional_db):
    from sunflower.geo.loading import load_kansas_geography
    from sunflower.hmis.testing import make_organization, make_project

    load_kansas_geography()
    agency = make_organization(organization_name="Prairie Outreach")
    make_project(agency, project_type=4, project_name="Prairie Street Outreach")
    create_user_with_role("worker@prairie.example", Role.AGENCY_CES_OUTREACH, PASSWORD, agency)
    create_user_with_role("intake@prairie.example", Role.AGENCY_CES, PASSWORD, agency)
    return agency


def queue_key(name: str) -> str:
    """The phone's store of unsent entries of one worker (static/outreach/contact.js)."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(email=f"{name}@prairie.example")
    return f"sunflower.outreach.pending.v2.{user.pk}"


def open_contact_form(page, live_server):
    page.goto(live_server.url + reverse("outreach:contact_new"))
    page.wait_for_selector("#contact-map .leaflet-overlay-pane path")  # the county outlines


def use_my_location(page):
    page.click("[data-testid=use-location]")
    page.wait_for_selector("[data-testid=location-status]:has-text('Location set')")


def submit_offline(page):
    """Send the form with the connection gone: the phone keeps the entry."""
    page.context.set_offline(True)
    page.click("[data-testid=submit-contact]")
    page.wait_for_selector("[data-testid=offline-status]:has-text('saved on this phone')")


def test_a_contact_recorded_on_a_phone_is_on_the_map_in_its_county(
    phone, live_server, screenshot_taker, outreach_world
):
    from sunflower.outreach.models import OutreachContact

    shots = screenshot_taker("outreach", _shot_numbers)
    sign_in(phone, live_server, "worker@prairie.example")
    open_contact_form(phone, live_server)
    use_my_location(phone)
    phone.fill("#id_person_description", "Man in a green coat, with a dog")
    phone.click("label[for=id_services_given_0]")  # food or water
    shots(phone, "contact-form")
    phone.click("[data-testid=submit-contact]")
    phone.wait_for_selector("[data-testid=contact-sent]:has-text('Shawnee County')")

    contact = OutreachContact.objects.get()
    assert contact.county.name == "Shawnee"
    assert contact.location_source == "gps" and contact.accuracy_m == 15

    phone.goto(live_server.url + reverse("outreach:map"))
    phone.wait_for_selector("#outreach-map[data-loaded=true]")
    assert phone.locator("#outreach-map path.sf-contact-point").count() == 1
    row = phone.locator("[data-testid=county-counts] tbody tr")
    assert row.count() == 1
    assert row.first.inner_text().split() == ["Shawnee", "1"]
    phone.locator("#outreach-map path.sf-contact-point").first.dispatch_event("click")
    phone.wait_for_selector(".leaflet-popup-content:has-text('Shawnee County')")
    phone.wait_for_timeout(500)  # the popup fades in
    shots(phone, "map")


def test_a_user_without_the_outreach_role_cannot_open_the_map(
    phone, live_server, screenshot_taker, outreach_world
):
    import uuid

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from sunflower.hmis.models import Project
    from sunflower.outreach import actions

    shots = screenshot_taker("outreach", _shot_numbers)
    worker = get_user_model().objects.get(email="worker@prairie.example")
    actions.record_contact(
        worker,
        {
            "client_uuid": uuid.uuid4(),
            "project": Project.objects.get(project_name="Prairie Street Outreach"),
            "enrollment": None,
            "person_description": "Woman with a red bicycle",
            "contacted_at": timezone.now(),
            "current_living_situation": 116,
            "latitude": TOPEKA["latitude"],
            "longitude": TOPEKA["longitude"],
        },
    )
    sign_in(phone, live_server, "intake@prairie.example")
    assert phone.locator("[data-nav-key=outreach_map]").count() == 0
    response = phone.goto(live_server.url + reverse("outreach:map"))
    assert response.status == 403
    response = phone.goto(live_server.url + reverse("outreach:map_data"))
    assert response.status == 403

    # The policy lets this role see contacts per county, suppressed, and nothing more.
    phone.goto(live_server.url + reverse("home"))
    phone.locator("header [data-nav-key=outreach_counts]").first.dispatch_event("click")
    phone.wait_for_selector("#county-counts-map[data-loaded=true]")
    assert (
        phone.locator(
            "[data-testid=county-counts] tr[data-fips='20177'] [data-testid=count]"
        ).inner_text()
        == "<11"
    )
    assert phone.locator(".sf-contact-point").count() == 0
    assert "red bicycle" not in phone.content()
    shots(phone, "county-counts")


def test_an_entry_made_offline_is_kept_and_lands_once(
    phone, live_server, screenshot_taker, outreach_world
):
    from sunflower.outreach.models import OutreachContact

    shots = screenshot_taker("outreach", _shot_numbers)
    phone.context.set_geolocation(GARDEN_CITY)
    sign_in(phone, live_server, "worker@prairie.example")
    open_contact_form(phone, live_server)
    use_my_location(phone)
    phone.fill("#id_person_description", "Woman with a red backpack")

    submit_offline(phone)
    shots(phone, "offline-kept")
    pending = phone.evaluate(f"JSON.parse(localStorage.getItem('{queue_key('worker')}'))")
    assert len(pending) == 1
    assert OutreachContact.objects.count() == 0

    phone.context.set_offline(False)
    phone.wait_for_selector("[data-testid=contact-sent]:has-text('Finney County')")
    assert phone.evaluate(f"localStorage.getItem('{queue_key('worker')}')") is None
    # The same entry sent again (another tab, a retry after a lost answer) still lands once.
    phone.evaluate(
        """entry => fetch(location.pathname, {method: 'POST', credentials: 'same-origin',
             headers: {'Content-Type': 'application/json',
                       'X-CSRFToken': document.querySelector('[name=csrfmiddlewaretoken]').value},
             body: JSON.stringify(entry)}).then(r => r.status)""",
        pending[0],
    )
    phone.reload()
    phone.wait_for_selector("#contact-map .leaflet-overlay-pane path")
    assert OutreachContact.objects.count() == 1
    contact = OutreachContact.objects.get()
    assert contact.county.name == "Finney"
    assert str(contact.client_uuid) == pending[0]["client_uuid"]


def test_an_entry_kept_on_a_shared_phone_is_sent_only_by_its_worker(
    phone, live_server, outreach_world
):
    from sunflower.outreach.models import OutreachContact

    create_user_with_role(
        "colleague@prairie.example", Role.AGENCY_CES_OUTREACH, PASSWORD, outreach_world
    )
    sign_in(phone, live_server, "worker@prairie.example")
    open_contact_form(phone, live_server)
    use_my_location(phone)
    phone.fill("#id_person_description", "Man with a blue tent")
    submit_offline(phone)

    # The worker's session ends before the connection returns; a colleague signs in.
    phone.context.clear_cookies()
    phone.context.set_offline(False)
    phone.wait_for_selector("[data-testid=offline-status]:has-text('Sign in again')")
    assert OutreachContact.objects.count() == 0
    sign_in(phone, live_server, "colleague@prairie.example")
    open_contact_form(phone, live_server)
    phone.wait_for_timeout(1000)  # the page tries its own queue on load
    assert OutreachContact.objects.count() == 0
    assert phone.locator("[data-testid=offline-status]").is_hidden()
    assert phone.evaluate(f"localStorage.getItem('{queue_key('worker')}')") is not None

    # Back on the phone, the worker's page sends it, recorded as theirs.
    sign_in(phone, live_server, "worker@prairie.example")
    phone.goto(live_server.url + reverse("outreach:contact_new"))
    phone.wait_for_selector("[data-testid=contact-sent]:has-text('Shawnee County')")
    contact = OutreachContact.objects.get()
    assert contact.recorded_by.email == "worker@prairie.example"


def test_a_known_client_is_found_by_typing_and_the_contact_is_theirs(
    phone, live_server, outreach_world
):
    import datetime as dt

    from sunflower.hmis.models import Project
    from sunflower.hmis.testing import make_client, make_enrollment
    from sunflower.outreach.models import OutreachContact

    project = Project.objects.get(project_name="Prairie Street Outreach")
    dana = make_enrollment(
        make_client(first_name="Dana", last_name="Streeter"), project, dt.date(2026, 1, 5)
    )
    make_enrollment(make_client(first_name="Lee", last_name="Walker"), project, dt.date(2026, 1, 5))
    sign_in(phone, live_server, "worker@prairie.example")
    open_contact_form(phone, live_server)
    assert phone.locator("#id_enrollment option").count() == 3  # nobody chosen, Dana, Lee
    assert phone.locator(f"a[href='{reverse('client_create')}']").count() == 1

    phone.fill("[data-testid=client-filter]", "dana stree")  # words in any order, any case
    assert phone.locator("#id_enrollment option").count() == 2
    assert phone.locator("#id_enrollment").input_value() == str(dana.pk)
    use_my_location(phone)
    phone.click("[data-testid=submit-contact]")
    phone.wait_for_selector("[data-testid=contact-sent]:has-text('Shawnee County')")
    # The form is ready for the next person: the whole list is back.
    assert phone.locator("#id_enrollment option").count() == 3

    contact = OutreachContact.objects.get()
    assert contact.enrollment_id == dana.pk and contact.living_record is not None
