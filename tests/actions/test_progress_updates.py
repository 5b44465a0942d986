"""Progress updates, overdue actions and due-date changes, through the action page."""

from __future__ import annotations

import datetime
import html
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, DueDateChange, ProgressUpdate, Transition


def today() -> datetime.date:
    return timezone.localdate()


def action_ref(inspection, reference: str) -> Action:
    rec_number, number = reference.split(".")
    return Action.objects.get(
        plan__recommendation__inspection=inspection,
        plan__recommendation__number=int(rec_number),
        number=int(number),
    )


@pytest.fixture
def action(knowsley_demo) -> Action:
    """Action 1.3, in progress, owned by the YOS service manager, due in 45 days."""
    return action_ref(knowsley_demo, "1.3")


def update_data(day: datetime.date | None = None, **fields) -> dict:
    day = day or today()
    data = {
        "date_0": day.day,
        "date_1": day.month,
        "date_2": day.year,
        "narrative": "Lead areas discussed with every board member.",
        "rag": "green",
        "percent_complete": 60,
        "reason": "",
        "recovery_step": "",
        "evidence_title": "",
        "evidence_link": "",
    }
    data.update(fields)
    return data


def post_update(client, action, **fields):
    return client.post(reverse("update_create", args=[action.pk]), update_data(**fields))


def text(response) -> str:
    return html.unescape(response.content.decode())


# --- Validation of an update -----------------------------------------------------------


@pytest.mark.parametrize("rag", ["amber", "red"])
def test_amber_or_red_without_a_reason_or_recovery_step_is_refused_and_the_text_kept(
    client, manager, action, rag
):
    client.force_login(manager)
    before = ProgressUpdate.objects.filter(action=action).count()

    response = post_update(
        client, action, rag=rag, narrative="Two members have not chosen a lead area yet."
    )

    assert response.status_code == 400
    page = text(response)
    assert "Amber or Red needs a reason" in page
    assert "Amber or Red needs a recovery step" in page
    assert "Two members have not chosen a lead area yet." in page
    assert ProgressUpdate.objects.filter(action=action).count() == before


def test_amber_with_a_reason_but_no_recovery_step_names_the_missing_field(client, manager, action):
    client.force_login(manager)

    response = post_update(client, action, rag="amber", reason="Two members are new.")

    assert response.status_code == 400
    page = text(response)
    assert "Amber or Red needs a recovery step" in page
    assert "Amber or Red needs a reason" not in page
    assert "Two members are new." in page
    assert not ProgressUpdate.objects.filter(action=action, rag="amber").exists()


def test_amber_with_a_reason_and_a_recovery_step_is_saved(client, manager, action):
    client.force_login(manager)

    response = post_update(
        client,
        action,
        rag="amber",
        percent_complete=55,
        reason="Two members are new.",
        recovery_step="The chair meets them before the next board.",
    )

    assert response.status_code == 302
    update = ProgressUpdate.objects.filter(action=action).latest()
    assert (update.rag, update.percent_complete, update.author) == ("amber", 55, manager)
    assert update.recovery_step == "The chair meets them before the next board."


def test_blue_completes_the_action(client, manager, action):
    client.force_login(manager)

    response = post_update(
        client, action, rag="blue", percent_complete=100, narrative="Lead areas agreed."
    )

    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == Action.Status.COMPLETE
    move = Transition.objects.filter(action=action).order_by("-pk").first()
    assert (move.from_status, move.to_status, move.by) == ("in_progress", "complete", manager)
    page = text(client.get(reverse("action_detail", args=[action.pk])))
    assert "Blue: complete" in page
    assert "Lead areas agreed." in page


@pytest.mark.parametrize("percent", [-1, 101, 250])
def test_a_percentage_outside_0_to_100_is_refused(client, manager, action, percent):
    client.force_login(manager)
    before = ProgressUpdate.objects.filter(action=action).count()

    response = post_update(client, action, percent_complete=percent)

    assert response.status_code == 400
    page = text(response)
    assert re.search(r"(less|greater) than or equal to (0|100)|between 0 and 100", page)
    assert "Lead areas discussed with every board member." in page
    assert ProgressUpdate.objects.filter(action=action).count() == before


def test_an_update_dated_in_the_future_is_refused(client, manager, action):
    client.force_login(manager)
    before = ProgressUpdate.objects.filter(action=action).count()

    response = post_update(client, action, day=today() + datetime.timedelta(days=1))

    assert response.status_code == 400
    page = text(response)
    assert "cannot be in the future" in page
    assert "Lead areas discussed with every board member." in page
    assert ProgressUpdate.objects.filter(action=action).count() == before


# --- Overdue -----------------------------------------------------------------------------


def rag_headline(response) -> str:
    """The RAG tag at the top of the action page, before the details."""
    page = response.content.decode()
    top = page.split('<dl class="govuk-summary-list">', 1)[0]
    tags = re.findall(r'<strong class="govuk-tag[^"]*app-tag--rag[^"]*">(.*?)</strong>', top)
    return tags[-1] if tags else ""


@pytest.mark.parametrize(
    "reference, last_rag",
    [("4.1", "Green: on track"), ("2.1", "Red: off track")],
)
def test_an_open_action_past_its_due_date_shows_overdue_whatever_its_last_update_said(
    client, knowsley_demo, manager, reference, last_rag
):
    overdue = action_ref(knowsley_demo, reference)
    assert overdue.current_due_date < today() and overdue.is_open
    client.force_login(manager)

    response = client.get(reverse("action_detail", args=[overdue.pk]))

    assert rag_headline(response) == "Overdue"
    update_log = text(response).split("Update log", 1)[1]
    assert last_rag in update_log


def test_an_action_becomes_overdue_the_day_after_its_due_date(client, manager, action):
    due = action.current_due_date
    with time_machine.travel(
        datetime.datetime.combine(due, datetime.time(12, 0), tzinfo=timezone.get_current_timezone())
    ):
        client.force_login(manager)
        assert rag_headline(client.get(reverse("action_detail", args=[action.pk]))) != "Overdue"
    with time_machine.travel(
        datetime.datetime.combine(
            due + datetime.timedelta(days=1),
            datetime.time(12, 0),
            tzinfo=timezone.get_current_timezone(),
        )
    ):
        client.force_login(manager)
        response = client.get(reverse("action_detail", args=[action.pk]))
        assert rag_headline(response) == "Overdue"
        assert "Green: on track" in text(response).split("Update log", 1)[1]


def test_a_complete_action_past_its_due_date_is_not_overdue(client, knowsley_demo, manager):
    done = action_ref(knowsley_demo, "1.1")
    assert done.status == Action.Status.COMPLETE and done.current_due_date < today()
    client.force_login(manager)

    response = client.get(reverse("action_detail", args=[done.pk]))

    assert rag_headline(response) == "Blue: complete"


# --- Due-date changes --------------------------------------------------------------------


def ask_for_date(client, action, new_date: datetime.date, reason: str = "The board moved."):
    return client.post(
        reverse("date_change_create", args=[action.pk]),
        {
            "new_date_0": new_date.day,
            "new_date_1": new_date.month,
            "new_date_2": new_date.year,
            "reason": reason,
        },
    )


def decide(client, change, decision: str, reason: str = ""):
    return client.post(
        reverse("date_change_decide", args=[change.pk]), {"decision": decision, "reason": reason}
    )


def test_asking_for_a_new_date_keeps_the_due_date_until_the_chair_approves(
    client, manager, chair, action
):
    original, due = action.original_due_date, action.current_due_date
    new_date = due + datetime.timedelta(days=30)
    client.force_login(manager)

    response = ask_for_date(client, action, new_date, reason="The June board was cancelled.")

    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.original_due_date, action.current_due_date) == (original, due)
    change = DueDateChange.objects.get(action=action)
    assert change.status == DueDateChange.Status.PENDING
    assert change.reason == "The June board was cancelled."

    client.force_login(chair)
    home = text(client.get(reverse("home")))
    assert f"Action {action.reference}: {due:%-d %b %Y} to {new_date:%-d %b %Y}" in home
    assert reverse("date_change_decide", args=[change.pk]) in home

    assert decide(client, change, "approve").status_code == 302
    action.refresh_from_db()
    assert action.current_due_date == new_date
    assert action.original_due_date == original
    page = text(client.get(reverse("action_detail", args=[action.pk])))
    assert f"{new_date:%-d %B %Y} (originally {original:%-d %B %Y})" in page
    home = text(client.get(reverse("home")))
    assert reverse("date_change_decide", args=[change.pk]) not in home


def test_asking_for_a_new_date_needs_a_reason(client, manager, action):
    client.force_login(manager)

    response = ask_for_date(client, action, action.current_due_date + datetime.timedelta(7), "")

    assert response.status_code == 400
    assert not DueDateChange.objects.filter(action=action).exists()


def test_declining_a_new_date_needs_a_reason_and_keeps_the_due_date(client, manager, chair, action):
    due = action.current_due_date
    client.force_login(manager)
    ask_for_date(client, action, due + datetime.timedelta(days=14))
    change = DueDateChange.objects.get(action=action)
    client.force_login(chair)

    refused = decide(client, change, "decline")

    assert refused.status_code == 400
    assert "Give a reason for declining" in text(refused)
    change.refresh_from_db()
    assert change.status == DueDateChange.Status.PENDING

    declined = decide(client, change, "decline", reason="The board needs this by the due date.")

    assert declined.status_code == 302
    change.refresh_from_db()
    action.refresh_from_db()
    assert change.status == DueDateChange.Status.DECLINED
    assert change.decision_reason == "The board needs this by the due date."
    assert action.current_due_date == due


def test_every_date_revision_is_listed_on_the_action_page(client, manager, chair, action):
    due = action.current_due_date
    first, second = due + datetime.timedelta(days=10), due + datetime.timedelta(days=40)
    client.force_login(manager)
    ask_for_date(client, action, first, reason="Board meeting moved to July.")
    client.force_login(chair)
    decide(client, DueDateChange.objects.get(action=action), "approve")
    client.force_login(manager)
    ask_for_date(client, action, second, reason="Summer holidays.")
    client.force_login(chair)
    decide(
        client,
        DueDateChange.objects.get(action=action, status="pending"),
        "decline",
        reason="Keep to July.",
    )

    page = text(client.get(reverse("action_detail", args=[action.pk])))

    table = page.split("Due date changes", 1)[1]
    for fragment in [
        "Board meeting moved to July.",
        "Summer holidays.",
        "Keep to July.",
        f"{first:%-d %b %Y}",
        f"{second:%-d %b %Y}",
        "Approved",
        "Declined",
    ]:
        assert fragment in table
    action.refresh_from_db()
    assert action.current_due_date == first
    assert action.original_due_date == due
