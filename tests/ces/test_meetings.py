"""CES meetings (case conferencing): scheduling, the agenda from the list, attendance, notes
and decisions, priority overrides (reason, rank, trace, audit), tasks, the minutes PDF, and
who may see what, the case-conferencing-only duty included (docs/ces-meetings.md)."""

from __future__ import annotations

import datetime as dt
import re
import zlib

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from sunflower.accounts.models import DutyAssignment, User
from sunflower.accounts.roles import Duty
from sunflower.ces import meetings, prioritization, referrals
from sunflower.ces.models import (
    AgendaItem,
    Attendance,
    FollowUpTask,
    ListEntry,
    Meeting,
    MeetingNote,
    PriorityOverride,
)
from sunflower.ces.testing import HOUSING_ANSWERS, sign_agreement

pytestmark = pytest.mark.ces


# --- helpers --------------------------------------------------------------------------------


def _meeting(ces, **fields) -> Meeting:
    values = {
        "title": "Region 81 case conferencing",
        "starts_at": timezone.now(),
        "location": "Room 2",
    }
    values.update(fields)
    return meetings.schedule_meeting(ces.coordinator, ces.region, **values)


def _started(ces, **fields) -> Meeting:
    return meetings.start_meeting(ces.coordinator, _meeting(ces, **fields))


def _entry(ces, **client_fields) -> ListEntry:
    entry = ces.assess(ces.household(**client_fields)).entry
    entry.refresh_from_db()
    return entry


def _low_and_high(ces):
    low = ces.assess(
        ces.household(last_name="Lowranked"), answers=dict(HOUSING_ANSWERS, mental_health="no")
    ).entry
    high = ces.assess(ces.household(last_name="Highranked")).entry
    low.refresh_from_db()
    high.refresh_from_db()
    assert (high.rank, low.rank) == (1, 2)
    return low, high


def _case_conferencing_user(ces, email="cc-only@example.org") -> User:
    user = User.objects.create_user(email, "pw-long-enough-1")
    DutyAssignment.objects.create(user=user, duty=Duty.CASE_CONFERENCING, region=ces.region)
    return user


def _login(client, user) -> None:
    sign_agreement(user)  # the CE Participation Agreement gate of CES pages
    client.force_login(user)


def _pdf_text(pdf: bytes) -> bytes:
    """The PDF's content streams, inflated, so the test reads what the pages draw."""
    parts = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            parts.append(stream)
    return b"\n".join(parts)


# --- scheduling and the agenda ----------------------------------------------------------------


def test_only_the_regions_coordinator_or_an_admin_schedules(ces):
    meeting = _meeting(ces)
    assert meeting.region == ces.region and meeting.created_by == ces.coordinator
    for user in (ces.access_point_user, ces.agency_user, ces.vsp_user):
        with pytest.raises(PermissionDenied):
            meetings.schedule_meeting(user, ces.region, "x", timezone.now(), "")
    with pytest.raises(PermissionDenied):  # coordinator of region 81 only
        meetings.schedule_meeting(ces.coordinator, ces.other_region, "x", timezone.now(), "")
    assert meetings.schedule_meeting(ces.admin, ces.other_region, "x", timezone.now(), "")


def test_agenda_has_top_households_stuck_referrals_and_new_openings(ces):
    low, high = _low_and_high(ces)
    elsewhere = ces.assess(ces.household(), region=ces.other_region).entry
    stuck_opening = ces.opening(title="Stuck PSH")
    referral = referrals.refer(
        ces.coordinator, stuck_opening.pk, low.pk, now=timezone.now() - dt.timedelta(days=5)
    )
    assert referral.decision_due < timezone.now()
    new_opening = ces.opening(title="New RRH unit")
    ces.opening(title="Other region's unit", region=ces.other_region)
    meeting = _meeting(ces)

    agenda = meetings.build_agenda(ces.coordinator, meeting, top_n=5)

    kinds = [(item.kind, item.entry_id, item.referral_id, item.opening_id) for item in agenda]
    assert kinds[0] == ("top", high.pk, None, None)  # low is referred: not "active" any more
    assert ("stuck", low.pk, referral.pk, stuck_opening.pk) in kinds
    assert ("opening", None, None, new_opening.pk) in kinds
    assert all(item.entry_id != elsewhere.pk for item in agenda)
    assert [item.order for item in agenda] == list(range(1, len(agenda) + 1))
    assert "Other region's unit" not in [meetings.agenda_text(item) for item in agenda]
    # Rebuilding is idempotent; a manual topic and a discussed household stay.
    AgendaItem.objects.create(meeting=meeting, order=99, kind="other", topic="Winter shelter")
    meetings.start_meeting(ces.coordinator, meeting)
    meetings.add_note(ces.coordinator, meeting, high, "Discussed.")
    again = meetings.build_agenda(ces.coordinator, meeting, top_n=5)
    assert sorted((i.kind, i.entry_id, i.referral_id, i.opening_id) for i in again) == sorted(
        [*kinds, ("other", None, None, None)]
    )
    assert len(again) == len(agenda) + 1
    with pytest.raises(PermissionDenied):
        meetings.build_agenda(ces.access_point_user, meeting)


def test_openings_since_the_previous_meeting_only(ces):
    old = ces.opening(title="Posted long ago")
    type(old).objects.filter(pk=old.pk).update(posted_at=timezone.now() - dt.timedelta(days=30))
    _meeting(ces, starts_at=timezone.now() - dt.timedelta(days=7))
    recent = ces.opening(title="Posted this week")
    meeting = _meeting(ces)
    agenda = meetings.build_agenda(ces.coordinator, meeting)
    assert [i.opening_id for i in agenda if i.kind == "opening"] == [recent.pk]


def test_attendance_records_the_agency_or_none(ces):
    meeting = _meeting(ces)
    cc_user = _case_conferencing_user(ces)
    row = meetings.record_attendance(ces.coordinator, meeting, ces.vsp_user, True)
    assert row.organization == ces.vsp_agency and row.present
    assert meetings.record_attendance(ces.coordinator, meeting, cc_user, True).organization is None
    meetings.record_attendance(ces.coordinator, meeting, ces.vsp_user, False)
    assert Attendance.objects.get(meeting=meeting, user=ces.vsp_user).present is False
    with pytest.raises(PermissionDenied):
        meetings.record_attendance(ces.vsp_user, meeting, ces.vsp_user, True)


# --- notes, overrides, tasks ----------------------------------------------------------------


def test_vsp_staff_and_case_conferencing_users_add_notes_while_in_progress(ces):
    entry = _entry(ces)
    meeting = _meeting(ces)
    with pytest.raises(ValidationError):  # not started yet
        meetings.add_note(ces.vsp_user, meeting, entry, "Too early")
    meetings.start_meeting(ces.coordinator, meeting)

    note = meetings.add_note(ces.vsp_user, meeting, entry, "Safety plan in place.", "Refer next")
    assert note.written_by == ces.vsp_user and note.decision == "Refer next"
    assert meetings.add_note(_case_conferencing_user(ces), meeting, None, "General remark")
    with pytest.raises(ValidationError) as error:
        meetings.add_note(ces.vsp_user, meeting, entry, "  ")
    assert "Write the note" in str(error.value)
    elsewhere = ces.assess(ces.household(), region=ces.other_region).entry
    with pytest.raises(ValidationError):
        meetings.add_note(ces.vsp_user, meeting, elsewhere, "Wrong region")
    other_cc = User.objects.create_user("cc-other@example.org", "pw-long-enough-1")
    DutyAssignment.objects.create(
        user=other_cc, duty=Duty.CASE_CONFERENCING, region=ces.other_region
    )
    with pytest.raises(PermissionDenied):
        meetings.add_note(other_cc, meeting, None, "Not my region")


def test_access_point_user_cannot_decide_an_override(ces):
    entry = _entry(ces)
    meeting = _started(ces)
    with pytest.raises(PermissionDenied):
        meetings.decide_override(ces.access_point_user, meeting, entry, 2, "Medical urgency")
    assert not PriorityOverride.objects.exists()


def test_override_reason_is_required(ces):
    entry = _entry(ces)
    meeting = _started(ces)
    with pytest.raises(ValidationError) as error:
        meetings.decide_override(ces.coordinator, meeting, entry, 2, "   ")
    assert "Record the reason for the override" in str(error.value)
    with pytest.raises(ValidationError):
        meetings.decide_override(ces.coordinator, meeting, entry, 0, "No tier")
    entry.refresh_from_db()
    assert entry.override_tier == 0 and not PriorityOverride.objects.exists()


def test_override_needs_a_meeting_in_progress(ces):
    entry = _entry(ces)
    meeting = _meeting(ces)
    with pytest.raises(ValidationError):
        meetings.decide_override(ces.coordinator, meeting, entry, 1, "Early")


def test_override_changes_rank_shows_in_trace_and_is_audited(ces):
    low, high = _low_and_high(ces)
    meeting = _started(ces)

    override = meetings.decide_override(
        ces.coordinator, meeting, low, 2, "Medical fragility: hospital discharge next week"
    )

    low.refresh_from_db()
    high.refresh_from_db()
    assert (low.rank, high.rank) == (1, 2)
    assert low.override_tier == 2
    rules, _days = prioritization.active_rules(ces.region)
    line = prioritization.trace(low, rules)[0]
    assert line.label == "CES meeting override" and line.value == "tier +2"
    assert low.rank_changes.filter(cause=meetings.OVERRIDE_CAUSE).exists()
    logged = [
        e for e in LogEntry.objects.get_for_object(low) if "override_tier" in (e.changes_dict or {})
    ]
    assert logged and logged[0].changes_dict["override_tier"][1] == "2"
    assert LogEntry.objects.get_for_object(override).exists()

    # A new decision replaces the active one; revoking puts the household back.
    second = meetings.decide_override(ces.coordinator, meeting, low, 1, "Still urgent")
    override.refresh_from_db()
    assert override.revoked_at is not None and meetings.active_override(low) == second
    with pytest.raises(ValidationError):
        meetings.revoke_override(ces.coordinator, second, "")
    meetings.revoke_override(ces.coordinator, second, "Housed by family")
    low.refresh_from_db()
    assert (low.override_tier, low.rank) == (0, 2)
    assert MeetingNote.objects.filter(entry=low, decision="Housed by family").exists()
    second.refresh_from_db()
    assert (second.revoke_reason, second.revoked_by) == ("Housed by family", ces.coordinator)


def test_tasks_are_added_by_the_coordinator_and_completed_by_the_assignee(ces):
    entry = _entry(ces)
    meeting = _started(ces)
    due = timezone.localdate() + dt.timedelta(days=7)
    task = meetings.add_task(
        ces.coordinator, meeting, entry, "Call the landlord", ces.vsp_user, due
    )
    with pytest.raises(PermissionDenied):
        meetings.add_task(ces.vsp_user, meeting, None, "x", ces.vsp_user, due)
    with pytest.raises(ValidationError) as error:
        meetings.add_task(ces.coordinator, meeting, None, "", None, None)
    assert set(error.value.error_dict) == {"description", "assignee", "due_on"}
    with pytest.raises(PermissionDenied):
        meetings.complete_task(ces.agency_user, task)
    meetings.complete_task(ces.vsp_user, task)
    assert FollowUpTask.objects.get(pk=task.pk).done_at is not None


# --- who sees the list ----------------------------------------------------------------------


def test_case_conferencing_user_sees_the_list_only_during_the_meeting(ces, client):
    entry = _entry(ces, first_name="Robin", last_name="Quartermaine")
    cc_user = _case_conferencing_user(ces)
    meeting = _meeting(ces)
    meetings.build_agenda(ces.coordinator, meeting)
    _login(client, cc_user)
    url = reverse("ces_meeting", args=[meeting.pk])

    before = client.get(url)
    assert before.status_code == 200
    assert not meetings.may_see_list_in_meeting(cc_user, meeting)
    assert "Robin" not in before.content.decode()
    assert 'data-testid="list-hidden"' in before.content.decode()
    assert client.get(reverse("ces_meeting_minutes", args=[meeting.pk])).status_code == 403

    meetings.start_meeting(ces.coordinator, meeting)
    during = client.get(url)
    assert meetings.may_see_list_in_meeting(cc_user, meeting)
    page = during.content.decode()
    assert 'data-testid="region-list"' in page and f'data-testid="entry-{entry.pk}"' in page
    assert "Robin Q." in page and "Quartermaine" not in page
    assert LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, object_pk=str(entry.pk), actor=cc_user
    ).exists()

    meetings.end_meeting(ces.coordinator, meeting)
    assert not meetings.may_see_list_in_meeting(cc_user, meeting)
    assert "Robin" not in client.get(url).content.decode()

    for path in ("/ces/", "/clients/", reverse("ces_regional_list")):
        assert client.get(path).status_code == 403, path


def test_meetings_index_shows_only_the_regions_a_user_may_attend(ces, client):
    mine = _meeting(ces, title="Region 81 meeting")
    theirs = meetings.schedule_meeting(
        ces.admin, ces.other_region, "Region 82 meeting", timezone.now(), ""
    )
    cc_user = _case_conferencing_user(ces)
    assert list(meetings.visible_meetings(cc_user)) == [mine]
    assert set(meetings.visible_meetings(ces.vsp_user)) == {mine, theirs}

    _login(client, cc_user)
    page = client.get(reverse("ces_meetings")).content.decode()
    assert "Region 81 meeting" in page and "Region 82 meeting" not in page
    assert 'data-testid="schedule-form"' not in page
    assert client.get(reverse("ces_meeting", args=[theirs.pk])).status_code == 403


def test_a_user_without_meeting_access_gets_403(ces, client):
    nobody = User.objects.create_user("nobody@example.org", "pw-long-enough-1")
    meeting = _meeting(ces)
    _login(client, nobody)
    assert client.get(reverse("ces_meetings")).status_code == 403
    assert client.get(reverse("ces_meeting", args=[meeting.pk])).status_code == 403
    assert client.get(reverse("ces_meeting_minutes", args=[meeting.pk])).status_code == 403


# --- pages ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who", ["coordinator", "admin", "access_point_user", "agency_user", "vsp_user"]
)
def test_meeting_pages_open_for_every_ces_role(ces, client, who):
    meeting = _started(ces)
    _login(client, getattr(ces, who))
    assert client.get(reverse("ces_meetings")).status_code == 200
    page = client.get(reverse("ces_meeting", args=[meeting.pk]))
    assert page.status_code == 200
    runs = who in ("coordinator", "admin")
    assert ('data-testid="override-form"' in page.content.decode()) is runs
    assert 'data-testid="note-form"' in page.content.decode()


def test_coordinator_schedules_and_runs_a_meeting_through_the_pages(ces, client):
    entry = _entry(ces)
    _login(client, ces.coordinator)
    response = client.post(
        reverse("ces_meetings"),
        {
            "region": ces.region.pk,
            "title": "June meeting",
            "starts_at": "2026-06-02T10:00",
            "location": "Call link",
        },
    )
    meeting = Meeting.objects.get(title="June meeting")
    assert response.status_code == 302 and response.url == reverse("ces_meeting", args=[meeting.pk])
    # a form with an error keeps what was typed
    bad = client.post(
        reverse("ces_meetings"),
        {
            "region": ces.region.pk,
            "title": "Typed title",
            "starts_at": "not a date",
        },
    )
    assert bad.status_code == 200 and 'value="Typed title"' in bad.content.decode()

    step = lambda name: reverse("ces_meeting_step", args=[meeting.pk, name])  # noqa: E731
    assert client.post(step("agenda")).status_code == 302
    assert client.post(step("start")).status_code == 302
    assert (
        client.post(step("attendance"), {"email": "vsp@example.org", "present": "on"}).status_code
        == 302
    )
    assert Attendance.objects.filter(meeting=meeting, user=ces.vsp_user).exists()

    missing_reason = client.post(step("override"), {"entry": entry.pk, "tier": "2", "reason": ""})
    page = missing_reason.content.decode()
    assert missing_reason.status_code == 200
    assert "Record the reason for the override" in page
    assert f'<option value="{entry.pk}" selected' in page
    assert not PriorityOverride.objects.exists()

    assert (
        client.post(
            step("override"), {"entry": entry.pk, "tier": "2", "reason": "Urgent"}
        ).status_code
        == 302
    )
    entry.refresh_from_db()
    assert entry.override_tier == 2
    shown = client.get(reverse("ces_meeting", args=[meeting.pk])).content.decode()
    assert "Urgent" in shown and "tier +2" in shown

    assert (
        client.post(step("note"), {"entry": entry.pk, "note": "Talked", "decision": ""}).status_code
        == 302
    )
    assert (
        client.post(
            step("task"),
            {
                "entry": "",
                "description": "Send documents",
                "assignee": ces.vsp_user.pk,
                "due_on": "2026-06-09",
            },
        ).status_code
        == 302
    )
    task = FollowUpTask.objects.get()
    assert client.post(step("task-done"), {"task": task.pk}).status_code == 302
    assert client.post(step("end")).status_code == 302
    meeting.refresh_from_db()
    assert meeting.ended_at is not None


def test_access_point_user_gets_403_posting_an_override(ces, client):
    entry = _entry(ces)
    meeting = _started(ces)
    _login(client, ces.access_point_user)
    response = client.post(
        reverse("ces_meeting_step", args=[meeting.pk, "override"]),
        {"entry": entry.pk, "tier": "2", "reason": "Urgent"},
    )
    assert response.status_code == 403
    assert not PriorityOverride.objects.exists()


def test_vsp_adds_a_note_through_the_page(ces, client):
    entry = _entry(ces)
    meeting = _started(ces)
    _login(client, ces.vsp_user)
    response = client.post(
        reverse("ces_meeting_step", args=[meeting.pk, "note"]),
        {"entry": entry.pk, "note": "Survivor-safe plan", "decision": ""},
    )
    assert response.status_code == 302
    assert MeetingNote.objects.get().written_by == ces.vsp_user


def test_the_pages_use_csrf(ces):
    from django.test import Client

    meeting = _started(ces)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(ces.coordinator)
    response = strict.post(reverse("ces_meeting_step", args=[meeting.pk, "end"]))
    assert response.status_code == 403


def test_meeting_detail_query_count_is_bounded(ces, client, django_assert_max_num_queries):
    entries = [_entry(ces) for _ in range(3)]
    meeting = _started(ces)
    meetings.build_agenda(ces.coordinator, meeting)
    for entry in entries:
        meetings.add_note(ces.vsp_user, meeting, entry, "Note")
    meetings.decide_override(ces.coordinator, meeting, entries[2], 1, "Reason")
    meetings.add_task(
        ces.coordinator, meeting, entries[0], "Task", ces.coordinator, timezone.localdate()
    )
    meetings.record_attendance(ces.coordinator, meeting, ces.vsp_user, True)
    _login(client, ces.coordinator)

    # session, user, the agreement gate (2), the meeting, duties, memberships, attendance,
    # agenda, notes, overrides, tasks, the list and its active overrides (14 so far), one
    # audit entry per household shown (3), and the session save (3): 20, fixed but for the
    # one audit entry per household.
    with django_assert_max_num_queries(20):
        response = client.get(reverse("ces_meeting", args=[meeting.pk]))
    assert response.status_code == 200


# --- minutes --------------------------------------------------------------------------------


def test_minutes_pdf_has_the_meeting_and_no_personal_data(ces, client):
    entry = _entry(ces, first_name="Alexandra", last_name="Vandermeer")
    deidentified = ListEntry.objects.create(
        region=ces.region,
        vsp_organization=ces.vsp_agency,
        alias="Blue Heron",
        household_type="adults",
        score=3,
    )
    prioritization.recompute(ces.region, "test")
    meeting = _started(ces)
    meetings.build_agenda(ces.coordinator, meeting)
    meetings.record_attendance(ces.coordinator, meeting, ces.vsp_user, True)
    meetings.add_note(ces.vsp_user, meeting, deidentified, "Survivor update", "Keep active")
    meetings.decide_override(ces.coordinator, meeting, entry, 2, "Discharge next week")
    meetings.add_task(
        ces.coordinator, meeting, entry, "Find documents", ces.coordinator, timezone.localdate()
    )
    meetings.end_meeting(ces.coordinator, meeting)

    pdf = meetings.minutes_pdf(meeting)

    assert pdf.startswith(b"%PDF")
    text = _pdf_text(pdf)
    assert b"Alexandra V." in text and b"Blue Heron" in text
    assert b"Discharge next week" in text and b"Keep active" in text
    assert b"Find documents" in text and b"CES Test Region" in text
    assert b"Vandermeer" not in text
    client_row = entry.client
    assert client_row.dob.strftime("%m/%d/%Y").encode() not in text
    assert client_row.dob.isoformat().encode() not in text

    _login(client, ces.vsp_user)
    response = client.get(reverse("ces_meeting_minutes", args=[meeting.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"ces-meeting-{meeting.pk}-minutes-" in disposition
    assert "Alexandra" not in disposition and "Vandermeer" not in disposition
    assert response.content.startswith(b"%PDF")
