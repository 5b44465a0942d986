"""Filters for the action lists, applied to a queryset already scoped to the user."""

from __future__ import annotations

import re

import django_filters
from django import forms
from django.db.models import Q

from actions.models import Action, ProgressUpdate
from actions.rules import RAG_LABELS, RAG_ORDER, filter_by_rag
from inspections.models import Inspection, Person, Recommendation, Service, Theme
from yjtracker.forms import DateField, IdModelChoiceField
from yjtracker.ids import parse_id, parse_int

MANY_SERVICES = 5
MAX_RECOMMENDATION_CHOICES = 200
MAX_SEARCH_WORDS = 8

# "3.1", "3.1.", "action 3.1": an action by its reference; "rec 2", "recommendation 2", "r2":
# the actions of a recommendation by its number.
ACTION_REFERENCE = re.compile(r"^(?:action\s*)?(\d{1,4})\.(\d{1,4})\.?$", re.IGNORECASE | re.ASCII)
RECOMMENDATION_REFERENCE = re.compile(
    r"^(?:rec(?:ommendation)?\.?|r)\s*(\d{1,4})$", re.IGNORECASE | re.ASCII
)


def recommendation_label(rec: Recommendation) -> str:
    inspection = rec.inspection
    if not inspection.is_inspection:  # a source of another kind: its title tells them apart
        return f"{inspection.service.name}, {inspection}: recommendation {rec.number}"
    year = inspection.published_on.year if inspection.published_on else "undated"
    return f"{inspection.service.name} {year}: recommendation {rec.number}"


def search(queryset, text: str):
    """Actions found by reference ("3.1", "rec 2") or by every word of `text` in the title,
    the description or any update's narrative. One query, whatever the number of rows."""
    text = " ".join((text or "").split())
    if not text:
        return queryset
    if match := ACTION_REFERENCE.match(text):
        rec_number, number = (parse_int(g) for g in match.groups())
        return queryset.filter(plan__recommendation__number=rec_number, number=number)
    if match := RECOMMENDATION_REFERENCE.match(text):
        return queryset.filter(plan__recommendation__number=parse_int(match.group(1)))
    for word in text.split()[:MAX_SEARCH_WORDS]:
        in_updates = ProgressUpdate.objects.filter(narrative__icontains=word).values("action_id")
        queryset = queryset.filter(
            Q(title__icontains=word) | Q(description__icontains=word) | Q(pk__in=in_updates)
        )
    return queryset


RAG_CHOICES = [(key, RAG_LABELS[key]) for key in RAG_ORDER]


class IdChoiceFilter(django_filters.ModelChoiceFilter):
    """A choice of record that reads its id strictly (see `yjtracker.ids`)."""

    field_class = IdModelChoiceField


class DateFilter(django_filters.DateFilter):
    """A date typed in GOV.UK's day, month and year boxes (`name_0`, `name_1`, `name_2`)."""

    field_class = DateField


class ActionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="filter_search",
        help_text="A reference such as 3.1 or rec 2, or words from titles and updates",
    )
    service = IdChoiceFilter(
        label="Service",
        field_name="plan__recommendation__inspection__service",
        queryset=Service.objects.none(),
        empty_label="Any",
    )
    inspection = IdChoiceFilter(
        label="Inspection",
        field_name="plan__recommendation__inspection",
        queryset=Inspection.objects.none(),
        empty_label="Any",
    )
    owner = IdChoiceFilter(label="Owner", queryset=Person.objects.none(), empty_label="Any")
    status = django_filters.ChoiceFilter(
        label="Status", choices=Action.Status.choices, empty_label="Any"
    )
    rag = django_filters.ChoiceFilter(
        label="RAG", choices=RAG_CHOICES, method="filter_rag", empty_label="Any"
    )
    overdue = django_filters.BooleanFilter(
        label="Overdue only", method="filter_overdue", widget=forms.CheckboxInput
    )
    due_before = DateFilter(
        label="Due before",
        field_name="current_due_date",
        lookup_expr="lt",
        help_text="For example, 31 3 2027",
    )
    recommendation = IdChoiceFilter(
        label="Recommendation",
        field_name="plan__recommendation",
        queryset=Recommendation.objects.none(),
        empty_label="Any",
    )
    theme = IdChoiceFilter(
        label="Theme",
        field_name="plan__recommendation__themes",
        queryset=Theme.objects.all(),
        empty_label="Any",
    )

    class Meta:
        model = Action
        fields: list[str] = []

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        user = self.request.user
        services = Service.objects.for_user(user)
        self.filters["service"].queryset = services
        inspections = Inspection.objects.for_user(user).select_related("service")
        people = Person.objects.for_user(user)
        recommendations = Recommendation.objects.for_user(user).select_related(
            "inspection__service"
        )
        # Long lists of choices are narrowed to the service or inspection chosen, so a
        # person with a whole region's services does not get thousands of options.
        chosen = {
            key: self._id(key) for key in ("service", "inspection", "owner", "recommendation")
        }
        if chosen["service"]:
            inspections = inspections.filter(service_id=chosen["service"])
            people = people.filter(service_id=chosen["service"])
        elif len(self._service_ids(services)) > MANY_SERVICES:
            inspections = inspections.filter(pk=chosen["inspection"])
            people = people.filter(pk=chosen["owner"])
        # Recommendations are offered without choosing an inspection first, each labelled
        # with its service and year; a person with many services chooses a service first.
        if chosen["inspection"]:
            recommendations = recommendations.filter(inspection_id=chosen["inspection"])
        elif chosen["service"]:
            recommendations = recommendations.filter(inspection__service_id=chosen["service"])
        elif len(self._service_ids(services)) > MANY_SERVICES:
            recommendations = recommendations.filter(pk=chosen["recommendation"])
        order = ("inspection__service__name", "-inspection__published_on", "inspection", "number")
        first = recommendations.order_by(*order).values("pk")[:MAX_RECOMMENDATION_CHOICES]
        recommendations = recommendations.filter(pk__in=first).order_by(*order)
        self.filters["inspection"].queryset = inspections
        self.filters["owner"].queryset = people
        self.filters["recommendation"].queryset = recommendations
        self.filters["recommendation"].field.label_from_instance = recommendation_label

    def _id(self, key: str) -> int | None:
        return parse_id((self.data or {}).get(key, ""))

    @staticmethod
    def _service_ids(services) -> list[int]:
        return list(services.values_list("pk", flat=True)[: MANY_SERVICES + 1])

    def filter_search(self, queryset, name, value):
        return search(queryset, value)

    def filter_rag(self, queryset, name, value):
        return filter_by_rag(queryset, value, self.today) if value else queryset

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue(self.today) if value else queryset
