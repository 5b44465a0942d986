"""The rating rules, checked against every Knowsley 2023 figure."""

import pytest

from inspections.frameworks import load_framework
from inspections.models import Framework, Inspection, RatingLevel, StandardRating
from inspections.rules import level_from_key_questions
from tests import factories

# Standard: (key-question % 'Yes', published rating), from the Knowsley 2023 report.
KNOWSLEY_CASE_BASED = {
    "2.1": ([100, 100, 100], "Outstanding"),
    "2.2": ([100, 100, 88], "Outstanding"),
    "2.3": ([88, 88, 88], "Outstanding"),
    "2.4": ([75, 75, 88], "Good"),
    "3.1": ([92, 83, 92], "Outstanding"),
    "3.2": ([92, 67, 83], "Good"),
    "3.3": ([83, 67, 92], "Good"),
}


@pytest.fixture
def hmip(db) -> Framework:
    return load_framework("hmip-youth-2018")


@pytest.mark.parametrize("code", sorted(KNOWSLEY_CASE_BASED))
def test_each_knowsley_case_based_standard_gets_its_published_rating_from_its_key_questions(
    hmip, code
):
    percents, published = KNOWSLEY_CASE_BASED[code]
    level = level_from_key_questions(percents, list(hmip.levels.all()))
    assert level.name == published


@pytest.mark.parametrize(
    "lowest, expected",
    [
        (100, "Outstanding"),
        (80, "Outstanding"),
        (79, "Good"),
        (65, "Good"),
        (64, "Requires improvement"),
        (50, "Requires improvement"),
        (49, "Inadequate"),
        (0, "Inadequate"),
    ],
)
def test_the_lowest_key_question_is_placed_in_the_framework_bands(hmip, lowest, expected):
    level = level_from_key_questions([100, lowest, 95], list(hmip.levels.all()))
    assert level.name == expected


def test_knowsley_demo_scores_29_of_36_which_is_good(knowsley_demo):
    inspection = Inspection.objects.prefetch_related(
        "ratings__standard",
        "ratings__level",
        "framework__levels",
        "framework__score_bands",
        "framework__standards",
    ).get(pk=knowsley_demo.pk)
    summary = inspection.score_summary()
    assert summary.computed_score == 29
    assert summary.max_score == 36
    assert summary.computed_rating.name == "Good"
    assert summary.published_score == 29
    assert summary.warnings == []


def test_every_knowsley_demo_rating_matches_its_key_questions(knowsley_demo):
    for code, (percents, published) in KNOWSLEY_CASE_BASED.items():
        rating = StandardRating.objects.get(inspection=knowsley_demo, standard__code=code)
        assert rating.level.name == published
        assert [r.percent for r in rating.key_question_results.all()] == percents
        assert rating.computed_level().name == published


@pytest.mark.parametrize(
    "total, expected",
    [
        (0, "Inadequate"),
        (6, "Inadequate"),
        (7, "Requires improvement"),
        (18, "Requires improvement"),
        (19, "Good"),
        (30, "Good"),
        (31, "Outstanding"),
        (36, "Outstanding"),
    ],
)
def test_the_total_gives_the_overall_rating_by_band(hmip, total, expected):
    from inspections.rules import level_from_total

    level = level_from_total(total, list(hmip.score_bands.all()), list(hmip.levels.all()))
    assert level.name == expected


def test_a_published_score_that_differs_is_kept_with_a_warning(hmip):
    service = factories.make_service()
    good = hmip.levels.get(name="Good")
    inspection = factories.make_inspection(service, published_score=31, published_rating=good)
    for standard in hmip.standards.filter(counts_towards_score=True):
        StandardRating.objects.create(inspection=inspection, standard=standard, level=good)
    summary = inspection.score_summary()
    assert summary.computed_score == 24
    assert summary.score == 31  # the published value is the one shown
    assert summary.rating == good
    assert any("published score (31)" in w for w in summary.warnings)


def test_a_published_rating_that_differs_from_the_total_is_kept_with_a_warning(hmip):
    service = factories.make_service()
    outstanding = hmip.levels.get(name="Outstanding")
    ri = hmip.levels.get(name="Requires improvement")
    inspection = factories.make_inspection(service, published_rating=outstanding)
    for standard in hmip.standards.filter(counts_towards_score=True):
        StandardRating.objects.create(inspection=inspection, standard=standard, level=ri)
    summary = inspection.score_summary()
    assert summary.computed_rating == ri
    assert summary.rating == outstanding
    assert any("published overall rating (Outstanding)" in w for w in summary.warnings)


def test_resettlement_is_rated_outside_the_total(hmip):
    service = factories.make_service()
    good = hmip.levels.get(name="Good")
    inadequate = hmip.levels.get(name="Inadequate")
    inspection = factories.make_inspection(service)
    for standard in hmip.standards.all():
        level = inadequate if standard.code == "R" else good
        StandardRating.objects.create(inspection=inspection, standard=standard, level=level)
    assert inspection.score_summary().computed_score == 24


def test_a_framework_without_points_has_no_score_and_no_warning(db):
    framework = load_framework("hmip-youth-2025")
    assert framework.has_points is False
    service = factories.make_service()
    good = RatingLevel.objects.get(framework=framework, name="Good")
    inspection = Inspection.objects.create(
        service=service, framework=framework, published_rating=good
    )
    summary = inspection.score_summary()
    assert summary.computed_score is None
    assert summary.max_score is None
    assert summary.rating == good
    assert summary.warnings == []


def test_loading_a_framework_twice_changes_nothing(hmip):
    counts = (hmip.standards.count(), hmip.levels.count(), hmip.score_bands.count())
    again = load_framework("hmip-youth-2018")
    assert again.pk == hmip.pk
    assert (again.standards.count(), again.levels.count(), again.score_bands.count()) == counts
    assert counts == (13, 4, 4)
