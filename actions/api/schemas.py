"""What each endpoint returns. The OpenAPI schema (/api/v1/openapi.json) is built from these
classes, so the documentation cannot drift from the output.

Rows are flat (no nested objects) so that Excel and Power BI turn them straight into
tables; several values (inspectorates, themes) are joined into one text. Every status comes
as its code and its label as the pages show it.
"""

from __future__ import annotations

import datetime
from typing import Literal

from ninja import Field, Schema

from actions.models import RAG, Action, ActionPlan
from actions.rules import RAG_ORDER
from inspections.models import Recommendation


def _choice(values) -> type:
    return Literal[tuple(str(v) for v in values)]  # type: ignore[valid-type]


ActionStatus = _choice(Action.Status.values)
RecommendationStatus = _choice(Recommendation.Status.values)
PlanStatus = _choice(ActionPlan.Status.values)
Response = _choice(Recommendation.Response.values)
UpdateRAG = _choice(RAG.values)
SeenRAG = _choice(RAG_ORDER)


class ErrorOut(Schema):
    detail: str = Field(description="What went wrong, in plain English.")


class PageOut(Schema):
    count: int = Field(description="How many rows match, on every page together.")
    limit: int = Field(description="The most rows a page holds.")
    offset: int = Field(description="How many rows come before this page.")
    next: str | None = Field(description="The address of the next page, or null on the last.")
    previous: str | None = Field(description="The address of the previous page, or null.")


class InspectionOut(Schema):
    id: int
    service_id: int
    service: str = Field(description="The service's name, e.g. 'Knowsley YOS'.")
    title: str = Field(description="As the pages name it, e.g. 'Knowsley YOS 2023'.")
    kind: str = Field(
        description="The kind of source: inspection, joint_inspection, thematic_inspection, "
        "safeguarding_review, yjb_oversight, national_standards, internal_audit, peer_review, "
        "youth_justice_plan."
    )
    author: str = Field(description="The body that wrote it (blank for an inspection).")
    framework: str | None = Field(description="The rating framework; null for a source without.")
    inspectorates: str = Field(description="Short names, joined: e.g. 'HMIP' or 'HMIP, Ofsted'.")
    fieldwork_start: datetime.date | None
    published_on: datetime.date | None
    published_month_only: bool = Field(description="True when only the month is known.")
    published_rating: str | None = Field(description="The overall rating as published.")
    published_score: int | None
    recommendation_count: int
    is_example: bool = Field(description="Demonstration data, not a real inspection.")
    web_url: str = Field(description="The inspection's page in yjtracker.")


class RecommendationOut(Schema):
    id: int
    inspection_id: int
    service_id: int
    service: str
    number: int
    text: str
    addressee: str
    response: Response | Literal[""] = Field(description="The service's response; '' if none.")
    response_label: str
    status: RecommendationStatus
    status_label: str
    plan_status: PlanStatus | None = Field(description="The action plan's status; null: no plan.")
    plan_status_label: str
    board_owner: str | None = Field(description="The board member accountable for it.")
    themes: str = Field(description="Theme names, joined with ', '.")
    web_url: str


class ActionOut(Schema):
    id: int
    reference: str = Field(description="Recommendation number and action number, e.g. '2.1'.")
    recommendation_id: int
    inspection_id: int
    service_id: int
    service: str
    number: int
    title: str
    description: str
    owner: str
    owner_agency: str
    start_date: datetime.date
    original_due_date: datetime.date
    current_due_date: datetime.date = Field(description="After any approved date change.")
    success_measure: str
    status: ActionStatus
    status_label: str
    latest_rag: UpdateRAG | None = Field(description="The latest progress update's RAG.")
    latest_rag_label: str | None
    percent_complete: int | None = Field(description="The latest progress update's % complete.")
    last_update_date: datetime.date | None = Field(description="The latest update's date.")
    rag: SeenRAG = Field(
        description=(
            "The RAG a person sees on the pages: 'overdue' when open past its due date, "
            "'blue' when complete, 'cancelled' when cancelled or superseded, 'none' before "
            "any update, otherwise the latest update's RAG."
        )
    )
    rag_label: str
    overdue: bool = Field(description="Open and past its current due date, today.")
    is_example: bool = Field(description="Part of an illustrative example plan.")
    web_url: str


class ProgressUpdateOut(Schema):
    id: int
    action_id: int
    action_reference: str
    recommendation_id: int
    inspection_id: int
    service_id: int
    date: datetime.date = Field(description="The date the update is about.")
    recorded_at: datetime.datetime = Field(description="When it was recorded (UTC).")
    rag: UpdateRAG
    rag_label: str
    percent_complete: int
    narrative: str
    reason: str = Field(description="Why at risk or off track (Amber and Red).")
    recovery_step: str = Field(description="What will bring it back on track (Amber and Red).")
    corrects_id: int | None = Field(description="The earlier update this one corrects.")
    author: str = Field(description="Who recorded it, as the pages show them.")


class InspectionPage(PageOut):
    results: list[InspectionOut]


class RecommendationPage(PageOut):
    results: list[RecommendationOut]


class ActionPage(PageOut):
    results: list[ActionOut]


class ProgressUpdatePage(PageOut):
    results: list[ProgressUpdateOut]
