"""Household enrollment and the project-start intake (sunflower/hmis/intake.py,
forms_intake.py, views_intake.py, requirements/, docs/intake.md). SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError

from sunflower.accounts.actions import hmis_user_for
from sunflower.accounts.roles import Role
from sunflower.hmis import elements
from sunflower.hmis import vocabulary as hud
from sunflower.hmis.forms_intake import IntakeForm, PriorLivingSituationForm, asked_questions
from sunflower.hmis.intake import MemberInput, enroll_household, required_elements
from sunflower.hmis.models import (
    Disabilities,
    EmploymentEducation,
    Enrollment,
    Funder,
    HealthAndDV,
    IncomeBenefits,
    ProjectCoC,
)
from sunflower.hmis.requirements import matrix
from sunflower.hmis.testing import make_client, make_enrollment, make_project

pytestmark = [pytest.mark.casemgmt, pytest.mark.django_db]

ENTRY = dt.date(2025, 6, 1)
UDES = ["3.01", "3.02", "3.03", "3.04", "3.06", "3.08", "3.10", "3.15"]
DISABILITIES = ["4.05", "4.06", "4.07", "4.08", "4.09", "4.10"]


@pytest.fixture
def agency_user(world):
    return world.user_with(Role.AGENCY_CES, organization=world.own_agency)


@pytest.fixture
def household(world, agency_user):
    ProjectCoC.objects.create(project=world.own_project, coc_code="KS-507", geocode="209999")
    hmis_user = hmis_user_for(agency_user)
    return [
        make_client(last_name="Head", dob=dt.date(1985, 2, 1), user=hmis_user),
        make_client(last_name="Spouse", dob=dt.date(1986, 3, 1), user=hmis_user),
        make_client(last_name="Child", dob=dt.date(2015, 4, 1), user=hmis_user),
    ]


def members(head, spouse, child):
    return [
        MemberInput(head, hud.RelationshipToHoH.SELF),
        MemberInput(spouse, hud.RelationshipToHoH.HEAD_OF_HOUSEHOLDS_SPOUSE_OR_PARTNER),
        MemberInput(child.pk, hud.RelationshipToHoH.HEAD_OF_HOUSEHOLDS_CHILD),
    ]


def fund(project, code):
    Funder.objects.create(
        project=project, funder=code, grant_id="G1", start_date=dt.date(2020, 1, 1)
    )


# --- 1. the requirement matrix ---------------------------------------------------------------


def test_matrix_loads_and_every_row_is_known():
    rows = matrix()
    assert {"3.917", "3.08", "4.02", "4.11", "4.12"} <= {r.element for r in rows}


def test_unfunded_shelter_asks_universal_elements_only(world):
    head = required_elements(world.own_project, "project_start", 1, 40)
    assert head == [*UDES[:5], "3.07", "3.08", "3.10", "3.15", "3.16", "3.917"]
    child = required_elements(world.own_project, "project_start", 2, 8)
    assert child == UDES  # no 3.07 veteran status, 3.16 or 3.917 for a child who is not head


def test_adult_non_head_gets_3917_but_not_enrollment_coc(world):
    spouse = required_elements(world.own_project, "project_start", 3, 39)
    assert "3.917" in spouse and "3.07" in spouse and "3.16" not in spouse


def test_esg_funded_shelter_adds_program_elements(world):
    fund(world.own_project, hud.FundingSource.HUD_ESG_EMERGENCY_SHELTER)
    adult = required_elements(world.own_project, "project_start", 3, 30)
    assert {"4.02", "4.03", "4.04", "4.11", *DISABILITIES} <= set(adult)
    child = required_elements(world.own_project, "project_start", 2, 5)
    # Health insurance and disabilities for every client; income and DV for heads and adults.
    assert {"4.04", *DISABILITIES} <= set(child)
    assert not {"4.02", "4.03", "4.11"} & set(child)


def test_coc_psh_head_child_gets_adult_elements(world):
    project = make_project(world.own_agency, project_type=3)
    fund(project, hud.FundingSource.HUD_COC_PERMANENT_SUPPORTIVE_HOUSING)
    minor_head = required_elements(project, "project_start", 1, 17)
    assert {"3.917", "4.02", "4.11", "3.16"} <= set(minor_head) and "3.07" not in minor_head


def test_current_living_situation_only_for_outreach_nbn_and_ce(world):
    outreach = make_project(world.own_agency, project_type=4)
    assert "4.12" in required_elements(outreach, "occurrence", 1, 30)
    assert "4.12" in required_elements(world.ce_project, "occurrence", 1, 30)
    assert "4.12" not in required_elements(world.own_project, "occurrence", 1, 30)
    assert "4.12" not in required_elements(outreach, "project_start", 1, 30)


def test_unknown_age_counts_as_adult(world):
    assert "3.917" in required_elements(world.own_project, "project_start", 2, None)


def test_ended_funder_does_not_count(world):
    Funder.objects.create(
        project=world.own_project,
        funder=8,
        grant_id="G",
        start_date=dt.date(2020, 1, 1),
        end_date=dt.date(2021, 1, 1),
    )
    assert "4.02" not in required_elements(world.own_project, "project_start", 1, 30, on=ENTRY)


# --- 2. enroll_household ---------------------------------------------------------------------


def test_enroll_household_of_three(world, agency_user, household):
    head, spouse, child = household
    result = enroll_household(agency_user, world.own_project, members(*household), ENTRY)
    assert [e.client for e in result] == [head, spouse, child]
    assert len({e.household_id for e in result}) == 1 and len(result[0].household_id) == 32
    assert [e.relationship_to_hoh for e in result] == [1, 3, 2]
    assert {e.enrollment_coc for e in result} == {"KS-507"}
    assert all(e.user == agency_user.hmis_user for e in result)
    assert all(e.data_source.is_native for e in result)
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Enrollment),
        object_pk__in=[str(e.pk) for e in result],
        action=LogEntry.Action.CREATE,
    )
    assert entries.count() == 3


@pytest.mark.parametrize(
    "relationships",
    [(1, 1, 2), (3, 3, 2)],
    ids=["two-heads", "no-head"],
)
def test_refuses_not_exactly_one_head(world, agency_user, household, relationships):
    given = [MemberInput(c, r) for c, r in zip(household, relationships, strict=True)]
    with pytest.raises(ValidationError) as error:
        enroll_household(agency_user, world.own_project, given, ENTRY)
    assert "members" in error.value.message_dict
    assert not Enrollment.objects.filter(client__in=household).exists()


def test_refuses_other_agency_project(world, agency_user, household):
    with pytest.raises(PermissionDenied):
        enroll_household(agency_user, world.other_project, members(*household), ENTRY)


def test_refuses_future_entry_date(world, agency_user, household):
    with pytest.raises(ValidationError) as error:
        enroll_household(
            agency_user,
            world.own_project,
            members(*household),
            dt.datetime.now(tz=dt.UTC).date() + dt.timedelta(days=2),
        )
    assert "entry_date" in error.value.message_dict


def test_refuses_member_already_enrolled_and_saves_nothing(world, agency_user, household):
    head, spouse, _ = household
    given = [MemberInput(head, 1), MemberInput(world.own_client, 3)]  # enrolled 2025-01-15
    with pytest.raises(ValidationError) as error:
        enroll_household(agency_user, world.own_project, given, ENTRY)
    assert "already enrolled" in str(error.value.message_dict["members"])
    assert not Enrollment.objects.filter(client=head).exists()


def test_refuses_client_the_user_may_not_see(world, agency_user, household):
    given = [MemberInput(household[0], 1), MemberInput(world.other_client, 3)]
    with pytest.raises(ValidationError):
        enroll_household(agency_user, world.own_project, given, ENTRY)


def test_several_cocs_require_a_choice(world, agency_user, household):
    ProjectCoC.objects.create(project=world.own_project, coc_code="KS-505", geocode="209998")
    with pytest.raises(ValidationError) as error:
        enroll_household(agency_user, world.own_project, members(*household), ENTRY)
    assert "enrollment_coc" in error.value.message_dict
    result = enroll_household(agency_user, world.own_project, members(*household), ENTRY, "KS-505")
    assert result[0].enrollment_coc == "KS-505"


def test_all_or_nothing(world, agency_user, household, monkeypatch):
    calls = {"n": 0}
    original = Enrollment.save

    def failing_save(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Enrollment, "save", failing_save)
    with pytest.raises(RuntimeError):
        enroll_household(agency_user, world.own_project, members(*household), ENTRY)
    assert not Enrollment.objects.filter(client__in=household).exists()


# --- 3. the 3.917 conditional logic ----------------------------------------------------------


def plf(**data):
    return PriorLivingSituationForm({k: str(v) for k, v in data.items()}, entry_date=ENTRY)


HISTORY = {
    "date_to_street_essh",
    "times_homeless_past_three_years",
    "months_homeless_past_three_years",
}


def test_literally_homeless_asks_history_not_threshold():
    assert asked_questions(116, 5, None) == {"living_situation", "length_of_stay", *HISTORY}


def test_institutional_threshold_is_90_days():
    assert "previous_street_essh" in asked_questions(207, 3, None)  # one month to 90 days
    assert asked_questions(207, 4, None) == {"living_situation", "length_of_stay"}  # 90+ days
    assert asked_questions(207, 3, 1) >= HISTORY
    assert not HISTORY & asked_questions(207, 3, 0)


def test_temporary_and_permanent_threshold_is_7_nights():
    assert "previous_street_essh" in asked_questions(335, 11, None)  # two to six nights
    assert "previous_street_essh" not in asked_questions(335, 2, None)  # one week or more
    assert "previous_street_essh" in asked_questions(411, 10, None)


def test_subsidised_rental_asks_subsidy_type():
    assert "rental_subsidy_type" in asked_questions(435, 5, None)


def test_homeless_form_requires_history_next_to_fields():
    form = plf(living_situation=116, length_of_stay=5)
    assert not form.is_valid()
    assert set(form.errors) == HISTORY


def test_homeless_form_valid_and_threshold_not_stored():
    form = plf(
        living_situation=101,
        length_of_stay=4,
        date_to_street_essh="2024-11-01",
        times_homeless_past_three_years=1,
        months_homeless_past_three_years=107,
        previous_street_essh=1,
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["previous_street_essh"] is None
    assert form.cleaned_data["los_under_threshold"] is None


def test_long_institutional_stay_discards_skipped_answers():
    form = plf(living_situation=204, length_of_stay=5, times_homeless_past_three_years=2)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["los_under_threshold"] == 0
    assert form.cleaned_data["times_homeless_past_three_years"] is None


def test_short_stay_then_street_requires_history():
    form = plf(living_situation=335, length_of_stay=11, previous_street_essh=1)
    assert not form.is_valid() and set(form.errors) == HISTORY
    form = plf(living_situation=335, length_of_stay=11)
    assert not form.is_valid() and set(form.errors) == {"previous_street_essh"}
    form = plf(living_situation=335, length_of_stay=11, previous_street_essh=0)
    assert form.is_valid() and form.cleaned_data["los_under_threshold"] == 1


def test_episode_start_after_entry_is_refused():
    form = plf(
        living_situation=116,
        length_of_stay=5,
        date_to_street_essh="2025-07-01",
        times_homeless_past_three_years=1,
        months_homeless_past_three_years=101,
    )
    assert not form.is_valid() and "date_to_street_essh" in form.errors


def test_living_situation_and_disabling_condition_required():
    form = IntakeForm({}, entry_date=ENTRY)
    assert not form.is_valid()
    assert {"living_situation", "disabling_condition"} <= set(form.errors)
    child = IntakeForm({"disabling_condition": "0"}, entry_date=ENTRY, ask_prior_living=False)
    assert child.is_valid()


# --- 4. pages --------------------------------------------------------------------------------


def page_data(world, household, **overrides):
    head, spouse, child = household
    data = {
        "project": str(world.own_project.pk),
        "entry_date": ENTRY.isoformat(),
        "enrollment_coc": "",
        "q": "",
        "action": "enroll",
        "member": [str(head.pk), str(spouse.pk), str(child.pk)],
        f"relationship_{head.pk}": "1",
        f"relationship_{spouse.pk}": "3",
        f"relationship_{child.pk}": "2",
    }
    data.update(overrides)
    return data


def test_enroll_then_intake_then_client_page(client, world, agency_user, household):
    client.force_login(agency_user)
    assert client.get("/enrollments/new/").status_code == 200
    response = client.post("/enrollments/new/", page_data(world, household))
    head = Enrollment.objects.get(client=household[0])
    assert response.status_code == 302 and response.url == f"/enrollments/{head.pk}/intake/"
    page = client.get(response.url)
    assert page.status_code == 200 and b"3.917" in page.content
    response = client.post(
        f"/enrollments/{head.pk}/intake/",
        {"living_situation": "116", "length_of_stay": "4"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="error-date_to_street_essh"' in html
    assert 'data-testid="error-disabling_condition"' in html
    assert '<option value="116" selected>' in html  # the typed answer is kept
    response = client.post(
        f"/enrollments/{head.pk}/intake/",
        {
            "living_situation": "116",
            "length_of_stay": "4",
            "date_to_street_essh": "2025-01-01",
            "times_homeless_past_three_years": "1",
            "months_homeless_past_three_years": "105",
            "disabling_condition": "1",
        },
    )
    assert response.status_code == 302 and response.url == f"/clients/{household[0].pk}/"
    head.refresh_from_db()
    assert (
        head.living_situation,
        head.disabling_condition,
        head.months_homeless_past_three_years,
    ) == (116, 1, 105)


def test_enroll_page_keeps_typed_values_on_error(client, world, agency_user, household):
    client.force_login(agency_user)
    data = page_data(world, household, **{f"relationship_{household[1].pk}": "1"})
    response = client.post("/enrollments/new/", data)
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="error-members"' in html
    assert f'value="{ENTRY.isoformat()}"' in html
    assert f'name="member" value="{household[2].pk}" id="member-{household[2].pk}" checked' in html
    assert not Enrollment.objects.filter(client__in=household).exists()


def test_enroll_page_future_date_error_next_to_field(client, world, agency_user, household):
    client.force_login(agency_user)
    future = (dt.datetime.now(tz=dt.UTC).date() + dt.timedelta(days=3)).isoformat()
    response = client.post("/enrollments/new/", page_data(world, household, entry_date=future))
    assert 'data-testid="error-entry_date"' in response.content.decode()


def test_search_adds_candidates(client, world, agency_user, household):
    client.force_login(agency_user)
    data = page_data(world, household, action="search", q="Spouse", member=[str(household[0].pk)])
    html = client.post("/enrollments/new/", data).content.decode()
    assert f'data-testid="member-{household[1].pk}"' in html


@pytest.mark.parametrize("role", [Role.VICTIM_SERVICE_PROVIDER, Role.ACCESS_POINT])
def test_vsp_and_access_point_get_403(client, world, role):
    client.force_login(world.user_with(role))
    assert client.get("/enrollments/new/").status_code == 403


def test_other_agency_intake_is_404(client, world, agency_user):
    client.force_login(agency_user)
    assert client.get(f"/enrollments/{world.other_enrollment.pk}/intake/").status_code == 404


# --- 5. the full project-start intake (element engine) ---------------------------------------


def element_answers(questions, prefix="el", overrides=None, context=None):
    """Valid POST data for `questions`: a "No"-like answer to each question the logic asks."""
    overrides = overrides or {}
    known = dict(context or {})
    data = {}
    for question in questions:
        if not question.is_asked(known):
            known[question.key] = None
            continue
        if question.key in overrides:
            value = overrides[question.key]
        elif question.required == "total":
            value = None  # left blank: the form computes the sum
        elif question.choices:
            codes = [code for code, _label in question.choices]
            value = 0 if 0 in codes else codes[0]
        elif question.field.endswith("date") or question.field.startswith("date"):
            value = ENTRY.isoformat()
        elif question.model_field.get_internal_type() == "CharField":
            value = "Other"
        else:
            value = 1
        known[question.key] = value
        data[f"{prefix}-{question.key}"] = "" if value is None else str(value)
    return data


PRIOR = {"living_situation": "116", "length_of_stay": "4", "date_to_street_essh": "2025-05-01"}
PRIOR |= {"times_homeless_past_three_years": "1", "months_homeless_past_three_years": "101"}


@pytest.fixture
def psh(world):
    project = make_project(world.own_agency, project_type=3, project_name="Sunflower PSH")
    fund(project, hud.FundingSource.HUD_COC_PERMANENT_SUPPORTIVE_HOUSING)
    ProjectCoC.objects.create(project=project, coc_code="KS-507", geocode="209999")
    head = make_enrollment(
        make_client(last_name="Head", dob=dt.date(1980, 1, 1)), project, entry_date=ENTRY
    )
    child = make_enrollment(
        make_client(last_name="Kid", dob=dt.date(2016, 1, 1)),
        project,
        entry_date=ENTRY,
        household_id=head.household_id,
        relationship_to_hoh=2,
    )
    return head, child


def intake_url(enrollment):
    return f"/enrollments/{enrollment.pk}/intake/"


def questions_of(enrollment):
    return elements.member_questions(enrollment, "project_start", enrollment.entry_date)


def test_psh_head_intake_writes_stage_1_rows(client, agency_user, psh):
    head, _child = psh
    client.force_login(agency_user)
    page = client.get(intake_url(head)).content.decode()
    for element in ("4.02", "4.03", "4.04", "4.05", "4.10", "4.11"):
        assert f'data-testid="element-{element}"' in page
    asked = questions_of(head)
    data = {**PRIOR, "disabling_condition": "0"}
    data |= element_answers(
        asked.questions,
        overrides={"income_from_any_source": 1, "earned": 1, "earned_amount": "650"},
    )
    response = client.post(intake_url(head), data)
    assert response.status_code == 302, (
        response.context["form"].errors,
        response.context["elements_form"].errors,
    )
    income = IncomeBenefits.objects.get(enrollment=head)
    assert income.data_collection_stage == 1 and income.information_date == ENTRY
    assert income.total_monthly_income == Decimal("650.00") and income.ssi == 0
    assert income.ssi_amount is None and income.insurance_from_any_source == 0
    assert income.medicaid is None  # not asked after "No" to any insurance
    dv = HealthAndDV.objects.get(enrollment=head)
    assert (dv.domestic_violence_survivor, dv.when_occurred) == (0, None)
    rows = Disabilities.objects.filter(enrollment=head, data_collection_stage=1)
    assert sorted(rows.values_list("disability_type", flat=True)) == [5, 6, 7, 8, 9, 10]
    assert {r.information_date for r in rows} == {ENTRY}
    head.refresh_from_db()
    assert head.disabling_condition == 0 and head.living_situation == 116


def test_psh_child_intake_asks_insurance_and_disabilities_only(client, agency_user, psh):
    _head, child = psh
    client.force_login(agency_user)
    asked = questions_of(child)
    assert {q.element for q in asked.questions} == {"4.04", *DISABILITIES}
    page = client.get(intake_url(child)).content.decode()
    assert 'data-testid="element-4.02"' not in page and 'name="living_situation"' not in page
    data = {"disabling_condition": "0"} | element_answers(asked.questions)
    assert client.post(intake_url(child), data).status_code == 302
    income = IncomeBenefits.objects.get(enrollment=child)
    assert income.insurance_from_any_source == 0 and income.income_from_any_source is None
    assert not HealthAndDV.objects.filter(enrollment=child).exists()
    assert Disabilities.objects.filter(enrollment=child).count() == 6


def test_intake_twice_updates_the_same_rows(client, agency_user, psh):
    _head, child = psh
    client.force_login(agency_user)
    asked = questions_of(child)
    data = {"disabling_condition": "0"} | element_answers(asked.questions)
    client.post(intake_url(child), data)
    data["el-insurance_from_any_source"] = "99"
    client.post(intake_url(child), data)
    assert IncomeBenefits.objects.get(enrollment=child).insurance_from_any_source == 99
    assert Disabilities.objects.filter(enrollment=child).count() == 6


def test_invalid_intake_keeps_typed_values_and_writes_nothing(client, agency_user, psh):
    head, _child = psh
    client.force_login(agency_user)
    data = {**PRIOR, "disabling_condition": "0"}
    data |= element_answers(
        questions_of(head).questions,
        overrides={"income_from_any_source": 1, "earned": 1, "earned_amount": "650"},
    )
    data["el-earned_amount"] = "-5"
    data["el-domestic_violence_survivor"] = "1"  # then when/fleeing are required
    response = client.post(intake_url(head), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="error-earned_amount"' in html
    assert 'data-testid="error-when_occurred"' in html
    assert 'value="-5"' in html and 'data-testid="form-errors"' in html
    assert not IncomeBenefits.objects.exists() and not Disabilities.objects.exists()
    head.refresh_from_db()
    assert head.living_situation is None


def test_a_disability_makes_disabling_condition_yes(client, agency_user, psh):
    _head, child = psh
    client.force_login(agency_user)
    data = {"disabling_condition": "0"}
    data |= element_answers(questions_of(child).questions, overrides={"d6_disability_response": 1})
    response = client.post(intake_url(child), data)
    assert response.status_code == 200
    assert 'data-testid="error-disabling_condition"' in response.content.decode()
    assert not Disabilities.objects.exists()


def test_rhy_project_asks_r_elements(client, world, agency_user):
    project = make_project(world.own_agency, project_type=2, project_name="Youth TLP")
    fund(project, hud.FundingSource.HHS_RHY_TRANSITIONAL_LIVING_PROGRAM)
    youth = make_enrollment(
        make_client(last_name="Youth", dob=dt.date(2006, 5, 1)), project, entry_date=ENTRY
    )
    client.force_login(agency_user)
    page = client.get(intake_url(youth)).content.decode()
    for element in ("R1", "R4", "R5", "R6", "R7", "R10", "R11", "R12", "R13"):
        assert f'data-testid="element-{element}"' in page, element
    assert 'data-testid="element-R2"' not in page  # BCP status: Basic Center Program only
    data = {**PRIOR, "disabling_condition": "0"}
    data |= element_answers(
        questions_of(youth).questions,
        overrides={"referral_source": 7, "count_outreach_referral_approaches": "3"},
    )
    assert client.post(intake_url(youth), data).status_code == 302
    youth.refresh_from_db()
    assert (youth.referral_source, youth.count_outreach_referral_approaches) == (7, 3)
    assert youth.former_ward_child_welfare == 0 and youth.child_welfare_years is None
    education = EmploymentEducation.objects.get(enrollment=youth)
    assert education.data_collection_stage == 1 and education.employed == 0
    assert HealthAndDV.objects.get(enrollment=youth).general_health_status is not None
