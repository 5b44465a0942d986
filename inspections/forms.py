"""Forms of the report import: the upload-or-paste form and the review form built from the
parsed report. Forms validate input; `inspections.services` writes."""

from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.template.defaultfilters import filesizeformat

from inspections.models import Framework, Inspection, Service
from inspections.services import service_named
from yjtracker.forms import DateField, GDSForm, IdModelChoiceField, TextField
from yjtracker.ids import parse_id


def _date_or_none(value) -> datetime.date | None:
    """The parser's ISO date ("2023-01-09") for the day, month and year boxes."""
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


class UploadForm(GDSForm):
    report = forms.FileField(
        label="The published report (PDF or text file)",
        required=False,
        help_text="Up to the upload limit. Scanned reports without selectable text cannot be read.",
    )
    text = forms.CharField(
        label="Or paste the report's text",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    def clean(self):
        data = super().clean()
        upload, text = data.get("report"), (data.get("text") or "").strip()
        if not upload and not text:
            raise ValidationError("Choose a file or paste the report's text.")
        if upload and upload.size > settings.REPORT_IMPORT_MAX_BYTES:
            self.add_error(
                "report",
                f"The file is {filesizeformat(upload.size)}: the largest allowed is "
                f"{filesizeformat(settings.REPORT_IMPORT_MAX_BYTES)}.",
            )
        return data


class PreviewForm(GDSForm):
    """Every value the report gave, editable; built from the parsed result."""

    service = IdModelChoiceField(queryset=Service.objects.none(), empty_label="Choose")
    framework = IdModelChoiceField(queryset=Framework.objects.all(), empty_label="Choose")
    title = TextField(kind="inspection_title", required=False, label="Title (optional)", rows=None)
    fieldwork_start = DateField(
        required=False, label="Fieldwork started", help_text="For example, 9 1 2023"
    )
    published = forms.CharField(
        required=False,
        label="Published (year and month, YYYY-MM)",
        max_length=7,
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-5"}),
    )
    overall_rating = forms.ChoiceField(required=False, label="Overall rating")
    score = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=1000,
        label="Published score",
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-3"}),
    )

    confirm_service = forms.BooleanField(
        required=False,
        label="Yes, import it under the service chosen above",
        help_text="Tick only if the report really is about that service.",
    )

    def __init__(self, *args, parsed: dict, services, guess=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_tag = False
        self.parsed = parsed
        self.fields["service"].queryset = services
        rating_names = ["Outstanding", "Good", "Requires improvement", "Inadequate"]
        self.fields["overall_rating"].choices = [("", "Not found")] + [(n, n) for n in rating_names]
        standard_choices = [("", "Not found"), ("Not rated", "Not rated")] + [
            (n, n) for n in rating_names
        ]
        self.standard_fields = []
        for row in parsed.get("standards", []):
            code = row["code"]
            name = f"rating_{code}"
            self.fields[name] = forms.ChoiceField(
                required=False, choices=standard_choices, label=f"Rating for {code}"
            )
            kq_names = []
            for i, question in enumerate(row.get("key_questions", [])):
                kq = f"kq_{code}_{i}"
                self.fields[kq] = forms.IntegerField(
                    required=False,
                    min_value=0,
                    max_value=100,
                    label=question["text"],
                    widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-3"}),
                )
                kq_names.append(kq)
            self.standard_fields.append({"row": row, "rating": name, "key_questions": kq_names})
        self.recommendation_fields = []
        for i, _rec in enumerate(parsed.get("recommendations", [])):
            names = {
                "number": f"rec_{i}_number",
                "addressee": f"rec_{i}_addressee",
                "text": f"rec_{i}_text",
            }
            self.fields[names["number"]] = forms.IntegerField(min_value=1, label="Number")
            self.fields[names["addressee"]] = TextField(
                kind="addressee", required=False, label="Addressed to", rows=None
            )
            self.fields[names["text"]] = TextField(kind="recommendation_text", label="Text")
            self.recommendation_fields.append(names)
        if not self.is_bound:
            self.initial.update(self._initial(parsed, guess))

    @staticmethod
    def _initial(parsed: dict, guess) -> dict:
        initial = {
            "service": guess,
            "framework": Framework.objects.filter(slug=parsed.get("framework")).first(),
            "fieldwork_start": _date_or_none(parsed.get("fieldwork_start")),
            "published": parsed.get("published") or "",
            "overall_rating": parsed.get("overall_rating") or "",
            "score": parsed.get("score"),
        }
        for row in parsed.get("standards", []):
            initial[f"rating_{row['code']}"] = row.get("rating") or ""
            for i, question in enumerate(row.get("key_questions", [])):
                initial[f"kq_{row['code']}_{i}"] = question.get("percent")
        for i, rec in enumerate(parsed.get("recommendations", [])):
            initial[f"rec_{i}_number"] = rec["number"]
            initial[f"rec_{i}_addressee"] = rec.get("addressee") or ""
            initial[f"rec_{i}_text"] = rec["text"]
        return initial

    GENERAL = (
        "service",
        "framework",
        "title",
        "fieldwork_start",
        "published",
        "overall_rating",
        "score",
    )

    def current_service(self):
        """The service chosen in the form (as submitted, or as first offered)."""
        value = self["service"].value()
        if isinstance(value, Service):
            return value
        pk = parse_id(value)
        return self.fields["service"].queryset.filter(pk=pk).first() if pk else None

    def layout(self) -> dict:
        """Bound fields grouped for the review page, each with the text it came from, and what
        needs the reviewer's attention first."""
        sources = self.parsed.get("sources", {})
        mismatch = self.named_service_differs(self.current_service())
        general = [self[name] for name in self.GENERAL]
        if mismatch or self.errors.get("confirm_service"):
            general.insert(1, self["confirm_service"])
        standards = [
            {
                "row": f["row"],
                "rating": self[f["rating"]],
                "source": sources.get(f"standards.{f['row']['code']}.rating", ""),
                "key_questions": [self[k] for k in f["key_questions"]],
            }
            for f in self.standard_fields
        ]
        unrated = [s["row"]["code"] for s in standards if not s["rating"].value()]
        missing_percent = sum(
            1 for s in standards for kq in s["key_questions"] if kq.value() in (None, "")
        )
        error_fields = set(self.errors)
        return {
            "general": general,
            "service_mismatch": mismatch,
            "standards": standards,
            "standards_open": any(
                f["rating"] in error_fields or error_fields & set(f["key_questions"])
                for f in self.standard_fields
            ),
            "unrated": unrated,
            "missing_percent": missing_percent,
            "recommendations_open": any(
                error_fields & set(f.values()) for f in self.recommendation_fields
            ),
            "recommendations": [
                {
                    "title": f"Recommendation {self.parsed['recommendations'][i]['number']}",
                    "number": self[f["number"]],
                    "addressee": self[f["addressee"]],
                    "text": self[f["text"]],
                    "source": sources.get(f"recommendations.{self.initial.get(f['number'], '')}")
                    or sources.get(f"recommendations.{i + 1}", ""),
                    "plan": self.parsed["recommendations"][i],
                }
                for i, f in enumerate(self.recommendation_fields)
            ],
        }

    def clean_published(self):
        value = (self.cleaned_data.get("published") or "").strip()
        if not value:
            return None
        try:
            return datetime.date.fromisoformat(value + "-01")
        except ValueError as error:
            raise ValidationError("Enter the month as YYYY-MM, for example 2023-05.") from error

    def named_service_differs(self, service) -> bool:
        """The report names a service, and it is not `service`."""
        named = self.parsed.get("service")
        return bool(named and service and service_named(named, [service]) is None)

    def clean(self):
        data = super().clean()
        service = data.get("service")
        if self.named_service_differs(service) and not data.get("confirm_service"):
            self.add_error(
                "confirm_service",
                f"The report names {self.parsed['service']}, not {service}. Choose the "
                "right service, or tick to confirm this one.",
            )
        numbers = [data.get(f["number"]) for f in self.recommendation_fields]
        seen = set()
        for names, number in zip(self.recommendation_fields, numbers, strict=True):
            if number in seen:
                self.add_error(names["number"], f"Number {number} is used twice.")
            seen.add(number)
        return data


class SourceForm(GDSForm):
    """A source of recommendations of any kind, recorded by a manager or administrator."""

    service = IdModelChoiceField(queryset=Service.objects.none(), empty_label="Choose")
    kind = forms.ChoiceField(
        label="Kind of source",
        choices=[("", "Choose"), *Inspection.Kind.choices],
        error_messages={"required": "Choose the kind of source."},
    )
    title = TextField(
        kind="inspection_title",
        label="Title",
        rows=None,
        help_text="As the document names it, e.g. 'Internal audit of case recording'.",
        error_messages={"required": "Give the source's title."},
    )
    author = forms.CharField(
        label="Author (optional)",
        required=False,
        max_length=200,
        help_text="The body that wrote it, e.g. 'Knowsley Safeguarding Children Partnership'.",
    )
    published_on = DateField(
        label="Date",
        help_text="The date of the document, for example 3 11 2026.",
    )
    report_url = forms.URLField(
        label="Link to the document (optional)",
        required=False,
        max_length=200,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"class": "govuk-input"}),
        validators=[URLValidator(schemes=["http", "https"])],
        error_messages={"invalid": "Enter the document's address, starting https://"},
    )
    framework = IdModelChoiceField(
        queryset=Framework.objects.order_by("name"),
        required=False,
        empty_label="None: this source has no ratings",
        label="Rating framework",
        help_text="Only for an inspection rated under a framework. An administrator enters "
        "its ratings, or imports the report.",
    )

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        if len(services) == 1:
            self.fields["service"].initial = services[0].pk

    def clean(self):
        data = super().clean()
        if data.get("kind") == Inspection.Kind.INSPECTION and not data.get("framework"):
            self.add_error("framework", "An inspection needs its framework.")
        return data


class RecommendationAddForm(GDSForm):
    """One recommendation of a source, as its document words it."""

    number = forms.IntegerField(
        label="Number",
        min_value=1,
        max_value=999,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={
            "required": "Give the recommendation's number.",
            "invalid": "Enter the number as digits, for example 3.",
            "min_value": "Enter a number from 1 to 999.",
            "max_value": "Enter a number from 1 to 999.",
        },
    )
    addressee = TextField(
        kind="addressee",
        label="Who it is for (optional)",
        required=False,
        rows=None,
        help_text="e.g. 'The YOS manager' or 'The management board'.",
    )
    text = TextField(
        kind="recommendation_text",
        label="Recommendation",
        rows=5,
        error_messages={"required": "Give the recommendation's words."},
    )
