"""Sources of any kind, and the board's whole register (issue 12).

A board's register holds a source of every kind; the whole-register dashboard and pack
show every open source, filter by kind and print (PDF, XLSX); a source without a
framework shows on every page; managers record sources and their recommendations."""

from __future__ import annotations

import datetime
import html
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from actions import exports, packs, services
from actions.api import tokens
from actions.models import RAG
from inspections import services as source_services
from inspections.frameworks import load_framework
from inspections.models import Inspection, Person, Recommendation

Kind = Inspection.Kind


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return html.unescape(response.content.decode())


def board_of(inspection: Inspection):
    return inspection.service.board


def register_url(inspection: Inspection, name: str = "register_dashboard") -> str:
    return reverse(name, args=[board_of(inspection).pk])


def xlsx_rows(response) -> list[tuple]:
    assert response.status_code == 200, response.status_code
    book = load_workbook(io.BytesIO(response.content))
    return [row for sheet in book for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def every_kind(knowsley_demo, manager) -> dict[str, Inspection]:
    """Knowsley's board with one source of every kind, each with a recommendation: the
    demo's 2023 inspection, the demo's sources without a framework, and a joint
    inspection recorded here."""
    sources = {s.kind: s for s in Inspection.objects.filter(service=knowsley_demo.service)}
    joint = source_services.source_record(
        service=knowsley_demo.service,
        by=manager,
        kind=Kind.JOINT_INSPECTION,
        title="Joint targeted area inspection (test)",
        author="Ofsted, CQC, HMICFRS and HMIP",
        published_on=datetime.date(2025, 3, 1),
    )
    source_services.recommendation_add(
        source=joint, by=manager, number=1, text="Share the multi-agency risk picture."
    )
    sources[Kind.JOINT_INSPECTION] = joint
    return sources


def test_a_boards_register_holds_one_source_of_every_kind(every_kind, viewer):
    assert set(every_kind) == set(Kind.values)

    in_register = packs.whole_register(every_kind[Kind.INSPECTION].service)
    assert set(in_register.values_list("inspection__kind", flat=True)) == set(Kind.values)

    page = text(signed_in(viewer).get(register_url(every_kind[Kind.INSPECTION])))
    for source in every_kind.values():
        assert str(source) in page
        assert source.get_kind_display() in page


def test_a_source_whose_recommendations_are_all_closed_leaves_the_register(every_kind, viewer):
    audit = every_kind[Kind.INTERNAL_AUDIT]
    Recommendation.objects.filter(inspection=audit).update(status=Recommendation.Status.CLOSED)

    page = text(signed_in(viewer).get(register_url(audit)))

    assert str(audit) not in page
    assert str(every_kind[Kind.PEER_REVIEW]) in page


def test_the_whole_register_pack_filters_by_kind(every_kind, viewer):
    audit, review = every_kind[Kind.INTERNAL_AUDIT], every_kind[Kind.PEER_REVIEW]
    client = signed_in(viewer)
    url = register_url(audit, "register_pack")

    rows = xlsx_rows(client.get(url, {"format": "xlsx", "kind": Kind.INTERNAL_AUDIT}))
    every = xlsx_rows(client.get(url, {"format": "xlsx"}))

    cells = {str(cell) for row in rows for cell in row if cell is not None}
    every_cells = {str(cell) for row in every for cell in row if cell is not None}
    audit_text = audit.recommendations.get().text
    review_text = review.recommendations.get().text
    assert audit_text in cells and review_text not in cells
    assert {audit_text, review_text} <= every_cells
    page = text(client.get(url, {"kind": [Kind.INTERNAL_AUDIT, Kind.PEER_REVIEW]}))
    assert audit_text in page and review_text in page
    assert every_kind[Kind.YOUTH_JUSTICE_PLAN].recommendations.first().text not in page


def test_the_whole_register_pack_prints_as_pdf(every_kind, viewer):
    if not exports.pdf_available():
        pytest.skip("WeasyPrint is not installed")
    response = signed_in(viewer).get(
        register_url(every_kind[Kind.INSPECTION], "register_pack"), {"format": "pdf"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_an_unknown_kind_is_refused_in_plain_words_and_every_kind_is_shown(every_kind, viewer):
    response = signed_in(viewer).get(register_url(every_kind[Kind.INSPECTION]), {"kind": "x"})

    assert response.status_code == 400
    page = text(response)
    assert "Choose kinds of source from the list." in page
    assert str(every_kind[Kind.PEER_REVIEW]) in page


def test_the_register_is_read_only_to_other_services(every_kind, outsider):
    response = signed_in(outsider).get(register_url(every_kind[Kind.INSPECTION]))
    assert response.status_code == 404


# --- A source without a framework on every page ------------------------------------------


@pytest.fixture
def audit_with_a_plan(knowsley_demo, manager, chair):
    """The demo's internal audit, its recommendation with an approved plan, an action and
    an update."""
    audit = Inspection.objects.get(service=knowsley_demo.service, kind=Kind.INTERNAL_AUDIT)
    rec = audit.recommendations.get()
    plan = services.plan_start(recommendation=rec, by=manager, summary="Close records on time.")
    today = timezone.localdate()
    action = services.action_add(
        plan=plan,
        by=manager,
        title="Weekly check of records due to close",
        owner=Person.objects.get(service=knowsley_demo.service, user=manager),
        start_date=today - datetime.timedelta(days=10),
        due_date=today + datetime.timedelta(days=30),
        success_measure="Every record closed within 20 working days.",
    )
    services.plan_submit(plan=plan, by=manager)
    services.plan_approve(plan=plan, by=chair)
    services.update_log(
        action=action,
        by=manager,
        date=today,
        narrative="First weekly check done.",
        rag=RAG.GREEN,
        percent_complete=20,
    )
    return audit, rec, action


def test_a_source_without_a_framework_shows_on_every_page(audit_with_a_plan, manager):
    audit, rec, action = audit_with_a_plan
    assert audit.framework is None
    client = signed_in(manager)
    pages = [
        reverse("home"),
        audit.get_absolute_url(),
        reverse("recommendation_detail", args=[rec.pk]),
        reverse("action_detail", args=[action.pk]),
        reverse("action_list") + f"?inspection={audit.pk}",
        reverse("dashboard", args=[audit.pk]),
        reverse("board_pack", args=[audit.pk]),
        reverse("board_pack", args=[audit.pk]) + "?format=csv",
        register_url(audit),
        register_url(audit, "register_pack"),
        reverse("plan_import_start"),
        reverse("overview"),
        reverse("update_round"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
    page = text(client.get(audit.get_absolute_url()))
    assert "Internal audit" in page and audit.author in page
    assert "None: this source has no ratings" in page
    assert "Overall rating" not in page
    rows = xlsx_rows(client.get(reverse("board_pack", args=[audit.pk]), {"format": "xlsx"}))
    assert any(rec.text in str(cell) for row in rows for cell in row)


def test_the_api_gives_a_sources_kind_author_and_no_framework(audit_with_a_plan, manager):
    audit, rec, action = audit_with_a_plan
    _token, secret = tokens.api_token_create(user=manager, name="BI")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    one = client.get(f"/api/v1/inspections/{audit.pk}/")
    listed = client.get("/api/v1/inspections/", {"limit": "100"})

    assert one.status_code == 200, one.content[:300]
    row = one.json()
    row = row["results"][0] if "results" in row else row
    assert row["kind"] == "internal_audit"
    assert row["author"] == audit.author
    assert row["framework"] is None
    assert listed.status_code == 200
    assert client.get(f"/api/v1/recommendations/{rec.pk}/").status_code == 200
    assert client.get(f"/api/v1/actions/{action.pk}/").status_code == 200


def test_the_admin_lists_and_opens_a_source_without_a_framework(audit_with_a_plan):
    audit, rec, _action = audit_with_a_plan
    admin = get_user_model().objects.get(username="admin")
    client = signed_in(admin)

    changelist = client.get(reverse("admin:inspections_inspection_changelist"))
    change = client.get(reverse("admin:inspections_inspection_change", args=[audit.pk]))
    filtered = client.get(
        reverse("admin:inspections_inspection_changelist"), {"kind": "peer_review"}
    )

    assert changelist.status_code == 200 and str(audit) in text(changelist)
    assert change.status_code == 200
    assert filtered.status_code == 200 and str(audit) not in text(filtered)
    rec_page = client.get(reverse("admin:inspections_recommendation_change", args=[rec.pk]))
    assert rec_page.status_code == 200


# --- Recording sources ---------------------------------------------------------------------


def date_fields(name: str, day: datetime.date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def test_a_manager_records_a_source_and_its_recommendation(knowsley_demo, manager):
    client = signed_in(manager)
    response = client.post(
        reverse("source_create"),
        {
            "service": str(knowsley_demo.service_id),
            "kind": Kind.SAFEGUARDING_REVIEW,
            "title": "Practice review: a child missing from home (test)",
            "author": "The local safeguarding partnership",
            "report_url": "https://example.org/review.pdf",
            **date_fields("published_on", datetime.date(2026, 2, 3)),
        },
    )
    source = Inspection.objects.get(title="Practice review: a child missing from home (test)")
    assert response.status_code == 302
    assert response["Location"] == source.get_absolute_url()
    assert source.kind == Kind.SAFEGUARDING_REVIEW and source.framework is None
    assert source.history.get().history_user == manager

    response = client.post(
        reverse("recommendation_create", args=[source.pk]),
        {"number": "1", "addressee": "The partnership", "text": "Agree a missing protocol."},
    )
    assert response.status_code == 302
    rec = source.recommendations.get()
    assert rec.history.get().history_user == manager
    page = text(client.get(source.get_absolute_url()))
    assert "Child safeguarding practice review" in page
    assert "The local safeguarding partnership" in page
    assert "https://example.org/review.pdf" in page
    assert "Agree a missing protocol." in page


def test_an_inspection_without_its_framework_is_refused_on_the_page(knowsley_demo, manager):
    before = Inspection.objects.count()
    response = signed_in(manager).post(
        reverse("source_create"),
        {
            "service": str(knowsley_demo.service_id),
            "kind": Kind.INSPECTION,
            "title": "An inspection",
            "report_url": "javascript:alert(1)",
            **date_fields("published_on", datetime.date(2026, 2, 3)),
        },
    )
    assert response.status_code == 400
    page = text(response)
    assert "An inspection needs its framework." in page
    assert "Enter the document's address, starting https://" in page
    assert Inspection.objects.count() == before


def test_a_viewer_cannot_record_a_source(knowsley_demo, viewer):
    with pytest.raises(Exception) as refused:
        source_services.source_record(
            service=knowsley_demo.service,
            by=viewer,
            kind=Kind.PEER_REVIEW,
            title="Peer review",
            published_on=None,
        )
    assert "manager" in str(refused.value)


def test_the_database_refuses_an_inspection_without_a_framework(knowsley_demo):
    with pytest.raises(IntegrityError), transaction.atomic():
        Inspection.objects.create(service=knowsley_demo.service, kind=Kind.INSPECTION)


def test_a_source_without_a_framework_has_no_rating(knowsley_demo):
    framework = load_framework("hmip-youth-2018")
    source = Inspection(
        service=knowsley_demo.service,
        kind=Kind.PEER_REVIEW,
        title="Peer review",
        published_rating=framework.levels.first(),
    )
    with pytest.raises(ValidationError):
        source.full_clean()
