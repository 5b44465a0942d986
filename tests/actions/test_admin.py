"""The admin as a careless or hostile administrator would use it (L4): nothing there moves
a plan, action or recommendation round the workflow, or into another service.

Each test posts what the admin's own form would post, with one field changed the way a
person probing for weaknesses would change it, and checks what was stored.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from actions import services
from actions.models import (
    RAG,
    Action,
    ActionPlan,
    BoardMeeting,
    DueDateChange,
    Evidence,
    Measure,
    MeasureReading,
    ProgressUpdate,
    Transition,
)
from inspections.models import Inspection, Person, Recommendation
from tests import factories
from tests.actions.test_history import RELIED_ON
from tests.factories import knowsley_action, knowsley_rec
from tests.formdata import form_data

RecStatus = Recommendation.Status


@pytest.fixture
def staff(client, administrator):
    client.force_login(administrator)
    return client


def url(model, view, *args):
    meta = model._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=args)


def change_form(client, obj) -> dict:
    """The change form of `obj` as the browser would post it back unchanged."""
    page = client.get(url(type(obj), "change", obj.pk))
    assert page.status_code == 200
    return form_data(page.content.decode(), f"{type(obj)._meta.model_name}_form")


def stored(obj) -> dict:
    return {f.name: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields} | {
        "_": type(obj).objects.filter(pk=obj.pk).values()[0]
    }


def sefton_inspection() -> Inspection:
    return Inspection.objects.filter(service__slug="sefton").first()


def sefton_rec() -> Recommendation:
    return factories.make_recommendation(sefton_inspection(), text="Sefton's own.")


def sefton_plan() -> ActionPlan:
    """A plan in another service (Sefton), reached through the services as its manager."""
    sefton = get_user_model().objects.get(username="sefton")
    return services.plan_start(recommendation=sefton_rec(), by=sefton)


def closed_recommendation_4(manager, chair) -> Recommendation:
    action = knowsley_action("4.1")
    services.update_log(
        action=action,
        by=manager,
        date=timezone.localdate(),
        narrative="Analysis presented to the board.",
        rag=RAG.BLUE,
        percent_complete=100,
    )
    services.evidence_add(action=action, by=manager, title="Minutes", link="https://example.org/m")
    rec = knowsley_rec(4)
    services.recommendation_propose_closure(recommendation=rec, by=manager, summary="Done.")
    services.recommendation_sign_off(recommendation=rec, by=chair)
    rec.refresh_from_db()
    return rec


# --- History: read, never restored -------------------------------------------------------


def test_saving_the_earliest_history_entry_of_a_closed_recommendation_does_not_reopen_it(
    staff, manager, chair
):
    rec = closed_recommendation_4(manager, chair)
    earliest = rec.history.order_by("history_date", "history_id").first()
    history_url = url(Recommendation, "simple_history", rec.pk, earliest.history_id)
    assert earliest.status == RecStatus.OPEN
    page = staff.get(history_url)
    assert page.status_code == 200  # still there to read
    transitions = Transition.objects.count()

    response = staff.post(history_url, form_data(page.content.decode(), "recommendation_form"))

    assert response.status_code == 403
    rec.refresh_from_db()
    assert rec.status == RecStatus.CLOSED
    assert rec.closure_summary == "Done."
    assert Transition.objects.count() == transitions


def test_saving_an_old_history_entry_of_a_complete_action_does_not_restart_it(
    staff, manager, chair
):
    closed_recommendation_4(manager, chair)
    action = knowsley_action("4.1")
    assert action.status == Action.Status.COMPLETE
    earliest = action.history.order_by("history_date", "history_id").first()
    history_url = url(Action, "simple_history", action.pk, earliest.history_id)
    data = form_data(staff.get(history_url).content.decode(), "action_form")

    response = staff.post(history_url, data)

    assert response.status_code == 403
    action.refresh_from_db()
    assert action.status == Action.Status.COMPLETE


HISTORY_ADMINS = sorted(
    (m for m, a in admin.site._registry.items() if isinstance(a, SimpleHistoryAdmin)),
    key=lambda m: m._meta.label,
)


@pytest.mark.parametrize("model", HISTORY_ADMINS, ids=lambda m: m._meta.label)
def test_no_history_entry_can_be_saved_again_from_the_admin(staff, manager, model):
    if model is Evidence:
        services.evidence_add(
            action=knowsley_action("2.1"), by=manager, title="Minutes", link="https://x.org/m"
        )
    obj = model._default_manager.order_by("pk").first()
    entry = obj.history.order_by("history_date").first()
    history_url = url(model, "simple_history", obj.pk, entry.history_id)
    before = stored(obj)

    assert staff.get(history_url).status_code == 200
    assert "Revert" not in staff.get(history_url).content.decode()
    response = staff.post(history_url, {})

    assert response.status_code == 403
    obj.refresh_from_db()
    assert stored(obj) == before


def test_every_model_a_board_relies_on_shows_its_history_in_the_admin():
    assert set(RELIED_ON) <= {m._meta.label for m in HISTORY_ADMINS}


# --- Actions ---------------------------------------------------------------------------


def test_an_action_cannot_be_moved_to_another_services_plan(staff):
    action = knowsley_action("2.1")
    other = sefton_plan()
    data = change_form(staff, action)
    data["plan"] = str(other.pk)

    staff.post(url(Action, "change", action.pk), data)

    action.refresh_from_db()
    assert action.plan.recommendation.inspection.service.slug == "knowsley"
    assert not other.actions.exists()


def test_an_action_cannot_be_moved_by_a_crafted_form_either(staff):
    """A readonly field is not in the form: a posted value is ignored, not trusted."""
    action = knowsley_action("2.1")
    sefton_person = Person.objects.filter(service__slug="sefton").first()
    before = stored(action)
    data = change_form(staff, action) | {
        "plan": str(sefton_plan().pk),
        "owner": str(sefton_person.pk),
        "status": Action.Status.COMPLETE,
        "current_due_date": "2030-01-01",
        "original_due_date": "2030-01-01",
        "start_date": "2020-01-01",
        "number": "9",
        "title": "A new title",
    }

    response = staff.post(url(Action, "change", action.pk), data)

    assert response.status_code == 302
    action.refresh_from_db()
    after = stored(action)
    assert action.title == "A new title"
    for name in ("plan", "owner", "status", "current_due_date", "original_due_date", "number"):
        assert after[name] == before[name], name
    assert action.start_date == before["start_date"]


def test_an_actions_title_saved_in_the_admin_goes_through_the_service(staff, administrator):
    action = knowsley_action("2.1")
    version = action.version
    data = change_form(staff, action) | {"title": "Report every exclusion to the board"}

    staff.post(url(Action, "change", action.pk), data)

    action.refresh_from_db()
    assert action.title == "Report every exclusion to the board"
    assert action.version == version + 1  # services.action_edit counts versions
    assert action.history.latest().history_user == administrator


def test_an_action_cannot_be_changed_in_the_admin_while_its_plan_is_with_the_chair(staff):
    action = knowsley_action("3.1")  # recommendation 3's plan awaits the chair
    data = change_form(staff, action) | {"title": "Changed behind the chair's back"}

    response = staff.post(url(Action, "change", action.pk), data)

    assert response.status_code == 200
    assert "The plan is with the chair for approval" in response.content.decode()
    action.refresh_from_db()
    assert action.title != "Changed behind the chair's back"


def test_actions_and_plans_are_not_added_or_deleted_in_the_admin(staff):
    """Added on the recommendation's page with their Transition, or they would be missing
    from every "as at" pack."""
    action = knowsley_action("2.1")
    actions, plans = Action.objects.count(), ActionPlan.objects.count()
    for model, obj in ((Action, action), (ActionPlan, action.plan)):
        assert staff.get(url(model, "add")).status_code == 403
        assert staff.post(url(model, "add"), {"title": "x"}).status_code == 403
        assert staff.get(url(model, "delete", obj.pk)).status_code == 403
        assert staff.post(url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    bulk = staff.post(
        url(Action, "changelist"),
        {"action": "delete_selected", "_selected_action": [action.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)
    assert (Action.objects.count(), ActionPlan.objects.count()) == (actions, plans)


def test_a_plan_cannot_be_moved_to_another_recommendation_or_change_status(staff):
    plan = knowsley_rec(3).plan
    data = change_form(staff, plan) | {
        "recommendation": str(knowsley_rec(2).pk),
        "status": ActionPlan.Status.APPROVED,
        "summary": "A better summary",
    }

    staff.post(url(ActionPlan, "change", plan.pk), data)

    plan.refresh_from_db()
    assert plan.recommendation == knowsley_rec(3)
    assert plan.status == ActionPlan.Status.SUBMITTED
    assert plan.summary == "A better summary"


# --- Records: evidence, updates, date changes, transitions ------------------------------


def test_withdrawn_evidence_cannot_be_restored_in_the_admin(staff, manager):
    evidence = services.evidence_add(
        action=knowsley_action("2.1"), by=manager, title="Minutes", link="https://example.org/m"
    )
    services.evidence_withdraw(evidence=evidence, by=manager, reason="Wrong meeting.")
    assert staff.get(url(Evidence, "change", evidence.pk)).status_code == 200  # to read

    response = staff.post(
        url(Evidence, "change", evidence.pk),
        {"title": "Minutes", "link": "https://example.org/m", "withdrawn_reason": ""},
    )

    assert response.status_code == 403
    evidence.refresh_from_db()
    assert evidence.withdrawn and evidence.withdrawn_reason == "Wrong meeting."
    assert staff.get(url(Evidence, "add")).status_code == 403
    assert staff.post(url(Evidence, "delete", evidence.pk), {"post": "yes"}).status_code == 403


@pytest.mark.parametrize("model", [ProgressUpdate, DueDateChange, Transition, Evidence])
def test_records_are_read_only_in_the_admin(staff, manager, model):
    services.date_change_request(
        action=knowsley_action("2.1"),
        by=manager,
        new_date=timezone.localdate() + datetime.timedelta(days=60),
        reason="The trusts meet later.",
    )
    services.evidence_add(
        action=knowsley_action("2.1"), by=manager, title="Minutes", link="https://example.org/m"
    )
    obj = model.objects.order_by("pk").last()
    before = stored(obj)

    assert staff.get(url(model, "add")).status_code == 403
    assert staff.post(url(model, "change", obj.pk), {"status": "approved"}).status_code == 403
    assert staff.post(url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403

    obj.refresh_from_db()
    assert stored(obj) == before


# --- Measures and meetings ---------------------------------------------------------------


def test_a_measure_and_its_readings_stay_with_their_recommendation(staff, administrator):
    measure = Measure.objects.get(recommendation=knowsley_rec(3))
    data = change_form(staff, measure) | {"recommendation": str(sefton_rec().pk)}

    staff.post(url(Measure, "change", measure.pk), data)

    measure.refresh_from_db()
    assert measure.recommendation == knowsley_rec(3)
    reading = measure.readings.first()
    other = Measure.objects.create(
        recommendation=knowsley_rec(1),
        name="Attendance",
        baseline_value=1,
        baseline_date=datetime.date(2025, 1, 1),
        target_value=2,
        target_date=datetime.date(2027, 1, 1),
    )
    recorder = reading.recorded_by
    data = change_form(staff, reading) | {"measure": str(other.pk), "recorded_by": "1"}
    staff.post(url(MeasureReading, "change", reading.pk), data)
    reading.refresh_from_db()
    assert (reading.measure, reading.recorded_by) == (measure, recorder)


def test_a_reading_added_in_the_admin_is_recorded_by_whoever_added_it(staff, administrator):
    measure = Measure.objects.get(recommendation=knowsley_rec(3))
    manager = get_user_model().objects.get(username="manager")
    data = form_data(staff.get(url(MeasureReading, "add")).content.decode(), "measurereading_form")
    data |= {
        "measure": str(measure.pk),
        "date": "2026-01-05",
        "value": "58",
        "recorded_by": str(manager.pk),
    }

    response = staff.post(url(MeasureReading, "add"), data)

    assert response.status_code == 302
    reading = MeasureReading.objects.get(measure=measure, date=datetime.date(2026, 1, 5))
    assert reading.recorded_by == administrator
    assert reading.history.get().history_user == administrator


def test_a_meeting_cannot_move_to_another_board(staff):
    meeting = BoardMeeting.objects.filter(board__service__slug="knowsley").first()
    sefton_board = BoardMeeting._meta.get_field("board").related_model.objects.get(
        service__slug="sefton"
    )
    data = change_form(staff, meeting) | {"board": str(sefton_board.pk)}

    staff.post(url(BoardMeeting, "change", meeting.pk), data)

    meeting.refresh_from_db()
    assert meeting.board.service.slug == "knowsley"


# --- The same rules hold outside the admin (the models' clean) ---------------------------


def test_the_models_refuse_a_move_to_another_service_whatever_form_asks(db, knowsley_demo):
    from django.core.exceptions import ValidationError

    action = knowsley_action("2.1")
    action.plan = sefton_plan()
    with pytest.raises(ValidationError) as refused:
        action.full_clean()
    assert "An action cannot move to another plan." in refused.value.message_dict["plan"]

    rec = knowsley_rec(1)
    rec.inspection = sefton_inspection()
    with pytest.raises(ValidationError, match="cannot move to another inspection"):
        rec.full_clean()
