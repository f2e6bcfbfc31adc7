"""Form helpers every app's pages share."""

from __future__ import annotations

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
