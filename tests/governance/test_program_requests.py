"""Program Add / Close / Modify requests: validation, the meeting invitation, the HMIS
team's review, the Oversight Committee's vote for non-HUD-funded programs, and the change made
in HMIS from the request."""

from __future__ import annotations

from datetime import date, timedelta

import icalendar
import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from sunflower.accounts.models import DutyAssignment
from sunflower.accounts.roles import Duty, Role
from sunflower.accounts.testing import create_user_with_role
from sunflower.governance import actions
from sunflower.governance.models import ProgramRequest
from sunflower.hmis.testing import make_organization, make_project

# Transactional: e-mails go out on commit, as in production.
pytestmark = [pytest.mark.portal, pytest.mark.django_db(transaction=True)]

PASSWORD = "Sunflower-test-password-2026"
LOCAL, HUD_COC_PSH = 46, 2


@pytest.fixture
def agency():
    return make_organization(organization_name="Prairie Hope")


@pytest.fixture
def people(agency):
    admin = create_user_with_role("admin@prairie.example", Role.AGENCY_ADMIN, PASSWORD, agency)
    team = create_user_with_role("team@hmis.example", Role.HMIS_ADMIN, PASSWORD)
    members = []
    for n in range(3):
        member = create_user_with_role(f"m{n}@committee.example", Role.AGENCY_ADMIN, PASSWORD)
        DutyAssignment.objects.create(
            user=member, duty=Duty.COMMITTEE_MEMBER, committee="HMIS Oversight Committee"
        )
        members.append(member)
    return admin, team, members


def new_program(agency, funders=(LOCAL,), **fields):
    values = {
        "kind": "add",
        "organization": agency,
        "project_name": "Prairie Hope Shelter",
        "project_type": 0,
        "funders": list(funders),
        "coc_code": "KS-507",
        "geocode": "209999",
        "start_date": date(2027, 1, 1),
        "beds": 20,
        "units": 20,
        "household_type": 1,
    }
    values.update(fields)
    return ProgramRequest(**values)


def test_a_request_says_what_its_kind_needs(agency, people):
    admin, *_ = people
    with pytest.raises(ValidationError) as error:
        actions.submit(admin, new_program(agency, funders=(), beds=None, project_name=""))
    assert set(error.value.message_dict) == {"funders", "beds", "project_name"}
    other_project = make_project(make_organization(), project_type=3)
    with pytest.raises(ValidationError) as error:
        actions.submit(
            admin, ProgramRequest(kind="close", organization=agency, project=other_project)
        )
    assert set(error.value.message_dict) == {"project", "end_date"}
    outsider = create_user_with_role("x@example.org", Role.AGENCY_ADMIN, PASSWORD)
    with pytest.raises(PermissionDenied):
        actions.submit(outsider, new_program(agency))
    assert ProgramRequest.objects.count() == 0


def test_the_meeting_invitation_is_an_ics_sent_to_the_agency_and_the_team(agency, people):
    admin, team, _ = people
    request = actions.submit(admin, new_program(agency))
    mail.outbox.clear()
    at = timezone.now() + timedelta(days=3)
    actions.schedule_meeting(request, team, at, "Video call")
    message = mail.outbox[-1]
    assert set(message.to) == {"admin@prairie.example", "team@hmis.example"}
    name, content, mimetype = message.attachments[0]
    assert name == "meeting.ics" and mimetype.startswith("text/calendar")
    event = icalendar.Calendar.from_ical(content).walk("VEVENT")[0]
    assert event.decoded("dtstart").replace(microsecond=0) == at.replace(microsecond=0)
    assert str(event["location"]) == "Video call"
    with pytest.raises(ValidationError):
        actions.schedule_meeting(request, team, timezone.now() - timedelta(hours=1), "x")


def test_a_non_hud_program_needs_a_committee_majority_then_becomes_a_project(agency, people):
    admin, team, members = people
    request = actions.submit(admin, new_program(agency, funders=(LOCAL,)))
    assert request.needs_committee()
    actions.review(request, team, approve=True)
    request.refresh_from_db()
    assert request.status == ProgramRequest.Status.COMMITTEE
    with pytest.raises(ValidationError):
        actions.apply(request, team)  # not before the committee decides
    with pytest.raises(ValidationError):
        actions.vote(request, members[0], "reject")  # a rejection needs a reason
    actions.vote(request, members[0], "approve")
    request.refresh_from_db()
    assert request.status == ProgramRequest.Status.COMMITTEE  # one of three is not a majority
    with pytest.raises(PermissionDenied):
        actions.vote(request, admin, "approve")  # not a committee member
    actions.vote(request, members[1], "approve", "Fills a gap in Region 4")
    request.refresh_from_db()
    assert request.status == ProgramRequest.Status.APPROVED
    project = actions.apply(request, team)
    request.refresh_from_db()
    assert request.project == project and request.status == ProgramRequest.Status.DONE
    assert (project.project_name, project.project_type, project.organization) == (
        "Prairie Hope Shelter",
        0,
        agency,
    )
    assert project.project_cocs.get().coc_code == "KS-507"
    assert project.funders.get().funder == LOCAL
    inventory = project.inventories.get()
    assert (inventory.bed_inventory, inventory.inventory_start_date) == (20, date(2027, 1, 1))


def test_half_the_committee_rejecting_declines_it(agency, people):
    admin, team, members = people
    DutyAssignment.objects.filter(user=members[2]).delete()  # two members
    request = actions.submit(admin, new_program(agency))
    actions.review(request, team, approve=True)
    actions.vote(request, members[0], "reject", "Not a homeless program")
    request.refresh_from_db()
    assert request.status == ProgramRequest.Status.DECLINED


def test_a_hud_funded_program_skips_the_committee(agency, people):
    admin, team, _ = people
    request = actions.submit(admin, new_program(agency, funders=(HUD_COC_PSH,), project_type=3))
    assert not request.needs_committee()
    actions.review(request, team, approve=True)
    request.refresh_from_db()
    assert request.status == ProgramRequest.Status.APPROVED


def test_closing_a_program_ends_it_and_what_was_open(agency, people):
    admin, team, _ = people
    from sunflower.hmis.models import Funder

    project = make_project(agency, project_type=3)
    Funder.objects.create(
        project=project, funder=HUD_COC_PSH, grant_id="G1", start_date=date(2020, 1, 1)
    )
    request = actions.submit(
        admin,
        ProgramRequest(
            kind="close", organization=agency, project=project, end_date=date(2027, 6, 30)
        ),
    )
    actions.review(request, team, approve=True)
    actions.apply(request, team)
    project.refresh_from_db()
    assert project.operating_end_date == date(2027, 6, 30)
    assert project.funders.get().end_date == date(2027, 6, 30)


def test_the_pages_follow_the_policy(client, agency, people):
    admin, team, members = people
    request = actions.submit(admin, new_program(agency))
    worker = create_user_with_role("w@prairie.example", Role.AGENCY_CES, PASSWORD, agency)
    client.force_login(worker)
    assert client.get(reverse("governance:requests")).status_code == 403
    assert client.get(reverse("committee")).status_code == 403
    client.force_login(members[0])
    assert (
        client.get(reverse("governance:request", args=[request.pk])).status_code == 404
    )  # not yet the committee's
    client.force_login(team)
    response = client.post(
        reverse("governance:request", args=[request.pk]), {"form": "review", "decision": "approve"}
    )
    assert response.status_code == 302
    client.force_login(members[0])
    assert "Prairie Hope Shelter" in client.get(reverse("committee")).content.decode()
    client.post(
        reverse("governance:request", args=[request.pk]), {"form": "vote", "vote": "approve"}
    )
    assert request.votes.get().member == members[0]
