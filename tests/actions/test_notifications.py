"""Notifications: written by the services with the event, listed in the app with a count in
the header, and e-mailed after the commit to people who want them."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from actions import services
from actions.models import RAG, Notification
from actions.services import notifications
from inspections.models import Person
from tests.actions.test_permissions import Demo


@pytest.fixture
def demo(knowsley_demo) -> Demo:
    return Demo(knowsley_demo)


@pytest.fixture
def with_emails(demo, manager, member):
    """The manager and the member have an address on their person records."""
    for user in (manager, member):
        Person.objects.filter(user=user).update(email=f"{user.username}@example.org")


def notes_of(user, kind=None):
    found = Notification.objects.filter(user=user)
    return list(found.filter(kind=kind) if kind else found)


def test_a_returned_plan_notifies_the_managers_with_the_chairs_comments(demo, manager, chair):
    plan = demo.draft_plan()
    services.plan_submit(plan=plan, by=manager)

    services.plan_return(plan=plan, by=chair, comments="Name a lead for each action.")

    [note] = notes_of(manager, Notification.Kind.PLAN_RETURNED)
    assert note.reason == "Name a lead for each action."
    assert note.url == plan.recommendation.get_absolute_url()
    assert notes_of(chair) == []  # never told of one's own act


def test_an_approved_plan_notifies_the_managers(demo, manager, chair):
    plan = demo.draft_plan()
    services.plan_submit(plan=plan, by=manager)

    services.plan_approve(plan=plan, by=chair)

    assert len(notes_of(manager, Notification.Kind.PLAN_APPROVED)) == 1


def test_closure_sent_back_signed_off_and_reopened_each_notify_with_the_reason(
    demo, manager, member, chair
):
    rec = demo.closure_proposed()  # recommendation 4: its board owner has no login
    services.recommendation_send_back(recommendation=rec, by=chair, reason="Show the data.")
    services.recommendation_propose_closure(recommendation=rec, by=manager, summary="Data.")
    services.recommendation_sign_off(recommendation=rec, by=chair, comment="Well evidenced.")
    services.recommendation_reopen(recommendation=rec, by=chair, reason="Arrests rose.")

    kinds = {n.kind: n.reason for n in notes_of(manager)}
    assert kinds == {
        Notification.Kind.CLOSURE_SENT_BACK: "Show the data.",
        Notification.Kind.CLOSURE_SIGNED_OFF: "Well evidenced.",
        Notification.Kind.REOPENED: "Arrests rose.",
    }


def test_the_board_owner_with_a_login_hears_of_their_recommendations_decisions(
    demo, manager, member, chair
):
    rec2 = demo.rec(2)  # the member is its board owner
    for action in rec2.plan.actions.filter(status__in=["not_started", "in_progress"]):
        services.update_log(
            action=action,
            by=manager,
            date=demo.today,
            narrative="Done.",
            rag=RAG.BLUE,
            percent_complete=100,
        )
    services.evidence_add(
        action=rec2.plan.actions.first(), by=manager, title="Minutes", link="https://e.org/m"
    )
    services.recommendation_propose_closure(recommendation=rec2, by=manager, summary="Done.")

    services.recommendation_send_back(recommendation=rec2, by=chair, reason="Not yet.")

    assert [n.reason for n in notes_of(member, Notification.Kind.CLOSURE_SENT_BACK)] == ["Not yet."]


def test_a_date_change_decision_notifies_who_asked_and_the_owner(demo, manager, member, chair):
    change = demo.pending_date_change()  # asked by the manager, on 2.1 owned by the member

    services.date_change_decide(change=change, by=chair, approve=False, reason="Too late.")

    for user in (manager, member):
        [note] = notes_of(user, Notification.Kind.DATE_CHANGE_DECLINED)
        assert note.reason == "Too late."
        assert note.url == demo.action("2.1").get_absolute_url()


def test_an_update_by_someone_else_notifies_the_owner_but_not_their_own(demo, manager, member):
    action = demo.action("2.1")  # owned by the member

    services.update_log(
        action=action,
        by=manager,
        date=demo.today,
        narrative="Chased the trusts.",
        rag=RAG.GREEN,
        percent_complete=50,
    )
    services.update_log(
        action=action,
        by=member,
        date=demo.today,
        narrative="Met the trusts.",
        rag=RAG.GREEN,
        percent_complete=55,
    )

    [note] = notes_of(member, Notification.Kind.UPDATE_BY_OTHER)
    assert "manager logged an update on action 2.1" in note.message
    assert note.reason == "Chased the trusts."


def test_a_refused_event_leaves_no_notification(demo, manager, chair):
    plan = demo.draft_plan()
    services.plan_submit(plan=plan, by=manager)

    with pytest.raises(Exception):
        services.plan_return(plan=plan, by=chair, comments="  ")

    assert Notification.objects.count() == 0


# --- E-mail -------------------------------------------------------------------------------


def test_notifications_are_e_mailed_after_the_commit_with_a_link_and_the_reason(
    demo, manager, chair, with_emails, django_capture_on_commit_callbacks
):
    plan = demo.draft_plan()
    services.plan_submit(plan=plan, by=manager)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.plan_return(plan=plan, by=chair, comments="Name a lead for each action.")
    assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()

    [message] = mail.outbox
    assert message.to == ["manager@example.org"]
    assert "returned the action plan" in message.subject
    assert "Name a lead for each action." in message.body
    assert reverse("recommendation_detail", args=[plan.recommendation_id]) in message.body


def test_an_update_e_mail_never_holds_the_narrative(
    demo, manager, with_emails, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.update_log(
            action=demo.action("2.1"),
            by=manager,
            date=demo.today,
            narrative="Child A was excluded on Tuesday.",
            rag=RAG.GREEN,
            percent_complete=50,
        )

    [message] = mail.outbox
    assert message.to == ["member@example.org"]
    assert "Child A" not in message.body
    assert "Child A" not in message.alternatives[0][0]


def test_no_e_mail_for_someone_who_turned_notification_e_mails_off(
    demo, manager, member, with_emails, django_capture_on_commit_callbacks
):
    services.person_set_preferences(
        user=member, wants_digest=True, wants_nudges=True, wants_notifications=False
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.update_log(
            action=demo.action("2.1"),
            by=manager,
            date=demo.today,
            narrative="x",
            rag=RAG.GREEN,
            percent_complete=50,
        )

    assert mail.outbox == []
    assert len(notes_of(member)) == 1  # still told in the app


def test_a_failing_mail_server_is_logged_and_never_breaks_the_write(
    demo, manager, with_emails, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def broken(self, *args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken)

    with django_capture_on_commit_callbacks(execute=True):
        update = services.update_log(
            action=demo.action("2.1"),
            by=manager,
            date=demo.today,
            narrative="x",
            rag=RAG.GREEN,
            percent_complete=50,
        )

    assert update.pk is not None
    assert "was not sent" in caplog.text


def test_send_emails_counts_only_people_with_an_address(demo, manager, member):
    note = notifications.notify(
        users=[member],
        by=manager,
        kind=Notification.Kind.UPDATE_BY_OTHER,
        recommendation=demo.rec(2),
        message="Test.",
    )
    assert notifications.send_emails(note, service_id=demo.inspection.service_id) == 0


# --- The pages ------------------------------------------------------------------------------


def test_the_header_counts_unread_and_the_list_marks_them_read(client, demo, manager, member):
    for pct in (40, 45):
        services.update_log(
            action=demo.action("2.1"),
            by=manager,
            date=demo.today,
            narrative=f"{pct}.",
            rag=RAG.GREEN,
            percent_complete=pct,
        )
    client.force_login(member)

    home = client.get(reverse("home")).content.decode()
    assert '2<span class="govuk-visually-hidden"> unread</span>' in home

    listing = client.get(reverse("notifications")).content.decode()
    assert listing.count("Unread</strong>") == 2
    first = Notification.objects.filter(user=member).first()
    client.post(reverse("notification_read", args=[first.pk]))
    first.refresh_from_db()
    assert first.read_at is not None
    home = client.get(reverse("home")).content.decode()
    assert '1<span class="govuk-visually-hidden"> unread</span>' in home

    client.post(reverse("notifications_read_all"))
    assert not Notification.objects.filter(user=member, read_at__isnull=True).exists()
    assert "unread</span>" not in client.get(reverse("home")).content.decode()


def test_open_marks_read_and_goes_to_the_place(client, demo, manager, member):
    services.update_log(
        action=demo.action("2.1"),
        by=manager,
        date=demo.today,
        narrative="x",
        rag=RAG.GREEN,
        percent_complete=50,
    )
    note = Notification.objects.get(user=member)
    client.force_login(member)

    response = client.post(reverse("notification_read", args=[note.pk]), {"open": "1"})

    assert response["Location"] == demo.action("2.1").get_absolute_url()


def test_nobody_reads_or_marks_anothers_notification(client, demo, manager, member):
    services.update_log(
        action=demo.action("2.1"),
        by=manager,
        date=demo.today,
        narrative="x",
        rag=RAG.GREEN,
        percent_complete=50,
    )
    note = Notification.objects.get(user=member)
    client.force_login(manager)

    response = client.post(reverse("notification_read", args=[note.pk]))

    assert response.status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_the_account_page_turns_notification_e_mails_off(client, demo, member):
    client.force_login(member)

    client.post(reverse("account"), {"wants_digest": "on", "wants_nudges": "on"})

    assert Person.objects.get(user=member).wants_notifications is False
    page = client.get(reverse("account")).content.decode()
    assert "E-mail me my notifications" in page


def test_backdated_history_tells_nobody(demo, manager):
    """Loading history (demo, synthetic data) passes `created_at`: nobody is told."""
    services.update_log(
        action=demo.action("2.1"),
        by=manager,
        date=demo.today - datetime.timedelta(days=3),
        narrative="Old.",
        rag=RAG.GREEN,
        percent_complete=20,
        created_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=3),
    )
    assert Notification.objects.count() == 0
