"""More of what councils and the inspectorate publish, each shape built here in the test:
bullets under addressee lead-ins, lead-ins without a "Recommendations" heading, improvement-plan
pages (outcome, progress and RAG blocks), counts in words, and reports under the 2025
programme with ratings named rather than numbered. Nothing the text does not state is filled
in: it stays empty and is listed as not found.
"""

from __future__ import annotations

import pytest

from inspections.importer.parse import parse_report
from tests.inspections.test_importer_parse import assert_valid, rewrap

MINUTES = """Youth Justice Management Board: minutes

Item 4: HMIP inspection of Exampleshire YOT

The Chief Inspector makes seven recommendations. Three are for the YOT manager.

The Exampleshire YOT manager should:
\u2022 improve the quality of assessment so that it takes account of
  the child's diversity and lived experience
\u2022 make sure that plans address the risk of harm to others

The Exampleshire Youth Justice Management Board should:
\u2022 review its membership so that education is represented
\u2022 make sure that partners attend its meetings

The YOT and Exampleshire Police should:
- agree a joint decision-making process for out-of-court disposals

Actions agreed: the manager will bring a plan to the next meeting.
"""

SECTION = """Recommendations

As a result of our inspection findings, we have made twenty-one recommendations in all; this
page lists the first five.

The Exampleshire YOT manager should:

\u2022 review the induction of new staff
\u2022 improve management oversight of cases

The Exampleshire Youth Justice Management Board should:

\u2022 review its membership
\u2022 improve the data it receives
\u2022 make sure that partners attend

Background

The YOT is part of children's services.
"""

PLAN = """Exampleshire YOT: improvement plan following the HMIP inspection

Recommendation 1: improve the quality of assessment of children's diversity
Outcome: every assessment considers the child's diversity
Progress: training delivered to all case managers in May 2019.
RAG: Green

Recommendation 2: review the membership of the board
Intended outcome
The board has members with the seniority to make decisions.
Progress update
Membership reviewed; education representative appointed.
RAG status
Amber

Recommendation 3: make sure partners attend
Outcome: attendance above 80%
RAG rating: Amber/Green
"""

Y25 = """An inspection of youth justice services in Exampleshire

HM Inspectorate of Probation, June 2025

Foreword

This inspection is part of our programme of inspections of youth justice work with children
and victims. Overall, Exampleshire Youth Justice Service was rated as 'Good'. We found that
assessing was good and planning outstanding.

Ratings

Exampleshire Youth Justice Service
Fieldwork started March 2025

Overall rating
Good

Quality of work with children
Assessing
Good
Planning
Outstanding
Implementation and delivery: Requires improvement

Quality of work with victims
Work with victims Inadequate

Recommendations

We have made three recommendations.

The Exampleshire Youth Justice Service manager should:

1. improve the planning of work to keep victims safe
2. make sure that delivery follows the plan

The Exampleshire Youth Justice Management Board should:

3. make sure that victims are offered restorative justice

Background
"""


def _recs(result):
    return [(r["number"], r["addressee"], r["text"]) for r in result["recommendations"]]


def test_bullets_take_the_addressee_of_their_lead_in_without_a_recommendations_heading():
    result = parse_report(MINUTES)
    assert_valid(result)
    assert _recs(result) == [
        (
            1,
            "The Exampleshire YOT manager",
            "improve the quality of assessment so that it takes account of the child's "
            "diversity and lived experience",
        ),
        (
            2,
            "The Exampleshire YOT manager",
            "make sure that plans address the risk of harm to others",
        ),
        (
            3,
            "The Exampleshire Youth Justice Management Board",
            "review its membership so that education is represented",
        ),
        (
            4,
            "The Exampleshire Youth Justice Management Board",
            "make sure that partners attend its meetings",
        ),
        (
            5,
            "The YOT and Exampleshire Police",
            "agree a joint decision-making process for out-of-court disposals",
        ),
    ]
    assert "numbered 1 to 5 in the order given" in " ".join(result["warnings"])


def test_a_count_in_words_that_differs_from_what_was_found_is_a_warning_not_a_correction():
    result = parse_report(MINUTES)
    assert result["stated_recommendation_count"] == 7
    assert "The report says it makes 7 recommendations, but 5 were found." in result["warnings"]
    assert len(result["recommendations"]) == 5


def test_bullets_in_a_recommendations_section_and_a_compound_count_in_words():
    result = parse_report(SECTION)
    assert [(r["number"], r["addressee"]) for r in result["recommendations"]] == [
        (1, "The Exampleshire YOT manager"),
        (2, "The Exampleshire YOT manager"),
        (3, "The Exampleshire Youth Justice Management Board"),
        (4, "The Exampleshire Youth Justice Management Board"),
        (5, "The Exampleshire Youth Justice Management Board"),
    ]
    assert result["recommendations"][4]["text"] == "make sure that partners attend"
    assert result["stated_recommendation_count"] == 21


def test_bullets_survive_pdf_style_wrapping():
    result = parse_report(rewrap(MINUTES, 45))
    assert [r["addressee"] for r in result["recommendations"]][:2] == [
        "The Exampleshire YOT manager"
    ] * 2
    assert result["recommendations"][0]["text"].endswith("diversity and lived experience")


def test_bullets_before_any_lead_in_are_not_recommendations():
    text = (
        "Recommendations\n\nInspectors praised:\n\u2022 the court team\n\n"
        "The YOT manager should:\n\u2022 improve planning\n\nBackground\n"
    )
    result = parse_report(text)
    assert _recs(result)[-1] == (2, "The YOT manager", "improve planning")
    # "Inspectors praised:" is a lead-in of the section without an addressee: its bullet is
    # kept as written, and the missing addressee is listed rather than guessed.
    assert result["recommendations"][0]["addressee"] is None
    assert "addressee of recommendation 1" in result["not_found"]


def test_a_lead_in_without_an_addressee_leaves_it_empty_and_listed():
    text = "Recommendations\n\nThe report recommends:\n\u2022 better data\n\u2022 more staff\n"
    result = parse_report(text)
    assert [r["addressee"] for r in result["recommendations"]] == [None, None]
    assert "addressee of recommendations 1, 2" in result["not_found"]


@pytest.mark.parametrize(
    ("sentence", "count"),
    [
        ("HMIP makes seven recommendations.", 7),
        ("The report contains eleven recommendations.", 11),
        ("It makes a total of twelve recommendations.", 12),
        ("There are three recommendations for the board.", 3),
        ("Twenty-one recommendations were made.", 21),
        ("We have made thirty two recommendations.", 32),
    ],
)
def test_counts_stated_in_words(sentence, count):
    assert parse_report(sentence)["stated_recommendation_count"] == count


def test_counts_that_are_not_numbers_are_not_read():
    result = parse_report("The report makes several recommendations and many suggestions.")
    assert result["stated_recommendation_count"] is None
    assert "stated recommendation count" in result["not_found"]


def test_an_improvement_plan_page_gives_outcome_progress_and_rag_per_recommendation():
    result = parse_report(PLAN)
    assert_valid(result)
    recs = result["recommendations"]
    assert [(r["number"], r["text"]) for r in recs] == [
        (1, "improve the quality of assessment of children's diversity"),
        (2, "review the membership of the board"),
        (3, "make sure partners attend"),
    ]
    assert recs[0]["outcome"] == "every assessment considers the child's diversity"
    assert recs[0]["progress"] == "training delivered to all case managers in May 2019."
    assert recs[0]["rag"] == "Green"
    assert recs[1]["outcome"] == "The board has members with the seniority to make decisions."
    assert recs[1]["progress"] == "Membership reviewed; education representative appointed."
    assert recs[1]["rag"] == "Amber"


def test_an_improvement_plan_never_maps_an_unknown_rag_and_lists_what_it_lacks():
    result = parse_report(PLAN)
    third = result["recommendations"][2]
    assert third["rag"] is None and third["progress"] is None
    assert any("Amber/Green" in w and "left empty" in w for w in result["warnings"])
    assert "progress of recommendation 3" in result["not_found"]
    assert "RAG of recommendation 3" in result["not_found"]
    assert "addressee of recommendations 1, 2, 3" in result["not_found"]


def test_recommendation_headings_without_plan_blocks_are_not_an_improvement_plan():
    result = parse_report("Recommendation 1: review the board\n\nRecommendation 2: more data\n")
    assert result["recommendations"] == []


def test_a_2025_report_gives_its_overall_and_named_ratings():
    result = parse_report(Y25)
    assert_valid(result)
    assert result["framework"] == "hmip-youth-2025"
    assert result["overall_rating"] == "Good"
    assert [(s["code"], s["name"], s["rating"]) for s in result["standards"]] == [
        ("2A", "Assessing", "Good"),
        ("2P", "Planning", "Outstanding"),
        ("2I", "Implementation and delivery", "Requires improvement"),
        ("V1", "Work with victims", "Inadequate"),
    ]
    assert result["sources"]["standards.2A.rating"] == "Assessing / Good"
    assert result["sources"]["standards.V1.rating"] == "Work with victims Inadequate"
    assert result["published"] == "2025-06"
    assert _recs(result)[2] == (
        3,
        "The Exampleshire Youth Justice Management Board",
        "make sure that victims are offered restorative justice",
    )
    # No points are published for this programme: a missing score is not "not found".
    assert "score" not in result["not_found"]
    assert result["score"] is None
    assert result["warnings"] == [
        "Fieldwork is given only as March 2025, without a day; the fieldwork start date was "
        "left blank."
    ]


def test_a_2025_rating_the_report_does_not_give_stays_empty_and_is_listed():
    text = Y25.replace("Work with victims Inadequate", "Work with victims")
    result = parse_report(text)
    assert "V1" not in {s["code"] for s in result["standards"]}
    assert "rating of Work with victims" in result["not_found"]


def test_2025_ratings_in_prose_are_not_ratings():
    text = (
        "An inspection of youth justice work with children and victims. We found assessing "
        "good, and planning was outstanding."
    )
    result = parse_report(text)
    assert result["standards"] == []
    assert "rating of Assessing" in result["not_found"]


def test_a_2025_rating_given_twice_differently_keeps_the_first_and_warns():
    text = Y25.replace("Background\n", "Background\n\nAssessing\nInadequate\n")
    result = parse_report(text)
    assert result["standards"][0]["rating"] == "Good"
    assert any(
        "Assessing is rated Good and, further on, Inadequate" in w for w in result["warnings"]
    )
