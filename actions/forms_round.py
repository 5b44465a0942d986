"""The update round's rows: one small form per action, each saved on its own."""

from __future__ import annotations

from crispy_forms_gds.layout import HTML, Div, Field, Layout
from django import forms

from actions import rules
from actions.forms import EvidenceFields
from actions.models import RAG
from yjtracker.forms import GDSForm
from yjtracker.ids import parse_id

MYSELF = ""


class RoundRowForm(GDSForm, EvidenceFields):
    """One action's update in the round. Left blank, the row is skipped (not an error)."""

    rag = forms.ChoiceField(
        label="RAG status", choices=RAG.choices, required=False, widget=forms.RadioSelect
    )
    percent_complete = forms.IntegerField(
        label="% complete",
        min_value=0,
        max_value=100,
        required=False,
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-3"}),
        error_messages={
            "min_value": "%% complete must be between 0 and 100.",
            "max_value": "%% complete must be between 0 and 100.",
            "invalid": "Enter % complete as a whole number from 0 to 100.",
        },
    )
    narrative = forms.CharField(
        label="What progress has been made?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reason = forms.CharField(
        label="Reason (needed for Amber or Red)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    recovery_step = forms.CharField(
        label="Recovery step (needed for Amber or Red)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    on_behalf_of = forms.ChoiceField(label="Logged on behalf of", required=False)

    field_order = [
        "rag",
        "percent_complete",
        "narrative",
        "reason",
        "recovery_step",
        "on_behalf_of",
    ]
    CONTENT = (
        "rag",
        "percent_complete",
        "narrative",
        "reason",
        "recovery_step",
        "evidence_title",
        "evidence_file",
        "evidence_link",
    )

    def __init__(self, *args, action, people: dict, default_person=None, **kwargs):
        """`people` is {id: Person} of the action's service, loaded once for every row."""
        super().__init__(*args, prefix=f"a{action.pk}", **kwargs)
        self.action = action
        self.people = people
        choices = [(MYSELF, "Nobody else: it is my own update")]
        choices += [(str(pk), str(p)) for pk, p in people.items()]
        self.fields["on_behalf_of"].choices = choices
        if default_person is not None and not self.is_bound:
            self.initial["on_behalf_of"] = str(default_person.pk)

    def build_helper(self) -> None:
        """Two columns (the update; why and what next) and the evidence folded away."""
        super().build_helper()
        column = "govuk-grid-column-one-half-from-desktop"
        self.helper.layout = Layout(
            Div(
                Div(
                    Field.radios("rag", small=True),
                    Field("percent_complete"),
                    Field.textarea("narrative", rows=3),
                    css_class=column,
                ),
                Div(
                    Field.textarea("reason", rows=2),
                    Field.textarea("recovery_step", rows=2),
                    Field.select("on_behalf_of"),
                    css_class=column,
                ),
                css_class="govuk-grid-row",
            ),
            HTML(
                '<details class="govuk-details"{% if form.evidence_file.errors or '
                "form.evidence_link.errors or form.evidence_title.value or "
                'form.evidence_link.value %} open{% endif %}><summary class="govuk-details__summary">'
                '<span class="govuk-details__summary-text">Add evidence (optional)</span>'
                '</summary><div class="govuk-details__text">'
            ),
            Field.text("evidence_title"),
            Field("evidence_file"),
            Field.text("evidence_link"),
            HTML("</div></details>"),
        )

    def is_blank(self) -> bool:
        """Nothing entered in the row (the 'on behalf of' choice alone does not count)."""
        for name in self.CONTENT:
            key = self.add_prefix(name)
            if name == "evidence_file":
                if self.files.get(key):
                    return False
            elif (self.data.get(key) or "").strip():
                return False
        return True

    def clean(self):
        data = super().clean()
        if not data.get("rag") and "rag" not in self.errors:
            self.add_error("rag", "Choose a RAG status.")
        if data.get("percent_complete") is None and "percent_complete" not in self.errors:
            self.add_error("percent_complete", "Enter the % complete, from 0 to 100.")
        if not (data.get("narrative") or "").strip():
            self.add_error("narrative", "Describe the progress made.")
        errors = rules.update_errors(
            rag=data.get("rag"),
            percent_complete=data.get("percent_complete"),
            reason=data.get("reason", ""),
            recovery_step=data.get("recovery_step", ""),
        )
        for field, message in errors.items():
            if field not in self.errors:
                self.add_error(field, message)
        chosen = data.get("on_behalf_of")
        data["on_behalf_of"] = self.people.get(parse_id(chosen)) if chosen else None
        return data
