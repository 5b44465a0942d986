"""`load_demo`: complete, idempotent, and never in production."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from actions.models import Action, ActionPlan, ProgressUpdate, Transition
from inspections.models import (
    Finding,
    Inspection,
    KeyQuestionResult,
    Recommendation,
    StandardRating,
)


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Inspection,
            StandardRating,
            KeyQuestionResult,
            Finding,
            Recommendation,
            ActionPlan,
            Action,
            ProgressUpdate,
            Transition,
            get_user_model(),
        )
    }


def test_the_demo_holds_knowsley_2023_complete(knowsley_demo):
    k = knowsley_demo
    assert k.fieldwork_start.isoformat() == "2023-01-09"
    assert (k.published_on.year, k.published_on.month, k.published_month_only) == (2023, 5, True)
    assert k.published_score == 29 and k.published_rating.name == "Good"
    rated = k.ratings.exclude(level=None)
    assert rated.count() == 12
    assert k.ratings.get(standard__code="R").level is None  # no resettlement cases: not rated
    assert KeyQuestionResult.objects.filter(rating__inspection=k).count() == 21
    # Bulleted in the report: strengths and areas for improvement of 1.1-1.4 and 3.4.
    listed = {"1.1": (9, 4), "1.2": (14, 1), "1.3": (12, 5), "1.4": (12, 2), "3.4": (14, 2)}
    for code, (strengths, areas) in listed.items():
        found = k.findings.filter(standard__code=code)
        assert found.filter(kind="strength").count() == strengths, code
        assert found.filter(kind="area_for_improvement").count() == areas, code
    # Case-based standards carry sentences quoted from their narrative.
    assert (
        k.findings.filter(
            standard__code__in=["2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3"]
        ).count()
        == 13
    )
    recs = list(k.recommendations.order_by("number"))
    assert [r.number for r in recs] == [1, 2, 3, 4]
    assert recs[0].addressee == "The Chair of the Knowsley Youth Justice Management Board"
    assert {r.addressee for r in recs[1:]} == {"The Knowsley Youth Justice Management Board"}
    assert all(r.findings.exists() and r.standards.exists() for r in recs)
    assert recs[1].board_owner.name == "Education representative"


def test_the_demo_board_is_made_of_role_titles(knowsley_demo):
    names = set(knowsley_demo.service.board.memberships.values_list("person__name", flat=True))
    assert names == {
        "Chair",
        "Education representative",
        "Police representative",
        "Health representative",
        "Children's social care representative",
        "Probation representative",
    }


def test_every_example_plan_is_labelled_and_has_updates(knowsley_demo, client, manager):
    plans = ActionPlan.objects.filter(recommendation__inspection=knowsley_demo)
    assert plans.count() == 4
    assert all(p.is_example for p in plans)
    client.force_login(manager)
    for plan in plans:
        page = client.get(plan.recommendation.get_absolute_url()).content.decode()
        assert "Example data for demonstration: not the service's actual plan." in page
    assert ProgressUpdate.objects.filter(action__plan__in=plans).count() >= 8


def test_liverpool_and_sefton_hold_only_what_the_press_states(knowsley_demo):
    liverpool = Inspection.objects.get(service__slug="liverpool")
    sefton = Inspection.objects.get(service__slug="sefton")
    assert liverpool.published_rating.name == "Good"
    assert sefton.published_rating.name == "Requires improvement"
    assert liverpool.published_score is None and sefton.published_score is None
    assert not liverpool.recommendations.exists() and not sefton.ratings.exists()
    assert not liverpool.ratings.exists()
    assert liverpool.fieldwork_start is None  # "March 2019": a month, not a date
    assert "press release" in liverpool.basis and "press release" in sefton.basis


def test_liverpools_out_of_court_work_is_a_finding_for_its_domain_not_a_standard(
    client, knowsley_demo
):
    from django.contrib.auth import get_user_model

    liverpool = Inspection.objects.get(service__slug="liverpool")
    finding = liverpool.findings.get(text__contains="disappointing")
    assert finding.standard is None
    assert (finding.domain.number, finding.domain.name) == (3, "Out-of-court disposals")
    assert finding.kind == "area_for_improvement"
    assert finding.level_label == "Domain 3 (Out-of-court disposals)"
    assert not liverpool.findings.filter(standard__isnull=False).exists()
    client.force_login(get_user_model().objects.get(username="admin"))
    page = client.get(liverpool.get_absolute_url()).content.decode()
    assert "Findings not tied to a standard" in page
    assert "Domain 3 (Out-of-court disposals), area for improvement:" in page
    assert "HM Inspectorate of Probation&#x27;s press release" in page


def test_seftons_improvement_plan_is_a_plan_holding_only_what_was_published(knowsley_demo):
    sefton = Inspection.objects.get(service__slug="sefton")
    (rec,) = sefton.recommendations.all()
    assert rec.text.startswith("Gain a deeper understanding of the children and young people")
    assert rec.addressee == ""
    plan = rec.plan
    assert plan.status == "draft" and not plan.is_example
    assert "early intervention and prevention" in plan.summary
    assert "not published" in plan.summary
    assert not plan.actions.exists()
    assert rec.status == "planned"


def test_loading_the_demo_twice_adds_nothing(knowsley_demo, settings):
    settings.DEBUG = True
    before = _counts()
    call_command("load_demo", stdout=io.StringIO())
    assert _counts() == before


def test_the_demo_prints_every_sign_in(db, settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    text = out.getvalue()
    for username in ("admin", "chair", "manager", "member", "viewer", "sefton", "regional"):
        assert f"  {username} " in text
    assert "password: knowsley-demo-2026" in text


def test_the_demo_refuses_to_create_accounts_when_debug_is_off(db, settings):
    get_user_model().objects.filter(username="viewer").delete()
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("load_demo", stdout=io.StringIO())
    assert not get_user_model().objects.filter(username="viewer").exists()
