"""Ids and numbers from requests are read strictly: hostile values are refused, never a 500."""

import pytest
from django.test import Client
from django.urls import reverse

from actions.models import Action, ActionPlan
from inspections.models import Recommendation
from yjtracker.ids import MAX_ID, parse_id, parse_int

HOSTILE = ["²", "٣", "1²", "-1", "0", "1e3", " ", "", "x", "99999999999999999999", str(MAX_ID + 1)]


@pytest.mark.parametrize("value", HOSTILE)
def test_parse_id_refuses_what_is_not_a_database_id(value):
    assert parse_id(value) is None


def test_parse_id_reads_ascii_digits_in_range():
    assert parse_id("42") == 42
    assert parse_id(str(MAX_ID)) == MAX_ID
    assert parse_id(7) == 7
    assert parse_id(True) is None


def test_parse_int_keeps_to_its_range():
    assert parse_int("100", maximum=100) == 100
    assert parse_int("101", maximum=100) is None
    assert parse_int("-5", minimum=-10) == -5
    assert parse_int(None) is None


@pytest.mark.parametrize("param", ["service", "inspection", "owner", "recommendation", "theme"])
@pytest.mark.parametrize("value", ["²", "99999999999999999999", "1\x00", "9" * 400])
def test_hostile_list_filters_are_refused_on_the_page(client, manager, param, value):
    client.force_login(manager)
    response = client.get(reverse("action_list"), {param: value})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.parametrize("value", ["²", "99999999999999999999", "%00"])
def test_a_hostile_meeting_in_the_board_pack_shows_the_pack(client, chair, knowsley_demo, value):
    client.force_login(chair)
    url = reverse("board_pack", args=[knowsley_demo.pk])
    response = client.get(url, {"meeting": value})
    assert response.status_code == 200


@pytest.mark.parametrize("view", ["plan_submit", "plan_approve"])
def test_a_non_ascii_version_on_a_plan_decision_is_no_server_error(client, manager, chair, view):
    rec = Recommendation.objects.get(inspection__service__slug="knowsley", number=3)
    client.force_login(manager if view == "plan_submit" else chair)
    before = ActionPlan.objects.get(recommendation=rec).status
    response = client.post(reverse(view, args=[rec.pk]), {"version": "²"})
    assert response.status_code in (302, 403)
    assert ActionPlan.objects.get(recommendation=rec).status in {before, "approved", "submitted"}


@pytest.mark.parametrize("path", ["/actions/99999999999999999999/", "/recommendations/²/"])
def test_an_id_too_big_for_the_database_is_404(client, manager, path):
    client.force_login(manager)
    assert client.get(path).status_code == 404


def test_an_anonymous_nul_in_the_calendar_address_is_404(db):
    assert Client().get("/calendar/%00.ics").status_code == 404


def test_a_huge_owner_id_in_the_action_form_is_a_field_error(client, manager):
    action = Action.objects.filter(plan__recommendation__inspection__service__slug="knowsley")[0]
    client.force_login(manager)
    response = client.post(
        reverse("action_add", args=[action.plan.recommendation_id]),
        {"title": "T", "owner": "99999999999999999999", "success_measure": "S"},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
