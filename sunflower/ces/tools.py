"""Assessment tool definitions: validating a version's document, building its form, scoring.

A definition (ToolVersion.definition) is a JSON document, so that a version is one immutable
value that an old assessment keeps pointing to:

    {"sections": [{"key": "history", "title": "Housing history", "questions": [
        {"key": "months_homeless", "text": "...", "type": "number",
         "scoring": {"per": 3, "points": 1, "max": 4}, "fact": "months_homeless"},
        {"key": "fleeing", "text": "...", "type": "yes_no", "points": {"yes": 2},
         "flag": "fleeing_dv"},
        {"key": "kind", "text": "...", "type": "choice", "show_if": {"question": "fleeing",
         "in": ["yes"]}, "choices": [{"value": "a", "label": "...", "points": 1}]}]}],
     "bands": [{"min": 0, "max": 7, "label": "Lower needs", "intervention": "Diversion"}]}

Question types: yes_no, choice, multi_choice, number, date, text. A question with `show_if` is
asked (and scored) only when the named earlier question's answer is one of `in`. `flag` names a
vulnerability flag the list can sort or filter by, raised when the question scores points.
docs/ces.md ("Assessment tools") is the reference for CoC administrators.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError

QUESTION_TYPES = ("yes_no", "choice", "multi_choice", "number", "date", "text")
YES_NO_CHOICES = [("yes", "Yes"), ("no", "No"), ("refused", "Client prefers not to answer")]
DEFAULT_TOOLS_DIR = Path(__file__).resolve().parent / "default_tools"


# --- validation ---------------------------------------------------------------------------


def validate_definition(definition) -> None:
    """Raise ValidationError listing every problem of a definition (all at once, each naming
    where it is), so an administrator can fix a draft in one pass."""
    problems: list[str] = []
    if not isinstance(definition, dict):
        raise ValidationError("The definition must be a JSON object with 'sections' and 'bands'.")
    sections = definition.get("sections")
    if not isinstance(sections, list) or not sections:
        problems.append("'sections' must be a non-empty list.")
        sections = []
    seen: dict[str, dict] = {}
    for s_index, section in enumerate(sections, 1):
        where = f"section {s_index}"
        if not isinstance(section, dict) or not section.get("title"):
            problems.append(f"{where}: needs a 'title'.")
            continue
        questions = section.get("questions")
        if not isinstance(questions, list) or not questions:
            problems.append(f"{where} ({section['title']}): needs at least one question.")
            continue
        for q_index, question in enumerate(questions, 1):
            problems.extend(_question_problems(question, f"{where}, question {q_index}", seen))
    bands = definition.get("bands")
    if not isinstance(bands, list) or not bands:
        problems.append("'bands' must be a non-empty list of score bands.")
    else:
        problems.extend(_band_problems(bands))
    if problems:
        raise ValidationError(problems)


def _question_problems(question, where: str, seen: dict) -> list[str]:
    problems = []
    if not isinstance(question, dict):
        return [f"{where}: must be an object."]
    key = question.get("key")
    if not key or not isinstance(key, str) or not key.isidentifier():
        problems.append(f"{where}: 'key' must be a short identifier (letters, digits, _).")
    elif key in seen:
        problems.append(f"{where}: key '{key}' is used twice.")
    if not question.get("text"):
        problems.append(f"{where}: needs the question 'text'.")
    kind = question.get("type")
    if kind not in QUESTION_TYPES:
        problems.append(f"{where}: 'type' must be one of {', '.join(QUESTION_TYPES)}.")
    if kind in ("choice", "multi_choice"):
        choices = question.get("choices")
        if not isinstance(choices, list) or len(choices) < 2:
            problems.append(f"{where}: a {kind} question needs at least two choices.")
        else:
            values = [c.get("value") for c in choices if isinstance(c, dict)]
            if len(values) != len(choices) or not all(values) or len(set(values)) != len(values):
                problems.append(f"{where}: every choice needs a distinct 'value' and a 'label'.")
            for choice in choices:
                if isinstance(choice, dict) and not isinstance(choice.get("points", 0), int):
                    problems.append(f"{where}: choice points must be whole numbers.")
    if kind == "yes_no":
        points = question.get("points", {})
        if not isinstance(points, dict) or not all(isinstance(v, int) for v in points.values()):
            problems.append(f"{where}: 'points' maps yes/no to whole numbers.")
    if kind == "number" and "scoring" in question:
        scoring = question["scoring"]
        if not isinstance(scoring, dict) or not all(
            isinstance(scoring.get(k), int) and scoring.get(k) > 0 for k in ("per", "points")
        ):
            problems.append(f"{where}: number scoring needs positive whole 'per' and 'points'.")
    condition = question.get("show_if")
    if condition is not None:
        target = condition.get("question") if isinstance(condition, dict) else None
        if target not in seen:
            problems.append(
                f"{where}: 'show_if' must name an earlier question (got {target!r})."
            )
        elif not isinstance(condition.get("in"), list) or not condition["in"]:
            problems.append(f"{where}: 'show_if' needs 'in', the answers that show it.")
    if key and isinstance(key, str):
        seen[key] = question
    return problems


def _band_problems(bands: list) -> list[str]:
    problems = []
    previous_max = None
    for index, band in enumerate(bands, 1):
        if not isinstance(band, dict) or not band.get("label"):
            problems.append(f"band {index}: needs a 'label'.")
            continue
        low, high = band.get("min"), band.get("max")
        if not isinstance(low, int) or (high is not None and not isinstance(high, int)):
            problems.append(f"band {index}: 'min' (and 'max', unless open-ended) are numbers.")
            continue
        if high is not None and high < low:
            problems.append(f"band {index}: 'max' is below 'min'.")
        if previous_max is not None and low != previous_max + 1:
            problems.append(f"band {index}: starts at {low}; the bands must follow each other.")
        previous_max = high if high is not None else low
    return problems


# --- reading a definition ---------------------------------------------------------------


def questions_of(definition) -> list[tuple[dict, dict]]:
    """(section, question) pairs in order."""
    return [(s, q) for s in definition["sections"] for q in s["questions"]]


def is_shown(question: dict, answers: dict) -> bool:
    condition = question.get("show_if")
    if not condition:
        return True
    answer = answers.get(condition["question"])
    values = answer if isinstance(answer, list) else [answer]
    return any(str(v) in [str(x) for x in condition["in"]] for v in values if v not in (None, ""))


@dataclass
class Scored:
    score: int
    band: dict | None
    flags: list[str] = field(default_factory=list)
    facts: dict = field(default_factory=dict)
    # (section title, order, question text, answer text) for HUD's AssessmentQuestions
    rows: list[tuple[str, int, str, str]] = field(default_factory=list)
    points_by_question: dict[str, int] = field(default_factory=dict)


def question_points(question: dict, answer) -> int:
    kind = question["type"]
    if answer in (None, "", []):
        return 0
    if kind == "yes_no":
        return int(question.get("points", {}).get(answer, 0))
    if kind == "choice":
        return next(
            (int(c.get("points", 0)) for c in question["choices"] if c["value"] == answer), 0
        )
    if kind == "multi_choice":
        chosen = set(answer)
        return sum(int(c.get("points", 0)) for c in question["choices"] if c["value"] in chosen)
    if kind == "number" and "scoring" in question:
        scoring = question["scoring"]
        points = (int(answer) // scoring["per"]) * scoring["points"]
        return min(points, scoring["max"]) if "max" in scoring else points
    return 0


def answer_text(question: dict, answer) -> str:
    if answer in (None, "", []):
        return ""
    if question["type"] == "yes_no":
        return dict(YES_NO_CHOICES).get(answer, str(answer))
    if question["type"] in ("choice", "multi_choice"):
        labels = {c["value"]: c["label"] for c in question["choices"]}
        chosen = answer if isinstance(answer, list) else [answer]
        return "; ".join(labels.get(v, str(v)) for v in chosen)
    return str(answer)


def score(definition, answers: dict) -> Scored:
    """Score `answers` (question key -> cleaned answer); questions not shown count nothing."""
    total = 0
    result = Scored(score=0, band=None)
    for order, (section, question) in enumerate(questions_of(definition), 1):
        if not is_shown(question, answers):
            continue
        answer = answers.get(question["key"])
        points = question_points(question, answer)
        total += points
        result.points_by_question[question["key"]] = points
        if question.get("flag") and points > 0:
            result.flags.append(question["flag"])
        if question.get("fact") and answer not in (None, ""):
            result.facts[question["fact"]] = answer
        if answer not in (None, "", []):
            result.rows.append(
                (section["title"], order, question["text"][:250], answer_text(question, answer))
            )
    result.score = total
    result.band = band_for(definition, total)
    return result


def band_for(definition, total: int) -> dict | None:
    for band in definition["bands"]:
        high = band.get("max")
        if total >= band["min"] and (high is None or total <= high):
            return band
    return None


# --- the form -----------------------------------------------------------------------------


class ToolForm(forms.Form):
    """The questions of one tool version. Conditional questions are in the page (hidden by
    static/ces/assessment.js until their condition holds); whatever the browser sends, an
    answer to a question whose condition does not hold is dropped and not required."""

    def __init__(self, definition, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.definition = definition
        for section, question in questions_of(definition):
            self.fields[question["key"]] = _field_for(question)
            self.fields[question["key"]].section = section["title"]
            self.fields[question["key"]].show_if = question.get("show_if")

    def clean(self):
        cleaned = super().clean()
        answers = {}
        for _section, question in questions_of(self.definition):
            key = question["key"]
            if not is_shown(question, answers):
                self.errors.pop(key, None)
                continue
            value = cleaned.get(key)
            if question.get("required", True) and value in (None, "", []):
                if key not in self.errors:
                    self.add_error(key, "Answer this question.")
                continue
            answers[key] = value
        self.answers = answers
        return cleaned

    def sections(self):
        """[(title, [bound fields])] for the template."""
        grouped: dict[str, list] = {}
        for name in self.fields:
            grouped.setdefault(self.fields[name].section, []).append(self[name])
        return list(grouped.items())


def _field_for(question: dict):
    common = {"label": question["text"], "required": False, "help_text": question.get("help", "")}
    kind = question["type"]
    if kind == "yes_no":
        return forms.ChoiceField(
            choices=YES_NO_CHOICES, widget=forms.RadioSelect(attrs={"class": "usa-radio__input"}),
            **common,
        )
    if kind == "choice":
        return forms.ChoiceField(
            choices=[(c["value"], c["label"]) for c in question["choices"]],
            widget=forms.RadioSelect(attrs={"class": "usa-radio__input"}),
            **common,
        )
    if kind == "multi_choice":
        return forms.MultipleChoiceField(
            choices=[(c["value"], c["label"]) for c in question["choices"]],
            widget=forms.CheckboxSelectMultiple(attrs={"class": "usa-checkbox__input"}),
            **common,
        )
    if kind == "number":
        return forms.IntegerField(
            min_value=0, max_value=question.get("max_value", 100000),
            widget=forms.NumberInput(attrs={"class": "usa-input usa-input--small"}), **common,
        )
    if kind == "date":
        return forms.DateField(
            widget=forms.DateInput(attrs={"type": "date", "class": "usa-input"}), **common
        )
    return forms.CharField(
        max_length=500, widget=forms.Textarea(attrs={"class": "usa-textarea", "rows": 2}),
        **common,
    )


def json_answers(answers: dict) -> dict:
    """Answers as stored (dates as ISO text)."""
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in answers.items()}


def load_default_definition(slug: str) -> dict:
    return json.loads((DEFAULT_TOOLS_DIR / f"{slug}.json").read_text(encoding="utf-8"))
