"""Partners update by link, without an account: one action, one person, signed, expiring,
revocable, rate-limited, and revealing nothing else (T1)."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from actions import services
from actions.models import Action, ProgressUpdate, Transition, UpdateLink
from inspections.models import Person, ServiceRole


@pytest.fixture
def action(knowsley_demo):
    return Action.objects.get(
        plan__recommendation__inspection=knowsley_demo,
        plan__recommendation__number=2,
        number=1,
    )


@pytest.fixture
def partner(knowsley_demo):
    return Person.objects.create(
        service=knowsley_demo.service,
        name="Police lead",
        agency="Merseyside Police",
        email="police.lead@example.org",
    )


def send(manager, action, partner, **kwargs) -> str:
    link, path = services.link_send(action=action, person=partner, by=manager, **kwargs)
    return path


def update_data(**changes) -> dict:
    today = timezone.localdate()
    data = {
        "date_0": str(today.day),
        "date_1": str(today.month),
        "date_2": str(today.year),
        "narrative": "Patrol officers briefed on the exclusions protocol.",
        "rag": "green",
        "percent_complete": "40",
        "reason": "",
        "recovery_step": "",
    }
    return data | changes


def test_a_manager_sends_a_link_by_email_from_the_action(client, manager, action, partner):
    client.force_login(manager)
    page = client.get(reverse("update_links", args=[action.pk]))
    assert page.status_code == 200
    response = client.post(
        reverse("update_links", args=[action.pk]), {"person": partner.pk, "days": "14"}
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["police.lead@example.org"]
    url = re.search(r"http://\S+/update/\S+/", message.body).group(0)
    link = UpdateLink.objects.get()
    assert (link.action, link.person, link.created_by) == (action, partner, manager)
    assert link.expires_at.date() == (timezone.now() + datetime.timedelta(days=14)).date()
    assert url.split("/update/")[1].split("/")[1] not in link.token_hash  # stored hashed
    assert Client().get(url.replace("http://127.0.0.1:8000", "")).status_code == 200


def test_without_an_email_address_the_link_is_shown_once_to_copy(client, manager, action, partner):
    partner.email = ""
    partner.save()
    client.force_login(manager)
    response = client.post(
        reverse("update_links", args=[action.pk]), {"person": partner.pk, "days": "7"}
    )
    assert response.status_code == 200
    assert "Copy this link" in response.content.decode()
    assert not mail.outbox
    assert (
        "Copy this link"
        not in client.get(reverse("update_links", args=[action.pk])).content.decode()
    )


def test_a_partner_logs_an_update_recorded_as_theirs_via_the_manager(manager, action, partner):
    path = send(manager, action, partner)
    anonymous = Client()
    response = anonymous.post(path, update_data())
    assert response.status_code == 302 and response["Location"].endswith("?saved=1")
    assert "Update saved" in anonymous.get(response["Location"]).content.decode()
    update = ProgressUpdate.objects.filter(action=action).latest()
    assert update.author == manager
    assert update.on_behalf_of == partner
    assert update.link == UpdateLink.objects.get()
    assert update.author_label == "Police lead, via a link sent by manager"
    # The timeline on the staff page says so.
    staff = Client()
    staff.force_login(manager)
    page = staff.get(reverse("action_detail", args=[action.pk])).content.decode()
    assert "Police lead, via a link sent by manager" in page


def test_the_link_page_reveals_only_that_actions_title_due_date_and_last_update(
    manager, action, partner
):
    services.update_log(
        action=action,
        by=manager,
        date=timezone.localdate(),
        narrative="Latest word on the protocol.",
        rag="green",
        percent_complete=30,
    )
    page = Client().get(send(manager, action, partner)).content.decode()
    assert escape(action.title) in page
    assert f"{action.current_due_date:%-d %B %Y}" in page
    assert "Latest word on the protocol." in page
    rec = action.plan.recommendation
    assert escape(rec.text) not in page
    for other in Action.objects.exclude(pk=action.pk):
        assert escape(other.title) not in page
    for person in Person.objects.exclude(pk=partner.pk):
        assert escape(person.name) not in page
    assert "My actions" not in page and "/actions/" not in page  # no navigation for staff
    assert "Does this correct an earlier update" not in page


def test_an_expired_link_does_not_work(manager, action, partner):
    path = send(manager, action, partner, days=14)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=14, minutes=1)):
        assert Client().get(path).status_code == 404


def test_a_link_changed_in_any_character_does_not_work(manager, action, partner):
    path = send(manager, action, partner)
    token = path.rstrip("/").rsplit("/", 1)[1]
    for position in (0, 10, len(token) - 1):  # in the secret, and in the signature
        flipped = "A" if token[position] != "A" else "B"
        tampered = token[:position] + flipped + token[position + 1 :]
        assert Client().get(path.replace(token, tampered)).status_code == 404
    assert Client().get(path).status_code == 200


def test_a_link_with_another_actions_id_does_not_work(manager, action, partner):
    path = send(manager, action, partner)
    other = Action.objects.exclude(pk=action.pk).first()
    elsewhere = path.replace(f"/update/{action.pk}/", f"/update/{other.pk}/")
    assert Client().get(elsewhere).status_code == 404
    assert Client().post(elsewhere, update_data()).status_code == 404
    assert not other.updates.filter(on_behalf_of=partner).exists()


def test_a_revoked_link_cannot_be_used_again(client, manager, action, partner):
    path = send(manager, action, partner)
    anonymous = Client()
    assert anonymous.post(path, update_data()).status_code == 302
    client.force_login(manager)
    link = UpdateLink.objects.get()
    response = client.post(reverse("update_link_revoke", args=[link.pk]))
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.revoked_by == manager
    count = ProgressUpdate.objects.count()
    assert anonymous.get(path).status_code == 404
    assert anonymous.post(path, update_data()).status_code == 404
    assert ProgressUpdate.objects.count() == count


def test_a_link_stops_working_when_its_sender_loses_the_right_to_update(manager, action, partner):
    path = send(manager, action, partner)
    ServiceRole.objects.filter(user=manager).update(role="viewer")
    assert Client().get(path).status_code == 404


def test_guessing_links_is_slowed_down(manager, action, partner, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    path = send(manager, action, partner)
    guesser = Client(REMOTE_ADDR="203.0.113.9")
    token = path.rstrip("/").rsplit("/", 1)[1]
    for n in range(20):
        wrong = path.replace(token, f"{n:02d}" + token[2:])
        assert guesser.get(wrong).status_code == 404
    refused = guesser.get(path)
    assert refused.status_code == 429 and refused["Retry-After"]
    assert Client(REMOTE_ADDR="198.51.100.1").get(path).status_code == 200


def test_one_link_takes_a_bounded_number_of_updates_a_day(manager, action, partner, settings):
    settings.UPDATE_LINK_UPDATES_PER_DAY = 2
    path = send(manager, action, partner)
    anonymous = Client()
    assert anonymous.post(path, update_data()).status_code == 302
    assert anonymous.post(path, update_data()).status_code == 302
    third = anonymous.post(path, update_data())
    assert third.status_code == 400
    assert "as many updates as it can today" in third.content.decode()


def test_sending_links_is_rate_limited(manager, action, partner, settings):
    settings.UPDATE_LINKS_PER_HOUR = 2
    send(manager, action, partner)
    send(manager, action, partner)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="in the last hour"):
        send(manager, action, partner)


def test_an_amber_update_by_link_needs_reason_and_recovery(manager, action, partner):
    path = send(manager, action, partner)
    response = Client().post(path, update_data(rag="amber"))
    assert response.status_code == 400
    assert "Amber or Red needs a reason" in response.content.decode()


def test_evidence_by_link_is_attached_to_the_update(manager, action, partner):
    path = send(manager, action, partner)
    Client().post(
        path,
        update_data(evidence_title="Briefing note", evidence_link="https://example.org/brief"),
    )
    update = ProgressUpdate.objects.filter(action=action).latest()
    evidence = update.evidence.get()
    assert (evidence.title, evidence.added_by) == ("Briefing note", manager)


@pytest.mark.parametrize("persona", ["viewer", "member", "chair"])
def test_only_managers_send_and_revoke_links(client, persona, action, partner, manager):
    from django.contrib.auth import get_user_model

    send(manager, action, partner)
    client.force_login(get_user_model().objects.get(username=persona))
    assert client.get(reverse("update_links", args=[action.pk])).status_code == 403
    link = UpdateLink.objects.get()
    assert client.post(reverse("update_link_revoke", args=[link.pk])).status_code == 403
    assert UpdateLink.objects.get().revoked_at is None


def test_another_services_manager_cannot_see_or_revoke_links(
    client, outsider, action, manager, partner
):
    send(manager, action, partner)
    client.force_login(outsider)
    assert client.get(reverse("update_links", args=[action.pk])).status_code == 404
    link = UpdateLink.objects.get()
    assert client.post(reverse("update_link_revoke", args=[link.pk])).status_code == 404


def test_a_link_cannot_be_made_for_someone_of_another_service(manager, action, knowsley_demo):
    from django.core.exceptions import ValidationError

    stranger = Person.objects.filter(service__slug="sefton").first()
    with pytest.raises(ValidationError):
        services.link_send(action=action, person=stranger, by=manager)
    assert not Transition.objects.filter(reason__contains="link").exists()


# --- Links in reminder e-mails ------------------------------------------------------------

from tests.actions.test_reminders import (  # noqa: E402
    add_action,
    approve,
    day,
    run,
    world,  # noqa: E402,F401  (a fixture)
)


def test_a_reminder_carries_a_fresh_link_when_the_manager_asked_for_it(world, settings):  # noqa: F811
    settings.SITE_URL = "http://testserver"
    action = add_action(world, "Refresh the board's terms of reference", due=day(40))
    approve(world)
    services.link_send(action=action, person=world.owner, by=world.manager, in_reminders=True)
    run(day(40 - 14))
    (message,) = [m for m in mail.outbox if "is due" in m.subject]
    url = re.search(r"http://testserver(/update/\S+/)", message.body).group(1)
    fresh = UpdateLink.objects.filter(by_reminder=True).get()
    assert (fresh.created_by, fresh.person) == (world.manager, world.owner)
    assert Client().get(url).status_code == 200


def test_no_link_in_reminders_without_the_managers_consent_or_after_withdrawal(world):  # noqa: F811
    action = add_action(world, "Refresh the board's terms of reference", due=day(40))
    approve(world)
    services.link_send(action=action, person=world.owner, by=world.manager)
    run(day(40 - 14))
    assert "/update/" not in mail.outbox[-1].body
    link, _ = services.link_send(
        action=action, person=world.owner, by=world.manager, in_reminders=True
    )
    services.link_revoke(link=link, by=world.manager)
    run(day(40 - 3))
    assert "/update/" not in mail.outbox[-1].body
