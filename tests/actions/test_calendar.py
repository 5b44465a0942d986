"""The calendar feed: the due dates of the open actions a login owns, behind a secret token."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from actions import services
from actions.models import RAG, Action, CalendarFeed
from actions.reminders import calendar
from inspections.models import Person, Role, ServiceRole
from tests import factories


@pytest.fixture(autouse=True)
def _steady_sessions(steady_sessions):
    """Counted requests never include the once-a-minute session renewal."""


SITE = "https://yjtracker.example.org"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def day(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def make_plan(service, owner_people: list[Person], titles: list[str], *, dues: list[int]):
    """An approved plan in `service` with one action per title, owned in turn by the people."""
    inspection = factories.make_inspection(service)
    rec = factories.make_recommendation(inspection)
    manager = factories.make_user(service=service, role=Role.MANAGER)
    chair = factories.make_user(service=service, role=Role.CHAIR)
    plan = services.plan_start(recommendation=rec, by=manager)
    actions = [
        services.action_add(
            plan=plan,
            by=manager,
            title=title,
            owner=owner,
            start_date=day(-10),
            due_date=day(due),
            success_measure="Agreed by the board.",
        )
        for title, owner, due in zip(titles, owner_people, dues, strict=True)
    ]
    services.plan_submit(plan=plan, by=manager)
    services.plan_approve(plan=plan, by=chair)
    return manager, actions


@pytest.fixture
def owner(db):
    """A board member of two services who owns open, complete and cancelled actions."""
    first, second = factories.make_service(), factories.make_service()
    user = factories.make_user(service=first, role=Role.MEMBER)
    ServiceRole.objects.create(user=user, service=second, role=Role.MEMBER)
    me_first = factories.make_person(first, "Education lead", user=user)
    me_second = factories.make_person(second, "Education lead", user=user)
    someone = factories.make_person(first, "Police lead")
    manager, actions = make_plan(
        first,
        [me_first, me_first, me_first, me_first, someone],
        ["Open one", "Open two", "Done", "Dropped", "Someone else's"],
        dues=[10, 40, 20, 30, 15],
    )
    services.update_log(
        action=actions[2],
        by=manager,
        date=timezone.localdate(),
        narrative="Finished.",
        rag=RAG.BLUE,
        percent_complete=100,
    )
    services.action_cancel(action=actions[3], by=manager, reason="No longer needed.")
    _, elsewhere = make_plan(second, [me_second], ["Open in the second service"], dues=[5])
    user.expected = {actions[0], actions[1], elsewhere[0]}
    return user


def fetch(token: str, client: Client | None = None):
    return (client or Client()).get(reverse("calendar_feed", args=[token]))


def events(response) -> list:
    return Calendar.from_ical(response.content).walk("VEVENT")


def test_the_feed_parses_and_holds_exactly_the_owners_open_actions(owner):
    feed = calendar.calendar_feed_get(user=owner)
    response = fetch(feed.token)  # no session: calendar programs do not sign in
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    found = events(response)
    by_url = {str(e["url"]): e for e in found}
    assert len(found) == 3
    assert set(by_url) == {f"{SITE}/actions/{a.pk}/" for a in owner.expected}
    for action in owner.expected:
        event = by_url[f"{SITE}/actions/{action.pk}/"]
        assert event.decoded("dtstart") == action.current_due_date  # an all-day date
        assert not isinstance(event.decoded("dtstart"), datetime.datetime)
        assert event.decoded("dtend") == action.current_due_date + datetime.timedelta(days=1)
        assert action.title in str(event["summary"])
        assert f"{SITE}/actions/{action.pk}/" in str(event["description"])
    summaries = " ".join(str(e["summary"]) for e in found)
    assert "Done" not in summaries and "Dropped" not in summaries and "Someone" not in summaries


def test_event_uids_are_stable_between_fetches(owner):
    token = calendar.calendar_feed_get(user=owner).token
    first = sorted(str(e["uid"]) for e in events(fetch(token)))
    second = sorted(str(e["uid"]) for e in events(fetch(token)))
    assert first == second and len(set(first)) == 3
    assert all(uid.endswith("@yjtracker.example.org") for uid in first)


def test_the_demo_managers_feed_matches_the_actions_they_own(manager):
    token = calendar.calendar_feed_get(user=manager).token
    urls = {str(e["url"]) for e in events(fetch(token))}
    expected = Action.objects.open().filter(owner__user=manager)
    assert expected.exists()
    assert urls == {f"{SITE}/actions/{pk}/" for pk in expected.values_list("pk", flat=True)}


def test_a_wrong_token_gets_404(owner):
    calendar.calendar_feed_get(user=owner)
    assert fetch("not-the-right-token-at-all").status_code == 404
    assert Client().get("/calendar/.ics").status_code == 404
    assert Client().get("/calendar/" + "x" * 43 + ".ics").status_code == 404


@pytest.mark.parametrize("token", ["%00", "x%00" * 20, "x" * 5000, "%C2%B2" * 20, "a/b" * 10])
def test_a_malformed_token_gets_404_without_reaching_the_database(db, token):
    assert Client().get(f"/calendar/{token}.ics").status_code == 404


def test_an_inactive_login_has_no_feed(owner):
    token = calendar.calendar_feed_get(user=owner).token
    owner.is_active = False
    owner.save()
    assert fetch(token).status_code == 404


def test_reset_changes_the_token_and_the_old_address_stops_working(owner, client):
    old = calendar.calendar_feed_get(user=owner).token
    client.force_login(owner)
    response = client.post(reverse("calendar_feed_reset"))
    assert response.status_code == 302 and response["Location"] == reverse("account")
    new = CalendarFeed.objects.get(user=owner).token
    assert new != old and len(new) >= 43
    assert fetch(old).status_code == 404
    assert fetch(new).status_code == 200
    page = client.get(reverse("account"))
    assert "Your calendar address has changed" in page.content.decode()
    assert f"{SITE}/calendar/{new}.ics" in page.content.decode()


def test_reset_is_post_only_and_needs_the_csrf_token(owner):
    old = calendar.calendar_feed_get(user=owner).token
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert client.get(reverse("calendar_feed_reset")).status_code == 405
    assert client.post(reverse("calendar_feed_reset")).status_code == 403
    assert CalendarFeed.objects.get(user=owner).token == old


def test_reset_needs_sign_in(client, db):
    response = client.post(reverse("calendar_feed_reset"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_feed_costs_the_same_queries_for_few_and_many_actions(db):
    def feed_queries(n: int) -> int:
        service = factories.make_service()
        user = factories.make_user(service=service, role=Role.MEMBER)
        me = factories.make_person(service, "Owner", user=user)
        make_plan(service, [me] * n, [f"Action {i}" for i in range(n)], dues=[10] * n)
        token = calendar.calendar_feed_get(user=user).token
        with CaptureQueriesContext(connection) as queries:
            assert len(events(fetch(token))) == n
        return len(queries)

    assert feed_queries(1) == feed_queries(6)
