"""The form that names a new personal API token."""

from __future__ import annotations

from django import forms

from yjtracker.forms import GDSForm


class ApiTokenForm(GDSForm):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="What will use it, so you can tell your tokens apart: for example "
        "'Power BI board report' or 'Excel – actions'.",
        error_messages={
            "required": "Enter a name for the token.",
            "max_length": "The name must be 100 characters or fewer.",
        },
    )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Enter a name for the token.")
        return name
