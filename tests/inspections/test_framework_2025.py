"""The HMIP youth programme from 2025 as data: what is published, and what is marked unknown."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from inspections.frameworks import load_framework
from inspections.models import Framework, Inspection
from tests import factories


@pytest.fixture
def y25(db):
    return load_framework("hmip-youth-2025")


def test_the_rating_scale_is_the_published_four_levels_without_points(y25):
    levels = list(y25.levels.order_by("-rank").values_list("name", "points"))
    assert levels == [
        ("Outstanding", None),
        ("Good", None),
        ("Requires improvement", None),
        ("Inadequate", None),
    ]
    assert y25.has_points is False
    assert not y25.score_bands.exists()
    assert not y25.levels.filter(min_key_question_percent__isnull=False).exists()


def test_the_rated_areas_are_work_with_children_and_the_victims_standard(y25):
    by_code = {s.code: s for s in y25.standards.select_related("domain")}
    assert set(by_code) == {"2A", "2P", "2I", "V1"}
    assert [by_code[c].name for c in ("2A", "2P", "2I")] == [
        "Assessing",
        "Planning",
        "Implementation and delivery",
    ]
    assert {by_code[c].domain.name for c in ("2A", "2P", "2I")} == {"Work with children"}
    assert by_code["V1"].domain is None
    assert by_code["V1"].name == "Work with victims"
    assert list(by_code["V1"].key_questions.values_list("text", flat=True)) == [
        "Is work with victims high-quality, individualised, and responsive?",
        "Do organisational arrangements and activity drive quality, individualised, and "
        "responsive service for victims",
    ]


def test_nothing_unpublished_is_invented_it_is_marked_as_not_published(y25):
    # No thresholds: nothing is rated from key-question percentages.
    assert not y25.standards.filter(rated_from_key_questions=True).exists()
    organisational = y25.domains.get(number=1)
    assert organisational.name == "Organisational delivery"
    assert not organisational.standards.exists()
    assert "not published" in organisational.description
    unknowns = y25.unknown_list()
    assert any(
        line.startswith("Points:") and "no points total have been published" in line
        for line in unknowns
    )
    assert any(line.startswith("Standard numbering:") for line in unknowns)
    assert any(line.startswith("Organisational delivery:") for line in unknowns)
    assert any(line.startswith("Key questions:") for line in unknowns)
    for code in ("2A", "2P", "2I"):
        assert "yjtracker's own" in y25.standards.get(code=code).description


def test_the_2018_framework_has_no_unknowns_listed(db):
    assert load_framework("hmip-youth-2018").unknown_list() == []


def test_an_inspection_under_2025_has_no_score_and_shows_what_is_not_published(
    client, administrator, y25
):
    service = factories.make_service()
    inspection = Inspection.objects.create(
        service=service, framework=y25, published_rating=y25.levels.get(name="Good")
    )
    client.force_login(administrator)
    page = client.get(reverse("inspection_detail", args=[inspection.pk])).content.decode()
    assert "has not published about this framework" in page
    assert "no points total have been published" in page
    assert ">Score<" not in page


def test_load_frameworks_loads_every_data_file_and_can_run_twice(db):
    call_command("load_frameworks", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("load_frameworks", stdout=open("/dev/null", "w"))  # noqa: SIM115
    slugs = set(Framework.objects.values_list("slug", flat=True))
    assert {"hmip-youth-2018", "hmip-youth-2025"} <= slugs
    assert Framework.objects.get(slug="hmip-youth-2025").standards.count() == 4
