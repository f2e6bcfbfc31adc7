"""A researcher submits a data request on the public form and follows it through its private
status link: the HMIS team records KHRC's decision and quotes a fee, the researcher accepts
it, the Oversight Committee approves, the HMIS team fulfils, and the researcher sees every
step dated and downloads the extract (suppressed counts, no names) through its expiring link.

Screenshots: test-artifacts/e2e/datarequests/NN-step.png."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
import zipfile
from pathlib import Path

import pytest
from browsing import PASSWORD, sign_in  # tests/e2e is on sys.path (no package)
from django.core import mail
from django.urls import reverse

from sunflower.accounts.roles import Duty, Role
from sunflower.accounts.testing import create_user_with_role

pytestmark = [pytest.mark.portal, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

RESEARCHER = "dana@university.example"
_shot_numbers = itertools.count(1)
AXE = Path(__file__).parent / "vendor" / "axe.min.js"


def assert_accessible(page, name: str) -> None:
    """axe-core finds no serious or critical violation on the page."""
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    serious = [
        f"{v['id']}: {v['help']}" for v in violations if v.get("impact") in ("serious", "critical")
    ]
    assert not serious, f"{name}: " + "; ".join(serious)


@pytest.fixture(autouse=True)
def extracts_in_tmp(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "datarequests": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "data_extracts"), "base_url": None},
        },
    }


@pytest.fixture(autouse=True)
def _no_rate_limit_left_from_another_test():
    from django.core.cache import cache

    from sunflower.portal.spam import _key

    for address in ("127.0.0.1", None):
        cache.delete(_key("datarequest", address))


def hmis_data():
    """A shelter with 14 people in 2025 and a PSH project with 3 (a small cell)."""
    from sunflower.hmis.testing import make_client, make_enrollment, make_organization, make_project

    agency = make_organization(organization_name="Prairie Shelter Inc")
    shelter = make_project(agency, project_type=0, project_name="Prairie Shelter")
    housing = make_project(agency, project_type=3, project_name="Prairie Housing")
    for n in range(14):
        client = make_client(first_name=f"Shelterfirst{n}", last_name=f"Shelterlast{n}", sex=n % 2)
        make_enrollment(client, shelter, entry_date=dt.date(2025, 2, 1))
    for n in range(3):
        client = make_client(first_name=f"Housingfirst{n}", last_name=f"Housinglast{n}")
        make_enrollment(client, housing, entry_date=dt.date(2025, 3, 1))


def status_path_from_mail() -> str:
    sent = [m for m in mail.outbox if m.to == [RESEARCHER]]
    assert sent, "the researcher got no e-mail"
    return re.search(r"(/data-requests/status/[\w-]+/)", sent[0].body).group(1)


def test_a_researcher_submits_a_data_request_and_follows_it_to_the_download(
    page, live_server, screenshot_taker
):
    from sunflower.accounts.models import DutyAssignment
    from sunflower.datarequests.models import DataRequest

    shots = screenshot_taker("datarequests", _shot_numbers)
    hmis_data()
    create_user_with_role("team@hmis.example", Role.HMIS_ADMIN, PASSWORD)
    member = create_user_with_role("m@committee.example", Role.AGENCY_ADMIN, PASSWORD)
    DutyAssignment.objects.create(
        user=member, duty=Duty.COMMITTEE_MEMBER, committee="HMIS Oversight Committee"
    )

    # The researcher, not signed in, finds the form from the portal's home page.
    page.goto(live_server.url + reverse("portal:home"))
    page.click("[data-testid=data-request-link]")
    page.wait_for_selector("[data-testid=datarequest-form]")
    page.fill("#id_requester_name", "Dana Researcher")
    page.fill("#id_requester_email", RESEARCHER)
    page.fill("#id_requester_organization", "Kansas State University")
    page.fill("#id_title", "Shelter and housing use, 2025")
    page.fill("#id_purpose", "A study of shelter use by age group.")
    page.fill("#id_data_wanted", "People served by project type and age group.")
    page.fill("#id_period_start", "2025-01-01")
    page.fill("#id_period_end", "2025-12-31")
    page.fill("#id_intended_use", "A paper with aggregate tables only.")
    page.click("label[for=id_agreement]")
    page.click("[data-testid=submit-datarequest]")
    # The retention plan was left out: said beside the field, and nothing typed is lost.
    assert "destroyed" in page.inner_text("[data-testid=error-retention_plan]")
    assert page.input_value("#id_purpose") == "A study of shelter use by age group."
    assert page.input_value("#id_period_start") == "2025-01-01"
    assert_accessible(page, "form with an error")
    page.fill("#id_retention_plan", "Encrypted university server, destroyed after two years.")
    if not page.is_checked("#id_agreement"):
        page.click("label[for=id_agreement]")
    shots(page, "form")
    page.click("[data-testid=submit-datarequest]")
    page.wait_for_selector("[data-testid=timeline]")
    request = DataRequest.objects.get()

    # The e-mail carries the private status link; it opens the timeline with target dates.
    status_path = status_path_from_mail()
    page.context.clear_cookies()
    page.goto(live_server.url + status_path)
    assert request.reference in page.inner_text("h1")
    assert page.get_attribute("[data-step=submitted]", "data-done") == "true"
    assert "expected by" in page.inner_text("[data-step=delivered]")
    shots(page, "status-submitted")

    # The HMIS team records KHRC's decision and quotes a fee.
    sign_in(page, live_server, "team@hmis.example")
    page.goto(live_server.url + reverse("datarequests:queue"))
    page.get_by_role("link", name=request.reference).click()
    page.click("[data-testid=khrc-form] label[for=id_decision_0]")
    page.fill("[data-testid=khrc-form] #id_comment", "Fits the HMIS data policy.")
    page.click("[data-testid=submit-khrc]")
    page.wait_for_selector("text=Decision recorded.")
    page.fill("#id_amount", "150")
    page.fill("[data-testid=fee-form] #id_note", "Custom tables: 6 hours of analyst time.")
    page.click("[data-testid=submit-fee]")
    page.wait_for_selector("text=Fee quoted; the requester was e-mailed.")
    shots(page, "team-khrc-and-fee")
    assert_accessible(page, "staff detail")

    # The researcher accepts the fee on the status page.
    page.context.clear_cookies()
    page.goto(live_server.url + status_path)
    assert "$150.00" in page.inner_text("[data-testid=fee-quote]")
    page.click("[data-testid=accept-fee]")
    page.wait_for_selector("[data-testid=fee-accepted]")

    # A committee member records the committee's decision.
    sign_in(page, live_server, "m@committee.example")
    page.goto(live_server.url + reverse("datarequests:queue"))
    page.get_by_role("link", name=request.reference).click()
    page.click("[data-testid=committee-form] label[for=id_decision_0]")
    page.fill("[data-testid=committee-form] #id_comment", "Approved at the March meeting.")
    page.click("[data-testid=submit-committee]")
    page.wait_for_selector("text=Decision recorded.")
    request.refresh_from_db()
    assert request.status == DataRequest.Status.APPROVED

    # The HMIS team fulfils: two tables, a 30-day link.
    sign_in(page, live_server, "team@hmis.example")
    page.goto(live_server.url + reverse("datarequests:detail", args=[request.pk]))
    page.fill("#id_days", "30")
    page.click("[data-testid=submit-fulfil]")
    page.wait_for_selector("text=Extract delivered; the requester was e-mailed.")
    shots(page, "team-delivered")
    assert any("/data-requests/extract/" in m.body for m in mail.outbox if m.to == [RESEARCHER])

    # The researcher sees each step dated and downloads the extract through the link.
    page.context.clear_cookies()
    page.goto(live_server.url + status_path)
    for step in (
        "submitted",
        "acknowledged",
        "khrc",
        "fee_quoted",
        "fee_accepted",
        "committee",
        "delivered",
    ):
        assert page.get_attribute(f"[data-step={step}]", "data-done") == "true", step
        assert page.inner_text(f"[data-testid=step-date-{step}]").strip()
    assert "expected by" in page.inner_text("[data-step=expires]")  # the link's last day
    shots(page, "status-delivered")
    assert_accessible(page, "status page")
    with page.expect_download() as download_info:
        page.click("[data-testid=download-extract]")
    download = download_info.value
    assert download.suggested_filename == f"{request.reference}-extract.zip"
    with open(download.path(), "rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    files = {name: archive.read(name).decode() for name in archive.namelist()}
    assert "people_by_project_type.csv" in files and "people_by_age_group.csv" in files
    by_type = files["people_by_project_type.csv"]
    assert "PH - Permanent Supportive Housing,<11" in by_type  # 3 people: suppressed
    assert "Emergency Shelter - Entry Exit,<11" in by_type  # its complement (17 - 14 = 3)
    assert "Total,17" in by_type
    everything = "\n".join(files.values())
    assert "Shelterfirst" not in everything and "Housinglast" not in everything
    request.extracts.get().refresh_from_db()
    assert request.extracts.get().downloads == 1
