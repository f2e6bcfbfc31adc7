"""Case management in a real browser, as an agency user: find a client despite a misspelling,
be warned of a duplicate, create a client, enroll a household of three in a night-by-night
emergency shelter, check them in for a week of bed nights, exit the household. A Victim Service
Provider is refused the same pages.

Screenshots of each step: test-artifacts/e2e/casemgmt/NN-step.png."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest
from browsing import PASSWORD, sign_in  # tests/e2e is on sys.path (no package)
from django.urls import reverse
from django.utils import timezone

from sunflower.accounts.actions import hmis_user_for
from sunflower.accounts.roles import Role
from sunflower.accounts.testing import create_user_with_role
from sunflower.hmis import vocabulary as hud
from sunflower.hmis.testing import make_client, make_organization, make_project

# The live server needs committed data: transactional tests.
pytestmark = [pytest.mark.casemgmt, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ES_NIGHT_BY_NIGHT = 1
WEEK = 7
# Numbers the screenshots across the module's tests, in the order they are taken.
_shot_numbers = itertools.count(1)


@pytest.fixture
def shots(screenshot_taker):
    """`shot(page, "step")` saves test-artifacts/e2e/casemgmt/NN-step.png, numbered in order."""
    return screenshot_taker("casemgmt", _shot_numbers)


@pytest.fixture
def shelter():
    """An agency with a night-by-night emergency shelter in one CoC, and one of its users."""
    from sunflower.hmis.models import ProjectCoC

    agency = make_organization(organization_name="Sunrise Shelter Services")
    project = make_project(
        agency, project_type=ES_NIGHT_BY_NIGHT, project_name="Sunrise Night Shelter"
    )
    ProjectCoC.objects.create(project=project, coc_code="KS-507", geocode="209999")
    user = create_user_with_role(
        "e2e.casemgmt@example.org",
        Role.AGENCY_CES,
        PASSWORD,
        organization=agency,
        first_name="Casey",
        last_name="Worker",
    )
    # Clients entered earlier by the agency (so the agency may see them).
    entered_by = hmis_user_for(user)
    clients = {
        "johnson": make_client(
            first_name="Robert",
            last_name="Johnson",
            dob=dt.date(1984, 7, 12),
            sex=1,
            user=entered_by,
        ),
        "garcia": make_client(
            first_name="Maria",
            last_name="Garcia",
            dob=dt.date(1986, 3, 14),
            sex=0,
            user=entered_by,
        ),
        "smith": make_client(
            first_name="Alan",
            last_name="Smith",
            dob=dt.date(1970, 11, 2),
            sex=1,
            user=entered_by,
        ),
    }
    return agency, project, user, clients


def tick(scope, input_id: str) -> None:
    """Tick a USWDS checkbox the way a user does: its input is visually hidden, the label shows
    the box."""
    box = scope.locator(f"#{input_id}")
    if not box.is_checked():
        scope.locator(f'label[for="{input_id}"]').click()
    assert box.is_checked()


def fill_client_form(page, first, last, dob: dt.date, sex: int) -> None:
    form = page.locator("[data-testid=client-form]")
    form.locator("#id_first_name").fill(first)
    form.locator("#id_last_name").fill(last)
    form.locator("#id_name_data_quality").select_option("1")
    form.locator("#id_ssn").fill("")
    form.locator("#id_ssn_data_quality").select_option("99")
    form.locator("#id_dob").fill(f"{dob:%Y-%m-%d}")
    form.locator("#id_dob_data_quality").select_option("1")
    form.locator("#id_sex").select_option(str(sex))
    tick(form, "id_white")
    form.locator("#id_veteran_status").select_option("0")


def add_member(page, query: str, client, relationship: int) -> None:
    """Search on the enrollment page, tick `client` and give the relationship to the head."""
    page.fill("#id_q", query)
    page.click("button[name=action][value=search]")
    row = page.locator(f"[data-testid=member-{client.pk}]")
    tick(row, f"member-{client.pk}")
    row.locator(f"#relationship-{client.pk}").select_option(str(relationship))


def test_agency_user_searches_creates_enrolls_checks_in_and_exits(
    live_server, page, shots, shelter
):
    from sunflower.hmis.models import Client, Enrollment, Exit, Services

    agency, project, user, clients = shelter
    johnson, garcia = clients["johnson"], clients["garcia"]
    today = timezone.localdate()
    entry = today - dt.timedelta(days=10)
    nights = [entry + dt.timedelta(days=i) for i in range(WEEK)]
    exit_date = entry + dt.timedelta(days=WEEK)  # the day after the last bed night
    url = live_server.url

    sign_in(page, live_server, user.email)
    shots(page, "signed-in")

    # 1. Search as you type with a misspelling: "Jonson" finds Robert Johnson.
    page.goto(url + reverse("clients"))
    page.fill("#client-search-q", "Jonson")
    result = page.locator("[data-testid=client-result]", has_text="Johnson, Robert")
    result.wait_for()
    assert page.url == url + reverse("clients")  # the query never lands in the URL
    assert "Jonson" not in page.url
    assert result.get_by_text("1984-07-12").is_visible()
    assert page.locator("[data-testid=client-result]", has_text="Garcia").count() == 0
    shots(page, "search-misspelled-name")
    result.get_by_role("link").click()
    page.wait_for_url(url + reverse("client_detail", args=[johnson.pk]))
    assert page.get_by_role("heading", level=1).inner_text() == "Robert Johnson"
    shots(page, "client-record-opened")

    # 2. A duplicate: same DOB, similar name. The warning lists Robert Johnson; nothing saved.
    clients_before = Client.objects.count()
    page.goto(url + reverse("client_create"))
    fill_client_form(page, "Robert", "Jonson", johnson.dob, 1)
    page.get_by_role("button", name="Check for duplicates and create").click()
    warning = page.locator("[data-testid=client-matches]")
    warning.wait_for()
    assert "This person may already be in the HMIS: 1 likely match" in warning.inner_text()
    match = warning.locator("[data-testid=client-match]", has_text="Johnson, Robert")
    assert match.is_visible()
    reasons = match.locator(".usa-tag").all_text_contents()
    assert reasons == ["same DOB", "similar name"]
    assert "score 85%" in match.locator("[data-testid=client-match-score]").inner_text()
    assert page.locator("[data-testid=confirm-no-match]").is_visible()
    # Everything typed is kept.
    assert page.locator("#id_last_name").input_value() == "Jonson"
    assert Client.objects.count() == clients_before
    shots(page, "duplicate-warning")

    # 3. A new client (the head's daughter): no likely match, created and opened.
    page.goto(url + reverse("client_create"))
    fill_client_form(page, "Lily", "Johnson", dt.date(2016, 5, 4), 0)
    page.get_by_role("button", name="Check for duplicates and create").click()
    page.wait_for_url(re.compile(re.escape(url) + r"/clients/\d+/$"))
    assert page.get_by_text("Client created.").is_visible()
    assert page.get_by_role("heading", level=1).inner_text() == "Lily Johnson"
    assert Client.objects.count() == clients_before + 1
    lily = Client.objects.get(first_name="Lily", last_name="Johnson")
    assert lily.dob == dt.date(2016, 5, 4)
    assert page.url == url + reverse("client_detail", args=[lily.pk])
    shots(page, "client-created")

    # 4. Enroll the household of three in the shelter, then the head's intake.
    page.get_by_role("link", name="Enroll a household").click()
    page.wait_for_url(url + reverse("enroll_new"))
    page.select_option("#id_project", str(project.pk))
    page.fill("#id_entry_date", f"{entry:%Y-%m-%d}")
    add_member(page, "Johnson", johnson, hud.RelationshipToHoH.SELF)
    add_member(page, "Johnson", lily, hud.RelationshipToHoH.HEAD_OF_HOUSEHOLDS_CHILD)
    add_member(page, "Garcia", garcia, hud.RelationshipToHoH.HEAD_OF_HOUSEHOLDS_SPOUSE_OR_PARTNER)
    # Ticked members and the form survive the searches.
    for member in (johnson, lily, garcia):
        assert page.locator(f"#member-{member.pk}").is_checked()
    assert page.locator("#id_entry_date").input_value() == f"{entry:%Y-%m-%d}"
    shots(page, "household-chosen")
    page.click("button[name=action][value=enroll]")
    page.wait_for_url(re.compile(re.escape(url) + r"/enrollments/\d+/intake/$"))
    assert page.get_by_text("Household enrolled.").is_visible()
    assert "Robert Johnson" in page.locator(".usa-intro").inner_text()
    shots(page, "enrolled-intake")

    enrollments = list(Enrollment.objects.filter(project=project).order_by("pk"))
    assert len(enrollments) == 3
    assert {e.client_id for e in enrollments} == {johnson.pk, lily.pk, garcia.pk}
    assert len({e.household_id for e in enrollments}) == 1
    heads = [e for e in enrollments if e.relationship_to_hoh == hud.RelationshipToHoH.SELF]
    assert [h.client_id for h in heads] == [johnson.pk]
    assert {e.entry_date for e in enrollments} == {entry}
    assert {e.enrollment_coc for e in enrollments} == {"KS-507"}
    head = heads[0]
    assert page.url == url + reverse("intake", args=[head.pk])

    # Intake: came from another shelter (homeless), so the history questions are asked.
    page.select_option("#id_living_situation", "101")
    page.select_option("#id_length_of_stay", "2")
    page.fill("#id_date_to_street_essh", f"{entry - dt.timedelta(days=60):%Y-%m-%d}")
    page.select_option("#id_times_homeless_past_three_years", "1")
    page.select_option("#id_months_homeless_past_three_years", "102")
    page.select_option("#id_disabling_condition", "0")
    page.get_by_role("button", name="Save the intake").click()
    page.wait_for_url(url + reverse("client_detail", args=[johnson.pk]))
    assert page.get_by_text("Intake saved.").is_visible()
    head.refresh_from_db()
    assert head.living_situation == 101
    assert head.disabling_condition == 0
    shots(page, "intake-saved")

    # 5. Bed nights for a week, from the check-in screen (reached from the client record).
    page.get_by_role("link", name="Bed-night check-in").first.click()
    page.wait_for_url(re.compile(re.escape(url + reverse("bed_nights", args=[project.pk]))))
    for night in nights:
        page.goto(url + reverse("bed_nights", args=[project.pk]) + f"?night={night:%Y-%m-%d}")
        boxes = page.locator("#bed-night-list input[type=checkbox]")
        assert boxes.count() == 3
        tick(page, "check-all")  # the JavaScript "Check all" ticks everyone
        for i in range(3):
            assert boxes.nth(i).is_checked()
        page.get_by_role("button", name="Save bed nights").click()
        page.get_by_text(
            f"Bed nights saved for {night:%Y-%m-%d}: 3 checked in (3 added, 0 removed)."
        ).wait_for()
        if night in (nights[0], nights[-1]):
            shots(page, f"bed-nights-{night:%Y-%m-%d}")
    bed_nights = Services.objects.filter(
        enrollment__project=project, record_type=200, date_deleted__isnull=True
    )
    assert bed_nights.count() == 3 * WEEK
    assert set(bed_nights.values_list("date_provided", flat=True)) == set(nights)
    for enrollment in enrollments:
        assert bed_nights.filter(enrollment=enrollment).count() == WEEK
    # Shown again, a saved night is already ticked.
    page.goto(url + reverse("bed_nights", args=[project.pk]) + f"?night={nights[3]:%Y-%m-%d}")
    assert page.locator("#check-all").is_checked()

    # 6. Exit the whole household the morning after the last bed night.
    page.goto(url + reverse("exit_enrollment", args=[head.pk]))
    household = page.get_by_role("list", name="Household members still enrolled")
    assert household.locator("li").count() == 3
    page.fill("#id_exit_date", f"{exit_date:%Y-%m-%d}")
    page.select_option("#id_destination", "410")
    tick(page, "id_whole_household")
    shots(page, "exit-form")
    page.get_by_role("button", name="Record the exit").click()
    page.wait_for_url(url + reverse("client_detail", args=[johnson.pk]))
    assert page.get_by_text("Exit recorded for 3 enrollment(s).").is_visible()
    shots(page, "household-exited")
    exits = Exit.objects.filter(enrollment__project=project)
    assert exits.count() == 3
    assert {x.enrollment_id for x in exits} == {e.pk for e in enrollments}
    assert set(exits.values_list("exit_date", flat=True)) == {exit_date}
    assert set(exits.values_list("destination", flat=True)) == {410}
    # An exited enrollment shows its exit date instead of the form.
    page.goto(url + reverse("exit_enrollment", args=[enrollments[-1].pk]))
    assert page.locator("[data-testid=already-exited]").is_visible()
    # Nobody is open in the shelter on the exit night any more.
    page.goto(url + reverse("bed_nights", args=[project.pk]) + f"?night={exit_date:%Y-%m-%d}")
    assert page.get_by_text("No client is enrolled in this project that night.").is_visible()
    shots(page, "shelter-empty-after-exit")


def test_victim_service_provider_is_refused_the_case_management_pages(
    live_server, page, shots, shelter
):
    from sunflower.hmis.models import Client, Enrollment, Services

    _, project, _, _ = shelter
    vsp = create_user_with_role(
        "e2e.casemgmt.vsp@example.org",
        Role.VICTIM_SERVICE_PROVIDER,
        PASSWORD,
        first_name="Vic",
        last_name="Provider",
    )
    sign_in(page, live_server, vsp.email)
    night = timezone.localdate() - dt.timedelta(days=1)
    refused = [
        ("clients", reverse("clients")),
        ("client-create", reverse("client_create")),
        ("enroll-new", reverse("enroll_new")),
        ("bed-nights", reverse("bed_nights", args=[project.pk]) + f"?night={night:%Y-%m-%d}"),
    ]
    for name, path in refused:
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 403, path
        assert page.locator("[data-testid=error-403]").is_visible(), path
        shots(page, f"vsp-refused-{name}")
    # Nor does the header offer the client search.
    assert page.locator('header [data-nav-key="clients"]').count() == 0
    # Nothing was written on the way.
    assert Client.objects.count() == 3
    assert not Enrollment.objects.exists()
    assert not Services.objects.exists()
