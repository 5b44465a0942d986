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


# --- A careless or hostile administrator (L4) ------------------------------------------


def _sefton():
    from inspections.models import Service

    return Service.objects.get(slug="sefton")


def _posted(client, obj, **changes):
    """Post `obj`'s own change form back with `changes`; return the response."""
    url = _url(type(obj), "change", obj.pk)
    data = form_data(client.get(url).content.decode(), f"{type(obj)._meta.model_name}_form")
    data.update({k: str(v) for k, v in changes.items()})
    return client.post(url, data)


def test_a_recommendation_stays_in_its_inspection_and_keeps_its_workflow_fields(
    admin_client_demo, knowsley_demo, administrator
):
    rec = knowsley_demo.recommendations.get(number=2)
    sefton = _sefton().inspections.first()

    response = _posted(
        admin_client_demo,
        rec,
        inspection=sefton.pk,
        status="closed",
        closure_summary="Closed in the admin",
        addressee="The Board (corrected)",
    )

    assert response.status_code == 302
    rec.refresh_from_db()
    assert rec.inspection == knowsley_demo
    assert rec.status == Recommendation.Status.IN_PROGRESS and rec.closure_summary == ""
    assert rec.addressee == "The Board (corrected)"
    assert rec.history.latest().history_user == administrator


def test_a_recommendation_cannot_be_owned_by_someone_of_another_service(
    admin_client_demo, knowsley_demo
):
    rec = knowsley_demo.recommendations.get(number=2)
    owner = rec.board_owner
    outsider = _sefton().people.first()

    response = _posted(admin_client_demo, rec, board_owner=outsider.pk)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["board_owner"] == [
        "Choose a board owner from this service."
    ]
    rec.refresh_from_db()
    assert rec.board_owner == owner


def test_a_recommendation_cannot_cite_another_inspections_findings(
    admin_client_demo, knowsley_demo
):
    from inspections.models import Finding

    rec = knowsley_demo.recommendations.get(number=2)
    other = _sefton().inspections.first()
    foreign = Finding.objects.create(
        inspection=other,
        standard=other.framework.standards.first(),
        kind=Finding.Kind.STRENGTH,
        text="Sefton's finding",
    )
    url = _url(Recommendation, "change", rec.pk)
    data = form_data(admin_client_demo.get(url).content.decode(), "recommendation_form")
    payload = [(k, v) for k, v in data.items() if k != "findings"]
    payload += [("findings", str(f.pk)) for f in rec.findings.all()] + [("findings", foreign.pk)]

    response = admin_client_demo.post(url, dict_of_lists(payload))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["findings"] == [
        "Choose findings of this recommendation's inspection."
    ]
    assert foreign not in rec.findings.all()


def dict_of_lists(pairs):
    from django.utils.datastructures import MultiValueDict

    data = MultiValueDict()
    for key, value in pairs:
        data.appendlist(key, str(value))
    return data


def test_a_recommendation_entered_inline_is_saved_through_the_service(
    admin_client_demo, knowsley_demo, administrator
):
    url = _url(type(knowsley_demo), "change", knowsley_demo.pk)
    data = form_data(admin_client_demo.get(url).content.decode(), "inspection_form")
    n = int(data["recommendations-TOTAL_FORMS"])
    new = {
        f"recommendations-{n}-number": "5",
        f"recommendations-{n}-text": "Review the board's use of data.",
        f"recommendations-{n}-addressee": "The Board",
        f"recommendations-{n}-board_owner": str(_sefton().people.first().pk),
        "recommendations-TOTAL_FORMS": str(n + 1),
    }

    refused = admin_client_demo.post(url, data | new)

    assert refused.status_code == 200
    assert "Choose a board owner from this service." in refused.content.decode()
    assert not knowsley_demo.recommendations.filter(number=5).exists()
    own = knowsley_demo.service.people.first()
    new[f"recommendations-{n}-board_owner"] = str(own.pk)
    assert admin_client_demo.post(url, data | new).status_code == 302
    created = knowsley_demo.recommendations.get(number=5)
    assert created.status == Recommendation.Status.OPEN
    assert created.history.get().history_user == administrator


def test_an_inspection_cannot_move_to_another_service_or_framework(
    admin_client_demo, knowsley_demo
):
    from inspections.frameworks import load_framework

    other = load_framework("hmip-youth-2025")

    _posted(admin_client_demo, knowsley_demo, service=_sefton().pk, framework=other.pk)

    knowsley_demo.refresh_from_db()
    assert knowsley_demo.service.slug == "knowsley"
    assert knowsley_demo.framework.slug == "hmip-youth-2018"


def test_a_rating_keeps_to_its_inspection_and_framework(admin_client_demo, knowsley_demo):
    from inspections.frameworks import load_framework
    from inspections.models import Standard

    rating = knowsley_demo.ratings.get(standard__code="1.1")
    other_standard = Standard.objects.create(
        framework=load_framework("hmip-youth-2025"), code="1.1", name="Leadership"
    )

    moved = _posted(admin_client_demo, rating, inspection=_sefton().inspections.get().pk)
    assert moved.status_code == 302
    wrong = _posted(admin_client_demo, rating, standard=other_standard.pk)

    assert wrong.status_code == 200
    assert wrong.context["adminform"].form.errors["standard"] == [
        "Choose a standard of the inspection's framework."
    ]
    rating.refresh_from_db()
    assert rating.inspection == knowsley_demo and rating.standard.code == "1.1"


def test_a_key_question_result_keeps_to_its_rating(admin_client_demo, knowsley_demo):
    result = KeyQuestionResult.objects.filter(rating__inspection=knowsley_demo).first()
    other_rating = (
        knowsley_demo.ratings.exclude(pk=result.rating_id)
        .filter(standard__key_questions__isnull=False)
        .first()
    )
    other_question = other_rating.standard.key_questions.first()

    _posted(admin_client_demo, result, rating=other_rating.pk)
    wrong = _posted(admin_client_demo, result, key_question=other_question.pk)

    assert wrong.status_code == 200
    assert "Choose a key question of the rated standard." in str(wrong.context["errors"])
    result.refresh_from_db()
    assert result.rating != other_rating and result.key_question != other_question


def test_a_finding_stays_with_its_inspection(admin_client_demo, knowsley_demo):
    finding = knowsley_demo.findings.first()

    _posted(admin_client_demo, finding, inspection=_sefton().inspections.first().pk)

    finding.refresh_from_db()
    assert finding.inspection == knowsley_demo


def test_a_person_who_owns_records_cannot_move_to_another_service(admin_client_demo, knowsley_demo):
    from inspections.models import Person

    owner = Person.objects.get(service=knowsley_demo.service, name="Education representative")
    spare = Person.objects.create(service=knowsley_demo.service, name="New starter")

    _posted(admin_client_demo, owner, service=_sefton().pk)
    moved = _posted(admin_client_demo, spare, service=_sefton().pk)

    assert moved.status_code == 302
    owner.refresh_from_db()
    spare.refresh_from_db()
    assert owner.service == knowsley_demo.service  # with their actions: stays
    assert spare.service == _sefton()  # owns nothing yet: a typo can be put right


def test_a_board_stays_with_its_service_and_seats_only_its_own_people(
    admin_client_demo, knowsley_demo
):
    from inspections.models import BoardMembership

    board = knowsley_demo.service.board
    _posted(admin_client_demo, board, service=_sefton().pk)
    board.refresh_from_db()
    assert board.service == knowsley_demo.service

    url = _url(BoardMembership, "add")
    data = form_data(admin_client_demo.get(url).content.decode(), "boardmembership_form")
    data |= {"board": str(board.pk), "person": str(_sefton().people.first().pk)}
    response = admin_client_demo.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["person"] == [
        "Choose a person from the board's own service."
    ]


def test_a_role_granted_in_the_admin_is_recorded_with_who_granted_it(
    admin_client_demo, knowsley_demo, administrator
):
    from inspections.models import ServiceRole
    from tests.factories import make_user

    newcomer = make_user("newcomer")
    url = _url(ServiceRole, "add")
    data = form_data(admin_client_demo.get(url).content.decode(), "servicerole_form")
    data |= {"user": str(newcomer.pk), "service": str(knowsley_demo.service_id), "role": "viewer"}

    assert admin_client_demo.post(url, data).status_code == 302

    grant = ServiceRole.objects.get(user=newcomer)
    record = grant.history.get()
    assert (record.history_user, record.role, record.history_type) == (administrator, "viewer", "+")


def test_adding_an_action_is_not_offered_in_the_admin(admin_client_demo, knowsley_demo):
    assert admin_client_demo.get(_url(Action, "add")).status_code == 403
    changelist = admin_client_demo.get(_url(Action, "changelist")).content.decode()
    assert _url(Action, "add") not in changelist
