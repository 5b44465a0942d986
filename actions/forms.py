"""Forms of the staff workflow. Forms validate input; `actions.services` writes."""

from __future__ import annotations

from django import forms
from django.core.validators import URLValidator
from django.utils import timezone

from actions import rules
from actions.models import RAG
from actions.uploads import ALLOWED_DESCRIPTION, check_evidence_file
from inspections.models import Recommendation
from yjtracker.forms import DateField, GDSForm, IdModelChoiceField, TextField


class EvidenceFields(forms.Form):
    """Optional evidence attached with an update, or on its own."""

    evidence_title = TextField(
        kind="evidence_title", label="Evidence title (optional)", required=False, rows=None
    )
    evidence_file = forms.FileField(
        label="Evidence file (optional)",
        required=False,
        help_text=f"{ALLOWED_DESCRIPTION}. Up to the size limit of your service.",
    )
    evidence_link = forms.URLField(
        label="Or a link to evidence (optional)",
        required=False,
        max_length=1000,
        widget=forms.URLInput(attrs={"class": "govuk-input"}),
        validators=[URLValidator(schemes=["http", "https"])],
        error_messages={"invalid": "Enter a full web address, starting https://"},
    )

    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if upload:
            self.checked_file = check_evidence_file(upload)
        return upload


class UpdateFields(forms.Form):
    """What an update says: its date, narrative, RAG, % complete, and for Amber or Red the
    reason and recovery step. Shared by a new update and a correction."""

    date = DateField(label="Date of the update", help_text="For example, 27 3 2026")
    narrative = TextField(
        kind="narrative",
        label="What progress has been made?",
        rows=4,
        error_messages={"required": "Describe the progress made."},
    )
    rag = forms.ChoiceField(
        label="RAG status",
        choices=RAG.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a RAG status."},
    )
    percent_complete = forms.IntegerField(
        label="% complete",
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-3"}),
        error_messages={
            "required": "Enter the % complete, from 0 to 100.",
            "invalid": "Enter the % complete as a whole number, from 0 to 100.",
            "min_value": "%% complete must be between 0 and 100.",
            "max_value": "%% complete must be between 0 and 100.",
        },
    )
    reason = TextField(
        kind="reason",
        label="Reason (needed for Amber or Red)",
        required=False,
        rows=2,
        help_text="Why is it at risk or off track?",
    )
    recovery_step = TextField(
        kind="recovery_step",
        label="Recovery step (needed for Amber or Red)",
        required=False,
        rows=2,
        help_text="What will bring it back on track, and by when?",
    )

    field_order = ["date", "narrative", "rag", "percent_complete", "reason", "recovery_step"]

    def __init__(self, *args, action=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action
        if not self.is_bound:
            self.initial.setdefault("date", timezone.localdate())

    def clean_date(self):
        day = self.cleaned_data["date"]
        if self.action is not None:
            error = rules.update_date_error(self.action, day)
            if error:
                raise forms.ValidationError(error)
        return day

    def clean(self):
        data = super().clean()
        errors = rules.update_errors(
            rag=data.get("rag"),
            percent_complete=data.get("percent_complete"),
            reason=data.get("reason", ""),
            recovery_step=data.get("recovery_step", ""),
        )
        for field, message in errors.items():
            if field not in self.errors:
                self.add_error(field, message)
        return data


class ProgressUpdateForm(GDSForm, UpdateFields, EvidenceFields):
    pass


class CorrectionForm(GDSForm, UpdateFields):
    """A correction of one update: its values, put right, and why."""

    correction_reason = TextField(
        kind="correction_reason",
        label="Why is the update being corrected?",
        help_text="For example: logged on the wrong action, or the percentage was wrong.",
        error_messages={"required": "Say why the update is being corrected."},
    )

    field_order = [*UpdateFields.field_order, "correction_reason"]

    def __init__(self, *args, update=None, **kwargs):
        if update is not None:
            kwargs.setdefault(
                "initial",
                {
                    "date": update.date,
                    "narrative": update.narrative,
                    "rag": update.rag,
                    "percent_complete": update.percent_complete,
                    "reason": update.reason,
                    "recovery_step": update.recovery_step,
                },
            )
        super().__init__(*args, **kwargs)


class EvidenceForm(GDSForm, EvidenceFields):
    def clean(self):
        data = super().clean()
        if not data.get("evidence_file") and not data.get("evidence_link") and not self.errors:
            raise forms.ValidationError("Choose a file or enter a link.")
        return data


class ActionForm(GDSForm):
    title = TextField(kind="title", label="Action", rows=None)
    description = TextField(kind="description", label="Details (optional)", required=False)
    owner = IdModelChoiceField(label="Owner", queryset=None, empty_label="Choose an owner")
    start_date = DateField(label="Start date")
    due_date = DateField(label="Due date")
    success_measure = TextField(
        kind="success_measure", label="How will we know it has worked?", rows=2
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args, owners, editing: bool = False, due_date_fixed: bool = False, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.editing = editing
        if editing and due_date_fixed:
            # Once the chair has approved the plan, the due date changes only through a
            # date change the chair approves.
            del self.fields["due_date"]
            self.build_helper()

    def clean(self):
        data = super().clean()
        start, due = data.get("start_date"), data.get("due_date")
        if start and due and due < start:
            self.add_error("due_date", "The due date cannot be before the start date.")
        if self.editing and data.get("version") is None:
            # The version the person started from: without it a stale edit would go unseen.
            self.add_error(
                None, "This page is out of date: open the action again and make your change."
            )
        return data


class DateChangeForm(GDSForm):
    new_date = DateField(label="New due date")
    reason = TextField(
        kind="reason",
        label="Why does the date need to change?",
        error_messages={"required": "Say why the date needs to change."},
    )

    def __init__(self, *args, action=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action

    def clean_new_date(self):
        day = self.cleaned_data["new_date"]
        if self.action is not None and day < self.action.start_date:
            raise forms.ValidationError(rules.date_change_before_start(self.action))
        return day


class ReasonForm(GDSForm):
    """A decision that needs a reason: return, send back, decline, reopen, cancel."""

    reason = TextField(kind="reason", label="Reason")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, label: str = "Reason", required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].required = required
        self.fields["reason"].error_messages["required"] = "Give a reason."


class CancelActionForm(ReasonForm):
    superseded = forms.BooleanField(
        label="It is replaced by another action (superseded)", required=False
    )


class ClosureForm(GDSForm):
    summary = TextField(
        kind="summary",
        label="Closure summary: what was done, and the evidence that it worked",
        rows=5,
        error_messages={"required": "Write a closure summary of the evidence."},
    )


class SignOffForm(GDSForm):
    confirmed = forms.BooleanField(
        label="I have read the closure summary and the evidence, and I am satisfied the "
        "recommendation has been delivered",
        error_messages={"required": "Confirm that you have reviewed the evidence."},
    )
    comment = forms.CharField(
        label="Comment (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded with the sign-off and shown in the timeline and board pack.",
    )


class PreferencesForm(GDSForm):
    wants_digest = forms.BooleanField(
        label="Send me the weekly digest",
        required=False,
        help_text=(
            "Board chairs only: decisions awaiting you, overdue actions and what changed "
            "since the last digest."
        ),
    )
    wants_nudges = forms.BooleanField(
        label="Remind me when an action I own has had no update for a while",
        required=False,
    )
    wants_notifications = forms.BooleanField(
        label="E-mail me my notifications",
        required=False,
        help_text=(
            "When the chair decides on a plan, closure or date change of yours, reopens a "
            "recommendation, or someone else updates an action you own. They are always "
            "listed under Notifications."
        ),
    )

    field_order = ["wants_digest", "wants_nudges", "wants_notifications"]


class ResponseForm(GDSForm):
    response = forms.ChoiceField(
        label="The service's response to the recommendation",
        choices=Recommendation.Response.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose agreed, partly agreed or not agreed."},
    )
    reason = forms.CharField(
        label="Reason (needed when partly agreed or not agreed)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The chair reads this beside the recommendation.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


MONEY_LIKE = {"max_digits": 12, "decimal_places": 2}


class MeasureForm(GDSForm):
    name = forms.CharField(
        label="What is measured",
        max_length=300,
        help_text="For example, % of YOS children aged 16+ in education, training or employment",
        error_messages={"required": "Name the measure."},
    )
    unit = forms.CharField(
        label="Unit (optional)",
        max_length=50,
        required=False,
        help_text="For example, % or children",
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10"}),
    )
    baseline_value = forms.DecimalField(
        label="Baseline value",
        **MONEY_LIKE,
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-5"}),
        error_messages={"required": "Enter the baseline value.", "invalid": "Enter a number."},
    )
    baseline_date = DateField(label="Date of the baseline")
    target_value = forms.DecimalField(
        label="Target value",
        **MONEY_LIKE,
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-5"}),
        error_messages={"required": "Enter the target value.", "invalid": "Enter a number."},
    )
    target_date = DateField(label="Target date")
    higher_is_better = forms.BooleanField(
        label="A higher value is better", required=False, initial=True
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReadingForm(GDSForm):
    date = DateField(label="Date of the reading")
    value = forms.DecimalField(
        label="Value",
        **MONEY_LIKE,
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-5"}),
        error_messages={"required": "Enter the value.", "invalid": "Enter a number."},
    )
    note = forms.CharField(label="Note (optional)", max_length=300, required=False)


class PersonForm(GDSForm):
    name = forms.CharField(
        label="Name",
        max_length=200,
        help_text="A name, or a role title such as 'Police lead'",
        error_messages={"required": "Enter the person's name."},
    )
    job_title = forms.CharField(label="Job title (optional)", max_length=200, required=False)
    agency = forms.CharField(
        label="Agency (optional)",
        max_length=200,
        required=False,
        help_text="The agency they represent, for example Police or Health",
    )
    email = forms.EmailField(
        label="E-mail address (optional)",
        required=False,
        help_text="Reminders about the actions they own go here.",
        error_messages={"invalid": "Enter an e-mail address like name@example.org"},
    )
    is_active = forms.BooleanField(
        label="Active (can be chosen as an owner)", required=False, initial=True
    )

    def __init__(self, *args, adding: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if adding:
            del self.fields["is_active"]
            self.build_helper()


# --- Bringing in an existing plan ------------------------------------------------------------


class PlanUploadForm(GDSForm):
    """Step one: which source the plan answers, and the file."""

    source = IdModelChoiceField(
        label="Which source's recommendations does the plan answer?",
        queryset=None,
        empty_label="Choose",
        error_messages={"required": "Choose the source the plan answers."},
    )
    plan_file = forms.FileField(
        label="The plan",
        help_text="An Excel workbook (.xlsx), a CSV file or a Word document with the plan in a "
        "table, up to 5 MB. The first sheet is read.",
        error_messages={"required": "Choose the plan's file."},
    )

    def __init__(self, *args, sources=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = sources
        self.fields["source"].label_from_instance = lambda s: f"{s.service}: {s}"

    def clean_plan_file(self):
        from actions.plan_import import PlanReadError
        from actions.plan_import.read import MAX_BYTES, kind_of

        upload = self.cleaned_data["plan_file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1_048_576:.1f} MB: plans up to "
                f"{MAX_BYTES // 1_048_576} MB can be brought in."
            )
        data = upload.read()
        try:
            kind_of(data, upload.name)
        except PlanReadError as error:
            raise forms.ValidationError(str(error)) from error
        upload.seek(0)
        self.data_bytes = data
        return upload


class PlanMappingForm(GDSForm):
    """Step two: which column holds which field; then, once the preview reads, save."""

    board_agreed = forms.BooleanField(
        label="The board agreed this plan before it was brought in",
        required=False,
        help_text="The plans are recorded as approved, by you, with that reason; their "
        "progress comes in as updates, each with its date.",
    )

    def __init__(self, *args, headers: list[str], mapping: dict[str, int], **kwargs):
        from actions.plan_import.mapping import FIELDS

        super().__init__(*args, **kwargs)
        choices = [("", "Not in the file")] + [
            (str(i), h or f"Column {i + 1} (no heading)") for i, h in enumerate(headers)
        ]
        fields = {}
        for name, label in FIELDS.items():
            fields[f"col_{name}"] = forms.ChoiceField(
                label=label,
                choices=choices,
                required=False,
                initial=str(mapping[name]) if name in mapping else "",
            )
        self.fields = fields | dict(self.fields)
        self.build_helper()

    def mapping(self) -> dict[str, int]:
        from actions.plan_import.mapping import FIELDS
        from yjtracker.ids import parse_int

        chosen = {}
        for name in FIELDS:
            value = parse_int(self.cleaned_data.get(f"col_{name}") or "")
            if value is not None:
                chosen[name] = value
        return chosen

    def clean(self):
        data = super().clean()
        columns = [data.get(name) for name in self.fields if name.startswith("col_")]
        picked = [c for c in columns if c]
        if len(picked) != len(set(picked)):
            raise forms.ValidationError("Each column can hold one field only.")
        return data


# --- Partner update links --------------------------------------------------------------------


class UpdateLinkForm(GDSForm):
    person = IdModelChoiceField(
        label="Who should update this action?",
        queryset=None,
        empty_label="Choose",
        error_messages={"required": "Choose who the link is for."},
    )
    days = forms.IntegerField(
        label="Days the link works for",
        min_value=1,
        max_value=28,
        initial=14,
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-3"}),
        error_messages={
            "required": "Enter how many days the link works for, from 1 to 28.",
            "min_value": "A link can last from 1 to 28 days.",
            "max_value": "A link can last from 1 to 28 days.",
        },
    )
    in_reminders = forms.BooleanField(
        label="Also send a fresh link with their reminder e-mails for this action",
        required=False,
    )

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["person"].label_from_instance = lambda p: (
            f"{p}{' – ' + p.email if p.email else ' – no e-mail address: you will copy the link'}"
        )


class PartnerUpdateForm(ProgressUpdateForm):
    """The update form on a link's page: the update and its evidence, nothing else
    (corrections are made on the action's page)."""
