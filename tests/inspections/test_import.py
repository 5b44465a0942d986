"""Importing a published report through the staff page, the admin action and the command."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from inspections.models import Inspection, KeyQuestionResult, Service
from tests.formdata import form_data
from tests.inspections.test_importer_parse import DATA, KNOWSLEY, build_pdf


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def _upload(client, name: str, content: bytes):
    return client.post(
        reverse("import_start"), {"report": SimpleUploadedFile(name, content), "text": ""}
    )


def _review(client, **changes):
    page = client.get(reverse("import_preview"))
    data = form_data(page.content.decode())
    data.pop("csrfmiddlewaretoken", None)
    data.update({k: str(v) for k, v in changes.items()})
    return client.post(reverse("import_preview"), data)


def test_an_administrator_imports_the_knowsley_report_with_a_correction(
    admin_client, knowsley_demo
):
    liverpool = Service.objects.get(slug="liverpool")
    response = _upload(admin_client, "knowsley.txt", KNOWSLEY.encode())
    assert response.status_code == 302
    preview = admin_client.get(reverse("import_preview"))
    html = preview.content.decode()
    assert "Score 29/36" in html  # each value next to the text it came from
    assert "The report says it makes 4 recommendations; 4 found." in html
    response = _review(
        admin_client,
        service=liverpool.pk,
        confirm_service="on",
        rec_1_addressee="The Liverpool board (corrected)",
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    inspection = Inspection.objects.get(service=liverpool, fieldwork_start="2023-01-09")
    assert response["Location"] == inspection.get_absolute_url()
    assert inspection.published_score == 29 and inspection.published_rating.name == "Good"
    assert inspection.ratings.exclude(level=None).count() == 12
    assert KeyQuestionResult.objects.filter(rating__inspection=inspection).count() == 21
    recs = list(inspection.recommendations.order_by("number"))
    assert [r.number for r in recs] == [1, 2, 3, 4]
    assert recs[1].addressee == "The Liverpool board (corrected)"
    assert recs[0].addressee == "The Chair of the Knowsley Youth Justice Management Board"
    assert inspection.findings.filter(standard__code="1.1").count() == 13
    page = admin_client.get(inspection.get_absolute_url()).content.decode()
    assert "29 out of 36" in page and "The Liverpool board (corrected)" in page


def test_the_same_report_as_a_pdf_imports_the_same(admin_client, knowsley_demo):
    sefton = Service.objects.get(slug="sefton")
    assert _upload(admin_client, "report.pdf", build_pdf(KNOWSLEY)).status_code == 302
    assert _review(admin_client, service=sefton.pk, confirm_service="on").status_code == 302
    inspection = Inspection.objects.get(service=sefton, fieldwork_start="2023-01-09")
    assert inspection.ratings.exclude(level=None).count() == 12
    assert inspection.recommendations.count() == 4


def test_importing_the_same_inspection_twice_is_refused_with_a_link(admin_client, knowsley_demo):
    _upload(admin_client, "knowsley.txt", KNOWSLEY.encode())
    preview = admin_client.get(reverse("import_preview")).content.decode()
    assert "This inspection is already recorded" in preview
    assert knowsley_demo.get_absolute_url() in preview
    before = Inspection.objects.count()
    response = _review(admin_client)
    assert response.status_code == 400
    assert "already been imported" in response.content.decode()
    assert Inspection.objects.count() == before


def test_a_press_release_imports_only_what_it_states(admin_client, knowsley_demo):
    text = (DATA / "sefton-council-press-release-2019.txt").read_bytes()
    _upload(admin_client, "sefton.txt", text)
    preview = admin_client.get(reverse("import_preview")).content.decode()
    assert "values the report does not give (left empty)" in preview
    assert "standard ratings; recommendations; stated recommendation count." in preview
    framework = knowsley_demo.framework
    # Sefton 2019 is in the demo (with its plan): record the press release for a new service.
    other = Service.objects.create(
        name="Exampleshire YOT", slug="exampleshire", region=knowsley_demo.service.region
    )
    # The release names Sefton: saving it under another service needs the confirmation.
    response = _review(admin_client, framework=framework.pk, service=other.pk, confirm_service="on")
    assert response.status_code == 302
    inspection = Inspection.objects.get(service=other)
    assert inspection.published_rating.name == "Requires improvement"
    assert inspection.published_score is None and inspection.fieldwork_start is None
    assert not inspection.ratings.exists() and not inspection.recommendations.exists()


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("empty.txt", b"   ", "is empty"),
        ("junk.pdf", bytes(range(256)) * 40, "neither a PDF nor a text file"),
        ("scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "a PNG image"),
    ],
)
def test_unreadable_uploads_get_a_clear_message(
    admin_client, knowsley_demo, name, content, message
):
    response = _upload(admin_client, name, content)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_an_oversized_upload_is_refused(admin_client, knowsley_demo, settings):
    settings.REPORT_IMPORT_MAX_BYTES = 1000
    response = _upload(admin_client, "big.txt", b"a" * 2000)
    assert response.status_code == 400
    assert "the largest allowed is" in response.content.decode()


def test_nothing_chosen_gets_a_message(admin_client, knowsley_demo):
    response = admin_client.post(reverse("import_start"), {"text": ""})
    assert response.status_code == 400
    assert "Choose a file or paste the report" in response.content.decode()


@pytest.mark.parametrize("persona", ["manager", "chair", "viewer", "outsider"])
def test_only_administrators_may_import(client, knowsley_demo, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("import_start")).status_code == 403


def test_the_admin_action_opens_the_import_for_the_chosen_service(admin_client, knowsley_demo):
    sefton = Service.objects.get(slug="sefton")
    response = admin_client.post(
        reverse("admin:inspections_service_changelist"),
        {"action": "import_report", "_selected_action": [sefton.pk]},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('import_start')}?service={sefton.pk}"


def test_the_command_prints_one_json_object_and_saves_nothing_on_a_dry_run(tmp_path, knowsley_demo):
    path = tmp_path / "knowsley.txt"
    path.write_text(KNOWSLEY)
    before = Inspection.objects.count()
    out = io.StringIO()
    call_command("import_report", str(path), "--dry-run", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert set(result) >= {
        "service",
        "inspectorate",
        "framework",
        "fieldwork_start",
        "published",
        "overall_rating",
        "score",
        "score_max",
        "standards",
        "recommendations",
        "stated_recommendation_count",
        "warnings",
        "not_found",
    }
    assert (result["score"], result["score_max"], result["overall_rating"]) == (29, 36, "Good")
    assert Inspection.objects.count() == before


def test_the_command_saves_and_refuses_a_duplicate(tmp_path, knowsley_demo):
    path = tmp_path / "knowsley.txt"
    path.write_text(KNOWSLEY)
    call_command("import_report", str(path), "--service", "liverpool", stdout=io.StringIO())
    assert Inspection.objects.get(service__slug="liverpool", fieldwork_start="2023-01-09")
    with pytest.raises(CommandError, match="already recorded"):
        call_command("import_report", str(path), "--service", "liverpool", stdout=io.StringIO())


def test_the_command_explains_an_unreadable_file(tmp_path, db):
    path = tmp_path / "junk.bin"
    path.write_bytes(b"\x00\x01\x02" * 100)
    with pytest.raises(CommandError, match="neither a PDF nor a text file"):
        call_command("import_report", str(path), "--dry-run")


def test_a_press_release_already_recorded_is_flagged_when_the_review_opens(
    admin_client, knowsley_demo
):
    _upload(
        admin_client,
        "liverpool.txt",
        (DATA / "liverpool-hmip-press-release-2019.txt").read_bytes(),
    )
    preview = admin_client.get(reverse("import_preview")).content.decode()
    liverpool = Inspection.objects.get(service__slug="liverpool")
    assert "This inspection is already recorded" in preview
    assert liverpool.get_absolute_url() in preview


def test_a_report_naming_another_service_is_refused_until_confirmed(admin_client, knowsley_demo):
    sefton = Service.objects.get(slug="sefton")
    admin_client.get(reverse("import_start"), {"service": sefton.pk})
    _upload(admin_client, "knowsley.txt", KNOWSLEY.encode())
    preview = admin_client.get(reverse("import_preview")).content.decode()
    assert "The report names Knowsley" in preview  # said before anything is submitted
    assert "Yes, import it under the service chosen above" in preview
    before = Inspection.objects.filter(service=sefton).count()
    refused = _review(admin_client, service=sefton.pk)
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "not Sefton YOT. Choose the right service, or tick to confirm this one." in page
    assert Inspection.objects.filter(service=sefton).count() == before
    saved = _review(admin_client, service=sefton.pk, confirm_service="on")
    assert saved.status_code == 302
    assert Inspection.objects.filter(service=sefton).count() == before + 1


def test_the_review_page_asks_nothing_more_when_the_service_matches(admin_client, knowsley_demo):
    liverpool = Service.objects.get(slug="liverpool")
    _upload(
        admin_client, "liverpool.txt", (DATA / "liverpool-hmip-press-release-2019.txt").read_bytes()
    )
    page = admin_client.get(reverse("import_preview")).content.decode()
    assert "Yes, import it under the service chosen above" not in page
    assert 'id="ratings"' not in page or 'id="ratings" open' not in page
    assert "What needs your attention first" in page
    assert liverpool.name.split()[0] in page


def test_the_review_page_folds_its_sections_and_opens_one_with_an_error(
    admin_client, knowsley_demo
):
    liverpool = Service.objects.get(slug="liverpool")
    _upload(admin_client, "knowsley.txt", KNOWSLEY.encode())
    page = admin_client.get(reverse("import_preview")).content.decode()
    assert '<details class="govuk-details app-import-section" id="ratings">' in page
    assert '<details class="govuk-details app-import-section" id="recommendations">' in page
    response = _review(admin_client, service=liverpool.pk, confirm_service="on", rec_1_text="")
    assert response.status_code == 400
    page = response.content.decode()
    assert '<details class="govuk-details app-import-section" id="recommendations" open>' in page
    assert '<details class="govuk-details app-import-section" id="ratings">' in page


def test_a_2025_report_is_saved_with_its_named_ratings_and_no_score(admin_client, knowsley_demo):
    from tests.inspections.test_importer_shapes import Y25

    sefton = Service.objects.get(slug="sefton")
    response = _upload(admin_client, "exampleshire.txt", Y25.encode())
    assert response.status_code == 302
    html = admin_client.get(reverse("import_preview")).content.decode()
    assert "Assessing / Good" in html
    response = _review(admin_client, service=sefton.pk, confirm_service="on")  # names Exampleshire
    assert response.status_code == 302, response.content.decode()[:3000]
    inspection = Inspection.objects.get(service=sefton, framework__slug="hmip-youth-2025")
    ratings = {r.standard.code: r.level.name for r in inspection.ratings.select_related("level")}
    assert ratings == {
        "2A": "Good",
        "2P": "Outstanding",
        "2I": "Requires improvement",
        "V1": "Inadequate",
    }
    assert inspection.published_rating.name == "Good"
    assert inspection.published_score is None
    assert inspection.recommendations.count() == 3


def test_an_improvement_plan_page_shows_outcome_progress_and_rag_for_review(admin_client):
    from tests.inspections.test_importer_shapes import PLAN

    _upload(admin_client, "plan.txt", PLAN.encode())
    html = admin_client.get(reverse("import_preview")).content.decode()
    assert "training delivered to all case managers in May 2019." in html
    assert "RAG: Amber" in html
    assert "progress of recommendation 3" in html.lower()
