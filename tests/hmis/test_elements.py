"""The HUD data element engine and its tables (sunflower/hmis/elements.py, forms_elements.py,
requirements/elements.csv and matrix.csv, docs/intake.md). SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from sunflower.hmis import elements
from sunflower.hmis import vocabulary as hud
from sunflower.hmis.forms_elements import ElementsForm
from sunflower.hmis.requirements import funder_groups, matrix, required_for

pytestmark = [pytest.mark.casemgmt, pytest.mark.django_db]

COC_PSH = {hud.FundingSource.HUD_COC_PERMANENT_SUPPORTIVE_HOUSING}
HOPWA = {hud.FundingSource.HUD_HOPWA_PERMANENT_HOUSING}
RHY_TLP = {hud.FundingSource.HHS_RHY_TRANSITIONAL_LIVING_PROGRAM}
RHY_SOP = {hud.FundingSource.HHS_RHY_STREET_OUTREACH_PROJECT}
SSVF = {hud.FundingSource.VA_SUPPORTIVE_SERVICES_FOR_VETERAN_FAMILIES}
DISABILITIES = ["4.05", "4.06", "4.07", "4.08", "4.09", "4.10"]
# Elements of the matrix that other pages collect (client record, enrollment, 3.917/3.08
# form, exit destination) or that are occurrences, not stage questions.
NOT_ENGINE = {"3.01", "3.02", "3.03", "3.04", "3.06", "3.07", "3.08", "3.10", "3.15", "3.16"}
NOT_ENGINE |= {"3.917", "4.12"}


def form(elements_list, data, funders=COC_PSH, context=None):
    questions = elements.questions_for(elements_list, funders)
    bound = ElementsForm(data, questions=questions, context=context or {})
    bound.is_valid()
    return bound


# --- the tables ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data_element, element",
    [("4.02.A", "4.02"), ("3.917.2 A, 3.917.2 B", "3.917"), ("R13.9", "R13"), ("W5.AB", "W5")],
)
def test_element_of(data_element, element):
    assert elements.element_of(data_element) == element


def test_every_question_writes_a_column_of_its_element_in_the_spec():
    spec = elements.spec_columns()
    for question in elements.all_questions():
        question.model_field  # noqa: B018 - raises FieldDoesNotExist for a typo
        if question.model == "Disabilities" and question.element in DISABILITIES:
            continue  # 4.05–4.10 are rows of Disabilities (DisabilityType), no data_element
        assert (question.model, question.field) in spec[question.element], question


def test_every_condition_names_an_earlier_question_or_a_record_value():
    seen: dict[str, set[str]] = {}
    for question in elements.all_questions():
        known = set().union(*seen.values()) | {"veteran_status"}
        for clause in question.ask_when:
            for key, _values in clause:
                assert key in known, (question.key, key)
        seen.setdefault(question.element, set()).add(question.key)


def test_every_engine_element_of_the_matrix_has_questions():
    defined = set(elements.defined_elements())
    for row in matrix():
        if row.element not in NOT_ENGINE:
            assert row.element in defined, row.element
    assert {"R1", "R17", "P3", "P4", "V1", "V7", "W3", "W5", "C3"} <= defined


def test_funder_groups_are_known():
    groups = funder_groups()
    assert groups["RHY_RESIDENTIAL"] == frozenset({22, 23, 24, 26})
    assert 25 not in groups["RHY_RESIDENTIAL"] and 25 in groups["RHY"]


# --- the matrix stages ---------------------------------------------------------------------------


def test_annual_asks_income_benefits_insurance_not_disabilities():
    adult = required_for(3, COC_PSH, "annual", is_head=True, is_adult=True)
    assert adult == ["4.02", "4.03", "4.04"]
    child = required_for(3, COC_PSH, "annual", is_head=False, is_adult=False)
    assert child == ["4.04"]
    assert required_for(1, set(), "annual", is_head=True, is_adult=True) == []


def test_update_and_exit_stages():
    update = required_for(3, COC_PSH, "update", is_head=True, is_adult=True)
    assert {"4.02", "4.04", "4.11", *DISABILITIES} <= set(update)
    exit_ = required_for(3, COC_PSH, "exit", is_head=True, is_adult=True)
    assert {"4.02", "4.03", "4.04", *DISABILITIES} <= set(exit_) and "4.11" not in exit_


def test_rhy_residential_and_street_outreach():
    tlp = required_for(2, RHY_TLP, "project_start", is_head=True, is_adult=False)
    assert {"R1", "R4", "R5", "R6", "R7", "R10", "R11", "R12", "R13"} <= set(tlp)
    sop = required_for(4, RHY_SOP, "project_start", is_head=True, is_adult=False)
    assert "R1" in sop and "R4" not in sop
    exit_ = required_for(2, RHY_TLP, "exit", is_head=True, is_adult=True)
    assert {"R15", "R16", "R17", "R18", "R19"} <= set(exit_)


def test_ssvf_elements():
    rrh = required_for(13, SSVF, "project_start", is_head=True, is_adult=True)
    assert {"V1", "V4", "V6"} <= set(rrh) and "V7" not in rrh
    prevention = required_for(12, SSVF, "project_start", is_head=True, is_adult=True)
    assert "V7" in prevention
    spouse = required_for(12, SSVF, "project_start", is_head=False, is_adult=True)
    assert "V1" in spouse and "V4" not in spouse


def test_hud_vash_exit_reason_only_for_hud_vash_heads():
    vash = {hud.FundingSource.HUD_HUD_VASH}
    assert "V9" in required_for(3, vash, "exit", is_head=True, is_adult=True)
    assert "V9" not in required_for(3, vash, "exit", is_head=False, is_adult=True)
    assert "V9" not in required_for(3, vash, "project_start", is_head=True, is_adult=True)
    assert "V9" not in required_for(13, SSVF, "exit", is_head=True, is_adult=True)
    missing = form(["V9"], {}, funders=vash)
    assert "cm_exit_reason" in missing.errors
    assert form(["V9"], {"cm_exit_reason": "3"}, funders=vash).is_valid()


# --- conditional logic ---------------------------------------------------------------------------


def test_income_yes_requires_each_source_and_the_amount_of_a_yes():
    bound = form(["4.02"], {"income_from_any_source": "1", "earned": "1"})
    assert "earned_amount" in bound.errors and "ssi" in bound.errors
    assert "ssi_amount" not in bound.errors  # SSI not answered Yes: its amount is not asked


def income_data(**overrides):
    data = {"income_from_any_source": "1"}
    sources = [
        q.field
        for q in elements.questions_for(["4.02"], COC_PSH)
        if q.ask_when_text == "income_from_any_source=1" and q.field != "total_monthly_income"
    ]
    data.update(dict.fromkeys(sources, "0"))
    data.update(overrides)
    return data


def test_total_monthly_income_is_computed_as_the_sum():
    bound = form(
        ["4.02"],
        income_data(earned="1", earned_amount="800.50", ssi="1", ssi_amount="200", ssdi="0"),
    )
    assert bound.is_valid(), bound.errors
    assert bound.cleaned_data["total_monthly_income"] == Decimal("1000.50")
    assert bound.cleaned_data["ssdi_amount"] is None


def test_a_wrong_total_is_an_error_next_to_the_total():
    bound = form(["4.02"], income_data(earned="1", earned_amount="800", total_monthly_income="900"))
    assert "total_monthly_income" in bound.errors
    assert "800.00" in bound.errors["total_monthly_income"][0]


def test_other_source_asks_its_name():
    bound = form(["4.02"], income_data(other_income_source="1", other_income_amount="10"))
    assert "other_income_source_identify" in bound.errors


def test_income_no_stores_sources_as_null_and_ignores_typed_junk():
    bound = form(["4.02"], {"income_from_any_source": "0", "earned": "1", "earned_amount": "x"})
    assert bound.is_valid(), bound.errors
    assert bound.cleaned_data["earned"] is None and bound.cleaned_data["earned_amount"] is None
    assert bound.cleaned_data["total_monthly_income"] is None


def test_insurance_reason_only_for_hopwa():
    coc_fields = {q.field for q in elements.questions_for(["4.04"], COC_PSH)}
    hopwa_fields = {q.field for q in elements.questions_for(["4.04"], HOPWA)}
    assert "no_medicaid_reason" not in coc_fields and "no_medicaid_reason" in hopwa_fields
    vha = {q.field for q in elements.questions_for(["4.04"], SSVF)}
    assert "no_vha_reason" in vha and "no_medicaid_reason" not in vha
    bound = form(["4.04"], {"insurance_from_any_source": "1", "medicaid": "0"}, funders=HOPWA)
    assert "no_medicaid_reason" in bound.errors and "no_medicare_reason" not in bound.errors


def test_disabilities_one_row_each_and_substance_use_list():
    questions = elements.questions_for(DISABILITIES, COC_PSH)
    responses = [q for q in questions if q.field == "disability_response"]
    assert [q.row for q in responses] == [5, 6, 7, 8, 9, 10]
    assert dict(responses[-1].choices)[2] == "Drug use disorder"
    # Developmental disability and HIV/AIDS have no "indefinite and impairs" question.
    assert {q.row for q in questions if q.field == "indefinite_and_impairs"} == {5, 7, 9, 10}
    data = {f"d{t}_disability_response": "0" for t in (5, 6, 7, 8, 9)}
    data["d10_disability_response"] = "2"
    bound = form(DISABILITIES, data)
    assert list(bound.errors) == ["d10_indefinite_and_impairs"]


def test_disabling_condition_implied():
    assert elements.implies_disabling_condition({"d6_disability_response": 1})
    assert not elements.implies_disabling_condition({"d5_disability_response": 1})
    assert elements.implies_disabling_condition(
        {"d10_disability_response": 3, "d10_indefinite_and_impairs": 1}
    )


def test_domestic_violence_survivor_asks_when_and_fleeing():
    bound = form(["4.11"], {"domestic_violence_survivor": "1"})
    assert set(bound.errors) == {"when_occurred", "currently_fleeing"}
    bound = form(["4.11"], {"domestic_violence_survivor": "0", "when_occurred": "1"})
    assert bound.is_valid() and bound.cleaned_data["when_occurred"] is None


def test_veteran_information_only_for_veterans():
    data = {"year_entered_service": "1990"}
    vet = form(["V1"], data, funders=SSVF, context={"veteran_status": 1})
    assert "military_branch" in vet.errors and "year_entered_service" not in vet.errors
    civilian = form(["V1"], data, funders=SSVF, context={"veteran_status": 0})
    assert civilian.is_valid() and civilian.cleaned_data["year_entered_service"] is None
    too_early = form(["V1"], {"year_entered_service": "1900"}, SSVF, {"veteran_status": 1})
    assert "year_entered_service" in too_early.errors


def test_housing_assessment_subsidy_list_depends_on_the_answer():
    ok = form(["W5"], {"housing_assessment": "2", "subsidy_information": "11"}, funders=HOPWA)
    assert ok.is_valid(), ok.errors
    wrong = form(["W5"], {"housing_assessment": "1", "subsidy_information": "11"}, HOPWA)
    assert "subsidy_information" in wrong.errors
    skipped = form(["W5"], {"housing_assessment": "7", "subsidy_information": "11"}, HOPWA)
    assert skipped.is_valid() and skipped.cleaned_data["subsidy_information"] is None


def test_rhy_labour_exploitation_or_condition():
    base = {"workplace_violence_threats": "0", "workplace_promise_difference": "1"}
    bound = form(["R16"], base, funders=RHY_TLP)
    assert set(bound.errors) == {"coerced_to_continue_work", "labor_exploit_past_three_months"}
    bound = form(["R16"], {**base, "workplace_promise_difference": "0"}, funders=RHY_TLP)
    assert bound.is_valid()


def test_hiv_questions_follow_the_hiv_answer():
    data = {"d8_disability_response": "1", "d8_t_cell_count_available": "1"}
    bound = form(["4.08", "W4", "W6"], data, funders=HOPWA)
    assert {"d8_t_cell_count", "d8_viral_load_available", "d8_anti_retroviral"} <= set(bound.errors)
    assert "d8_viral_load" not in bound.errors


# --- the annual rule -----------------------------------------------------------------------------

START = dt.date(2024, 3, 10)


@pytest.mark.parametrize(
    "today, recorded, expected",
    [
        (dt.date(2025, 1, 1), [], None),  # first window opens 2025-02-08, > 30 days away
        (dt.date(2025, 1, 20), [], ("upcoming", dt.date(2025, 3, 10))),
        (dt.date(2025, 3, 1), [], ("due", dt.date(2025, 3, 10))),
        (dt.date(2025, 4, 9), [], ("due", dt.date(2025, 3, 10))),  # last day of the window
        (dt.date(2025, 4, 10), [], ("overdue", dt.date(2025, 3, 10))),
        (dt.date(2025, 4, 10), [dt.date(2025, 2, 8)], None),  # recorded on the first day
        (dt.date(2026, 1, 20), [dt.date(2025, 3, 12)], ("upcoming", dt.date(2026, 3, 10))),
        (dt.date(2026, 2, 20), [dt.date(2025, 3, 12)], ("due", dt.date(2026, 3, 10))),
    ],
)
def test_annual_status(today, recorded, expected):
    status = elements.annual_status(START, today, recorded)
    assert (None if status is None else (status.state, status.due)) == expected


def test_annual_window_of_a_29_february_start():
    assert elements.anniversary(dt.date(2024, 2, 29), 1) == dt.date(2025, 2, 28)
    found = elements.window_containing(dt.date(2024, 2, 29), dt.date(2025, 3, 30))
    assert found == (dt.date(2025, 2, 28), dt.date(2025, 1, 29), dt.date(2025, 3, 30))
    assert elements.window_containing(START, dt.date(2025, 1, 1)) is None
    assert elements.window_containing(START, dt.date(2024, 3, 10)) is None  # no year-0 annual
