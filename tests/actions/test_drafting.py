"""Drafting a plan: due dates move freely until the chair approves; a returned plan is
put in front of the manager with the chair's comment."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from actions import services
from actions.models import Action
from tests.formdata import form_data


@pytest.fixture
def rec3(knowsley_demo):
    return knowsley_demo.recommendations.get(number=3)  # plan submitted, awaiting the chair


def _edit(client, action, **changes):
    url = reverse("action_edit", args=[action.pk])
    data = form_data(client.get(url).content.decode())
    data.update({k: str(v) for k, v in changes.items()})
    return client.post(url, data)


def test_a_returned_plans_due_date_can_be_edited_and_the_manager_sees_the_comment(
    client, rec3, chair, manager
):
    services.plan_return(plan=rec3.plan, by=chair, comments="Bring 3.1 forward a month.")
    client.force_login(manager)
    home = client.get(reverse("home")).content.decode()
    assert "Plans returned by the chair" in home and "recommendation 3" in home
    page = client.get(rec3.get_absolute_url()).content.decode()
    assert "The chair returned this plan: “Bring 3.1 forward a month.”" in page

    action = rec3.plan.actions.get(number=1)
    new_due = action.current_due_date - datetime.timedelta(days=30)
    response = _edit(
        client,
        action,
        **{"due_date_0": new_due.day, "due_date_1": new_due.month, "due_date_2": new_due.year},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.current_due_date == action.original_due_date == new_due


def test_once_approved_the_due_date_is_not_on_the_edit_form_and_the_service_refuses(
    client, knowsley_demo, manager
):
    action = Action.objects.get(
        plan__recommendation__inspection=knowsley_demo, plan__recommendation__number=1, number=3
    )
    client.force_login(manager)
    page = client.get(reverse("action_edit", args=[action.pk])).content.decode()
    assert 'name="due_date_0"' not in page
    assert "changes only through a request the chair approves" in page
    with pytest.raises(ValidationError, match="ask the chair for a new date"):
        services.action_edit(
            action=action,
            by=manager,
            expected_version=action.version,
            title=action.title,
            owner=action.owner,
            start_date=action.start_date,
            success_measure=action.success_measure,
            due_date=action.current_due_date + datetime.timedelta(days=9),
        )


def test_home_lists_only_actions_that_can_take_an_update(client, rec3, manager):
    client.force_login(manager)
    home = client.get(reverse("home")).content.decode()
    assert "Agree a guaranteed interview scheme" not in home  # 3.2: plan not approved yet
    action = rec3.plan.actions.get(number=2)
    page = client.get(reverse("action_detail", args=[action.pk])).content.decode()
    assert "Progress is logged once the chair has approved the action plan" in page
    assert "Log an update" not in page


def test_a_pending_date_change_hides_the_request_form(client, knowsley_demo, manager):
    action = Action.objects.get(
        plan__recommendation__inspection=knowsley_demo, plan__recommendation__number=1, number=3
    )
    client.force_login(manager)
    assert (
        "Ask for a new due date"
        in client.get(reverse("action_detail", args=[action.pk])).content.decode()
    )
    services.date_change_request(
        action=action,
        by=manager,
        new_date=action.current_due_date + datetime.timedelta(days=20),
        reason="Partner delay.",
    )
    page = client.get(reverse("action_detail", args=[action.pk])).content.decode()
    assert "Ask for a new due date" not in page and "Awaiting the chair" in page
