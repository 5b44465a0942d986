"""V2: no lost updates. A stale edit is refused with a clear message and the person's text kept."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, ActionPlan, Transition
from actions.services import STALE_MESSAGE
from inspections.models import Recommendation, Role
from tests import factories
from tests.formdata import form_data


@pytest.fixture
def action(knowsley_demo) -> Action:
    """Action 1.3, in progress."""
    return Action.objects.get(
        plan__recommendation__inspection=knowsley_demo, plan__recommendation__number=1, number=3
    )


@pytest.fixture
def second_manager(knowsley_demo):
    return factories.make_user("second-manager", service=knowsley_demo.service, role=Role.MANAGER)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def edit_form(client, action) -> dict[str, str]:
    response = client.get(reverse("action_edit", args=[action.pk]))
    assert response.status_code == 200
    data = form_data(response.content.decode())
    assert "version" in data and "title" in data
    return data


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def test_a_stale_action_edit_is_refused_and_keeps_the_second_persons_text(
    knowsley_demo, manager, second_manager, action
):
    original_measure = action.success_measure
    first, second = signed_in(manager), signed_in(second_manager)
    first_form, second_form = edit_form(first, action), edit_form(second, action)

    first_form["title"] = "Give each board member a lead area, agreed at the June board"
    saved = first.post(reverse("action_edit", args=[action.pk]), first_form)
    assert saved.status_code == 302

    second_form["success_measure"] = "Each lead reports to the board every six months."
    refused = second.post(reverse("action_edit", args=[action.pk]), second_form)

    assert refused.status_code == 400
    text = page_text(refused)
    assert STALE_MESSAGE in text
    assert "Each lead reports to the board every six months." in text  # their text is kept
    assert "agreed at the June board" in text  # the other person's change is shown
    action.refresh_from_db()
    assert action.title == "Give each board member a lead area, agreed at the June board"
    assert action.success_measure == original_measure


def test_saving_again_from_the_refused_form_replaces_the_other_version_deliberately(
    knowsley_demo, manager, second_manager, action
):
    first, second = signed_in(manager), signed_in(second_manager)
    first_form, second_form = edit_form(first, action), edit_form(second, action)
    first_form["title"] = "First person's title"
    assert first.post(reverse("action_edit", args=[action.pk]), first_form).status_code == 302
    second_form["title"] = "Second person's title"
    refused = second.post(reverse("action_edit", args=[action.pk]), second_form)
    assert refused.status_code == 400

    resubmitted = form_data(refused.content.decode())
    assert resubmitted["title"] == "Second person's title"
    assert resubmitted["version"] != second_form["version"]
    saved = second.post(reverse("action_edit", args=[action.pk]), resubmitted)

    assert saved.status_code == 302
    action.refresh_from_db()
    assert action.title == "Second person's title"


def test_the_same_manager_in_two_tabs_is_warned_before_overwriting_their_own_change(
    knowsley_demo, manager, action
):
    tab_one, tab_two = signed_in(manager), signed_in(manager)
    one, two = edit_form(tab_one, action), edit_form(tab_two, action)

    one["description"] = "Written in the first tab."
    assert tab_one.post(reverse("action_edit", args=[action.pk]), one).status_code == 302
    two["description"] = "Written in the second tab."
    refused = tab_two.post(reverse("action_edit", args=[action.pk]), two)

    assert refused.status_code == 400
    assert STALE_MESSAGE in page_text(refused)
    assert "Written in the second tab." in page_text(refused)
    action.refresh_from_db()
    assert action.description == "Written in the first tab."


def test_an_action_edit_is_stale_after_a_status_change_by_someone_else(
    knowsley_demo, manager, second_manager, action
):
    editor = signed_in(manager)
    form = edit_form(editor, action)
    # Someone else logs the update that completes the action meanwhile.
    other = signed_in(second_manager)
    today = timezone.localdate()
    completed = other.post(
        reverse("update_create", args=[action.pk]),
        {
            "date_0": today.day,
            "date_1": today.month,
            "date_2": today.year,
            "narrative": "All lead areas agreed.",
            "rag": "blue",
            "percent_complete": 100,
        },
    )
    assert completed.status_code == 302

    form["title"] = "A title typed before the action was completed"
    refused = editor.post(reverse("action_edit", args=[action.pk]), form)

    assert refused.status_code == 400
    assert STALE_MESSAGE in page_text(refused)
    action.refresh_from_db()
    assert action.title != "A title typed before the action was completed"
    assert action.status == Action.Status.COMPLETE


# --- Plans: the chair approves the version they saw -----------------------------------


def approve_version(page_html: str, rec: Recommendation) -> str:
    form = re.search(
        r'action="{}".*?name="version" value="(\d+)"'.format(
            re.escape(reverse("plan_approve", args=[rec.pk]))
        ),
        page_html,
        flags=re.S,
    )
    assert form, "the approve button is not on the page"
    return form.group(1)


def test_approving_a_plan_that_changed_since_the_page_was_shown_is_refused(
    knowsley_demo, manager, chair
):
    rec = knowsley_demo.recommendations.get(number=3)  # plan submitted
    chair_tab = signed_in(chair)
    seen_version = approve_version(chair_tab.get(rec.get_absolute_url()).content.decode(), rec)

    # Meanwhile, in another tab, the chair returns it and the manager resubmits it.
    other_tab = signed_in(chair)
    returned = other_tab.post(
        reverse("plan_return", args=[rec.pk]), {"reason": "Add a measure for action 3.2."}
    )
    assert returned.status_code == 302
    resubmitted = signed_in(manager).post(
        reverse("plan_submit", args=[rec.pk]),
        {"version": ActionPlan.objects.get(recommendation=rec).version},
    )
    assert resubmitted.status_code == 302
    approvals = Transition.objects.filter(recommendation=rec, to_status="approved").count()

    response = chair_tab.post(
        reverse("plan_approve", args=[rec.pk]), {"version": seen_version}, follow=True
    )

    assert response.status_code == 200
    assert STALE_MESSAGE in page_text(response)
    plan = ActionPlan.objects.get(recommendation=rec)
    assert plan.status == ActionPlan.Status.SUBMITTED
    assert Transition.objects.filter(recommendation=rec, to_status="approved").count() == approvals
    rec.refresh_from_db()
    assert rec.status == Recommendation.Status.PLANNED

    # Having seen the current plan, the chair approves it.
    fresh_version = approve_version(page_text(response), rec)
    approved = chair_tab.post(reverse("plan_approve", args=[rec.pk]), {"version": fresh_version})
    assert approved.status_code == 302
    assert ActionPlan.objects.get(recommendation=rec).status == ActionPlan.Status.APPROVED


def test_submitting_a_plan_with_a_stale_version_is_refused(knowsley_demo, manager, chair):
    rec = knowsley_demo.recommendations.get(number=3)
    plan = ActionPlan.objects.get(recommendation=rec)
    stale = plan.version
    signed_in(chair).post(reverse("plan_return", args=[rec.pk]), {"reason": "Add a measure."})

    response = signed_in(manager).post(
        reverse("plan_submit", args=[rec.pk]), {"version": stale}, follow=True
    )

    assert STALE_MESSAGE in page_text(response)
    assert ActionPlan.objects.get(pk=plan.pk).status == ActionPlan.Status.RETURNED


def test_the_conflict_panel_lists_every_field_the_other_person_changed(
    knowsley_demo, manager, second_manager, action
):
    first, second = signed_in(manager), signed_in(second_manager)
    first_form, second_form = edit_form(first, action), edit_form(second, action)
    first_form["description"] = "Their new details."
    first_form["success_measure"] = "Their new measure."
    assert first.post(reverse("action_edit", args=[action.pk]), first_form).status_code == 302

    second_form["title"] = "My new title"
    refused = second.post(reverse("action_edit", args=[action.pk]), second_form)

    assert refused.status_code == 400
    text = " ".join(page_text(refused).split())
    assert "Where their saved version and yours differ" in text
    for field, theirs in (
        ("Details", "Their new details."),
        ("How we will know", "Their new measure."),
    ):
        assert f'{field}</th><td class="govuk-table__cell">{theirs}' in text
    assert "My new title" in text  # the title differs too: theirs is the old one
    assert "Owner</th>" not in text  # unchanged fields are not listed


def test_an_edit_without_the_version_it_started_from_is_refused(knowsley_demo, manager, action):
    client = signed_in(manager)
    data = edit_form(client, action)
    del data["version"]
    data["title"] = "Changed without a version"
    response = client.post(reverse("action_edit", args=[action.pk]), data)
    assert response.status_code == 400
    assert "This page is out of date" in page_text(response)
    action.refresh_from_db()
    assert action.title != "Changed without a version"
