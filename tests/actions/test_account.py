"""Your account: e-mail preferences for every person linked to the login, and the feed link."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions.models import CalendarFeed
from inspections.models import Person, Service
from tests import factories


@pytest.fixture(autouse=True)
def _steady_sessions(steady_sessions):
    """Counted requests never include the once-a-minute session renewal."""


SAVED = "Your e-mail preferences have been saved."


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "https://yjtracker.example.org"


def page(client, user):
    client.force_login(user)
    response = client.get(reverse("account"))
    assert response.status_code == 200
    return response.content.decode()


def test_anonymous_is_sent_to_sign_in(client, db):
    response = client.get(reverse("account"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_page_shows_the_preferences_and_the_calendar_address(client, manager):
    html = page(client, manager)
    assert not CalendarFeed.objects.filter(user=manager).exists()  # no write on GET
    assert "Create my calendar address" in html
    client.post(reverse("calendar_feed_reset"))
    html = page(client, manager)
    token = CalendarFeed.objects.get(user=manager).token
    assert '<h1 class="govuk-heading-xl">Your account</h1>' in html
    assert f"https://yjtracker.example.org/calendar/{token}.ics" in html
    assert 'name="wants_digest"' in html and 'name="wants_nudges"' in html
    assert "YOS service manager" in html  # the person linked to the login
    assert "Reminders 14 and 3 days before an action you own is due" in html


def test_the_header_links_to_the_account_page(client, manager):
    html = page(client, manager)
    assert 'href="/account/" aria-current="page"' in html
    client.force_login(manager)
    home = client.get(reverse("home")).content.decode()
    assert 'href="/account/"' in home and "Your account" in home


def test_preferences_are_saved_on_every_person_of_the_login_with_a_message(client, manager):
    sefton = Service.objects.get(slug="sefton")
    elsewhere = Person.objects.create(service=sefton, name="Interim manager", user=manager)
    bystander = Person.objects.get(service__slug="knowsley", name="Chair")
    client.force_login(manager)

    response = client.post(reverse("account"), {"wants_nudges": "on"}, follow=True)

    assert response.redirect_chain == [(reverse("account"), 302)]
    assert SAVED in response.content.decode()
    mine = Person.objects.filter(user=manager)
    assert mine.count() == 2 and elsewhere in mine
    assert set(mine.values_list("wants_digest", "wants_nudges")) == {(False, True)}
    bystander.refresh_from_db()
    assert (bystander.wants_digest, bystander.wants_nudges) == (True, True)
    assert elsewhere.history.first().history_user == manager  # attributable


def test_the_form_shows_what_is_saved(client, manager):
    client.force_login(manager)
    client.post(reverse("account"), {"wants_digest": "on"})
    html = page(client, manager)
    assert 'id="id_wants_digest" name="wants_digest" type="checkbox" value="on"' in html
    digest = html.split('id="id_wants_digest"')[1].split(">")[0]
    nudges = html.split('id="id_wants_nudges"')[1].split(">")[0]
    assert "checked" in digest and "checked" not in nudges


def test_a_viewer_can_use_it_too(client, viewer):
    knowsley = Service.objects.get(slug="knowsley")
    me = Person.objects.create(
        service=knowsley, name="Regional monitor", email="monitor@example.org", user=viewer
    )
    assert "monitor@example.org" in page(client, viewer)
    response = client.post(reverse("account"), {}, follow=True)
    assert SAVED in response.content.decode()
    me.refresh_from_db()
    assert (me.wants_digest, me.wants_nudges) == (False, False)


def test_a_login_with_no_person_sees_the_page_and_nothing_is_changed(client, viewer):
    html = page(client, viewer)
    assert "not linked to a person who owns actions" in html
    assert 'name="wants_digest"' not in html
    assert "Calendar feed" in html and not CalendarFeed.objects.filter(user=viewer).exists()
    response = client.post(reverse("account"), {}, follow=True)
    assert "not linked to anyone who is sent reminders" in response.content.decode()
    assert SAVED not in response.content.decode()


def test_a_post_without_the_csrf_token_is_refused(manager):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    assert client.post(reverse("account"), {}).status_code == 403
    assert set(Person.objects.filter(user=manager).values_list("wants_digest", flat=True)) == {True}


def test_the_page_costs_the_same_queries_for_one_person_or_many(client, db):
    def account_queries(people: int) -> int:
        user = factories.make_user()
        for _ in range(people):
            service = factories.make_service()
            factories.make_person(service, "Linked", user=user)
        page(Client(), user)  # the first visit makes the calendar feed
        client = Client()
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("account")).status_code == 200
        return len(queries)

    assert account_queries(1) == account_queries(4)
