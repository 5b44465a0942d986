"""Filters for the action lists, applied to a queryset already scoped to the user."""

from __future__ import annotations

import django_filters
from django import forms

from actions.models import Action
from actions.reports import RAG_LABELS, RAG_ORDER, filter_by_rag
from inspections.models import Inspection, Person, Recommendation, Service, Theme

RAG_CHOICES = [(key, RAG_LABELS[key]) for key in RAG_ORDER]


class ActionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="filter_search")
    service = django_filters.ModelChoiceFilter(
        label="Service",
        field_name="plan__recommendation__inspection__service",
        queryset=Service.objects.none(),
        empty_label="Any",
    )
    inspection = django_filters.ModelChoiceFilter(
        label="Inspection",
        field_name="plan__recommendation__inspection",
        queryset=Inspection.objects.none(),
        empty_label="Any",
    )
    owner = django_filters.ModelChoiceFilter(
        label="Owner", queryset=Person.objects.none(), empty_label="Any"
    )
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
    recommendation = django_filters.ModelChoiceFilter(
        label="Recommendation",
        field_name="plan__recommendation",
        queryset=Recommendation.objects.none(),
        empty_label="Any",
    )
    theme = django_filters.ModelChoiceFilter(
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
        self.filters["service"].queryset = Service.objects.for_user(user)
        self.filters["inspection"].queryset = Inspection.objects.for_user(user).select_related(
            "service"
        )
        self.filters["owner"].queryset = Person.objects.for_user(user)
        self.filters["recommendation"].queryset = Recommendation.objects.for_user(
            user
        ).select_related("inspection__service")

    def filter_search(self, queryset, name, value):
        return queryset.filter(title__icontains=value) if value else queryset

    def filter_rag(self, queryset, name, value):
        return filter_by_rag(queryset, value, self.today) if value else queryset

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue(self.today) if value else queryset
