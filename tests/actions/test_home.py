"""Home by role: the manager sees where their plans stand with the chair; the chair's
queue is unchanged."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import escape

from actions import services
from actions.models import RAG
from inspections.models import Recommendation
from tests import factories
from tests.actions.test_permissions import Demo


def home(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def rec_link(rec: Recommendation) -> str:
    return f'href="{reverse("recommendation_detail", args=[rec.pk])}"'


def test_the_manager_sees_plans_awaiting_the_chair_and_recommendations_without_a_plan(
    client, knowsley_demo, manager
):
    demo = Demo(knowsley_demo)
    submitted = demo.draft_plan()
    services.plan_submit(plan=submitted, by=manager)
    no_plan = factories.make_recommendation(knowsley_demo, number=6, text="Publish the plan.")

    page = home(client, manager)

    awaiting = page.split("Plans awaiting the chair")[1].split("Recommendations without")[0]
    without = page.split("Recommendations without a plan")[1].split("People who can own")[0]
    assert rec_link(submitted.recommendation) in awaiting
    assert rec_link(no_plan) in without and rec_link(no_plan) not in awaiting
    assert rec_link(demo.rec(2)) not in without  # it has a plan


def test_the_manager_sees_a_sent_back_closure_and_a_reopening_with_the_chairs_reasons(
    client, knowsley_demo, manager, chair
):
    demo = Demo(knowsley_demo)
    rec4 = demo.closed()
    services.recommendation_reopen(
        recommendation=rec4, by=chair, reason="Arrests of children in care rose again."
    )
    rec1 = demo.rec(1)
    for action in rec1.plan.actions.filter(status__in=["not_started", "in_progress"]):
        services.update_log(
            action=action,
            by=manager,
            date=demo.today,
            narrative="Done.",
            rag=RAG.BLUE,
            percent_complete=100,
        )
    services.evidence_add(
        action=rec1.plan.actions.first(), by=manager, title="Minutes", link="https://e.org/m"
    )
    services.recommendation_propose_closure(recommendation=rec1, by=manager, summary="Done.")
    services.recommendation_send_back(
        recommendation=rec1, by=chair, reason="Show two meetings with the new member."
    )

    page = home(client, manager)

    sent_back = page.split("Closures sent back")[1].split("Reopened by the chair")[0]
    reopened = page.split("Reopened by the chair")[1].split("Your services")[0]
    assert rec_link(rec1) in sent_back
    assert escape("Show two meetings with the new member.") in sent_back
    assert rec_link(rec4) in reopened
    assert "Arrests of children in care rose again." in reopened


def test_a_recommendation_proposed_again_after_a_send_back_leaves_the_list(
    client, knowsley_demo, manager, chair
):
    demo = Demo(knowsley_demo)
    rec4 = demo.closure_proposed()
    services.recommendation_send_back(recommendation=rec4, by=chair, reason="More evidence.")
    services.recommendation_propose_closure(
        recommendation=rec4, by=manager, summary="More evidence attached."
    )

    page = home(client, manager)

    assert "Closures sent back" not in page


def test_the_recommendation_page_shows_the_chairs_reason_after_a_send_back(
    client, knowsley_demo, manager, chair
):
    demo = Demo(knowsley_demo)
    rec4 = demo.closure_proposed()
    services.recommendation_send_back(
        recommendation=rec4, by=chair, reason="Show the effect on arrests."
    )
    client.force_login(manager)

    page = client.get(reverse("recommendation_detail", args=[rec4.pk])).content.decode()

    assert "sent the closure back" in page and "Show the effect on arrests." in page


def test_the_chairs_home_is_unchanged_and_holds_no_manager_lists(client, knowsley_demo, chair):
    page = home(client, chair)

    assert "Awaiting your decision" in page
    assert "Plans awaiting the chair" not in page
    assert "Recommendations without a plan" not in page


def test_a_viewer_sees_none_of_the_manager_lists(client, knowsley_demo, viewer):
    page = home(client, viewer)

    assert "Plans awaiting the chair" not in page
    assert "People who can own actions" not in page
