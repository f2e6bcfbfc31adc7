"""The HUD data element engine: which columns each element writes, its questions and its
conditional rules, all read from data (docs/intake.md).

* The columns of an element come from the FY2026 CSV specification (``spec/fy2026/
  csv_columns.csv``, column ``data_element``): ``4.02.3`` → element 4.02, ``R13.9`` → R13.
* The questions, their order, labels and conditional rules are rows of
  ``requirements/elements.csv``: ``ask_when`` ("income_from_any_source=1", "a=1 or b=1",
  "x=1,2 and y=0") names other questions of the same form (or values of the record, such as
  the client's ``veteran_status``); ``required`` is ``y`` (an answer is needed when asked),
  ``n`` (optional) or ``total`` (the sum of the asked amounts, computed when left blank);
  ``funders`` restricts a question to projects with an active funder of those groups;
  ``row`` is the DisabilityType of a Disabilities row; ``value_list`` names the HUD list when
  the model column has none; ``allowed_when`` narrows a list by another answer.
* Which elements a member is asked at a stage is the requirement matrix
  (``requirements.required_for``). Questions the logic does not ask are stored as null.

``record_elements`` writes the answers of one member at one collection stage: Enrollment and
Client columns on those records, IncomeBenefits / HealthAndDV / EmploymentEducation /
YouthEducationStatus rows and one Disabilities row per disability type, each with the
stage's DataCollectionStage and the information date.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction

from sunflower.accounts.policy import Action, require
from sunflower.hmis import requirements
from sunflower.hmis import vocabulary as hud
from sunflower.hmis.hud_columns import HUD_FILES

# Collection stage (requirement matrix) -> HUD DataCollectionStage (list 5.03.1).
STAGE_CODES = {
    "project_start": hud.DataCollectionStage.PROJECT_ENTRY,
    "update": hud.DataCollectionStage.UPDATE,
    "exit": hud.DataCollectionStage.PROJECT_EXIT,
    "annual": hud.DataCollectionStage.ANNUAL_ASSESSMENT,
}
# Models written one row per member and stage (the "assessment" tables of the CSV).
ROW_MODELS = ("IncomeBenefits", "HealthAndDV", "EmploymentEducation", "YouthEducationStatus")
RECORD_MODELS = ("Enrollment", "Client", "Exit")
DISABILITY_MODEL = "Disabilities"
REQUIRED_CHOICES = ("y", "n", "total")

# Disabilities that make 3.08 Disabling Condition Yes (HUD 3.08 / 4.05–4.10): developmental
# disability and HIV/AIDS whatever their duration; the others when "indefinite and impairs".
ALWAYS_DISABLING = (6, 8)
SUBSTANCE_USE = 10
SUBSTANCE_USE_YES = (1, 2, 3)


def element_of(data_element: str) -> str:
    """``"4.02.A"`` → ``"4.02"``, ``"3.917.2 A, 3.917.2 B"`` → ``"3.917"``, ``"R13.9"`` →
    ``"R13"``, ``"V10"`` → ``"V10"``."""
    first = data_element.split(",")[0].strip().split(" ")[0]
    parts = first.split(".")
    if first[:1].isdigit():
        return ".".join(parts[:2])
    return parts[0]


@cache
def spec_columns() -> dict[str, frozenset[tuple[str, str]]]:
    """Element number → {(model name, field name)} from the CSV specification."""
    found: dict[str, set[tuple[str, str]]] = {}
    for hud_file in HUD_FILES.values():
        for column in hud_file.columns:
            if column.spec.data_element and not column.is_relation:
                element = element_of(column.spec.data_element)
                found.setdefault(element, set()).add((hud_file.model.__name__, column.field_name))
    return {element: frozenset(columns) for element, columns in found.items()}


# --- the question table -----------------------------------------------------------------------

Clause = tuple[tuple[str, frozenset[int]], ...]  # every (key, values) must hold


def _parse_condition(text: str) -> tuple[Clause, ...]:
    """``"a=1 or b=1,2 and c=0"`` → ((("a", {1}),), (("b", {1, 2}), ("c", {0})))."""
    if not text.strip():
        return ()
    clauses = []
    for alternative in text.split(" or "):
        terms = []
        for term in alternative.split(" and "):
            key, _, values = term.strip().partition("=")
            terms.append((key.strip(), frozenset(int(v) for v in values.split(","))))
        clauses.append(tuple(terms))
    return tuple(clauses)


@dataclass(frozen=True)
class Question:
    element: str
    model: str
    row: int | None  # DisabilityType of a Disabilities question
    field: str
    label: str
    ask_when: tuple[Clause, ...]
    ask_when_text: str
    required: str
    funder_groups: tuple[str, ...]
    value_list: str
    allowed_when: tuple[tuple[str, int, frozenset[int]], ...]

    @property
    def key(self) -> str:
        """The form field name: the column, prefixed by ``d<type>_`` for a disability row."""
        return f"d{self.row}_{self.field}" if self.row else self.field

    @property
    def model_class(self):
        return apps.get_model("hmis", self.model)

    @property
    def model_field(self):
        return self.model_class._meta.get_field(self.field)

    @property
    def choices(self) -> list[tuple[int, str]] | None:
        if self.value_list:
            return list(getattr(hud, self.value_list).choices)
        field = self.model_field
        return list(field.choices) if field.choices else None

    def applies_to_funders(self, funders: set[int]) -> bool:
        if not self.funder_groups:
            return True
        groups = requirements.funder_groups()
        return any(funders & groups[group] for group in self.funder_groups)

    def is_asked(self, values: dict) -> bool:
        if not self.ask_when:
            return True
        return any(
            all(_as_int(values.get(key)) in allowed for key, allowed in clause)
            for clause in self.ask_when
        )


def _as_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@cache
def all_questions() -> tuple[Question, ...]:
    groups = requirements.funder_groups()
    rows = []
    with open(requirements.HERE / "elements.csv", newline="", encoding="utf-8") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            if row["required"] not in REQUIRED_CHOICES:
                raise ValueError(f"elements.csv line {line}: required must be y, n or total")
            funders = tuple(row["funders"].split())
            if any(group not in groups for group in funders):
                raise ValueError(f"elements.csv line {line}: unknown funder group")
            allowed = []
            for part in filter(None, (p.strip() for p in row["allowed_when"].split(";"))):
                condition, _, codes = part.partition(":")
                key, _, value = condition.partition("=")
                allowed.append((key, int(value), frozenset(int(c) for c in codes.split())))
            rows.append(
                Question(
                    element=row["element"],
                    model=row["model"],
                    row=int(row["row"]) if row["row"] else None,
                    field=row["field"],
                    label=row["label"],
                    ask_when=_parse_condition(row["ask_when"]),
                    ask_when_text=row["ask_when"],
                    required=row["required"],
                    funder_groups=funders,
                    value_list=row["value_list"],
                    allowed_when=tuple(allowed),
                )
            )
    return tuple(rows)


def defined_elements() -> list[str]:
    """Element numbers the engine asks (in table order)."""
    seen: list[str] = []
    for question in all_questions():
        if question.element not in seen:
            seen.append(question.element)
    return seen


def questions_for(elements: list[str], funders: set[int]) -> list[Question]:
    """The questions of `elements` (matrix order, then table order) for a project funded by
    `funders`."""
    by_element: dict[str, list[Question]] = {}
    for question in all_questions():
        by_element.setdefault(question.element, []).append(question)
    return [
        question
        for element in elements
        for question in by_element.get(element, [])
        if question.applies_to_funders(funders)
    ]


def asked_keys(questions: list[Question], values: dict, context: dict | None = None) -> set[str]:
    """The keys of the questions HUD's logic asks given the answers `values` (in table order,
    so a question whose condition names an unasked question is not asked either)."""
    known = dict(context or {})
    asked: set[str] = set()
    for question in questions:
        if question.is_asked(known):
            asked.add(question.key)
            known[question.key] = values.get(question.key)
        else:
            known[question.key] = None
    return asked


def implies_disabling_condition(values: dict) -> bool:
    """Whether the 4.05–4.10 answers make 3.08 Disabling Condition Yes."""
    yes = hud.NoYesReasonsForMissingData.YES
    for disability_type in (5, 6, 7, 8, 9, 10):
        response = _as_int(values.get(f"d{disability_type}_disability_response"))
        if response is None:
            continue
        if disability_type in ALWAYS_DISABLING and response == yes:
            return True
        answered_yes = (
            response in SUBSTANCE_USE_YES if disability_type == SUBSTANCE_USE else response == yes
        )
        if (
            answered_yes
            and _as_int(values.get(f"d{disability_type}_indefinite_and_impairs")) == yes
        ):
            return True
    return False


# --- which questions one member is asked ------------------------------------------------------


@dataclass(frozen=True)
class MemberQuestions:
    enrollment: object
    stage: str
    required: list[str]  # element numbers the matrix requires
    questions: list[Question]  # the engine's questions for those elements

    @property
    def context(self) -> dict:
        """Values of the record that conditions may name (V1 asks veterans only)."""
        return {"veteran_status": self.enrollment.client.veteran_status}


def member_questions(enrollment, stage: str, on: dt.date, funders: set[int] | None = None):
    """What the matrix asks of `enrollment`'s member at `stage` (funders active on `on`)."""
    from sunflower.hmis.intake import age_on

    if funders is None:
        funders = requirements.active_funders(enrollment.project, on)
    age = age_on(enrollment.client.dob, enrollment.entry_date)
    required = requirements.required_for(
        enrollment.project.project_type,
        funders,
        stage,
        is_head=enrollment.relationship_to_hoh == hud.RelationshipToHoH.SELF,
        is_adult=age is None or age >= requirements.ADULT_AGE,
    )
    return MemberQuestions(enrollment, stage, required, questions_for(required, funders))


# --- writing ----------------------------------------------------------------------------------


def _existing_row(model, enrollment, stage_code, information_date, window, **extra):
    """The row this answer replaces: the stage's only row at project start and exit, the
    annual of the same window, the update of the same date."""
    rows = model.objects.filter(enrollment=enrollment, data_collection_stage=stage_code, **extra)
    if stage_code in (STAGE_CODES["project_start"], STAGE_CODES["exit"]):
        return rows.order_by("pk").first()
    if window is not None:
        return rows.filter(information_date__range=window).order_by("pk").first()
    return rows.filter(information_date=information_date).order_by("pk").first()


def record_elements(
    user,
    enrollment,
    stage: str,
    information_date: dt.date,
    questions: list[Question],
    values: dict,
    exit_record=None,
    window: tuple[dt.date, dt.date] | None = None,
) -> list:
    """Write one member's answers (`values`, keyed by Question.key, already validated by
    forms_elements.ElementsForm) at collection `stage`. Unasked questions are stored as null.
    A project-start or exit row is updated if it exists; an update row of the same date, or an
    annual row inside the same annual `window`, likewise. Returns the records saved."""
    from sunflower.accounts.actions import hmis_user_for

    require(user, Action.EDIT_HMIS_DATA, enrollment)
    stage_code = STAGE_CODES[stage]
    if stage == "exit" and exit_record is None and any(q.model == "Exit" for q in questions):
        raise ValidationError("Exit-stage elements need the exit record.")
    saved = []
    with transaction.atomic():
        hmis_user = hmis_user_for(user)
        by_record: dict[tuple[str, int | None], list[Question]] = {}
        for question in questions:
            by_record.setdefault((question.model, question.row), []).append(question)
        for (model_name, row), group in by_record.items():
            if model_name in RECORD_MODELS:
                record = {
                    "Enrollment": enrollment,
                    "Client": enrollment.client,
                    "Exit": exit_record,
                }[model_name]
            else:
                model = apps.get_model("hmis", model_name)
                extra = {"disability_type": row} if model_name == DISABILITY_MODEL else {}
                existing = _existing_row(
                    model, enrollment, stage_code, information_date, window, **extra
                )
                record = existing or model(
                    enrollment=enrollment,
                    client_id=enrollment.client_id,
                    data_collection_stage=stage_code,
                    information_date=information_date,
                )
                record.information_date = information_date
                if model_name == DISABILITY_MODEL:
                    record.disability_type = row
            for question in group:
                value = values.get(question.key)
                if value is None and not question.model_field.null:
                    value = ""  # HUD's null for a text column stored as blank (S columns)
                setattr(record, question.field, value)
            record.user = hmis_user
            record.full_clean()
            record.save()
            saved.append(record)
    return saved


# --- the annual assessment (HUD: 30 days either side of each anniversary) ---------------------

ANNUAL_WINDOW_DAYS = 30


def anniversary(start: dt.date, years: int) -> dt.date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February in a year without one
        return start.replace(year=start.year + years, day=28)


def annual_window(due: dt.date) -> tuple[dt.date, dt.date]:
    delta = dt.timedelta(days=ANNUAL_WINDOW_DAYS)
    return due - delta, due + delta


def window_containing(head_start: dt.date, day: dt.date) -> tuple[dt.date, dt.date, dt.date] | None:
    """(anniversary, window start, window end) of the annual window `day` falls in, or None."""
    years = day.year - head_start.year
    for n in (years - 1, years, years + 1):
        if n < 1:
            continue
        due = anniversary(head_start, n)
        start, end = annual_window(due)
        if start <= day <= end:
            return due, start, end
    return None


@dataclass(frozen=True)
class AnnualStatus:
    due: dt.date
    window_start: dt.date
    window_end: dt.date
    state: str  # "upcoming" (window opens within 30 days), "due" (in the window), "overdue"


def annual_status(head_start: dt.date, today: dt.date, annual_dates) -> AnnualStatus | None:
    """The annual assessment an enrollment whose head of household started on `head_start`
    owes on `today`, given the information dates of its annual assessments; None when nothing
    is due, in the window or coming due in the next 30 days."""
    annual_dates = list(annual_dates)
    current = None
    n = 1
    while True:
        due = anniversary(head_start, n)
        start, _ = annual_window(due)
        if start > today:
            break
        current = n
        n += 1
    if current is not None:
        due = anniversary(head_start, current)
        start, end = annual_window(due)
        if not any(start <= day <= end for day in annual_dates):
            return AnnualStatus(due, start, end, "due" if today <= end else "overdue")
    following = anniversary(head_start, (current or 0) + 1)
    start, end = annual_window(following)
    if start <= today + dt.timedelta(days=ANNUAL_WINDOW_DAYS):
        return AnnualStatus(following, start, end, "upcoming")
    return None


def current_values(enrollment, questions: list[Question], stage: str | None = None) -> dict:
    """Initial answers for a form: the record columns as they are, and the rows of `stage`
    (or, without a stage, the latest rows of any stage, so that an update starts from what is
    known)."""
    values: dict = {}
    rows: dict[tuple[str, int | None], object | None] = {}
    for question in questions:
        if question.model in RECORD_MODELS:
            record = {"Enrollment": enrollment, "Client": enrollment.client}.get(question.model)
            if record is None and question.model == "Exit":
                record = enrollment.exit
        else:
            slot = (question.model, question.row)
            if slot not in rows:
                found = apps.get_model("hmis", question.model).objects.filter(enrollment=enrollment)
                if question.row:
                    found = found.filter(disability_type=question.row)
                if stage is not None:
                    found = found.filter(data_collection_stage=STAGE_CODES[stage])
                rows[slot] = found.order_by("-information_date", "-pk").first()
            record = rows[slot]
        if record is not None:
            values[question.key] = getattr(record, question.field)
    return values


# --- update and annual assessments ------------------------------------------------------------


def household_head_start(enrollment) -> dt.date:
    """The project start date of the head of `enrollment`'s household (the annual assessment
    is due on its anniversaries for every member)."""
    from sunflower.hmis.models import Enrollment

    head = (
        Enrollment.objects.filter(
            project_id=enrollment.project_id,
            data_source_id=enrollment.data_source_id,
            household_id=enrollment.household_id,
            relationship_to_hoh=hud.RelationshipToHoH.SELF,
        )
        .values_list("entry_date", flat=True)
        .first()
    )
    return head or enrollment.entry_date


def record_assessment(user, stage: str, information_date: dt.date, answers: list) -> list:
    """Record an update (stage "update") or annual assessment ("annual") dated
    `information_date` for each (enrollment, questions, values) of `answers`, all or nothing.
    An annual must fall within 30 days of an anniversary of the head of household's project
    start (HUD); a second annual in the same window replaces the first one's rows."""
    from django.utils import timezone

    if stage not in ("update", "annual"):
        raise ValueError(f"not an assessment stage: {stage!r}")
    for enrollment, _questions, _values in answers:
        require(user, Action.EDIT_HMIS_DATA, enrollment)
    errors: list[str] = []
    window = None
    if information_date is None:
        errors.append("Enter the information date.")
    elif information_date > timezone.localdate():
        errors.append("The information date cannot be in the future.")
    else:
        for enrollment, _questions, _values in answers:
            if information_date < enrollment.entry_date:
                errors.append(
                    f"The information date is before the project start date "
                    f"{enrollment.entry_date:%Y-%m-%d} of {enrollment.client}."
                )
            exit_record = enrollment.exit
            if exit_record is not None and information_date > exit_record.exit_date:
                errors.append(f"{enrollment.client} exited on {exit_record.exit_date:%Y-%m-%d}.")
        if stage == "annual" and answers and not errors:
            found = window_containing(household_head_start(answers[0][0]), information_date)
            if found is None:
                errors.append(
                    "An annual assessment is dated within 30 days before or after an "
                    "anniversary of the head of household's project start."
                )
            else:
                window = (found[1], found[2])
    if errors:
        raise ValidationError({"information_date": errors})
    saved = []
    with transaction.atomic():
        for enrollment, questions, values in answers:
            saved += record_elements(
                user, enrollment, stage, information_date, questions, values, window=window
            )
    return saved
