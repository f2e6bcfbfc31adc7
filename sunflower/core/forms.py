"""Form helpers every app's pages share."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def add_validation_errors(form, error: ValidationError) -> None:
    """Show an action's ValidationError on the form: each field's messages beside the field
    (when the form has it), everything else at the top. The form keeps what the user typed."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for field, messages in error.message_dict.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


def style(form: forms.Form) -> None:
    """USWDS classes and hint ids on every widget."""
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, forms.RadioSelect):
            widget.attrs.setdefault("class", "usa-radio__input")
        elif isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
            widget.attrs.setdefault("class", "usa-checkbox__input")
        elif isinstance(widget, forms.Textarea):
            widget.attrs.setdefault("class", "usa-textarea")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "usa-select")
        else:
            widget.attrs.setdefault("class", "usa-input")
        if field.help_text:
            widget.attrs.setdefault("aria-describedby", f"id_{name}-hint")
