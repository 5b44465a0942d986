"""Regional and national viewers: read every service of their region (or of the country)
without a role in each, and change nothing."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from actions.models import Action
from inspections import permissions as perms
from inspections.models import (
    Inspection,
    OversightViewer,
    Recommendation,
    Region,
    Role,
    Service,
)
from tests import factories


@pytest.fixture(autouse=True)
def _steady_sessions(steady_sessions):
    """Counted requests never include the once-a-minute session renewal."""


@pytest.fixture
def elsewhere(knowsley_demo):
    region = Region.objects.create(name="Yorkshire", slug="yorkshire")
    service = Service.objects.create(name="Leeds YJS", slug="leeds", region=region)
    inspection = factories.make_inspection(service, title="Leeds 2024")
    factories.make_recommendation(inspection, number=1, text="Leeds recommendation")
    return inspection


@pytest.fixture
def regional(knowsley_demo):
    user = factories.make_user("regional-viewer")
    OversightViewer.objects.create(user=user, region=Region.objects.get(slug="merseyside"))
    return user


@pytest.fixture
def national(knowsley_demo):
    user = factories.make_user("national")
    OversightViewer.objects.create(user=user, region=None)
    return user


def test_a_regional_viewer_reads_every_service_of_the_region_without_a_role(
    client, regional, knowsley_demo, elsewhere
):
    client.force_login(regional)
    merseyside = Inspection.objects.filter(service__region__slug="merseyside")
    assert merseyside.filter(framework__isnull=False).count() == 3  # and Knowsley's demo sources
    for inspection in merseyside:
        for name in ("inspection_detail", "dashboard", "board_pack"):
            assert client.get(reverse(name, args=[inspection.pk])).status_code == 200
    assert (
        client.get(reverse("board_pack", args=[knowsley_demo.pk]), {"format": "csv"}).status_code
        == 200
    )
    for name in ("inspection_detail", "dashboard", "board_pack"):
        assert client.get(reverse(name, args=[elsewhere.pk])).status_code == 404
    board = knowsley_demo.service.board
    for name in ("register_dashboard", "register_pack"):
        assert client.get(reverse(name, args=[board.pk])).status_code == 200


def test_a_national_viewer_reads_every_service(client, national, elsewhere):
    client.force_login(national)
    assert client.get(reverse("dashboard", args=[elsewhere.pk])).status_code == 200
    assert set(Service.objects.for_user(national)) == set(Service.objects.all())
    assert Recommendation.objects.for_user(national).filter(inspection=elsewhere).exists()


def test_oversight_is_read_only(client, regional, knowsley_demo):
    action = Action.objects.filter(plan__recommendation__inspection=knowsley_demo).first()
    rec = action.plan.recommendation
    assert perms.role_in(regional, rec) == Role.VIEWER
    assert not perms.can_update_action(regional, action)
    assert not perms.can_edit_plan(regional, rec)
    assert not perms.can_decide(regional, rec)
    client.force_login(regional)
    today = datetime.date.today()
    response = client.post(
        reverse("update_create", args=[action.pk]),
        {
            "date_0": today.day,
            "date_1": today.month,
            "date_2": today.year,
            "narrative": "x",
            "rag": "green",
            "percent_complete": "10",
        },
    )
    assert response.status_code == 403
    assert client.post(reverse("sign_off", args=[rec.pk])).status_code == 403
    assert client.get(reverse("plan_import_start")).status_code == 403


def test_a_role_held_in_a_service_is_kept_beside_oversight(manager):
    OversightViewer.objects.create(user=manager, region=Region.objects.get(slug="merseyside"))
    roles = perms.roles_by_service(manager)
    assert roles[Service.objects.get(slug="knowsley").pk] == Role.MANAGER
    assert roles[Service.objects.get(slug="sefton").pk] == Role.VIEWER


def test_the_overview_compares_services_by_open_overdue_and_closed(client, regional, knowsley_demo):
    client.force_login(regional)
    response = client.get(reverse("overview"), {"sort": "overdue"})
    html = response.content.decode()
    rows = response.context["rows"]
    assert [r["service"].slug for r in rows][:1] == ["knowsley"] or rows[0]["overdue"] >= rows[1][
        "overdue"
    ]
    assert {r["service"].slug for r in rows} == {"knowsley", "liverpool", "sefton"}
    knowsley = next(r for r in rows if r["service"].slug == "knowsley")
    recs = Recommendation.objects.filter(inspection__service__slug="knowsley")
    assert knowsley["open"] == recs.exclude(status="closed").count()
    assert knowsley["closed"] == recs.filter(status="closed").count()
    overdue_recs = (
        Action.objects.overdue(datetime.date.today())
        .filter(plan__recommendation__inspection__service__slug="knowsley")
        .values("plan__recommendation")
        .distinct()
        .count()
    )
    assert knowsley["overdue"] == overdue_recs
    assert "With overdue actions" in html
    assert "ordered by most recommendations with overdue actions" in html


def test_the_overview_costs_the_same_queries_for_few_and_many_services(
    client, national, django_assert_max_num_queries
):
    client.force_login(national)
    client.get(reverse("overview"))
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("overview"))
    region = Region.objects.get(slug="merseyside")
    for n in range(30):
        service = Service.objects.create(name=f"Extra {n}", slug=f"extra-{n}", region=region)
        factories.make_recommendation(factories.make_inspection(service), number=1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("overview"))
    assert len(response.context["rows"]) == 33


def test_an_unknown_sort_falls_back_to_names(client, regional):
    client.force_login(regional)
    response = client.get(reverse("overview"), {"sort": "²"})
    assert response.status_code == 200 and response.context["sort"] == "name"
