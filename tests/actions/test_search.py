"""The action list's search and filters: by reference, by words in titles, descriptions and
updates; recommendations offered without choosing an inspection first."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from actions import services
from actions.filters import MANY_SERVICES
from actions.models import RAG, Action
from inspections.models import Role
from tests import factories
from tests.actions.test_permissions import Demo


@pytest.fixture
def demo(knowsley_demo) -> Demo:
    return Demo(knowsley_demo)


def found(client, user, **query) -> set[str]:
    """The references of the actions the list shows."""
    client.force_login(user)
    page = client.get(reverse("action_list"), query).content.decode()
    ids = {int(pk) for pk in re.findall(r'href="/actions/(\d+)/"', page)}
    actions = Action.objects.filter(pk__in=ids).select_related("plan__recommendation")
    return {a.reference for a in actions}


@pytest.mark.parametrize("text", ["3.1", " 3.1 ", "action 3.1", "3.1."])
def test_an_action_is_found_by_its_reference(client, demo, viewer, text):
    assert found(client, viewer, q=text) == {"3.1"}


@pytest.mark.parametrize("text", ["rec 2", "Rec 2", "recommendation 2", "r2", "rec. 2"])
def test_a_recommendations_actions_are_found_by_its_number(client, demo, viewer, text):
    expected = {a.reference for a in Action.objects.filter(plan__recommendation=demo.rec(2))}
    assert found(client, viewer, q=text) == expected


def test_words_in_an_updates_narrative_find_the_action(client, demo, viewer):
    # 2.1's update: "Two exclusions last term were not notified in time."
    assert found(client, viewer, q="notified") == {"2.1"}


def test_words_in_the_description_find_the_action(client, demo, manager):
    action = demo.action("2.2")
    services.action_edit(
        action=action,
        by=manager,
        expected_version=action.version,
        title=action.title,
        owner=action.owner,
        start_date=action.start_date,
        success_measure=action.success_measure,
        description="Work with Knowsley Chamber.",
    )
    assert found(client, manager, q="chamber") == {"2.2"}


def test_every_word_must_match_somewhere(client, demo, viewer):
    assert found(client, viewer, q="notified exclusions") == {"2.1"}
    assert found(client, viewer, q="notified zebra") == set()


def test_a_new_update_is_found_by_its_words(client, demo, manager):
    services.update_log(
        action=demo.action("2.2"),
        by=manager,
        date=demo.today,
        narrative="Audit found two children on reduced timetables.",
        rag=RAG.AMBER,
        percent_complete=55,
        reason="Timetables.",
        recovery_step="Escalate.",
    )
    assert found(client, manager, q="timetables") == {"2.2"}


def test_hostile_search_text_is_just_text(client, demo, viewer):
    for text in ["%", "_", "' OR 1=1 --", "３.１", "9999999999.1", "\x00"]:
        client.force_login(viewer)
        assert client.get(reverse("action_list"), {"q": text}).status_code == 200


def test_recommendations_are_offered_without_choosing_an_inspection(client, demo, viewer):
    client.force_login(viewer)

    page = client.get(reverse("action_list")).content.decode()

    select = page.split('name="recommendation"')[1].split("</select>")[0]
    year = demo.inspection.published_on.year
    for number in (1, 2, 3, 4):
        assert f"Knowsley YOS {year}: recommendation {number}</option>" in select


def test_the_recommendation_filter_works_without_an_inspection(client, demo, viewer):
    rec = demo.rec(2)
    expected = {a.reference for a in Action.objects.filter(plan__recommendation=rec)}
    assert found(client, viewer, recommendation=rec.pk) == expected


def test_a_person_with_many_services_chooses_a_service_before_recommendations(
    client, demo, django_user_model
):
    viewer = factories.make_user("multi_service_viewer")
    for _ in range(MANY_SERVICES + 1):
        service = factories.make_service()
        factories.make_recommendation(factories.make_inspection(service))
        factories.ServiceRole.objects.create(user=viewer, service=service, role=Role.VIEWER)
    client.force_login(viewer)
    some = factories.ServiceRole.objects.filter(user=viewer).first().service

    before = client.get(reverse("action_list")).content.decode()
    after = client.get(reverse("action_list"), {"service": some.pk}).content.decode()

    assert ": recommendation 1</option>" not in before.split('name="recommendation"')[1]
    assert ": recommendation 1</option>" in after.split('name="recommendation"')[1]


def test_due_before_is_typed_as_day_month_and_year(client, demo, viewer):
    due = Action.objects.filter(plan__recommendation__inspection=demo.inspection)
    cutoff = sorted(a.current_due_date for a in due)[3]
    expected = {a.reference for a in due if a.current_due_date < cutoff}
    query = {"due_before_0": cutoff.day, "due_before_1": cutoff.month, "due_before_2": cutoff.year}

    assert found(client, viewer, **query) == expected
    page = client.get(reverse("action_list")).content.decode()
    assert 'class="govuk-date-input" id="id_due_before"' in page
    assert 'type="date"' not in page


@pytest.mark.parametrize(
    "boxes, message",
    [
        (("31", "2", "2027"), "Enter a real date"),
        (("3", "", "2027"), "Enter the day, month and year, for example 27 3 2026"),
        (("²", "1", "99999999999999999999"), "Enter a real date"),
    ],
    ids=["not-a-day", "incomplete", "not-numbers"],
)
def test_a_due_before_that_is_not_a_date_says_so_in_plain_english(
    client, demo, viewer, boxes, message
):
    client.force_login(viewer)
    query = {f"due_before_{i}": value for i, value in enumerate(boxes)}

    response = client.get(reverse("action_list"), query)

    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert "Some filters could not be used" in page
    assert page.count("Enter a real date") <= 2  # one message for the date, not one per box
