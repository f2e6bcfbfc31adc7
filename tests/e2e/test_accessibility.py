"""Accessibility and phone-sized layouts of the case-management pages, in a real browser.

Each page is loaded at a desktop (1280x900) and a phone (390x844) viewport; axe-core
(tests/e2e/vendor/axe.min.js) must find no "serious" or "critical" violation, and at the phone
viewport the page must not scroll sideways (the USWDS grid reflows; wide tables scroll inside
their own container)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from browsing import PASSWORD, sign_in  # tests/e2e is on sys.path (no package)
from django.urls import reverse
from django.utils import timezone

from sunflower.accounts.actions import hmis_user_for
from sunflower.accounts.roles import Role
from sunflower.accounts.testing import create_user_with_role
from sunflower.hmis.testing import make_client, make_enrollment, make_organization, make_project

# The live server needs committed data: transactional tests.
pytestmark = [pytest.mark.casemgmt, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
ES_NIGHT_BY_NIGHT = 1
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
VIEWPORTS = [("desktop", DESKTOP), ("phone", PHONE)]
BLOCKING_IMPACTS = ("serious", "critical")


@pytest.fixture
def shelter():
    """An agency with a night-by-night shelter, one of its users, clients it entered and an
    open enrollment (head of household) to take an intake, record bed nights and exit."""
    from sunflower.hmis.models import ProjectCoC

    agency = make_organization(organization_name="Sunrise Shelter Services")
    project = make_project(
        agency, project_type=ES_NIGHT_BY_NIGHT, project_name="Sunrise Night Shelter"
    )
    ProjectCoC.objects.create(project=project, coc_code="KS-507", geocode="209999")
    user = create_user_with_role(
        "e2e.a11y@example.org",
        Role.AGENCY_CES,
        PASSWORD,
        organization=agency,
        first_name="Casey",
        last_name="Worker",
    )
    entered_by = hmis_user_for(user)
    johnson = make_client(
        first_name="Robert", last_name="Johnson", dob=dt.date(1984, 7, 12), sex=1, user=entered_by
    )
    make_client(
        first_name="Maria", last_name="Garcia", dob=dt.date(1986, 3, 14), sex=0, user=entered_by
    )
    make_client(
        first_name="Alan", last_name="Johnston", dob=dt.date(1970, 11, 2), sex=1, user=entered_by
    )
    enrollment = make_enrollment(
        client=johnson, project=project, entry_date=timezone.localdate() - dt.timedelta(days=5)
    )
    return project, user, johnson, enrollment


def htmx_settled(page) -> None:
    """Wait until htmx has swapped and processed what it fetched: content it has just inserted
    listens for events only after the settle step, so acting on it earlier can be lost."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping, .htmx-added')"
    )


def serious_violations(page) -> list[str]:
    """Run axe-core on the page; one line per serious/critical violation and its targets."""
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(" ".join(map(str, node["target"])) for node in v["nodes"])
        for v in violations
        if v.get("impact") in BLOCKING_IMPACTS
    ]


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the viewport (0 when it fits)."""
    return page.evaluate(
        "() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth - 1)"
    )


def check_at_every_size(page, name: str, show) -> None:
    """At desktop and phone width: `show()` brings the page up, axe-core finds no serious or
    critical violation, and on a phone the page does not scroll sideways."""
    for viewport_name, viewport in VIEWPORTS:
        page.set_viewport_size(viewport)
        show()
        found = serious_violations(page)
        assert not found, f"{name} at {viewport_name}: axe found\n" + "\n".join(found)
        if viewport is PHONE:
            overflow = horizontal_overflow(page)
            assert overflow == 0, (
                f"{name} at {viewport_name}: page is {overflow}px wider than the viewport"
            )


def show_search_results(page, url):
    page.goto(url + reverse("clients"))
    page.fill("#client-search-q", "Johnson")
    page.locator("[data-testid=client-result]").first.wait_for()


def show_client_form_error(page, url):
    page.goto(url + reverse("client_create"))
    form = page.locator("[data-testid=client-form]")
    # Skip the browser's own checks so the server's error messages are what is shown.
    form.evaluate("form => { form.noValidate = true; }")
    form.locator("#id_first_name").fill("Lily")
    page.get_by_role("button", name="Check for duplicates and create").click()
    page.locator(".usa-error-message, .usa-alert--error").first.wait_for()


def goto(path_for):
    def show(page, url):
        page.goto(url + path_for())

    return show


def pages_under_test(project, johnson, enrollment):
    night = timezone.localdate() - dt.timedelta(days=1)
    return {
        "client-search-results": show_search_results,
        "client-record": goto(lambda: reverse("client_detail", args=[johnson.pk])),
        "enrollment-record": goto(lambda: reverse("enrollment_detail", args=[enrollment.pk])),
        "document-attach": goto(lambda: reverse("document_attach", args=[johnson.pk])),
        "client-create": goto(lambda: reverse("client_create")),
        "client-create-error": show_client_form_error,
        "enroll-household": goto(lambda: reverse("enroll_new")),
        "intake": goto(lambda: reverse("intake", args=[enrollment.pk])),
        "exit": goto(lambda: reverse("exit_enrollment", args=[enrollment.pk])),
        "bed-nights": goto(
            lambda: reverse("bed_nights", args=[project.pk]) + f"?night={night:%Y-%m-%d}"
        ),
    }


PAGE_NAMES = [
    "client-search-results",
    "client-record",
    "enrollment-record",
    "document-attach",
    "client-create",
    "client-create-error",
    "enroll-household",
    "intake",
    "exit",
    "bed-nights",
]


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_page_has_no_serious_axe_violation_and_fits_a_phone(live_server, page, shelter, name):
    project, user, johnson, enrollment = shelter
    show = pages_under_test(project, johnson, enrollment)[name]
    sign_in(page, live_server, user.email)
    check_at_every_size(page, name, lambda: show(page, live_server.url))
