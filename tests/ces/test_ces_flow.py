"""The CES vertical slice through the actions: assess (HUD 4.19), the list and its reasons,
openings and "why not", referral to move-in (HUD 4.20), declines, inactivity and restore."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sunflower.ces import eligibility, prioritization, referrals
from sunflower.ces.models import CesAssessment, ListEntry, Opening, Referral
from sunflower.ces.testing import HOUSING_ANSWERS, HOUSING_SCORE
from sunflower.hmis import models as hmis
from sunflower.hmis import vocabulary as hud

pytestmark = pytest.mark.ces


def test_assessment_scores_writes_hud_4_19_and_places_on_the_list(ces):
    enrollment = ces.household()

    record = ces.assess(enrollment)

    assert record.score == HOUSING_SCORE
    assert record.score_band == "High needs"  # 17: 15 and up
    assert record.recommended_intervention == "Permanent supportive housing"
    hud_row = record.hud_assessment
    assert hud_row.enrollment == enrollment and hud_row.client == enrollment.client
    assert hud_row.assessment_level == hud.AssessmentLevel.HOUSING_NEEDS_ASSESSMENT
    assert hud_row.prioritization_status == hud.PrioritizationStatus.PLACED_ON_PRIORITIZATION_LIST
    assert hud_row.assessment_location == "Coalition phone line"
    questions = hmis.AssessmentQuestions.objects.filter(assessment=hud_row)
    # answered questions only; the empty free-text note is not a row
    assert questions.count() == len([v for v in HOUSING_ANSWERS.values() if v not in ("", [])])
    assert questions.get(assessment_question__startswith="Which conditions").assessment_answer == (
        "Heart disease; Diabetes"
    )
    results = dict(
        hmis.AssessmentResults.objects.filter(assessment=hud_row).values_list(
            "assessment_result_type", "assessment_result"
        )
    )
    assert results["Total score"] == str(HOUSING_SCORE)
    assert results["Tool"].endswith("v1")
    entry = ListEntry.objects.get(client=enrollment.client)
    assert entry.region == ces.region and entry.rank == 1
    assert entry.monthly_income == 800
    assert entry.days_homeless >= 18 * 30
    assert set(entry.vulnerability_flags) == {"high_utilizer", "medical", "mental_health"}


def test_a_hidden_conditional_question_neither_scores_nor_is_recorded(ces):
    answers = dict(HOUSING_ANSWERS, physical_health="no")  # "Which conditions?" not asked now
    record = ces.assess(ces.household(), answers=answers)
    assert record.score == HOUSING_SCORE - 2 - 1
    assert not hmis.AssessmentQuestions.objects.filter(
        assessment=record.hud_assessment, assessment_question__startswith="Which conditions"
    ).exists()


def test_prevention_assessment_writes_4_19_but_does_not_place_on_the_list(ces):
    enrollment = ces.household()
    answers = {
        "current_housing": "rent",
        "notice": "yes",
        "days_left": 10,
        "within_14_days": "yes",
        "other_place": "no",
        "arrears": 1200,
        "monthly_income": 1500,
        "income_loss": "yes",
        "prior_homeless": "no",
        "children": "yes",
        "disability": "no",
        "fleeing_dv": "no",
    }
    record = ces.assess(enrollment, answers=answers, tool_version=ces.prevention_tool)
    assert record.score == 1 + 3 + 3 + 2 + 2 + 2 + 1
    assert record.score_band == "Imminent risk"
    assert record.hud_assessment.assessment_level == hud.AssessmentLevel.CRISIS_NEEDS_ASSESSMENT
    assert record.hud_assessment.prioritization_status == (
        hud.PrioritizationStatus.NOT_PLACED_ON_PRIORITIZATION_LIST
    )
    assert record.entry.status == ListEntry.Status.REMOVED and record.entry.rank is None


def test_assessment_refuses_bad_input_and_saves_nothing(ces):
    enrollment = ces.household()
    with pytest.raises(ValidationError) as error:
        ces.assess(enrollment, assessment_date=timezone.localdate() + dt.timedelta(days=1))
    assert "in the future" in str(error.value)
    with pytest.raises(ValidationError) as error:
        ces.assess(enrollment, assessment_date=timezone.localdate() - dt.timedelta(days=3))
    assert "paper" in str(error.value)
    assert not hmis.Assessment.objects.filter(enrollment=enrollment).exists()
    assert not ListEntry.objects.filter(client=enrollment.client).exists()


def test_paper_assessment_keeps_its_own_date(ces):
    enrollment = ces.household()
    day = timezone.localdate() - dt.timedelta(days=3)
    record = ces.assess(enrollment, assessment_date=day, entry_mode="paper")
    assert record.hud_assessment.assessment_date == day
    assert record.entry.assessed_on == day


def test_vsp_and_plain_agency_staff_cannot_assess(ces):
    enrollment = ces.household()
    with pytest.raises(PermissionDenied):
        ces.assess(enrollment, user=ces.vsp_user)
    assert not hmis.Assessment.objects.filter(enrollment=enrollment).exists()


def test_list_order_follows_the_rules_and_the_trace_explains_it(ces):
    low = ces.assess(ces.household(), answers=dict(HOUSING_ANSWERS, mental_health="no")).entry
    high = ces.assess(ces.household()).entry
    low.refresh_from_db()
    high.refresh_from_db()
    assert (high.rank, low.rank) == (1, 2)
    rules, _days = prioritization.active_rules(ces.region)
    trace = prioritization.trace(high, rules)
    assert trace[0].label == "Assessment score" and trace[0].value == str(HOUSING_SCORE)
    assert [line.label for line in trace][-1] == "Assessment date"
    # a rule change: the earliest assessment first, whatever the score
    prioritization.set_rules(
        ces.admin, ces.coc, [{"criterion": "assessed_on", "direction": "asc"}], 90
    )
    low.refresh_from_db()
    high.refresh_from_db()
    assert (low.rank, high.rank) == (1, 2)
    assert high.rank_changes.first().cause == "prioritization rules changed"
    assert high.rank_changes.first().old_rank == 1


def test_bad_rules_are_refused(ces):
    with pytest.raises(ValidationError) as error:
        prioritization.set_rules(ces.admin, ces.coc, [{"criterion": "shoe_size"}], 90)
    assert "unknown criterion" in str(error.value)
    with pytest.raises(PermissionDenied):
        prioritization.set_rules(ces.coordinator, ces.coc, prioritization.DEFAULT_RULES, 90)


def test_override_tier_ranks_first_and_shows_in_the_trace(ces):
    first = ces.assess(ces.household()).entry
    second = ces.assess(ces.household(), answers=dict(HOUSING_ANSWERS, legal="no")).entry
    second.override_tier = 1
    second.save()
    prioritization.recompute(ces.region, "override")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.rank, first.rank) == (1, 2)
    assert prioritization.trace(second, prioritization.DEFAULT_RULES)[0].label == (
        "CES meeting override"
    )


def test_inactive_after_days_without_contact_and_restore(ces):
    entry = ces.assess(ces.household()).entry
    later = timezone.localdate() + dt.timedelta(days=91)
    result = prioritization.recompute(ces.region, "nightly", today=later)
    entry.refresh_from_db()
    assert result.inactivated == 1
    assert entry.status == ListEntry.Status.INACTIVE and entry.rank is None
    prioritization.restore(ces.access_point_user, entry)
    entry.refresh_from_db()
    assert entry.status == ListEntry.Status.ACTIVE and entry.rank == 1


def test_why_not_and_the_eligible_list_agree(ces):
    veteran_entry = ces.assess(ces.household(veteran_status=1)).entry
    other = ces.assess(ces.household()).entry
    opening = ces.opening(requires_veteran=True, max_monthly_income=1000)
    eligible = list(eligibility.eligible_entries(opening))
    assert eligible == [veteran_entry]
    assert eligibility.why_not(opening, veteran_entry) == []
    assert eligibility.why_not(opening, other) == [
        "The opening is for veterans; no one in the household is one."
    ]
    tight = ces.opening(max_monthly_income=500, title="Low income unit")
    reasons = eligibility.why_not(tight, other)
    assert reasons == ["Monthly income $800 is above the limit of $500."]
    for entry in ListEntry.objects.all():
        for o in Opening.objects.all():
            assert (entry in eligibility.eligible_entries(o)) is (not eligibility.why_not(o, entry))


def test_referral_to_move_in_writes_4_20_and_leaves_the_list(
    ces, mailoutbox, django_capture_on_commit_callbacks
):
    enrollment = ces.household()
    entry = ces.assess(enrollment).entry
    opening = ces.opening()

    with django_capture_on_commit_callbacks(execute=True):
        referral = referrals.refer(ces.coordinator, opening.pk, entry.pk)
    entry.refresh_from_db()
    assert entry.status == ListEntry.Status.REFERRED
    event = referral.event
    assert event.event == hud.EventType.REFERRAL_TO_PSH_PROJECT_RESOURCE_OPENING
    assert event.enrollment == enrollment and event.referral_result is None
    assert ces.agency_user.notifications.count() == 1
    assert [m.to for m in mailoutbox] == [[ces.agency_user.email]]
    assert enrollment.client.first_name not in mailoutbox[0].body

    referrals.decide(ces.agency_user, referral, accept=True)
    event.refresh_from_db()
    assert event.referral_result == hud.ReferralResult.SUCCESSFUL_REFERRAL_CLIENT_ACCEPTED
    assert event.result_date == timezone.localdate()

    referrals.enroll(ces.agency_user, referral, timezone.localdate())
    referral.refresh_from_db()
    assert referral.enrollment.project == ces.psh
    referrals.move_in(ces.agency_user, referral, timezone.localdate())
    referral.refresh_from_db()
    referral.enrollment.refresh_from_db()
    entry.refresh_from_db()
    opening.refresh_from_db()
    assert referral.status == Referral.Status.MOVED_IN
    assert referral.enrollment.move_in_date == timezone.localdate()
    assert entry.status == ListEntry.Status.HOUSED and entry.rank is None
    assert opening.status == Opening.Status.FILLED


def test_agency_decline_needs_a_reason_and_puts_the_household_back(ces):
    entry = ces.assess(ces.household()).entry
    referral = referrals.refer(ces.coordinator, ces.opening().pk, entry.pk)
    with pytest.raises(ValidationError):
        referrals.decide(ces.agency_user, referral, accept=False, reason="")
    referrals.decide(ces.agency_user, referral, accept=False, reason="not_eligible")
    referral.refresh_from_db()
    entry.refresh_from_db()
    assert referral.event.referral_result == (
        hud.ReferralResult.UNSUCCESSFUL_REFERRAL_PROVIDER_REJECTED
    )
    assert entry.status == ListEntry.Status.ACTIVE and entry.rank == 1


def test_household_decline_records_client_rejected(ces):
    entry = ces.assess(ces.household()).entry
    referral = referrals.refer(ces.coordinator, ces.opening().pk, entry.pk)
    referrals.household_declines(ces.access_point_user, referral, "location")
    referral.refresh_from_db()
    assert referral.status == Referral.Status.DECLINED_HOUSEHOLD
    assert referral.event.referral_result == (
        hud.ReferralResult.UNSUCCESSFUL_REFERRAL_CLIENT_REJECTED
    )


def test_only_the_receiving_agency_decides(ces):
    entry = ces.assess(ces.household()).entry
    referral = referrals.refer(ces.coordinator, ces.opening().pk, entry.pk)
    for outsider in (ces.access_point_user, ces.vsp_user, ces.coordinator):
        with pytest.raises(PermissionDenied):
            referrals.decide(outsider, referral, accept=True)
    assert Referral.objects.get(pk=referral.pk).status == Referral.Status.PENDING


def test_second_referral_to_a_taken_opening_gets_a_clear_message(ces):
    first = ces.assess(ces.household()).entry
    second = ces.assess(ces.household()).entry
    opening = ces.opening()
    referrals.refer(ces.coordinator, opening.pk, first.pk)
    with pytest.raises(referrals.ReferralConflict) as error:
        referrals.refer(ces.access_point_user, opening.pk, second.pk)
    assert "no longer available" in str(error.value)
    assert Referral.objects.filter(opening=opening).count() == 1


def test_ineligible_referral_is_refused_with_the_reason(ces):
    entry = ces.assess(ces.household()).entry
    opening = ces.opening(requires_veteran=True)
    with pytest.raises(ValidationError) as error:
        referrals.refer(ces.coordinator, opening.pk, entry.pk)
    assert "veterans" in str(error.value)


def test_vsp_cannot_refer(ces):
    entry = ces.assess(ces.household()).entry
    with pytest.raises(PermissionDenied):
        referrals.refer(ces.vsp_user, ces.opening().pk, entry.pk)


def test_deadlines_remind_then_escalate_once(ces, mailoutbox):
    entry = ces.assess(ces.household()).entry
    referral = referrals.refer(ces.coordinator, ces.opening().pk, entry.pk)
    soon = referral.decision_due - dt.timedelta(hours=2)
    assert referrals.check_deadlines(soon) == referrals.DeadlineRun(reminded=1, escalated=0)
    assert referrals.check_deadlines(soon) == referrals.DeadlineRun(reminded=0, escalated=0)
    late = referral.decision_due + dt.timedelta(minutes=1)
    assert referrals.check_deadlines(late) == referrals.DeadlineRun(reminded=0, escalated=1)
    assert referrals.check_deadlines(late) == referrals.DeadlineRun(reminded=0, escalated=0)
    assert ces.coordinator.notifications.filter(subject__startswith="Overdue").count() == 1


def test_decision_report_per_agency(ces):
    entry = ces.assess(ces.household()).entry
    referral = referrals.refer(ces.coordinator, ces.opening().pk, entry.pk)
    Referral.objects.filter(pk=referral.pk).update(
        referred_at=timezone.now() - dt.timedelta(hours=30)
    )
    referrals.decide(ces.agency_user, Referral.objects.get(pk=referral.pk), accept=True)
    (row,) = referrals.decision_report(Referral.objects.all())
    assert row.organization == "Prairie Housing"
    assert (row.referrals, row.decided, row.pending, row.late) == (1, 1, 0, 0)
    assert 29.9 < row.median_hours < 30.1


def test_assessment_keeps_its_tool_version(ces):
    from sunflower.ces.assessments import new_draft, publish

    record = ces.assess(ces.household())
    draft = new_draft(ces.admin, ces.housing_tool.tool)
    draft.definition["bands"][0]["label"] = "Lowest needs"
    draft.save()
    publish(ces.admin, draft)
    record.refresh_from_db()
    ces.housing_tool.refresh_from_db()
    assert record.tool_version.number == 1 and record.tool_version.status == "retired"
    assert ces.housing_tool.tool.published_version().number == 2
    assert (
        CesAssessment.objects.get(pk=record.pk).tool_version.definition["bands"][0]["label"]
        == "Lower needs"
    )


def test_daily_task_inactivates_households_without_contact(ces):
    from sunflower.ces.tasks import recompute_lists

    entry = ces.assess(ces.household()).entry
    ListEntry.objects.filter(pk=entry.pk).update(
        last_contact_on=timezone.localdate() - dt.timedelta(days=120)
    )
    assert recompute_lists.delay().get() == {"ranked": 0, "inactivated": 1}
    entry.refresh_from_db()
    assert entry.status == ListEntry.Status.INACTIVE
