"""Import a published report: upload or paste, review every value next to its source,
correct, confirm; one transaction saves it all. For a service's administrators."""

from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat

from actions import permissions as perms
from actions.forms import GDSForm
from inspections import services
from inspections.importer import ReportReadError
from inspections.importer.parse import parse_report, read_report
from inspections.models import Framework, Service

SESSION_KEY = "report_import"


def _services(user):
    services_ids = perms.administered_services(user)
    if not services_ids:
        raise PermissionDenied("Only a service's administrators can import reports.")
    return Service.objects.filter(pk__in=services_ids).order_by("name")


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


def import_start(request):
    services_qs = _services(request.user)
    chosen = request.GET.get("service", "")
    if chosen.isdigit() and services_qs.filter(pk=int(chosen)).exists():
        request.session[SESSION_KEY + "_service"] = int(chosen)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload, text = form.cleaned_data["report"], form.cleaned_data["text"].strip()
        try:
            parsed = read_report(upload.read(), upload.name) if upload else parse_report(text)
        except ReportReadError as error:
            form.add_error("report" if upload else "text", str(error))
        else:
            request.session[SESSION_KEY] = parsed
            return redirect("import_preview")
    return render(
        request,
        "inspections/import_start.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


class PreviewForm(GDSForm):
    """Every value the report gave, editable; built from the parsed result."""

    service = forms.ModelChoiceField(queryset=Service.objects.none(), empty_label="Choose")
    framework = forms.ModelChoiceField(queryset=Framework.objects.all(), empty_label="Choose")
    title = forms.CharField(max_length=200, required=False, label="Title (optional)")
    fieldwork_start = forms.DateField(
        required=False,
        label="Fieldwork started",
        widget=forms.DateInput(
            attrs={"type": "date", "class": "govuk-input govuk-input--width-10"}
        ),
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
            self.fields[names["addressee"]] = forms.CharField(
                required=False, max_length=300, label="Addressed to"
            )
            self.fields[names["text"]] = forms.CharField(
                label="Text", widget=forms.Textarea(attrs={"rows": 3})
            )
            self.recommendation_fields.append(names)
        if not self.is_bound:
            self.initial.update(self._initial(parsed, guess))

    @staticmethod
    def _initial(parsed: dict, guess) -> dict:
        initial = {
            "service": guess,
            "framework": Framework.objects.filter(slug=parsed.get("framework")).first(),
            "fieldwork_start": parsed.get("fieldwork_start"),
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

    def layout(self) -> dict:
        """Bound fields grouped for the review page, each with the text it came from."""
        sources = self.parsed.get("sources", {})
        return {
            "general": [self[name] for name in self.GENERAL],
            "standards": [
                {
                    "row": f["row"],
                    "rating": self[f["rating"]],
                    "source": sources.get(f"standards.{f['row']['code']}.rating", ""),
                    "key_questions": [self[k] for k in f["key_questions"]],
                }
                for f in self.standard_fields
            ],
            "recommendations": [
                {
                    "title": f"Recommendation {self.parsed['recommendations'][i]['number']}",
                    "number": self[f["number"]],
                    "addressee": self[f["addressee"]],
                    "text": self[f["text"]],
                    "source": sources.get(f"recommendations.{self.initial.get(f['number'], '')}")
                    or sources.get(f"recommendations.{i + 1}", ""),
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

    def clean(self):
        data = super().clean()
        numbers = [data.get(f["number"]) for f in self.recommendation_fields]
        seen = set()
        for names, number in zip(self.recommendation_fields, numbers, strict=True):
            if number in seen:
                self.add_error(names["number"], f"Number {number} is used twice.")
            seen.add(number)
        return data


def import_preview(request):
    services_qs = _services(request.user)
    parsed = request.session.get(SESSION_KEY)
    if not parsed:
        messages.error(request, "Start by uploading or pasting a report.")
        return redirect("import_start")
    chosen = services_qs.filter(pk=request.session.get(SESSION_KEY + "_service")).first()
    guess = chosen or services.guess_service(parsed.get("service"), services_qs)
    form = PreviewForm(request.POST or None, parsed=parsed, services=services_qs, guess=guess)
    duplicate = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        duplicate = services.find_duplicate(
            service=data["service"],
            framework=data["framework"],
            fieldwork_start=data["fieldwork_start"],
            published_on=data["published"],
        )
        if duplicate is None:
            try:
                inspection = services.inspection_import(
                    parsed=parsed,
                    service=data["service"],
                    framework=data["framework"],
                    by=request.user,
                    title=data["title"],
                    fieldwork_start=data["fieldwork_start"],
                    published_on=data["published"],
                    overall_rating=data["overall_rating"] or None,
                    score=data["score"],
                    ratings={f["row"]["code"]: data[f["rating"]] for f in form.standard_fields},
                    key_questions={
                        f["row"]["code"]: [data[k] for k in f["key_questions"]]
                        for f in form.standard_fields
                    },
                    recommendations=[
                        {
                            "number": data[f["number"]],
                            "addressee": data[f["addressee"]],
                            "text": data[f["text"]],
                        }
                        for f in form.recommendation_fields
                    ],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                del request.session[SESSION_KEY]
                messages.success(
                    request,
                    f"Imported: {inspection.ratings.count()} ratings and "
                    f"{inspection.recommendations.count()} recommendations saved.",
                )
                return redirect(inspection)
        else:
            form.add_error(None, "This inspection has already been imported.")
    elif request.method != "POST" and guess is not None:
        framework = Framework.objects.filter(slug=parsed.get("framework")).first()
        published = parsed.get("published")
        duplicate = services.find_duplicate(
            service=guess,
            framework=framework,
            fieldwork_start=parsed.get("fieldwork_start"),
            published_on=datetime.date.fromisoformat(published + "-01") if published else None,
        )
    return render(
        request,
        "inspections/import_preview.html",
        {
            "form": form,
            "parsed": parsed,
            "sources": parsed.get("sources", {}),
            "duplicate": duplicate,
            "layout": form.layout(),
        },
        status=400 if form.errors else 200,
    )
