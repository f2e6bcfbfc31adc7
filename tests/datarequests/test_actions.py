"""Data-request rules: validation, who decides and in which order, the fee, the timeline,
small-cell suppression, identifiers, the expiring link and access to requests."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sunflower.datarequests import actions
from sunflower.datarequests.extract import Grid, suppress, suppress_below
from sunflower.datarequests.models import Body, DataRequest, DataRequestEvent

from .conftest import REQUEST_FIELDS, approve_both, make_member, submit

pytestmark = [pytest.mark.portal, pytest.mark.django_db(transaction=True)]
Status = DataRequest.Status


def errors_of(call) -> dict:
    with pytest.raises(ValidationError) as caught:
        call()
    error = caught.value
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}


# --- submission ----------------------------------------------------------------------------


def test_a_request_needs_every_part_with_a_clear_message():
    errors = errors_of(
        lambda: actions.submit_request(
            **{**REQUEST_FIELDS, "purpose": " ", "retention_plan": "", "period_end": None}
        )
    )
    assert errors["purpose"] == ["Describe the purpose of the request."]
    assert "destroyed" in errors["retention_plan"][0]
    assert errors["period_end"] == ["Give the last day of the period."]
    assert not DataRequest.objects.exists()


def test_the_period_and_the_identifiers_are_checked():
    errors = errors_of(
        lambda: submit(period_start=dt.date(2025, 6, 1), period_end=dt.date(2025, 1, 1))
    )
    assert errors["period_end"] == ["The period ends before it starts."]
    future = timezone.localdate() + timedelta(days=10)
    errors = errors_of(lambda: submit(period_start=future, period_end=future + timedelta(days=5)))
    assert errors["period_start"] == ["The period must start in the past."]
    errors = errors_of(lambda: submit(identifiers_requested=True))
    assert "why you need personal identifiers" in errors["identifiers_justification"][0]


def test_submission_mails_the_status_link_to_the_requester_and_tells_the_team(team):
    request = submit(language="es")
    assert request.reference == f"DR-{request.pk:06d}"
    assert request.requester_email == "dana@university.example"
    to_requester = [m for m in mail.outbox if m.to == ["dana@university.example"]]
    assert len(to_requester) == 1
    assert f"https://hmis.example.org/data-requests/status/{request.token}/" in to_requester[0].body
    assert to_requester[0].subject.startswith(f"[{request.reference}]")
    assert "Hola" in to_requester[0].body  # written in the language the requester used
    to_team = [m for m in mail.outbox if m.to == ["lee@hmis.example"]]
    assert len(to_team) == 1 and "Acknowledge" in to_team[0].body
    assert request.token not in to_team[0].body  # the team never needs the private link
    assert list(request.events.values_list("kind", flat=True)) == ["submitted"]


# --- decisions -------------------------------------------------------------------------------


def test_khrc_decides_first_then_the_committee(team, member):
    request = submit()
    errors = errors_of(lambda: actions.record_decision(request, member, Body.COMMITTEE, "approve"))
    assert errors["__all__"] == ["KHRC decides first; the committee reviews after."]
    mail.outbox.clear()
    actions.record_decision(request, team, Body.KHRC, "approve", "Fits the policy.")
    request.refresh_from_db()
    assert request.status == Status.COMMITTEE and request.acknowledged_at is not None
    assert any(m.to == ["member@committee.example"] for m in mail.outbox)
    decision_mail = next(m for m in mail.outbox if m.to == ["dana@university.example"])
    assert "KHRC" in decision_mail.subject and "Fits the policy." in decision_mail.body
    decision = actions.record_decision(request, member, Body.COMMITTEE, "approve", "Yes.")
    request.refresh_from_db()
    assert request.status == Status.APPROVED and decision.on_behalf is False
    errors = errors_of(lambda: actions.record_decision(request, team, Body.KHRC, "approve"))
    assert errors["__all__"] == ["This request is not waiting for this decision."]


def test_who_records_each_decision(team, member, outsider):
    request = submit()
    for user in (outsider, member):
        with pytest.raises(PermissionDenied):
            actions.record_decision(request, user, Body.KHRC, "approve")
    actions.record_decision(request, team, Body.KHRC, "approve")
    with pytest.raises(PermissionDenied):
        actions.record_decision(request, outsider, Body.COMMITTEE, "approve")
    decision = actions.record_decision(request, team, Body.COMMITTEE, "approve", "At the meeting.")
    assert decision.on_behalf is True  # the HMIS team recorded it for the committee


def test_decline_and_changes_need_a_comment_and_changes_come_back_to_the_same_body(team, member):
    request = submit()
    errors = errors_of(lambda: actions.record_decision(request, team, Body.KHRC, "decline"))
    assert "requester reads this" in errors["comment"][0]
    actions.record_decision(request, team, Body.KHRC, "approve")
    actions.record_decision(request, member, Body.COMMITTEE, "changes", "Narrow the period.")
    request.refresh_from_db()
    assert request.status == Status.CHANGES
    errors = errors_of(lambda: actions.respond(request, "  "))
    assert errors["text"] == ["Write your answer to the requested changes."]
    actions.respond(request, "The period is now 2025 only.")
    request.refresh_from_db()
    assert request.status == Status.COMMITTEE
    actions.record_decision(request, member, Body.COMMITTEE, "decline", "Out of scope.")
    request.refresh_from_db()
    assert request.status == Status.DECLINED and request.closed_at is not None


def test_only_the_committee_approves_identifiers_and_only_when_asked(team, member):
    request = submit()
    actions.record_decision(request, team, Body.KHRC, "approve")
    errors = errors_of(
        lambda: actions.record_decision(request, member, Body.COMMITTEE, "approve", "", ["name"])
    )
    assert errors["approved_identifiers"] == ["The requester did not ask for identifiers."]
    asking = submit(identifiers_requested=True, identifiers_justification="Linking to records.")
    errors = errors_of(
        lambda: actions.record_decision(asking, team, Body.KHRC, "approve", "", ["name"])
    )
    assert errors["approved_identifiers"] == ["Only the Oversight Committee approves identifiers."]


# --- the fee and the timeline ----------------------------------------------------------------


def test_a_fee_is_quoted_accepted_and_holds_the_extract_until_then(team, member, outsider):
    request = submit()
    with pytest.raises(PermissionDenied):
        actions.quote_fee(request, outsider, "250", "Custom tables")
    assert errors_of(lambda: actions.quote_fee(request, team, "0", "x"))["amount"] == [
        "A fee is more than zero."
    ]
    assert errors_of(lambda: actions.quote_fee(request, team, "250", ""))["note"] == [
        "Say what the fee covers."
    ]
    mail.outbox.clear()
    actions.quote_fee(request, team, "250.00", "Custom tables, 10 hours of analyst time")
    request.refresh_from_db()
    assert request.complexity == DataRequest.Complexity.COMPLEX and request.fee_pending()
    quote = next(m for m in mail.outbox if m.to == ["dana@university.example"])
    assert "$250.00" in quote.body and request.token in quote.body
    approve_both(request, team, member)
    errors = errors_of(lambda: actions.fulfil(request, team, ["age_group"]))
    assert errors["__all__"] == ["The requester has not accepted the fee yet."]
    actions.accept_fee(request)
    request.refresh_from_db()
    assert request.fee_accepted_at is not None
    with pytest.raises(ValidationError):
        actions.accept_fee(request)  # once only
    steps = {step["key"]: step for step in actions.timeline(request)}
    assert steps["fee_quoted"]["done"] and steps["fee_accepted"]["done"]


def test_the_timeline_shows_targets_from_the_submission_date(settings, team):
    request = submit()
    start = request.submitted_at
    steps = {step["key"]: step for step in actions.timeline(request)}
    assert steps["submitted"]["done"] == start
    assert steps["acknowledged"]["due"] == start + timedelta(days=5)
    assert steps["khrc"]["due"] == start + timedelta(days=30)
    assert steps["committee"]["due"] == start + timedelta(days=60)
    assert steps["delivered"]["due"] == start + timedelta(days=90)
    assert steps["delivered"]["latest"] == start + timedelta(days=120)
    assert "fee_quoted" not in steps and "expires" not in steps
    actions.acknowledge(request, team, "standard", "Looks straightforward.")
    request.refresh_from_db()
    assert actions.timeline(request)[1]["done"] == request.acknowledged_at
    settings.DATA_REQUEST_TARGET_DAYS = {"fulfilment": 80}
    assert request.fulfilment_due() == start + timedelta(days=80)


# --- suppression ------------------------------------------------------------------------------


def grid(cells, **extra):
    """A grid from its cells, or (no cells) a one-way table from its row totals."""
    rows = [f"r{i}" for i in range(len(cells) or len(extra.get("row_totals", [])))]
    columns = [f"c{j}" for j in range(len(cells[0]))] if cells and cells[0] else []
    return Grid(
        rows=rows,
        columns=columns,
        cells=cells,
        row_totals=extra.get("row_totals") or [sum(r) for r in cells],
        column_totals=extra.get("column_totals")
        or [sum(r[j] for r in cells) for j in range(len(columns))],
        total=extra.get("total", sum(map(sum, cells))),
    )


def test_small_cells_are_suppressed_and_zeros_shown():
    g = suppress(grid([], row_totals=[40, 5, 0, 11, 10], total=66), below=11)
    assert (1, None) in g.hidden and (4, None) in g.hidden  # 5 and 10
    assert (2, None) not in g.hidden and (3, None) not in g.hidden  # 0 and 11 are shown


def test_a_lone_suppressed_cell_gets_a_complement_so_the_total_cannot_reveal_it():
    # One-way table: 40, 30, 4 and the total 74; 4 alone would be 74 - 40 - 30.
    g = suppress(grid([], row_totals=[40, 30, 4], total=74), below=11)
    assert g.hidden == {(2, None), (1, None)}  # the next smallest cell goes too
    # Two-way: each row and column with one suppressed cell gets a complement.
    g = suppress(grid([[20, 3, 25], [30, 40, 50], [15, 20, 35]]), below=11)
    for line in g.lines():
        assert len([key for key in line if key in g.hidden]) != 1


def test_when_only_the_total_is_left_it_is_suppressed():
    g = suppress(grid([], row_totals=[0, 4], total=4), below=11)
    assert (1, None) in g.hidden and (None, None) in g.hidden
    g = suppress(grid([], row_totals=[15, 0], total=15), below=11)
    assert g.hidden == set()


def test_the_threshold_is_a_setting(settings):
    settings.DATA_REQUEST_SUPPRESS_BELOW = 5
    g = suppress(grid([], row_totals=[6, 4, 3, 20], total=33), below=suppress_below())
    assert g.hidden == {(1, None), (2, None)}  # 6 is shown below 5 (it would not be below 11)


# --- the extract -------------------------------------------------------------------------------


def read_zip(extract):
    with actions.extract_storage().open(extract.file_name, "rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    return {name: archive.read(name).decode() for name in archive.namelist()}


def rows_of(text):
    return list(csv.reader(io.StringIO(text)))


def test_the_extract_counts_hmis_people_suppresses_small_cells_and_has_no_identifiers(
    hmis_world, team, member
):
    request = approve_both(submit(), team, member)
    mail.outbox.clear()
    extract = actions.fulfil(request, team, ["project_type", "age_group", "sex"], days=30)
    files = read_zip(extract)
    assert set(files) == {
        "README.txt",
        "people_by_project_type.csv",
        "people_by_age_group.csv",
        "people_by_sex.csv",
    }
    by_type = {row[0]: row[-1] for row in rows_of(files["people_by_project_type.csv"])[1:]}
    # 15 in the shelter (the earlier stay is out of the period), 3 in PSH (suppressed, and the
    # shelter with it, or 18 - 15 would give it away), the survivors never.
    assert by_type["PH - Permanent Supportive Housing"] == "<11"
    assert by_type["Emergency Shelter - Entry Exit"] == "<11"
    assert by_type["Total"] == "18"
    by_age = {row[0]: row[-1] for row in rows_of(files["people_by_age_group.csv"])[1:]}
    assert by_age["5-12"] == "<11" and by_age["Total"] == "18"
    everything = "\n".join(files.values())
    for word in ("Shelterfirst", "Shelterlast", "Survivor", "Gone", "1990-01-01"):
        assert word not in everything
    for person in hmis_world["people"]:
        assert person.personal_id not in everything
    assert extract.people == 18 and extract.suppressed_cells > 0
    request.refresh_from_db()
    assert request.status == Status.DELIVERED and request.delivered_at
    delivered = next(m for m in mail.outbox if m.to == ["dana@university.example"])
    assert f"/data-requests/extract/{extract.token}/" in delivered.body


def test_identifiers_only_when_the_committee_approved_them_and_only_those(hmis_world, team, member):
    plain = approve_both(submit(), team, member)
    errors = errors_of(lambda: actions.fulfil(plain, team, ["sex"], identifier_columns=["name"]))
    assert "committee approved" in errors["identifier_columns"][0]
    asking = submit(identifiers_requested=True, identifiers_justification="Record linkage.")
    asking = approve_both(asking, team, member, approved=["name"])
    errors = errors_of(
        lambda: actions.fulfil(asking, team, ["sex"], identifier_columns=["name", "ssn"])
    )
    assert "committee approved" in errors["identifier_columns"][0]
    extract = actions.fulfil(asking, team, ["sex"], identifier_columns=["name"])
    files = read_zip(extract)
    header, *rows = rows_of(files["client_level.csv"])
    assert header[:2] == ["research_id", "project_type"] and "first_name" in header
    assert "ssn" not in header and "dob" not in header and "personal_id" not in header
    assert len(rows) == 18 and "Shelterfirst" in files["client_level.csv"]
    assert "Survivor" not in files["client_level.csv"]


def test_the_link_expires_and_the_file_is_removed(hmis_world, team, member):
    request = approve_both(submit(), team, member)
    extract = actions.fulfil(request, team, ["sex"], days=1)
    found, handle = actions.open_extract(extract.token)
    handle.close()
    extract.refresh_from_db()
    assert extract.downloads == 1 and extract.last_downloaded_at
    assert request.events.filter(kind=DataRequestEvent.Kind.DOWNLOADED).count() == 1
    later = timezone.now() + timedelta(days=2)
    assert actions.expire_extracts(now=later) == 1
    extract.refresh_from_db()
    assert extract.expired_at and not actions.extract_storage().exists(extract.file_name)
    with pytest.raises(actions.ExtractGone):
        actions.open_extract(extract.token)
    steps = {step["key"]: step for step in actions.timeline(request)}
    assert steps["expires"]["done"]


def test_an_expired_link_is_refused_before_the_file_is_removed(hmis_world, team, member):
    request = approve_both(submit(), team, member)
    extract = actions.fulfil(request, team, ["sex"], days=1)
    type(extract).objects.filter(pk=extract.pk).update(expires_at=timezone.now())
    with pytest.raises(actions.ExtractGone):
        actions.open_extract(extract.token)


def test_fulfil_checks_what_it_is_asked(hmis_world, team, member, outsider):
    request = submit()
    assert errors_of(lambda: actions.fulfil(request, team, ["sex"]))["__all__"]
    request = approve_both(request, team, member)
    with pytest.raises(PermissionDenied):
        actions.fulfil(request, outsider, ["sex"])
    assert errors_of(lambda: actions.fulfil(request, team, []))["dimensions"] == [
        "Choose at least one table."
    ]
    assert errors_of(lambda: actions.fulfil(request, team, ["sex"], days=365))["days"]


# --- access --------------------------------------------------------------------------------


def test_only_the_team_sees_every_request_and_committee_members_theirs(team, member, outsider):
    waiting = submit(title="For the committee")
    actions.record_decision(waiting, team, Body.KHRC, "approve")
    submit(title="Still with KHRC")
    assert actions.visible_requests(team).count() == 2
    assert [r.title for r in actions.visible_requests(member)] == ["For the committee"]
    with pytest.raises(PermissionDenied):
        actions.visible_requests(outsider)
    other_member = make_member("other@committee.example")
    assert actions.visible_requests(other_member).count() == 1


def test_a_broken_down_table_leaves_no_line_with_a_single_suppressed_cell(hmis_world, team, member):
    from sunflower.datarequests.extract import stays, suppress, table

    found = stays(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    g = suppress(table(found, "sex", "project_type"), below=suppress_below())
    assert g.columns == ["Emergency Shelter - Entry Exit", "PH - Permanent Supportive Housing"]
    assert g.hidden  # PSH's 3 people
    for line in g.lines():
        assert len([key for key in line if key in g.hidden]) != 1
    request = approve_both(submit(), team, member)
    extract = actions.fulfil(request, team, ["sex", "destination"], breakdown="project_type")
    files = read_zip(extract)
    assert "people_by_sex_and_project_type.csv" in files
    header = rows_of(files["people_by_destination_and_project_type.csv"])[0]
    assert header == ["Exit destination", *g.columns, "Total"]


def test_the_expiry_command_removes_expired_files(hmis_world, team, member):
    from django.core.management import call_command

    request = approve_both(submit(), team, member)
    extract = actions.fulfil(request, team, ["sex"], days=1)
    type(extract).objects.filter(pk=extract.pk).update(expires_at=timezone.now())
    out = io.StringIO()
    call_command("datarequests-expire", stdout=out)
    assert "1 expired extract" in out.getvalue()
    assert not actions.extract_storage().exists(extract.file_name)


def test_the_demo_requests_are_made_once(team):
    from sunflower.datarequests import demo

    first = demo.load(team)
    again = demo.load(team)
    assert [r.pk for r in first] == [r.pk for r in again] and DataRequest.objects.count() == 2
    assert again[1].status == Status.COMMITTEE
