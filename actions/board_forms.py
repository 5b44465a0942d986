"""Forms of the board's pages: which position to show (now or as at a date), what changed
since a meeting or a date, scheduling a meeting, and issuing a pack to it."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone

from actions.models import BoardMeeting
from inspections.models import Inspection
from yjtracker.forms import DateField, GDSForm, IdModelChoiceField

NOT_IN_FUTURE = "The date must be today or in the past."


class AsAtForm(GDSForm):
    """The position shown (GET): now, or as at the end of a past day."""

    as_at = DateField(
        label="Show the position as at",
        required=False,
        help_text="Leave empty for now. For example, 3 11 2026",
    )

    def __init__(self, *args, meetings=None, **kwargs):
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("as_at") and data["as_at"] > timezone.localdate():
            self.add_error("as_at", NOT_IN_FUTURE)
        return data


class PositionForm(AsAtForm):
    """The position shown, and what changed since a meeting or a day, up to it."""

    since = IdModelChoiceField(
        label="What changed since the meeting of",
        queryset=BoardMeeting.objects.none(),
        required=False,
        empty_label="No meeting",
        error_messages={"invalid_choice": "Choose one of the board's meetings."},
    )
    since_date = DateField(
        label="Or since the end of",
        required=False,
        help_text="A date instead of a meeting. For example, 3 11 2026",
    )

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["since"].queryset = meetings
        self.fields["since"].label_from_instance = meeting_label

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        as_at, since_date = data.get("as_at"), data.get("since_date")
        if since_date and since_date > today:
            self.add_error("since_date", NOT_IN_FUTURE)
        elif since_date and as_at and since_date >= as_at:
            self.add_error("since_date", "Choose a date before the date of the position.")
        if data.get("since") and since_date:
            self.add_error("since_date", "Choose a meeting or a date, not both.")
        return data


def meeting_label(meeting: BoardMeeting) -> str:
    day = f"{meeting.date.day} {meeting.date:%B %Y}"
    return f"{day} ({meeting.title})" if meeting.title else day


class MeetingForm(GDSForm):
    date = DateField(label="Date of the meeting", help_text="For example, 3 11 2026")
    title = forms.CharField(
        label="Title (optional)",
        required=False,
        max_length=200,
        help_text="For example, Quarterly board meeting",
        error_messages={"max_length": "The title can be at most 200 characters."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing

    def clean(self):
        data = super().clean()
        if self.editing and data.get("version") is None:
            # The version the person started from: without it a stale edit would go unseen.
            self.add_error(None, "This page is out of date: open the meeting again.")
        return data

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day and not datetime.date(2000, 1, 1) <= day <= timezone.localdate().replace(
            year=timezone.localdate().year + 5
        ):
            raise forms.ValidationError("Enter a date between 2000 and five years from now.")
        return day


class IssuePackForm(GDSForm):
    inspection = IdModelChoiceField(
        label="Which inspection's board pack?",
        queryset=Inspection.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the inspection whose pack is issued.",
            "invalid_choice": "Choose one of the service's inspections.",
        },
    )

    def __init__(self, *args, inspections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspection"].queryset = inspections


class KindFilterForm(GDSForm):
    """The kinds of source the whole register shows (GET); none ticked: every kind."""

    kind = forms.MultipleChoiceField(
        label="Kinds of source",
        required=False,
        choices=Inspection.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked for every kind.",
        error_messages={"invalid_choice": "Choose kinds of source from the list."},
    )
