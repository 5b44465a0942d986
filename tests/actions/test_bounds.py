"""Bounds with plain-English errors (V1): dates that cannot be, updates dated before their
action existed, and free text without end are refused on the form and by the services,
with a message a person can act on and their input kept.
"""

from __future__ import annotations

import datetime
import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from actions import services
from actions.forms import ClosureForm, ProgressUpdateForm, ReasonForm
from actions.models import RAG, ProgressUpdate
from tests.factories import knowsley_action, knowsley_rec
from yjtracker import limits

HUGE_YEAR = "99999999999999999999"


def today() -> datetime.date:
    return timezone.localdate()


def boxes(name: str, day, month, year) -> dict[str, str]:
    return {f"{name}_0": str(day), f"{name}_1": str(month), f"{name}_2": str(year)}


def body(response) -> str:
    return html.unescape(response.content.decode())


def update_post(**fields) -> dict:
    return {
        **boxes("date", today().day, today().month, today().year),
        "narrative": "Protocol agreed with two trusts.",
        "rag": "green",
        "percent_complete": "60",
        "reason": "",
        "recovery_step": "",
    } | fields


# --- Impossible dates read "Enter a real date" on every date field ----------------------


IMPOSSIBLE = [
    pytest.param((31, 2, 2027), id="31-2-2027"),
    pytest.param((1, 1, HUGE_YEAR), id="year-of-20-digits"),
    pytest.param((1, 13, 2026), id="month-13"),
    pytest.param(("²", 1, 2026), id="superscript-day"),
    pytest.param((1, 1, "26"), id="two-digit-year"),
    pytest.param(("9" * 400, 1, 2026), id="overlong-day"),
]


@pytest.mark.parametrize("day", IMPOSSIBLE)
def test_an_impossible_date_in_an_update_reads_enter_a_real_date(client, manager, day):
    client.force_login(manager)
    action = knowsley_action("2.1")
    before = ProgressUpdate.objects.count()

    response = client.post(
        reverse("update_create", args=[action.pk]), update_post(**boxes("date", *day))
    )

    assert response.status_code == 400
    assert "Enter a real date" in body(response)
    assert "Protocol agreed with two trusts." in body(response)  # the text is kept
    assert ProgressUpdate.objects.count() == before


@pytest.mark.parametrize("day", IMPOSSIBLE)
def test_an_impossible_date_in_a_date_change_reads_enter_a_real_date(client, manager, day):
    client.force_login(manager)
    action = knowsley_action("2.1")

    response = client.post(
        reverse("date_change_create", args=[action.pk]),
        {**boxes("new_date", *day), "reason": "The trusts meet later."},
    )

    assert response.status_code == 400
    assert "Enter a real date" in body(response)
    assert not action.date_changes.exists()


@pytest.mark.parametrize("field", ["start_date", "due_date"])
@pytest.mark.parametrize("day", IMPOSSIBLE)
def test_an_impossible_date_in_a_new_action_reads_enter_a_real_date(client, manager, field, day):
    client.force_login(manager)
    rec = knowsley_rec(2)
    owner = knowsley_action("2.1").owner
    data = {
        "title": "Meet the trusts each term",
        "description": "",
        "owner": str(owner.pk),
        **boxes("start_date", today().day, today().month, today().year),
        **boxes("due_date", today().day, today().month, today().year + 1),
        "success_measure": "Meetings minuted.",
    }
    data |= boxes(field, *day)
    actions_before = rec.plan.actions.count()

    response = client.post(reverse("action_add", args=[rec.pk]), data)

    assert response.status_code == 400
    assert "Enter a real date" in body(response)
    assert rec.plan.actions.count() == actions_before


def test_the_report_import_date_reads_enter_a_real_date_too(db):
    from inspections.forms import PreviewForm
    from inspections.models import Service

    form = PreviewForm(
        {
            "fieldwork_start_0": "1",
            "fieldwork_start_1": "1",
            "fieldwork_start_2": str(HUGE_YEAR),
            "service": "",
            "framework": "",
        },
        parsed={},
        services=Service.objects.all(),
    )

    assert form.errors["fieldwork_start"] == [
        "Enter a real date, with the year as 4 numbers, for example 2026"
    ]


# --- An update's date: not before the action started, not after today -------------------


def test_an_update_dated_before_its_action_started_is_refused(client, manager):
    client.force_login(manager)
    action = knowsley_action("2.1")
    start = action.start_date
    before = ProgressUpdate.objects.count()

    response = client.post(
        reverse("update_create", args=[action.pk]), update_post(**boxes("date", 1, 1, 2019))
    )

    assert response.status_code == 400
    assert (
        f"The date of an update cannot be before the action's start date ({start:%-d %B %Y})."
        in body(response)
    )
    assert ProgressUpdate.objects.count() == before


def test_the_service_refuses_an_update_dated_before_its_action_started(manager):
    action = knowsley_action("2.1")

    with pytest.raises(ValidationError) as refused:
        services.update_log(
            action=action,
            by=manager,
            date=datetime.date(2019, 1, 1),
            narrative="Backdated.",
            rag=RAG.GREEN,
            percent_complete=10,
        )

    assert "before the action's start date" in refused.value.message_dict["date"][0]


def test_an_update_on_the_actions_start_date_is_accepted(manager):
    action = knowsley_action("2.1")

    update = services.update_log(
        action=action,
        by=manager,
        date=action.start_date,
        narrative="First steps on the day the work started.",
        rag=RAG.GREEN,
        percent_complete=5,
    )

    assert update.pk


def test_a_date_change_before_the_start_is_refused_on_the_form(client, manager):
    client.force_login(manager)
    action = knowsley_action("2.1")
    early = action.start_date - datetime.timedelta(days=1)

    response = client.post(
        reverse("date_change_create", args=[action.pk]),
        {**boxes("new_date", early.day, early.month, early.year), "reason": "Sooner."},
    )

    assert response.status_code == 400
    assert (
        f"The new date cannot be before the action's start date ({action.start_date:%-d %B %Y})."
        in body(response)
    )
    assert not action.date_changes.exists()


# --- Free text has limits -----------------------------------------------------------------


def test_a_22000_character_update_is_refused_and_kept_on_the_page(client, manager):
    client.force_login(manager)
    action = knowsley_action("2.1")
    long_text = "Progress. " * 2200

    response = client.post(
        reverse("update_create", args=[action.pk]), update_post(narrative=long_text)
    )

    assert response.status_code == 400
    page = body(response)
    assert "The narrative must be 5,000 characters or fewer." in page
    assert long_text.strip() in page
    assert not ProgressUpdate.objects.filter(narrative=long_text).exists()


def test_the_browser_is_not_told_to_cut_text_short():
    """A maxlength would trim pasted text silently; the server refuses it with a message."""
    form = ProgressUpdateForm()
    assert "maxlength" not in str(form["narrative"])
    assert "maxlength" not in str(ReasonForm()["reason"])


@pytest.mark.parametrize(
    "form_class, field, limit, message",
    [
        (ProgressUpdateForm, "narrative", 5000, "The narrative must be 5,000 characters"),
        (ProgressUpdateForm, "reason", 2000, "The reason must be 2,000 characters"),
        (ProgressUpdateForm, "recovery_step", 2000, "The recovery step must be 2,000"),
        (ClosureForm, "summary", 5000, "The closure summary must be 5,000 characters"),
        (ReasonForm, "reason", 2000, "The reason must be 2,000 characters"),
    ],
)
def test_each_form_refuses_text_over_its_limit(db, form_class, field, limit, message):
    just_right = form_class({field: "x" * limit})
    too_long = form_class({field: "x" * (limit + 1)})

    assert field not in just_right.errors or message not in str(just_right.errors[field])
    assert message in str(too_long.errors[field])


def test_the_action_form_limits_its_title(client, manager):
    client.force_login(manager)
    action = knowsley_action("2.1")
    data = {
        "title": "T" * 301,
        "description": "",
        "owner": str(action.owner_id),
        **boxes("start_date", *reversed(action.start_date.isoformat().split("-"))),
        "success_measure": action.success_measure,
        "version": str(action.version),
    }

    response = client.post(reverse("action_edit", args=[action.pk]), data)

    assert response.status_code == 400
    assert "The title must be 300 characters or fewer." in body(response)


SERVICE_CALLS = {
    "update narrative": lambda w: services.update_log(
        action=w.action,
        by=w.manager,
        date=today(),
        narrative="x" * 5001,
        rag=RAG.GREEN,
        percent_complete=10,
    ),
    "update recovery step": lambda w: services.update_log(
        action=w.action,
        by=w.manager,
        date=today(),
        narrative="Late.",
        rag=RAG.AMBER,
        percent_complete=10,
        reason="A partner is late.",
        recovery_step="x" * 2001,
    ),
    "date change reason": lambda w: services.date_change_request(
        action=w.action,
        by=w.manager,
        new_date=w.action.current_due_date + datetime.timedelta(days=9),
        reason="x" * 2001,
    ),
    "cancellation reason": lambda w: services.action_cancel(
        action=w.action, by=w.manager, reason="x" * 2001
    ),
    "action title": lambda w: services.action_edit(
        action=w.action,
        by=w.manager,
        expected_version=None,
        title="x" * 301,
        owner=w.action.owner,
        start_date=w.action.start_date,
        success_measure="Measured.",
    ),
    "action details": lambda w: services.action_add(
        plan=w.action.plan,
        by=w.manager,
        title="New",
        owner=w.action.owner,
        start_date=today(),
        due_date=today(),
        success_measure="Measured.",
        description="x" * 5001,
    ),
    "evidence withdrawal reason": lambda w: services.evidence_withdraw(
        evidence=services.evidence_add(
            action=w.action, by=w.manager, title="Minutes", link="https://x.org/m"
        ),
        by=w.manager,
        reason="x" * 2001,
    ),
    "evidence title": lambda w: services.evidence_add(
        action=w.action, by=w.manager, title="x" * 301, link="https://x.org/m"
    ),
    "plan return comments": lambda w: services.plan_return(
        plan=knowsley_rec(3).plan, by=w.chair, comments="x" * 2001
    ),
}


class World:
    def __init__(self, manager, chair):
        self.manager, self.chair = manager, chair
        self.action = knowsley_action("2.1")


@pytest.mark.parametrize("call", SERVICE_CALLS, ids=list(SERVICE_CALLS))
def test_the_services_hold_the_same_limits(manager, chair, call):
    with pytest.raises(ValidationError) as refused:
        SERVICE_CALLS[call](World(manager, chair))

    assert "characters or fewer." in " ".join(refused.value.messages)


def test_limits_read_as_sentences():
    assert limits.message("narrative") == "The narrative must be 5,000 characters or fewer."
    assert limits.too_long(reason="x" * 2000) == {}
