"""A Django form built from the HUD element engine (sunflower/hmis/elements.py).

One field per question, made from the model column and its HUD value list. Every field is
optional to Django; clean() applies the element's conditional rules: a question the logic asks
needs an answer (unless marked optional), a question it does not ask is stored as null (HUD)
and any error on it is dropped, the total monthly income is the sum of the asked amounts.
"""

from __future__ import annotations

import json
from decimal import Decimal

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from sunflower.hmis import elements as engine
from sunflower.hmis.requirements import element_names

INCOME_ANY = "income_from_any_source"
TOTAL = "total_monthly_income"
YEAR_FIELDS = ("year_entered_service", "year_separated")
FIRST_SERVICE_YEAR = 1920  # HUD V1.1/V1.2: years between 1920 and the current year


def field_for(question: engine.Question, labels: dict[str, str]) -> forms.Field:
    model_field = question.model_field
    hint = _condition_hint(question, labels)
    common = {"label": question.label, "required": False, "help_text": hint}
    choices = question.choices
    if choices:
        return forms.TypedChoiceField(
            choices=[("", "—"), *choices],
            coerce=int,
            empty_value=None,
            widget=forms.Select(attrs={"class": "usa-select"}),
            **common,
        )
    if isinstance(model_field, models.DecimalField):
        return forms.DecimalField(
            min_value=Decimal(0),
            max_digits=model_field.max_digits,
            decimal_places=model_field.decimal_places,
            widget=forms.NumberInput(attrs={"class": "usa-input", "step": "0.01", "min": "0"}),
            **common,
        )
    if isinstance(model_field, models.DateField):
        return forms.DateField(
            widget=forms.DateInput(attrs={"type": "date", "class": "usa-input"}, format="%Y-%m-%d"),
            **common,
        )
    if isinstance(model_field, models.IntegerField):
        bounds = (
            {"min_value": FIRST_SERVICE_YEAR, "max_value": timezone.localdate().year}
            if question.field in YEAR_FIELDS
            else {"min_value": 0}
        )
        return forms.IntegerField(
            widget=forms.NumberInput(attrs={"class": "usa-input"}), **bounds, **common
        )
    return forms.CharField(
        max_length=model_field.max_length,
        widget=forms.TextInput(attrs={"class": "usa-input"}),
        **common,
    )


def _condition_hint(question: engine.Question, labels: dict[str, str]) -> str:
    if not question.ask_when_text:
        return ""
    parts = []
    for clause in question.ask_when:
        terms = []
        for key, _values in clause:
            terms.append(labels.get(key, key))
        parts.append(" / ".join(terms))
    return _("Answer only when the answer to “%(question)s” calls for it.") % {
        "question": _(" or ").join(parts)
    }


class ElementsForm(forms.Form):
    """The questions of one member at one stage. `context` holds record values conditions
    may name (the client's veteran status)."""

    def __init__(self, *args, questions: list[engine.Question], context=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        self.context = dict(context or {})
        labels = {q.key: q.label for q in self.questions}
        for question in self.questions:
            field = field_for(question, labels)
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"{self.add_prefix(question.key)}-hint"
            self.fields[question.key] = field

    def clean(self):
        data = super().clean()
        asked = engine.asked_keys(self.questions, data, self.context)
        for question in self.questions:
            key = question.key
            if key not in asked:
                data[key] = None
                self._errors.pop(key, None)  # a question not asked cannot be wrong
                continue
            if key in self._errors:
                continue
            value = data.get(key)
            if question.required == "y" and value in (None, ""):
                self.add_error(key, _("HUD requires an answer to this question here."))
            for other, when, codes in question.allowed_when:
                if engine._as_int(data.get(other)) == when and value not in (None, *codes):
                    self.add_error(key, _("This answer does not go with the answer above."))
        if TOTAL in asked and TOTAL not in self._errors:
            amounts = [
                data.get(q.key) or Decimal(0)
                for q in self.questions
                if q.key in asked and q.model == "IncomeBenefits" and _is_amount(q)
            ]
            total = sum(amounts, Decimal(0))
            if data.get(TOTAL) is None:
                data[TOTAL] = total
            elif data[TOTAL] != total:
                self.add_error(
                    TOTAL,
                    _("The total monthly income must be the sum of the amounts (%(total)s).")
                    % {"total": f"{total:.2f}"},
                )
        return data

    def groups(self):
        """[(element, name, [(bound field, condition JSON)])] in order, one fieldset per
        element; the JSON lets the page hide questions not asked (progressive enhancement:
        without JavaScript every question shows and the server applies the same rules)."""
        names = element_names()
        grouped: dict[str, list] = {}
        for question in self.questions:
            condition = (
                json.dumps(
                    [[[key, sorted(values)] for key, values in c] for c in question.ask_when]
                )
                if question.ask_when
                else ""
            )
            grouped.setdefault(question.element, []).append((self[question.key], condition))
        return [
            (element, names.get(element, element), fields) for element, fields in grouped.items()
        ]

    def context_json(self) -> str:
        return json.dumps(self.context)


def _is_amount(question: engine.Question) -> bool:
    return question.field != TOTAL and question.field.endswith("_amount")


def member_element_forms(members, stage: str, on, funders, data, values_stage: str | None = None):
    """[(member, asked, ElementsForm)] for each household member: the questions HUD asks of
    that member at `stage` on `on`, prefilled from the member's records (`values_stage`: the
    rows of that stage, or the latest of any stage)."""
    forms_ = []
    for member in members:
        asked = engine.member_questions(member, stage, on, funders=funders)
        forms_.append(
            (
                member,
                asked,
                ElementsForm(
                    data,
                    questions=asked.questions,
                    context=asked.context,
                    prefix=f"m{member.pk}",
                    initial=engine.current_values(member, asked.questions, values_stage),
                ),
            )
        )
    return forms_
