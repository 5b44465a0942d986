"""Filters for the action lists, applied to a queryset already scoped to the user."""

from __future__ import annotations

import django_filters
from django import forms

from actions.models import Action
from actions.rules import RAG_LABELS, RAG_ORDER, filter_by_rag
from inspections.models import Inspection, Person, Recommendation, Service, Theme
from yjtracker.forms import IdModelChoiceField
from yjtracker.ids import parse_id

MANY_SERVICES = 5
RAG_CHOICES = [(key, RAG_LABELS[key]) for key in RAG_ORDER]


class IdChoiceFilter(django_filters.ModelChoiceFilter):
    """A choice of record that reads its id strictly (see `yjtracker.ids`)."""

    field_class = IdModelChoiceField


class ActionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="filter_search")
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
    due_before = django_filters.DateFilter(
        label="Due before",
        field_name="current_due_date",
        lookup_expr="lt",
        widget=forms.DateInput(attrs={"type": "date"}),
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
        if chosen["inspection"]:
            recommendations = recommendations.filter(inspection_id=chosen["inspection"])
        else:
            recommendations = recommendations.filter(pk=chosen["recommendation"])
        self.filters["inspection"].queryset = inspections
        self.filters["owner"].queryset = people
        self.filters["recommendation"].queryset = recommendations

    def _id(self, key: str) -> int | None:
        return parse_id((self.data or {}).get(key, ""))

    @staticmethod
    def _service_ids(services) -> list[int]:
        return list(services.values_list("pk", flat=True)[: MANY_SERVICES + 1])

    def filter_search(self, queryset, name, value):
        return queryset.filter(title__icontains=value) if value else queryset

    def filter_rag(self, queryset, name, value):
        return filter_by_rag(queryset, value, self.today) if value else queryset

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue(self.today) if value else queryset
