"""The read-only API: what it returns, how it pages, what it refuses, and what it costs.

Tokens are made through `actions.api.tokens`, as the account page makes them; state that
matters is reached through the services, as people reach it.
"""

from __future__ import annotations

import datetime
import hashlib
import logging

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from actions import selectors, services
from actions.api import tokens
from actions.models import RAG, Action, ProgressUpdate
from inspections.models import Inspection, Person, Recommendation, Service
from tests import factories

API = "/api/v1/"


def api_client(user, name: str = "Test") -> Client:
    _token, secret = tokens.api_token_create(user=user, name=name)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def get(client: Client, path: str, **params):
    response = client.get(API + path, params)
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    return response


def knowsley_actions(inspection: Inspection):
    return Action.objects.filter(plan__recommendation__inspection=inspection)


def a_knowsley(kind: str, inspection: Inspection):
    """A Knowsley inspection, recommendation or action, by the API's name for the kind."""
    return {
        "inspections": lambda: inspection,
        "recommendations": lambda: Recommendation.objects.filter(inspection=inspection).first(),
        "actions": lambda: knowsley_actions(inspection).first(),
    }[kind]()


def add_actions(inspection: Inspection, manager, n: int, *, due_in_days: int = 30) -> list:
    """`n` new actions on recommendation 2, each with two updates (Green, then Amber)."""
    rec = Recommendation.objects.get(inspection=inspection, number=2)
    owner = Person.objects.get(service=inspection.service, user=manager)
    today = timezone.localdate()
    made = []
    for i in range(n):
        action = services.action_add(
            plan=rec.plan,
            by=manager,
            title=f"Extra action {i}",
            owner=owner,
            start_date=today - datetime.timedelta(days=100),
            due_date=today + datetime.timedelta(days=due_in_days),
            success_measure="Measured at the board.",
        )
        for back, rag in ((20, RAG.GREEN), (5, RAG.AMBER)):
            services.update_log(
                action=action,
                by=manager,
                date=today - datetime.timedelta(days=back),
                narrative=f"Update on extra action {i}.",
                rag=rag,
                percent_complete=40,
                reason="Slipping." if rag == RAG.AMBER else "",
                recovery_step="Extra sessions." if rag == RAG.AMBER else "",
            )
        made.append(action)
    return made


@pytest.fixture(autouse=True)
def fresh_rate_counters():
    cache.clear()


# --- What the lists return --------------------------------------------------------------


def test_the_index_lists_every_list_and_the_schema(manager):
    body = get(api_client(manager), "").json()

    assert body == {
        "inspections": "http://testserver/api/v1/inspections/",
        "recommendations": "http://testserver/api/v1/recommendations/",
        "actions": "http://testserver/api/v1/actions/",
        "progress_updates": "http://testserver/api/v1/progress-updates/",
        "openapi_schema": "http://testserver/api/v1/openapi.json",
    }


def test_inspections_are_those_of_the_users_services(manager, knowsley_demo):
    body = get(api_client(manager), "inspections/").json()

    # Knowsley's sources of every kind (the 2023 inspection and the demo's other sources).
    knowsley = Inspection.objects.filter(service=knowsley_demo.service)
    assert body["count"] == knowsley.count() > 1
    assert body["next"] is None and body["previous"] is None
    assert {r["id"] for r in body["results"]} == set(knowsley.values_list("pk", flat=True))
    [row] = [r for r in body["results"] if r["id"] == knowsley_demo.pk]
    assert row["kind"] == "inspection" and row["framework"]
    assert row["id"] == knowsley_demo.pk
    assert row["service"] == "Knowsley YOS"
    assert row["title"] == str(knowsley_demo)
    assert row["inspectorates"] == "HMIP"
    assert row["published_rating"] == "Good" and row["published_score"] == 29
    assert row["recommendation_count"] == 4
    assert row["web_url"] == f"http://testserver/inspections/{knowsley_demo.pk}/"


def test_a_superuser_token_sees_every_service_as_on_the_pages(administrator):
    body = get(api_client(administrator), "inspections/").json()

    assert body["count"] == Inspection.objects.count() > 1


def test_recommendations_carry_status_plan_owner_and_themes(manager, knowsley_demo):
    body = get(api_client(manager), "recommendations/", inspection=knowsley_demo.pk).json()

    assert [r["number"] for r in body["results"]] == [1, 2, 3, 4]
    rec = Recommendation.objects.get(inspection=knowsley_demo, number=2)
    row = body["results"][1]
    assert row["id"] == rec.pk and row["text"] == rec.text
    assert row["status"] == rec.status and row["status_label"] == rec.get_status_display()
    assert row["plan_status"] == rec.plan.status
    assert row["board_owner"] == rec.board_owner.name
    assert row["themes"] == ", ".join(t.name for t in rec.themes.order_by("name"))


def test_each_action_carries_the_position_a_person_sees_on_the_pages(manager, knowsley_demo):
    body = get(api_client(manager), "actions/").json()

    today = timezone.localdate()
    expected = {
        a.pk: a for a in selectors.action_page().filter(pk__in=knowsley_actions(knowsley_demo))
    }
    assert body["count"] == len(expected)
    for row in body["results"]:
        action = expected[row["id"]]
        assert row["reference"] == action.reference
        assert row["rag"] == selectors.display_rag(action, today)
        assert row["latest_rag"] == (action.latest_rag or None)
        assert row["percent_complete"] == action.latest_percent
        assert row["last_update_date"] == (
            action.latest_update_date.isoformat() if action.latest_update_date else None
        )
        assert row["overdue"] == action.is_overdue(today)
        assert row["owner"] == action.owner.name
        assert row["current_due_date"] == action.current_due_date.isoformat()


def test_an_overdue_action_shows_overdue_beside_its_last_rag(manager, knowsley_demo):
    [late] = add_actions(knowsley_demo, manager, 1, due_in_days=30)
    Action.objects.filter(pk=late.pk).update(
        current_due_date=timezone.localdate() - datetime.timedelta(days=1)
    )

    row = get(api_client(manager), f"actions/{late.pk}/").json()

    assert row["rag"] == "overdue" and row["rag_label"] == "Overdue"
    assert row["overdue"] is True
    assert row["latest_rag"] == "amber" and row["latest_rag_label"] == "Amber: at risk"
    assert row["percent_complete"] == 40
    assert (
        row["last_update_date"] == (timezone.localdate() - datetime.timedelta(days=5)).isoformat()
    )


def test_an_action_without_updates_has_no_position_yet(manager, knowsley_demo):
    rec = Recommendation.objects.get(inspection=knowsley_demo, number=2)
    fresh = services.action_add(
        plan=rec.plan,
        by=manager,
        title="Not started yet",
        owner=Person.objects.get(service=knowsley_demo.service, user=manager),
        start_date=timezone.localdate(),
        due_date=timezone.localdate() + datetime.timedelta(days=30),
        success_measure="Done.",
    )

    row = get(api_client(manager), f"actions/{fresh.pk}/").json()

    assert row["rag"] == "none" and row["rag_label"] == "No update yet"
    assert row["latest_rag"] is None and row["percent_complete"] is None
    assert row["last_update_date"] is None and row["overdue"] is False


def test_progress_updates_carry_their_action_and_author(manager, knowsley_demo):
    body = get(api_client(manager), "progress-updates/", limit="1000").json()

    expected = ProgressUpdate.objects.filter(action__in=knowsley_actions(knowsley_demo))
    assert body["count"] == expected.count()
    first = expected.order_by("pk").select_related("action__plan__recommendation", "author")[0]
    row = body["results"][0]
    assert row["id"] == first.pk and row["action_reference"] == first.action.reference
    assert row["narrative"] == first.narrative and row["author"] == first.author.username
    assert row["rag"] == first.rag and row["percent_complete"] == first.percent_complete


def test_filters_narrow_a_list_and_another_services_ids_match_nothing(manager, knowsley_demo):
    client = api_client(manager)
    rec = Recommendation.objects.get(inspection=knowsley_demo, number=2)
    sefton = Service.objects.get(slug="sefton")

    by_rec = get(client, "actions/", recommendation=str(rec.pk)).json()
    by_sefton = get(client, "actions/", service=str(sefton.pk)).json()
    sefton_recs = get(client, "recommendations/", service=str(sefton.pk)).json()

    assert {r["recommendation_id"] for r in by_rec["results"]} == {rec.pk}
    assert by_rec["count"] == rec.plan.actions.count()
    assert by_sefton["count"] == 0 and by_sefton["results"] == []
    assert sefton_recs["count"] == 0


# --- Detail and 404 ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["inspections", "recommendations", "actions"])
def test_another_services_record_is_404_even_by_its_real_id(outsider, knowsley_demo, kind):
    record = a_knowsley(kind, knowsley_demo)

    response = get(api_client(outsider), f"{kind}/{record.pk}/")

    assert response.status_code == 404
    assert response.json() == {"detail": "No such record, or it is not in your services."}


def test_a_record_the_user_may_see_is_the_same_row_as_in_the_list(manager, knowsley_demo):
    client = api_client(manager)
    action = knowsley_actions(knowsley_demo).order_by("pk").first()

    listed = get(client, "actions/", limit="1").json()["results"][0]
    detail = get(client, f"actions/{action.pk}/").json()

    assert detail == listed


def test_an_unknown_api_address_is_a_json_404(manager):
    response = get(api_client(manager), "sources/")

    assert response.status_code == 404
    assert "listed at /api/v1/" in response.json()["detail"]


def test_an_address_without_its_final_slash_is_redirected_with_its_query(manager):
    response = api_client(manager).get("/api/v1/actions", {"limit": "5"})

    assert response.status_code == 301
    assert response["Location"] == "/api/v1/actions/?limit=5"


# --- Pages ------------------------------------------------------------------------------


def test_following_next_visits_every_row_once_in_id_order(manager, knowsley_demo):
    add_actions(knowsley_demo, manager, 7)
    client = Client(HTTP_AUTHORIZATION=api_client(manager).defaults["HTTP_AUTHORIZATION"])
    seen, url, pages = [], API + "actions/?limit=4", 0
    while url:
        body = client.get(url).json()
        assert body["limit"] == 4
        seen += [r["id"] for r in body["results"]]
        url, pages = body["next"], pages + 1
    expected = list(knowsley_actions(knowsley_demo).order_by("pk").values_list("pk", flat=True))
    assert seen == expected
    assert pages == -(-len(expected) // 4)


def test_a_page_names_its_neighbours_and_keeps_the_filters(manager, knowsley_demo):
    add_actions(knowsley_demo, manager, 5)
    body = get(
        api_client(manager), "actions/", limit="3", offset="3", inspection=str(knowsley_demo.pk)
    ).json()

    assert body["offset"] == 3 and len(body["results"]) == 3
    assert body["previous"] == (
        f"http://testserver/api/v1/actions/?limit=3&inspection={knowsley_demo.pk}"
    )
    assert body["next"] == (
        f"http://testserver/api/v1/actions/?limit=3&inspection={knowsley_demo.pk}&offset=6"
    )


def test_an_offset_past_the_end_is_an_empty_page_with_the_count(manager):
    body = get(api_client(manager), "actions/", offset="100000").json()

    assert body["results"] == [] and body["count"] > 0 and body["next"] is None


@pytest.mark.parametrize(
    "params, message",
    [
        ({"limit": "0"}, "'limit' must be a whole number from 1 to 1000."),
        ({"limit": "1001"}, "'limit' must be a whole number from 1 to 1000."),
        ({"limit": "abc"}, "'limit' must be a whole number from 1 to 1000."),
        ({"limit": "٣"}, "'limit' must be a whole number from 1 to 1000."),
        ({"limit": "2.5"}, "'limit' must be a whole number from 1 to 1000."),
        ({"offset": "-1"}, "'offset' must be a whole number, 0 or more."),
        ({"offset": "9" * 30}, "'offset' must be a whole number, 0 or more."),
        ({"inspection": "x"}, "'inspection' must be an id: a whole number such as 12."),
        ({"service": "0"}, "'service' must be an id: a whole number such as 12."),
        (
            {"page": "2"},
            "Unknown parameter 'page'. This address takes: limit, offset, service, inspection, recommendation.",
        ),
        (
            {"action": "1"},
            "Unknown parameter 'action'. This address takes: limit, offset, service, inspection, recommendation.",
        ),
    ],
)
def test_bad_list_parameters_get_a_400_that_says_what_is_wrong(manager, params, message):
    response = get(api_client(manager), "actions/", **params)

    assert response.status_code == 400
    assert response.json() == {"detail": message}


def test_a_parameter_given_twice_is_refused(manager):
    response = api_client(manager).get(API + "actions/?limit=5&limit=6")

    assert response.status_code == 400
    assert response.json() == {"detail": "Give 'limit' once, not 2 times."}


def test_a_record_address_takes_no_parameters(manager, knowsley_demo):
    response = get(api_client(manager), f"inspections/{knowsley_demo.pk}/", limit="5")

    assert response.status_code == 400
    assert "This address takes: no parameters." in response.json()["detail"]


# --- Progress updates since a date ------------------------------------------------------


def _update_recorded_on(action, manager, day: datetime.date, narrative: str) -> ProgressUpdate:
    at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(0, 30)))
    return services.update_log(
        action=action,
        by=manager,
        date=day - datetime.timedelta(days=10),  # about an earlier day, recorded on `day`
        narrative=narrative,
        rag=RAG.GREEN,
        percent_complete=50,
        created_at=at,
    )


def test_since_keeps_the_updates_recorded_from_that_day_whatever_they_are_about(
    manager, knowsley_demo
):
    [action] = add_actions(knowsley_demo, manager, 1)
    day = timezone.localdate() - datetime.timedelta(days=2)
    before = _update_recorded_on(action, manager, day - datetime.timedelta(days=1), "Before.")
    on_the_day = _update_recorded_on(action, manager, day, "On the day, just after midnight.")

    body = get(
        api_client(manager), "progress-updates/", since=day.isoformat(), action=str(action.pk)
    ).json()

    ids = [r["id"] for r in body["results"]]
    assert on_the_day.pk in ids and before.pk not in ids
    assert body["count"] == len(ids)
    [row] = [r for r in body["results"] if r["id"] == on_the_day.pk]
    assert row["date"] == (day - datetime.timedelta(days=10)).isoformat()  # what it is about


def test_since_a_future_date_is_an_empty_page(manager):
    body = get(api_client(manager), "progress-updates/", since="2999-01-01").json()

    assert body == {
        "count": 0,
        "limit": 100,
        "offset": 0,
        "next": None,
        "previous": None,
        "results": [],
    }


@pytest.mark.parametrize(
    "since",
    [
        "",
        "2026-4-1",
        "01/04/2026",
        "2026-02-30",
        "2026-13-01",
        "20260401",
        "2026-04-01T00:00",
        " 2026-04-01",
        "２０２６-04-01",
        "0000-01-01",
        "yesterday",
        "2026-04-01\x00",
    ],
)
def test_since_is_read_strictly_with_a_clear_400(manager, since):
    response = get(api_client(manager), "progress-updates/", since=since)

    assert response.status_code == 400
    assert response.json() == {
        "detail": "'since' must be a real date written YYYY-MM-DD, for example 2026-04-01."
    }


@pytest.mark.parametrize("since", ["0001-01-01", "9999-12-31", "2024-02-29"])
def test_since_accepts_any_real_date(manager, since):
    assert get(api_client(manager), "progress-updates/", since=since).status_code == 200


# --- Query counts: flat whatever the rows -----------------------------------------------


def _queries(client: Client, path: str) -> int:
    client.get(API + path)  # the first use records the token's last use: a write, once a minute
    with CaptureQueriesContext(connection) as captured:
        response = client.get(API + path)
    assert response.status_code == 200
    return len(captured)


LIST_QUERIES = {
    "inspections/": 4,  # token, count, page, inspectorates
    "recommendations/": 4,  # token, count, page, themes
    "actions/": 3,  # token, count, page with the latest progress
    "progress-updates/": 3,  # token, count, page
    "progress-updates/?since=2020-01-01": 3,
}


def _add_inspections(like: Inspection, n: int) -> None:
    """`n` more inspections of `like`'s service, each with recommendations, themes and two
    inspectorates."""
    from inspections.models import Inspectorate, Theme

    ofsted, _ = Inspectorate.objects.get_or_create(short_name="Ofsted", defaults={"name": "Ofsted"})
    hmip = Inspectorate.objects.get(short_name="HMIP")
    for i in range(n):
        inspection = Inspection.objects.create(
            service=like.service, framework=like.framework, title=f"Joint inspection {i}"
        )
        inspection.inspectorates.add(hmip, ofsted)
        for number in (1, 2, 3):
            rec = factories.make_recommendation(inspection, number)
            rec.themes.add(Theme.objects.create(name=f"Theme {i}.{number}", slug=f"t{i}-{number}"))


def test_each_list_costs_the_same_queries_with_few_rows_and_many(manager, knowsley_demo):
    client = api_client(manager)
    few = {path: _queries(client, path) for path in LIST_QUERIES}

    add_actions(knowsley_demo, manager, 12)
    _add_inspections(knowsley_demo, 8)
    many = {
        path: _queries(client, path + ("&" if "?" in path else "?") + "limit=1000")
        for path in LIST_QUERIES
    }

    assert few == many == LIST_QUERIES
    assert len(client.get(API + "actions/?limit=1000").json()["results"]) == 9 + 12


@pytest.mark.parametrize("kind", ["inspections", "recommendations", "actions"])
def test_a_record_costs_a_fixed_number_of_queries(manager, knowsley_demo, kind):
    record = a_knowsley(kind, knowsley_demo)

    assert _queries(api_client(manager), f"{kind}/{record.pk}/") <= 3


# --- Tokens at the door -----------------------------------------------------------------


def test_only_the_hash_and_a_short_prefix_of_a_token_are_stored(manager):
    token, secret = tokens.api_token_create(user=manager, name="Power BI")

    token.refresh_from_db()
    assert secret.startswith("yjt_") and len(secret) == 47
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:12]
    stored = " ".join(
        str(v) for v in type(token).objects.filter(pk=token.pk).values().get().values()
    )
    assert secret not in stored and secret[12:] not in stored


def test_a_token_records_when_it_was_last_used(manager):
    token, secret = tokens.api_token_create(user=manager, name="Power BI")
    assert token.last_used_at is None

    Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get(API + "inspections/")

    token.refresh_from_db()
    assert token.last_used_at is not None
    assert timezone.now() - token.last_used_at < datetime.timedelta(minutes=1)


@pytest.mark.parametrize(
    "header",
    ["", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Token yjt_x", "bearer"],
)
def test_a_request_without_a_bearer_token_is_told_how_to_send_one(db, header):
    client = Client(HTTP_AUTHORIZATION=header) if header else Client()

    response = client.get(API + "actions/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="yjtracker"'
    assert response.json() == {"detail": tokens.MISSING}


def test_each_refused_token_says_why(manager):
    token, revoked = tokens.api_token_create(user=manager, name="Old")
    tokens.api_token_revoke(token=token, by=manager)
    leaver = factories.make_user()
    _t, deactivated = tokens.api_token_create(user=leaver, name="Leaver")
    get_user_model().objects.filter(pk=leaver.pk).update(is_active=False)

    answers = {
        secret: Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get(API + "actions/")
        for secret in (revoked, deactivated, "yjt_" + "x" * 43, "x" * 5000)
    }

    assert [r.status_code for r in answers.values()] == [401] * 4
    assert [r.json()["detail"] for r in answers.values()] == [
        tokens.REVOKED,
        tokens.DEACTIVATED,
        tokens.NOT_VALID,
        tokens.NOT_VALID,
    ]
    assert all('error="invalid_token"' in r["WWW-Authenticate"] for r in answers.values())


def test_deactivating_an_account_stops_its_tokens_and_reactivating_restores_them(manager):
    """Deactivation stops a token; reactivating the account restores it (it was never
    revoked), as it restores the person's sign-in."""
    _t, secret = tokens.api_token_create(user=manager, name="Report")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    manager.is_active = False
    manager.save()
    assert client.get(API + "actions/").status_code == 401
    manager.is_active = True
    manager.save()
    assert client.get(API + "actions/").status_code == 200


def test_refused_tokens_are_in_the_security_log_without_the_token(manager, caplog):
    token, secret = tokens.api_token_create(user=manager, name="Old")
    tokens.api_token_revoke(token=token, by=manager)

    with caplog.at_level(logging.WARNING, logger="yjtracker.security"):
        Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get(API + "actions/")

    [record] = [r for r in caplog.records if "api refused" in r.getMessage()]
    line = record.getMessage()
    assert f"token={token.prefix}" in line and "user=manager" in line and "reason=revoked" in line
    assert secret not in line


# --- Rate limit -------------------------------------------------------------------------


def test_a_token_over_its_rate_gets_429_with_retry_after(manager, settings, caplog):
    settings.API_RATE_LIMIT, settings.API_RATE_PERIOD = 3, 60
    token, secret = tokens.api_token_create(user=manager, name="Busy")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    statuses = [client.get(API + "inspections/").status_code for _ in range(3)]
    with caplog.at_level(logging.WARNING, logger="yjtracker.security"):
        refused = client.get(API + "inspections/")

    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["detail"].startswith(
        "Too many requests with this API token: at most 3 every 60 seconds. Try again in "
    )
    assert any("reason=rate limit" in r.getMessage() for r in caplog.records)


def test_the_rate_is_counted_per_token(manager, settings):
    settings.API_RATE_LIMIT = 2
    first, second = api_client(manager, "First"), api_client(manager, "Second")
    for _ in range(2):
        first.get(API + "inspections/")

    assert first.get(API + "inspections/").status_code == 429
    assert second.get(API + "inspections/").status_code == 200


def test_the_allowance_comes_back_in_the_next_window(manager, settings, time_machine):
    settings.API_RATE_LIMIT, settings.API_RATE_PERIOD = 1, 60
    time_machine.move_to(datetime.datetime(2026, 12, 1, 10, 0, 5, tzinfo=datetime.UTC))
    client = api_client(manager)
    assert client.get(API + "inspections/").status_code == 200
    assert client.get(API + "inspections/").status_code == 429

    time_machine.move_to(datetime.datetime(2026, 12, 1, 10, 1, 1, tzinfo=datetime.UTC))

    assert client.get(API + "inspections/").status_code == 200


# --- The OpenAPI schema ------------------------------------------------------------------


def test_the_openapi_schema_describes_every_list_its_parameters_and_the_bearer_token(manager):
    schema = get(api_client(manager), "openapi.json").json()

    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/v1/inspections/",
        "/api/v1/inspections/{pk}/",
        "/api/v1/recommendations/",
        "/api/v1/recommendations/{pk}/",
        "/api/v1/actions/",
        "/api/v1/actions/{pk}/",
        "/api/v1/progress-updates/",
    }
    updates = schema["paths"]["/api/v1/progress-updates/"]["get"]
    params = {p["name"]: p for p in updates["parameters"]}
    assert params["since"]["schema"] == {"type": "string", "format": "date"}
    assert params["limit"]["schema"]["maximum"] == 1000
    assert {"200", "400", "401", "429"} <= set(updates["responses"])
    assert updates["security"] == [{"BearerToken": []}]
    assert schema["components"]["securitySchemes"]["BearerToken"] == {
        "type": "http",
        "scheme": "bearer",
    }
    action = schema["components"]["schemas"]["ActionOut"]["properties"]
    assert {"rag", "latest_rag", "percent_complete", "last_update_date", "overdue"} <= set(action)


def test_the_schema_needs_a_token_too(db):
    assert Client().get(API + "openapi.json").status_code == 401
