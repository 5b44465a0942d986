"""Each named database constraint refuses bad data, whatever path the data takes."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from actions.models import Action, ActionPlan, ProgressUpdate
from inspections.frameworks import load_framework
from inspections.models import KeyQuestionResult, Recommendation, StandardRating
from tests import factories


@pytest.fixture
def inspection(db):
    load_framework("hmip-youth-2018")
    return factories.make_inspection(factories.make_service())


def _refused(constraint_name, create):
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        create()
    # PostgreSQL names the constraint; SQLite names it (CHECK) or its columns (UNIQUE).
    return excinfo


def test_one_rating_per_standard_per_inspection(inspection):
    standard = inspection.framework.standards.get(code="1.1")
    StandardRating.objects.create(inspection=inspection, standard=standard)
    _refused(
        "one_rating_per_standard_per_inspection",
        lambda: StandardRating.objects.create(inspection=inspection, standard=standard),
    )
    assert StandardRating.objects.filter(inspection=inspection).count() == 1


def test_key_question_percent_cannot_exceed_100(inspection):
    standard = inspection.framework.standards.get(code="2.1")
    rating = StandardRating.objects.create(inspection=inspection, standard=standard)
    question = standard.key_questions.first()
    _refused(
        "key_question_percent_0_100",
        lambda: KeyQuestionResult.objects.create(rating=rating, key_question=question, percent=101),
    )
    KeyQuestionResult.objects.create(rating=rating, key_question=question, percent=100)
    assert rating.key_question_results.get().percent == 100


def test_recommendation_numbers_are_unique_per_inspection(inspection):
    factories.make_recommendation(inspection, number=1)
    _refused(
        "recommendation_number_unique_per_inspection",
        lambda: Recommendation.objects.create(inspection=inspection, number=1, text="again"),
    )
    other = factories.make_inspection(inspection.service)
    factories.make_recommendation(other, number=1)  # another inspection may reuse it


def _plan(inspection):
    rec = factories.make_recommendation(inspection)
    return ActionPlan.objects.create(recommendation=rec)


def test_an_action_cannot_be_due_before_it_starts(inspection):
    plan = _plan(inspection)
    owner = factories.make_person(inspection.service)
    start = datetime.date(2024, 1, 10)
    before = Action.objects.count()
    _refused(
        "action_original_due_not_before_start",
        lambda: Action.objects.create(
            plan=plan,
            number=1,
            title="t",
            owner=owner,
            start_date=start,
            original_due_date=start - datetime.timedelta(days=1),
            current_due_date=start,
            success_measure="m",
        ),
    )
    _refused(
        "action_current_due_not_before_start",
        lambda: Action.objects.create(
            plan=plan,
            number=1,
            title="t",
            owner=owner,
            start_date=start,
            original_due_date=start,
            current_due_date=start - datetime.timedelta(days=1),
            success_measure="m",
        ),
    )
    assert Action.objects.count() == before


def test_progress_percent_must_be_between_0_and_100(inspection):
    plan = _plan(inspection)
    owner = factories.make_person(inspection.service)
    user = factories.make_user()
    day = datetime.date(2024, 1, 10)
    before = ProgressUpdate.objects.count()
    action = Action.objects.create(
        plan=plan,
        number=1,
        title="t",
        owner=owner,
        start_date=day,
        original_due_date=day,
        current_due_date=day,
        success_measure="m",
    )
    _refused(
        "update_percent_complete_0_100",
        lambda: ProgressUpdate.objects.create(
            action=action, date=day, narrative="n", rag="green", percent_complete=101, author=user
        ),
    )
    _refused(
        "update_amber_red_needs_reason_and_recovery",
        lambda: ProgressUpdate.objects.create(
            action=action, date=day, narrative="n", rag="red", percent_complete=10, author=user
        ),
    )
    assert ProgressUpdate.objects.count() == before
