"""The chair signs off with the evidence in view, confirms, and may comment; a send-back
keeps the summary to edit; a reopening supersedes the old summary."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actions import selectors, services
from actions.models import Transition
from inspections.models import Recommendation
from tests.actions.test_permissions import Demo


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def demo(knowsley_demo) -> Demo:
    return Demo(knowsley_demo)


def proposed_with_file_and_measure(demo: Demo, manager) -> Recommendation:
    rec = demo.closable_recommendation()
    services.evidence_add(
        action=demo.action("4.1"),
        by=manager,
        title="Signed protocol",
        file=SimpleUploadedFile("protocol.pdf", b"%PDF-1.4\n%\n", content_type="application/pdf"),
        original_filename="protocol.pdf",
        content_type="application/pdf",
    )
    measure = services.measure_add(
        recommendation=rec,
        by=manager,
        name="Arrests of children in care",
        unit="",
        baseline_value=Decimal(40),
        baseline_date=demo.today.replace(year=demo.today.year - 1),
        target_value=Decimal(20),
        target_date=demo.today.replace(year=demo.today.year + 1),
        higher_is_better=False,
    )
    services.reading_add(measure=measure, by=manager, date=demo.today, value=Decimal(22))
    services.recommendation_propose_closure(
        recommendation=rec, by=manager, summary="Analysis presented; protocol signed."
    )
    return demo.rec(4)


def test_the_sign_off_page_shows_summary_final_updates_evidence_and_measures(
    client, demo, manager, chair
):
    rec = proposed_with_file_and_measure(demo, manager)
    client.force_login(chair)

    page = client.get(reverse("sign_off", args=[rec.pk])).content.decode()

    assert "Analysis presented; protocol signed." in page
    assert "Analysis presented to the board." in page  # 4.1's final update
    evidence = rec.plan.actions.get(number=1).evidence.get(title="Signed protocol")
    assert f'href="{reverse("evidence_download", args=[evidence.pk])}"' in page
    assert 'href="https://example.org/m"' in page  # the link evidence too
    assert "Arrests of children in care" in page and "(lower is better)" in page
    assert ">22<" in page or "22<br>" in page


def test_signing_off_needs_the_confirmation_and_nothing_changes_without_it(
    client, demo, manager, chair
):
    rec = proposed_with_file_and_measure(demo, manager)
    client.force_login(chair)

    response = client.post(reverse("sign_off", args=[rec.pk]), {"comment": "Fine."})

    assert response.status_code == 400
    assert "Confirm that you have reviewed the evidence." in response.content.decode()
    assert "Fine." in response.content.decode()
    rec.refresh_from_db()
    assert rec.status == Recommendation.Status.CLOSURE_PROPOSED


def test_the_confirmed_sign_off_closes_and_records_the_comment(client, demo, manager, chair):
    rec = proposed_with_file_and_measure(demo, manager)
    client.force_login(chair)

    response = client.post(
        reverse("sign_off", args=[rec.pk]), {"confirmed": "on", "comment": "Well evidenced."}
    )

    assert response.status_code == 302
    rec.refresh_from_db()
    assert rec.status == Recommendation.Status.CLOSED
    last = Transition.objects.filter(recommendation=rec).first()
    assert (last.to_status, last.reason, last.by) == ("closed", "Well evidenced.", chair)


def test_only_the_chair_reaches_the_sign_off_page(client, demo, manager):
    rec = proposed_with_file_and_measure(demo, manager)
    client.force_login(manager)

    assert client.get(reverse("sign_off", args=[rec.pk])).status_code == 403


def test_after_a_send_back_the_proposal_form_starts_from_the_last_summary(
    client, demo, manager, chair
):
    rec = demo.closure_proposed()
    services.recommendation_send_back(recommendation=rec, by=chair, reason="Add the data.")
    client.force_login(manager)

    form = client.get(reverse("propose_closure", args=[rec.pk])).content.decode()

    assert "Analysis done; protocol signed.</textarea>" in form


def test_after_reopening_the_old_summary_is_superseded_not_current(client, demo, manager, chair):
    rec = demo.closed()
    services.recommendation_reopen(recommendation=rec, by=chair, reason="Arrests rose.")
    rec.refresh_from_db()
    client.force_login(manager)

    page = client.get(reverse("recommendation_detail", args=[rec.pk])).content.decode()
    form = client.get(reverse("propose_closure", args=[rec.pk])).content.decode()

    assert rec.closure_summary == ""
    assert "Superseded" in page and "Analysis done; protocol signed." in page
    assert '<dt class="govuk-summary-list__key">Closure summary</dt>' not in page
    assert "Analysis done; protocol signed.</textarea>" in form
    assert selectors.last_closure_summary(rec) == "Analysis done; protocol signed."


def test_a_recommendation_closed_again_shows_its_new_summary_as_current(
    client, demo, manager, chair
):
    rec = demo.closed()
    services.recommendation_reopen(recommendation=rec, by=chair, reason="Arrests rose.")
    services.recommendation_propose_closure(
        recommendation=demo.rec(4), by=manager, summary="Arrests fell for two quarters."
    )
    client.force_login(manager)

    page = client.get(reverse("recommendation_detail", args=[rec.pk])).content.decode()

    assert "Arrests fell for two quarters." in page
    assert "Superseded" not in page
