"""Entered in the app, not the admin: the response to a recommendation, measures of impact
and their readings, the people of a service, and a board owner's rights on the actions of
the recommendations they own."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from actions import services
from actions.models import RAG, Action, Measure, MeasureReading
from inspections import permissions as perms
from inspections.models import Person, Recommendation
from tests.actions.test_permissions import date_fields


def rec(knowsley, number: int) -> Recommendation:
    return Recommendation.objects.get(inspection=knowsley, number=number)


def action(knowsley, reference: str) -> Action:
    r, n = (int(p) for p in reference.split("."))
    return Action.objects.get(
        plan__recommendation__inspection=knowsley, plan__recommendation__number=r, number=n
    )


TODAY = timezone.localdate


# --- The response -----------------------------------------------------------------------


def test_a_manager_records_a_partly_agreed_response_with_its_reason_and_the_chair_reads_it(
    client, knowsley_demo, manager, chair
):
    r = rec(knowsley_demo, 3)
    client.force_login(manager)

    response = client.post(
        reverse("response_edit", args=[r.pk]),
        {
            "response": "partly_agreed",
            "reason": "Apprenticeships need the council's budget.",
            "version": r.version,
        },
    )

    assert response.status_code == 302
    r.refresh_from_db()
    assert (r.response, r.response_reason) == (
        "partly_agreed",
        "Apprenticeships need the council's budget.",
    )
    assert r.history.first().history_user == manager
    client.force_login(chair)
    page = client.get(reverse("recommendation_detail", args=[r.pk])).content.decode()
    assert "Partly agreed" in page and "Apprenticeships need the council&#x27;s budget." in page


def test_not_agreed_without_a_reason_is_refused_on_the_form_and_nothing_changes(
    client, knowsley_demo, manager
):
    r = rec(knowsley_demo, 3)
    before = (r.response, r.response_reason)
    client.force_login(manager)

    response = client.post(
        reverse("response_edit", args=[r.pk]),
        {"response": "not_agreed", "reason": "  ", "version": r.version},
    )

    assert response.status_code == 400
    assert "Say why the service only partly agrees" in response.content.decode()
    r.refresh_from_db()
    assert (r.response, r.response_reason) == before


def test_a_stale_response_keeps_the_text_and_saves_on_a_deliberate_resave(
    client, knowsley_demo, manager
):
    r = rec(knowsley_demo, 3)
    old_version = r.version
    services.recommendation_set_response(recommendation=r, by=manager, response="agreed", reason="")
    client.force_login(manager)
    data = {"response": "not_agreed", "reason": "No budget at all.", "version": old_version}

    first = client.post(reverse("response_edit", args=[r.pk]), data)

    assert first.status_code == 400
    assert "No budget at all." in first.content.decode()
    assert "Someone else saved this" in first.content.decode()
    r.refresh_from_db()
    second = client.post(reverse("response_edit", args=[r.pk]), {**data, "version": r.version})
    assert second.status_code == 302
    r.refresh_from_db()
    assert r.response == "not_agreed"


@pytest.mark.parametrize("username", ["chair", "member", "viewer"])
def test_only_managers_record_the_response(knowsley_demo, username, django_user_model):
    with pytest.raises(PermissionDenied):
        services.recommendation_set_response(
            recommendation=rec(knowsley_demo, 3),
            by=django_user_model.objects.get(username=username),
            response="agreed",
            reason="",
        )


# --- Measures and readings --------------------------------------------------------------


def measure_post(**overrides) -> dict:
    today = TODAY()
    data = {
        "name": "Children in full-time education",
        "unit": "%",
        "baseline_value": "55.5",
        **date_fields("baseline_date", today - datetime.timedelta(days=200)),
        "target_value": "90",
        **date_fields("target_date", today + datetime.timedelta(days=300)),
        "higher_is_better": "on",
    }
    return data | overrides


def test_a_manager_adds_a_measure_and_a_reading_and_both_show_on_the_recommendation(
    client, knowsley_demo, manager
):
    r = rec(knowsley_demo, 2)
    client.force_login(manager)

    added = client.post(reverse("measure_add", args=[r.pk]), measure_post())
    measure = Measure.objects.get(recommendation=r, name="Children in full-time education")
    read = client.post(
        reverse("reading_add", args=[measure.pk]),
        {**date_fields("date", TODAY()), "value": "61.25", "note": "Autumn term"},
    )

    assert (added.status_code, read.status_code) == (302, 302)
    assert measure.baseline_value == Decimal("55.5")
    reading = MeasureReading.objects.get(measure=measure)
    assert (reading.value, reading.recorded_by) == (Decimal("61.25"), manager)
    page = client.get(reverse("recommendation_detail", args=[r.pk])).content.decode()
    assert "Children in full-time education" in page and "61.25%" in page


def test_a_measure_whose_target_is_before_its_baseline_is_refused_with_the_reason(
    client, knowsley_demo, manager
):
    r = rec(knowsley_demo, 2)
    client.force_login(manager)
    today = TODAY()

    response = client.post(
        reverse("measure_add", args=[r.pk]),
        measure_post(**date_fields("target_date", today - datetime.timedelta(days=400))),
    )

    assert response.status_code == 400
    assert "The target date cannot be before the baseline date." in response.content.decode()
    assert not Measure.objects.filter(name="Children in full-time education").exists()


def test_a_second_reading_on_the_same_date_is_refused_and_the_first_kept(
    client, knowsley_demo, manager
):
    r = rec(knowsley_demo, 2)
    measure = services.measure_add(
        recommendation=r,
        by=manager,
        name="Exclusions",
        unit="",
        baseline_value=Decimal(12),
        baseline_date=TODAY() - datetime.timedelta(days=100),
        target_value=Decimal(3),
        target_date=TODAY() + datetime.timedelta(days=100),
        higher_is_better=False,
    )
    services.reading_add(measure=measure, by=manager, date=TODAY(), value=Decimal(9))
    client.force_login(manager)

    response = client.post(
        reverse("reading_add", args=[measure.pk]),
        {**date_fields("date", TODAY()), "value": "7"},
    )

    assert response.status_code == 400
    assert "already has a reading for" in response.content.decode()
    assert list(measure.readings.values_list("value", flat=True)) == [Decimal(9)]


def test_a_reading_in_the_future_or_not_a_number_is_refused(client, knowsley_demo, manager):
    measure = services.measure_add(
        recommendation=rec(knowsley_demo, 2),
        by=manager,
        name="Exclusions",
        unit="",
        baseline_value=Decimal(12),
        baseline_date=TODAY() - datetime.timedelta(days=100),
        target_value=Decimal(3),
        target_date=TODAY() + datetime.timedelta(days=100),
    )
    client.force_login(manager)
    url = reverse("reading_add", args=[measure.pk])

    future = client.post(
        url, {**date_fields("date", TODAY() + datetime.timedelta(days=3)), "value": "7"}
    )
    words = client.post(url, {**date_fields("date", TODAY()), "value": "seven"})

    assert future.status_code == words.status_code == 400
    assert "cannot be dated in the future" in future.content.decode()
    assert "Enter a number." in words.content.decode()
    assert not measure.readings.exists()


def test_editing_a_measure_is_recorded_in_its_history_with_who(client, knowsley_demo, manager):
    measure = services.measure_add(
        recommendation=rec(knowsley_demo, 2),
        by=manager,
        name="Exclusions",
        unit="",
        baseline_value=Decimal(12),
        baseline_date=TODAY() - datetime.timedelta(days=100),
        target_value=Decimal(3),
        target_date=TODAY() + datetime.timedelta(days=100),
    )
    client.force_login(manager)

    response = client.post(
        reverse("measure_edit", args=[measure.pk]),
        measure_post(name="Permanent exclusions", version=measure.version),
    )

    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.name == "Permanent exclusions"
    assert measure.history.first().history_user == manager


def test_a_viewer_cannot_add_a_measure(knowsley_demo, viewer):
    with pytest.raises(PermissionDenied):
        services.measure_add(
            recommendation=rec(knowsley_demo, 2),
            by=viewer,
            name="X",
            unit="",
            baseline_value=Decimal(1),
            baseline_date=TODAY(),
            target_value=Decimal(2),
            target_date=TODAY(),
        )


# --- People of a service ------------------------------------------------------------------


def test_a_manager_adds_a_partner_without_a_login_who_can_then_own_an_action(
    client, knowsley_demo, manager
):
    service = knowsley_demo.service
    client.force_login(manager)

    response = client.post(
        reverse("person_add", args=[service.pk]),
        {
            "name": "Jo Byrne",
            "job_title": "Inspector",
            "agency": "Merseyside Police",
            "email": "jo.byrne@example.org",
        },
    )

    assert response.status_code == 302
    person = Person.objects.get(service=service, name="Jo Byrne")
    assert (person.agency, person.user) == ("Merseyside Police", None)
    assert person.history.first().history_user == manager
    form = client.get(reverse("action_add", args=[rec(knowsley_demo, 2).pk])).content.decode()
    assert "Jo Byrne" in form
    listing = client.get(reverse("people_list", args=[service.pk])).content.decode()
    assert "Jo Byrne" in listing and "Merseyside Police" in listing


def test_a_manager_edits_a_person_and_can_mark_them_inactive(client, knowsley_demo, manager):
    person = Person.objects.get(service=knowsley_demo.service, name="Police representative")
    client.force_login(manager)

    response = client.post(
        reverse("person_edit", args=[person.pk]),
        {
            "name": "Police representative",
            "job_title": "Superintendent",
            "agency": "Police",
            "email": "",
        },
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.job_title, person.is_active) == ("Superintendent", False)


def test_two_people_of_a_service_cannot_share_an_e_mail_address(client, knowsley_demo, manager):
    services.person_add(
        service_id=knowsley_demo.service_id, by=manager, name="A", email="lead@example.org"
    )
    client.force_login(manager)

    response = client.post(
        reverse("person_add", args=[knowsley_demo.service_id]),
        {"name": "B", "email": "LEAD@example.org"},
    )

    assert response.status_code == 400
    assert "already has that e-mail address" in response.content.decode()


def test_a_manager_of_another_service_cannot_reach_knowsley_people(client, knowsley_demo, outsider):
    person = Person.objects.get(service=knowsley_demo.service, name="Police representative")
    client.force_login(outsider)

    assert client.get(reverse("person_edit", args=[person.pk])).status_code == 404
    assert client.get(reverse("people_list", args=[knowsley_demo.service_id])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.person_add(service_id=knowsley_demo.service_id, by=outsider, name="Intruder")


# --- Board owners' rights -----------------------------------------------------------------


def test_a_board_owner_can_update_every_action_of_their_recommendation(knowsley_demo, member):
    # The member (Education representative) is the board owner of recommendations 2 and 3;
    # action 2.2 is owned by the YOS operational manager.
    theirs = action(knowsley_demo, "2.2")
    assert theirs.owner.user_id != member.pk

    update = services.update_log(
        action=theirs,
        by=member,
        date=TODAY(),
        narrative="Audit reviewed at the education sub-group.",
        rag=RAG.GREEN,
        percent_complete=60,
    )

    assert update.author == member


def test_a_board_member_still_cannot_update_an_action_of_someone_elses_recommendation(
    knowsley_demo, member
):
    not_theirs = action(knowsley_demo, "1.3")  # recommendation 1 is the chair's

    with pytest.raises(PermissionDenied):
        services.update_log(
            action=not_theirs,
            by=member,
            date=TODAY(),
            narrative="x",
            rag=RAG.GREEN,
            percent_complete=10,
        )


@pytest.mark.parametrize("username", ["manager", "chair", "member", "viewer", "sefton", "admin"])
def test_the_update_rule_and_its_query_agree_on_every_action(
    knowsley_demo, username, django_user_model
):
    user = django_user_model.objects.get(username=username)
    everything = Action.objects.select_related("owner", "plan__recommendation__inspection")

    by_rule = {a.pk for a in everything if perms.can_update_action(user, a)}
    by_query = set(Action.objects.updatable_by(user).values_list("pk", flat=True))

    assert by_rule == by_query
    if username == "member":
        assert len(by_rule) > 1  # their own action and their recommendations' others


def test_an_unknown_response_is_refused_in_words(knowsley_demo, manager):
    """The response service refuses an unknown response in words, not with a crash."""
    with pytest.raises(ValidationError) as refused:
        services.recommendation_set_response(
            recommendation=rec(knowsley_demo, 3), by=manager, response="maybe", reason=""
        )
    assert "Choose agreed" in str(refused.value)
