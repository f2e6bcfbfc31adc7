from django import forms
from django.utils.translation import gettext_lazy as _

from sunflower.documents.models import Document


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of document"),
        choices=Document.Kind.choices,
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    title = forms.CharField(
        label=_("Description"),
        max_length=200,
        widget=forms.TextInput(attrs={"class": "usa-input"}),
    )
    enrollment = forms.TypedChoiceField(
        label=_("Enrollment (optional)"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    file = forms.FileField(
        label=_("File (PDF, PNG, JPEG or TIFF)"),
        widget=forms.ClearableFileInput(
            attrs={"class": "usa-file-input", "accept": ".pdf,.png,.jpg,.jpeg,.tif,.tiff"}
        ),
    )

    def __init__(self, *args, enrollments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrollment"].choices = [("", _("The client (not one enrollment)"))] + [
            (e.pk, f"{e.project.project_name} ({e.entry_date:%Y-%m-%d})") for e in enrollments
        ]
