"""The admin as the data-entry interface: every page renders; bad input gets field messages."""

import pytest
from django.contrib import admin
from django.urls import reverse

from actions.models import Action, ProgressUpdate, Transition
from inspections.models import KeyQuestionResult, Recommendation, StandardRating
from tests.formdata import form_data

REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


@pytest.fixture
def admin_client_demo(client, administrator):
    client.force_login(administrator)
    return client


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", [m for m, _ in REGISTERED], ids=lambda m: m._meta.label)
def test_every_admin_list_and_change_page_renders_for_the_demo(admin_client_demo, model):
    response = admin_client_demo.get(_url(model, "changelist"))
    assert response.status_code == 200
    obj = model._default_manager.order_by("pk").last()
    if obj is not None:
        response = admin_client_demo.get(_url(model, "change", obj.pk))
        assert response.status_code == 200
        assert response.context["original"] == obj
    response = admin_client_demo.get(_url(model, "changelist") + "?q=Knowsley")
    assert response.status_code == 200


def test_every_model_is_registered_in_the_admin():
    from django.apps import apps

    ours = [m for m in apps.get_models() if m._meta.app_label in {"inspections", "actions"}]
    ours = [m for m in ours if not m.__name__.startswith("Historical")]
    missing = [m.__name__ for m in ours if m not in admin.site._registry]
    assert missing == []


def test_the_inspection_page_shows_computed_and_published_score_side_by_side(
    admin_client_demo, knowsley_demo
):
    response = admin_client_demo.get(_url(type(knowsley_demo), "change", knowsley_demo.pk))
    html = response.content.decode()
    assert "Computed from the ratings" in html and "Published" in html
    assert "<td>29</td><td>29</td>" in html
    assert "100%, 100%, 88% → Outstanding" in html  # 2.2's key questions, inline


def test_a_percentage_over_100_gets_a_message_on_the_field(admin_client_demo, knowsley_demo):
    result = KeyQuestionResult.objects.filter(rating__inspection=knowsley_demo).first()
    url = _url(KeyQuestionResult, "change", result.pk)
    data = form_data(admin_client_demo.get(url).content.decode(), "keyquestionresult_form")
    data["percent"] = "101"
    response = admin_client_demo.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["percent"] == [
        "A percentage must be between 0 and 100."
    ]
    result.refresh_from_db()
    assert result.percent != 101


def test_a_second_rating_for_the_same_standard_is_refused_in_the_inspection_page(
    admin_client_demo, knowsley_demo
):
    url = _url(type(knowsley_demo), "change", knowsley_demo.pk)
    data = form_data(admin_client_demo.get(url).content.decode(), "inspection_form")
    standard_id = knowsley_demo.ratings.get(standard__code="1.1").standard_id
    n = int(data["ratings-TOTAL_FORMS"])
    data.update(
        {
            f"ratings-{n}-standard": str(standard_id),
            f"ratings-{n}-level": "",
            "ratings-TOTAL_FORMS": str(n + 1),
        }
    )
    before = StandardRating.objects.count()
    response = admin_client_demo.post(url, data)
    assert response.status_code == 200
    assert "Please correct the duplicate data for standard." in response.content.decode()
    assert StandardRating.objects.count() == before


def test_a_reused_recommendation_number_is_refused_with_a_message(admin_client_demo, knowsley_demo):
    url = _url(Recommendation, "add")
    data = form_data(admin_client_demo.get(url).content.decode(), "recommendation_form")
    data.update({"inspection": str(knowsley_demo.pk), "number": "2", "text": "Duplicate"})
    response = admin_client_demo.post(url, data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "This inspection already has a recommendation with that number." in str(form.errors)
    assert knowsley_demo.recommendations.count() == 4


def test_an_action_due_before_it_starts_is_refused_on_the_field(admin_client_demo, knowsley_demo):
    url = _url(Action, "add")
    data = form_data(admin_client_demo.get(url).content.decode(), "action_form")
    plan = knowsley_demo.recommendations.get(number=1).plan
    owner = plan.actions.first().owner
    data.update(
        {
            "plan": str(plan.pk),
            "number": "9",
            "title": "Backwards",
            "owner": str(owner.pk),
            "start_date": "2025-03-10",
            "original_due_date": "2025-03-01",
            "success_measure": "m",
        }
    )
    before = Action.objects.count()
    response = admin_client_demo.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["original_due_date"] == [
        "The due date cannot be before the start date."
    ]
    assert Action.objects.count() == before


def test_a_new_inspection_with_ratings_and_recommendations_can_be_entered(
    admin_client_demo, knowsley_demo
):
    from inspections.models import Inspection, Service

    sefton = Service.objects.get(slug="sefton")
    framework = knowsley_demo.framework
    url = _url(Inspection, "add")
    data = form_data(admin_client_demo.get(url).content.decode(), "inspection_form")
    good = framework.levels.get(name="Good")
    data.update(
        {
            "service": str(sefton.pk),
            "framework": str(framework.pk),
            "title": "Sefton 2024",
            "inspectorates": str(knowsley_demo.inspectorates.get().pk),
            "published_on": "2024-02-01",
            "published_rating": str(good.pk),
            "published_score": "24",
            "ratings-TOTAL_FORMS": "1",
            "ratings-0-standard": str(framework.standards.get(code="1.1").pk),
            "ratings-0-level": str(good.pk),
            "recommendations-TOTAL_FORMS": "1",
            "recommendations-0-number": "1",
            "recommendations-0-text": "Improve something",
            "recommendations-0-addressee": "The Board",
        }
    )
    response = admin_client_demo.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    created = Inspection.objects.get(title="Sefton 2024")
    assert created.ratings.get().level == good
    assert created.recommendations.get().status == Recommendation.Status.OPEN


def test_logs_cannot_be_changed_or_deleted_in_the_admin(admin_client_demo, knowsley_demo):
    for model in (ProgressUpdate, Transition):
        obj = model.objects.first()
        assert admin_client_demo.get(_url(model, "add")).status_code == 403
        assert admin_client_demo.get(_url(model, "delete", obj.pk)).status_code == 403
        before = {f.name: getattr(obj, f.attname) for f in model._meta.concrete_fields}
        admin_client_demo.post(_url(model, "change", obj.pk), {"reason": "x", "narrative": "x"})
        obj.refresh_from_db()
        assert {f.name: getattr(obj, f.attname) for f in model._meta.concrete_fields} == before


def test_status_fields_are_read_only_in_the_admin(admin_client_demo, knowsley_demo):
    rec = knowsley_demo.recommendations.get(number=1)
    response = admin_client_demo.get(_url(Recommendation, "change", rec.pk))
    assert "status" not in response.context["adminform"].form.fields
    action = Action.objects.first()
    response = admin_client_demo.get(_url(Action, "change", action.pk))
    form_fields = response.context["adminform"].form.fields
    assert "status" not in form_fields and "current_due_date" not in form_fields
