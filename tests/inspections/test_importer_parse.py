"""The report importer reads published HMIP reports (text or PDF) into reviewable data.

Every value of the Knowsley 2023 report is checked against the report itself; variants cover
re-wrapped lines, quotes, reordered or missing sections, resettlement and press releases;
hostile input must give a clear ReportReadError or an empty result, never another exception.
These tests need no database and do not import Django.
"""

from __future__ import annotations

import html
import json
import random
import re
import textwrap
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspections.importer import ReportReadError
from inspections.importer.extract import ReportTruncatedWarning, extract, extract_text
from inspections.importer.parse import FRAMEWORKS, INTERNAL_ERROR, parse_report, read_report

DATA = Path(__file__).parent / "importer_data"
RATINGS = {"Outstanding", "Good", "Requires improvement", "Inadequate"}
KEYS = {
    *("service", "inspectorate", "framework", "fieldwork_start", "published"),
    *("overall_rating", "score", "score_max", "standards", "recommendations"),
    *("stated_recommendation_count", "warnings", "not_found", "sources"),
}


def seed(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


KNOWSLEY = seed("knowsley-yos-inspection-2023.txt")
CHAIR = "The Chair of the Knowsley Youth Justice Management Board"
BOARD = "The Knowsley Youth Justice Management Board"
KNOWSLEY_RECOMMENDATIONS = [
    (
        1,
        CHAIR,
        "review the membership of the board and ensure that it is attended by representatives "
        "with the right level of seniority to be able to drive improvements to meet the needs "
        "of YOS children.",
    ),
    (
        2,
        BOARD,
        "continue to challenge schools to reduce school exclusions and make sure that YOS "
        "children receive their full entitlement to education provision in a setting that best "
        "meets their needs",
    ),
    (
        3,
        BOARD,
        "work with partners to ensure that YOS children aged over 16 can access high-quality "
        "education, training and employment opportunities",
    ),
    (
        4,
        BOARD,
        "make sure that the partnership understands the reasons for the over-representation of "
        "care-experienced children known to the YOS, and review the policies and practices of "
        "all agencies, to minimise the possibility of children entering the criminal justice "
        "system unnecessarily.",
    ),
]
KNOWSLEY_STANDARDS = [
    ("1.1", "Governance and leadership", "Good"),
    ("1.2", "Staff", "Outstanding"),
    ("1.3", "Partnerships and services", "Good"),
    ("1.4", "Information and facilities", "Good"),
    ("2.1", "Assessment", "Outstanding"),
    ("2.2", "Planning", "Outstanding"),
    ("2.3", "Implementation and delivery", "Outstanding"),
    ("2.4", "Reviewing", "Good"),
    ("3.1", "Assessment", "Outstanding"),
    ("3.2", "Planning", "Good"),
    ("3.3", "Implementation and delivery", "Good"),
    ("3.4", "Out-of-court disposal policy and provision", "Good"),
]
KNOWSLEY_PERCENTS = {
    "2.1": [100, 100, 100],
    "2.2": [100, 100, 88],
    "2.3": [88, 88, 88],
    "2.4": [75, 75, 88],
    "3.1": [92, 83, 92],
    "3.2": [92, 67, 83],
    "3.3": [83, 67, 92],
}
# (strengths, areas for improvement) bullets, counted in the report text.
KNOWSLEY_LIST_COUNTS = {
    "1.1": (9, 4),
    "1.2": (14, 1),
    "1.3": (12, 5),
    "1.4": (12, 2),
    "3.4": (14, 2),
}
SUMMARY_END = "3.4 Out-of-court disposal policy and provision\n\nGood\n"


def build_pdf(text: str, body: str | None = None) -> bytes:
    """Render text as an A4 PDF, one paragraph per non-blank line, as reports are laid out."""
    from weasyprint import HTML

    if body is None:
        body = "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip())
    style = "@page { size: A4; margin: 2cm } body { font: 10pt sans-serif } p { margin: 0 0 4pt }"
    page = f"<html><head><style>{style}</style></head><body>{body}</body></html>"
    return HTML(string=page).write_pdf()


def as_html_with_lists_and_tables(text: str) -> str:
    """Knowsley as a designer would lay it out: real bullet lists, ratings and questions tables."""
    parts, lines = [], text.splitlines()
    for index, line in enumerate(lines):
        following = lines[index + 2] if index + 2 < len(lines) else ""
        if line.startswith("- "):
            parts.append(f"<ul><li>{html.escape(line[2:])}</li></ul>")
        elif "\t" in line or re.match(r"\d\.\d \w", line) and following in ("Good", "Outstanding"):
            cells = line.split("\t") if "\t" in line else [line, following]
            parts.append("<table><tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells))
            parts.append("</tr></table>")
        elif line.strip() and not (
            line in ("Good", "Outstanding") and parts[-1] == "</tr></table>"
        ):
            parts.append(f"<p>{html.escape(line)}</p>")
    return "".join(parts)


def pdf_or_skip(text: str, body: str | None = None) -> bytes:
    try:
        return build_pdf(text, body)
    except OSError as exc:  # WeasyPrint without Pango.
        pytest.skip(f"WeasyPrint cannot render PDFs here: {exc}")


def rewrap(text: str, width: int) -> str:
    """Wrap long lines as a PDF would, bullets spanning several lines."""
    lines = []
    for line in text.splitlines():
        lines.extend(textwrap.wrap(line, width, break_on_hyphens=False) or [line])
    return "\n".join(lines)


def assert_valid(result: dict) -> None:
    """The result has the promised shape and values, and survives JSON."""
    assert set(result) == KEYS
    assert result["framework"] in FRAMEWORKS
    assert result["overall_rating"] in RATINGS | {None}
    assert INTERNAL_ERROR not in result["warnings"]
    for standard in result["standards"]:
        assert standard["rating"] in RATINGS | {"Not rated", None}
        assert all(0 <= q["percent"] <= 100 for q in standard["key_questions"])
    assert all(len(text) <= 200 for text in result["sources"].values())
    assert json.loads(json.dumps(result)) == result


def without_sources(result: dict) -> dict:
    return {key: value for key, value in result.items() if key != "sources"}


def by_code(result: dict) -> dict[str, dict]:
    return {standard["code"]: standard for standard in result["standards"]}


@pytest.fixture(scope="module")
def knowsley() -> dict:
    return parse_report(KNOWSLEY)


@pytest.fixture(scope="module")
def knowsley_pdf() -> bytes:
    return pdf_or_skip(KNOWSLEY)


@pytest.fixture(scope="module")
def knowsley_pdf_text(knowsley_pdf) -> str:
    return extract_text(knowsley_pdf, "knowsley.pdf")


# --- the Knowsley 2023 report, value by value ------------------------------------------------


def test_knowsley_header_fields_match_the_report(knowsley):
    assert knowsley["service"] == "Knowsley Youth Justice Service"
    assert knowsley["inspectorate"] == "HM Inspectorate of Probation"
    assert knowsley["framework"] == "hmip-youth-2018"
    assert knowsley["fieldwork_start"] == "2023-01-09"
    assert knowsley["published"] == "2023-05"
    assert knowsley["overall_rating"] == "Good"
    assert (knowsley["score"], knowsley["score_max"]) == (29, 36)
    assert knowsley["stated_recommendation_count"] == 4


def test_knowsley_twelve_standards_have_the_published_names_and_ratings(knowsley):
    found = [(s["code"], s["name"], s["rating"]) for s in knowsley["standards"]]
    assert found == KNOWSLEY_STANDARDS


def test_knowsley_key_question_percentages_match_the_report(knowsley):
    percents = {
        s["code"]: [q["percent"] for q in s["key_questions"]]
        for s in knowsley["standards"]
        if s["key_questions"]
    }
    assert percents == KNOWSLEY_PERCENTS


def test_knowsley_key_question_text_is_kept_in_full(knowsley):
    assert [q["text"] for q in by_code(knowsley)["2.3"]["key_questions"]] == [
        "Does the implementation and delivery of services effectively support the child's "
        "desistance?",
        "Does the implementation and delivery of services effectively support the safety of "
        "the child?",
        "Does the implementation and delivery of services effectively support the safety of "
        "other people?",
    ]


def test_knowsley_strengths_and_areas_for_improvement_are_all_found(knowsley):
    standards = by_code(knowsley)
    counts = {
        code: (len(s["strengths"]), len(s["areas_for_improvement"]))
        for code, s in standards.items()
        if s["strengths"] or s["areas_for_improvement"]
    }
    assert counts == KNOWSLEY_LIST_COUNTS
    # Bullets after a blank line inside a list still belong to it.
    assert standards["1.1"]["areas_for_improvement"][1].startswith("Additionally, the YOS")
    assert standards["1.2"]["strengths"][12].startswith("Team meetings encourage")
    assert standards["3.4"]["strengths"][-1] == (
        "There is a Merseyside scrutiny panel that reviews cases and looks at the consistency "
        "of decision-making and outcomes."
    )
    assert standards["1.4"]["areas_for_improvement"][-1] == (
        "The YOS has previously been involved in multi-agency audits but these have not taken "
        "place for a few years."
    )


def test_knowsley_recommendations_keep_their_addressees_and_exact_text(knowsley):
    found = [(r["number"], r["addressee"], r["text"]) for r in knowsley["recommendations"]]
    assert found == KNOWSLEY_RECOMMENDATIONS


def test_knowsley_gives_no_warnings_and_misses_nothing(knowsley):
    assert knowsley["warnings"] == []
    assert knowsley["not_found"] == []


def test_knowsley_has_no_resettlement_rating_because_there_were_no_cases(knowsley):
    assert [s for s in knowsley["standards"] if s["name"] == "Resettlement"] == []


def test_knowsley_sources_show_where_each_value_came_from(knowsley):
    assert_valid(knowsley)
    sources = knowsley["sources"]
    assert sources["score"] == "Score 29/36"
    assert sources["published"] == "HM Inspectorate of Probation, May 2023"
    assert "beginning on 09 January 2023" in sources["fieldwork_start"]
    assert sources["standards.1.2.rating"] == "1.2 Staff / Outstanding"
    assert sources["recommendations.3"].startswith("3. work with partners")
    assert "four recommendations" in sources["stated_recommendation_count"]


# --- the same report as a PDF ----------------------------------------------------------------


def test_knowsley_pdf_gives_the_same_result_as_the_text(knowsley, knowsley_pdf_text):
    from_pdf = parse_report(knowsley_pdf_text)
    assert without_sources(from_pdf) == without_sources(knowsley)
    assert_valid(from_pdf)


def test_running_page_footers_and_page_numbers_are_ignored(knowsley, knowsley_pdf_text):
    lines = knowsley_pdf_text.splitlines()
    with_footers = []
    for number, start in enumerate(range(0, len(lines), 45), start=1):
        with_footers += [
            *lines[start : start + 45],
            "Inspection of youth services: Knowsley",
            str(number),
        ]
    assert without_sources(parse_report("\n".join(with_footers))) == without_sources(knowsley)


def test_a_pdf_with_real_bullet_lists_and_tables_keeps_every_value_and_every_word(knowsley):
    pdf = pdf_or_skip("", as_html_with_lists_and_tables(KNOWSLEY))
    result = parse_report(extract_text(pdf))
    lists = ("strengths", "areas_for_improvement")
    for ours, expected in zip(result["standards"], knowsley["standards"], strict=True):
        assert {k: v for k, v in ours.items() if k not in lists} == {
            k: v for k, v in expected.items() if k not in lists
        }
        # The PDF loses its bullet markers: no word is lost, but an item may split at a full stop.
        for key in lists:
            assert " ".join(ours[key]) == " ".join(expected[key])
            assert len(expected[key]) <= len(ours[key]) <= len(expected[key]) + 1
    assert without_sources(result) | {"standards": []} == without_sources(knowsley) | {
        "standards": []
    }


def test_pdf_is_recognised_by_its_content_not_its_name():
    pdf = pdf_or_skip("Knowsley Youth Justice Service\n\nScore 29/36")
    assert extract(pdf, "report.txt").kind == "pdf"
    assert extract(b"Score 29/36", "report.pdf").kind == "text"
    result = read_report(pdf, "report.txt")
    assert (result["service"], result["score"]) == ("Knowsley Youth Justice Service", 29)


# --- variants ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(rewrap(KNOWSLEY, 70), id="wrapped-70"),
        pytest.param(rewrap(KNOWSLEY, 50), id="wrapped-50-addressees-wrap-too"),
        pytest.param(KNOWSLEY.replace("'", "\u2019").replace("\n", "\r\n"), id="curly-crlf"),
        pytest.param(KNOWSLEY.replace("\t", "    "), id="tabs-as-spaces"),
    ],
)
def test_layout_variants_give_the_same_result(knowsley, variant):
    assert without_sources(parse_report(variant)) == without_sources(knowsley)


def test_a_ratings_table_with_each_rating_on_the_standards_line(knowsley):
    table = re.sub(r"^(\d\.\d [^\n]+)\n\n(Good|Outstanding)\n", r"\1 \2\n", KNOWSLEY, flags=re.M)
    table = table.replace("Overall rating\n\nGood", "Overall rating: Good")
    assert "1.2 Staff Outstanding\n" in table
    assert without_sources(parse_report(table)) == without_sources(knowsley)


def test_requires_improvement_is_recognised_in_any_capitalisation_and_quotes():
    report = (
        KNOWSLEY.replace(
            "2.4 Reviewing\n\nGood", "2.4 Reviewing\n\n\u2018Requires Improvement\u2019"
        )
        .replace(
            "carers.\n\nGood\n\nOur rating\u2074", "carers.\n\nREQUIRES improvement\n\nOur rating"
        )
        .replace("keeping the child safe?\t75%", "keeping the child safe?\t55%")
        .replace("Score 29/36", "Score 28/36")
    )
    result = parse_report(report)
    assert by_code(result)["2.4"]["rating"] == "Requires improvement"
    assert [q["percent"] for q in by_code(result)["2.4"]["key_questions"]] == [75, 55, 88]
    assert result["warnings"] == []


def test_inconsistent_figures_are_reported_as_warnings():
    report = (
        KNOWSLEY.replace("Score 29/36", "Score 30/36")
        .replace("Overall rating\n\nGood", "Overall rating\n\nOutstanding")
        .replace("made four recommendations", "made five recommendations")
        .replace("keeping the child safe?\t75%", "keeping the child safe?\t55%")
    )
    warnings = parse_report(report)["warnings"]
    assert len(warnings) == 5
    assert "says it makes 5 recommendations, but 4 were found" in warnings[1]
    assert (
        "Standard 2.4 (Reviewing) is rated Good, but its lowest key-question score" in warnings[2]
    )
    assert "add up to 29 points, but the report gives a score of 30/36" in warnings[3]
    assert (
        "The overall rating is Outstanding, but a score of 30 falls in the Good band" in warnings[4]
    )


def test_sections_can_come_in_another_order(knowsley):
    start = KNOWSLEY.index("Recommendations\n\nAs a result")
    end = KNOWSLEY.index("Background\n\nWe conducted")
    moved = KNOWSLEY[:start] + KNOWSLEY[end:] + "\n\n" + KNOWSLEY[start:end]
    assert without_sources(parse_report(moved)) == without_sources(knowsley)


def test_ratings_come_from_the_sections_when_the_summary_is_missing(knowsley):
    start = KNOWSLEY.index("Ratings\n\nKnowsley")
    result = parse_report(KNOWSLEY[:start] + KNOWSLEY[KNOWSLEY.index("Recommendations\n\nAs") :])
    assert result["standards"] == knowsley["standards"]
    assert result["score"] is None
    assert result["not_found"] == ["score"]


def test_a_missing_standard_is_listed_as_not_found_and_not_guessed():
    summary = KNOWSLEY.index("Ratings\n\nKnowsley")
    report = KNOWSLEY[:summary] + KNOWSLEY[KNOWSLEY.index("Recommendations\n\nAs") :]
    start = report.index("2.2. Planning\n")
    end = report.index("2.3. Implementation", start)
    result = parse_report(report[:start] + report[end:])
    assert "2.2" not in by_code(result)
    assert "standard 2.2 rating" in result["not_found"]
    assert "standard 2.2 key questions" in result["not_found"]
    assert result["warnings"] == []


def test_a_missing_recommendations_section_is_listed_as_not_found():
    start = KNOWSLEY.index("Recommendations\n\nAs a result")
    result = parse_report(KNOWSLEY[:start] + KNOWSLEY[KNOWSLEY.index("Background\n\nWe") :])
    assert result["recommendations"] == []
    assert {"recommendations", "stated recommendation count"} <= set(result["not_found"])


@pytest.mark.parametrize(
    ("summary_line", "code", "rating"),
    [
        ("Resettlement\n\nRequires improvement", "R", "Requires improvement"),
        ("Resettlement\n\n\u2018Outstanding\u2019", "R", "Outstanding"),
        ("2.5 Resettlement\n\nNot rated", "2.5", "Not rated"),
        ("Resettlement: not rated (there were no cases)", "R", "Not rated"),
    ],
)
def test_a_resettlement_standard_is_rated_apart_from_the_score(
    knowsley, summary_line, code, rating
):
    result = parse_report(KNOWSLEY.replace(SUMMARY_END, f"{SUMMARY_END}\n{summary_line}\n"))
    resettlement = by_code(result)[code]
    assert (resettlement["name"], resettlement["rating"]) == ("Resettlement", rating)
    assert [s for s in result["standards"] if s["code"] != code] == knowsley["standards"]
    assert result["warnings"] == []


def test_resettlement_prose_is_not_turned_into_a_rating():
    report = KNOWSLEY.replace(SUMMARY_END, f"{SUMMARY_END}\nResettlement\n\nGood work was seen.\n")
    assert "Resettlement" not in [s["name"] for s in parse_report(report)["standards"]]


PRESS_RELEASES = {  # file: (service, overall rating, publication month)
    "liverpool-hmip-press-release-2019.txt": (
        "Liverpool Youth Offending Service",
        "Good",
        "2019-06",
    ),
    "sefton-council-press-release-2019.txt": (
        "Sefton Youth Offending Team",
        "Requires improvement",
        None,
    ),
    "knowsley-council-press-release-2023.txt": ("Knowsley Youth Offending Service", "Good", None),
}


@pytest.mark.parametrize("name", PRESS_RELEASES)
def test_press_releases_give_what_they_state_and_nothing_more(name):
    service, overall, published = PRESS_RELEASES[name]
    result = parse_report(seed(name))
    assert_valid(result)
    assert (result["service"], result["overall_rating"]) == (service, overall)
    assert result["inspectorate"] == "HM Inspectorate of Probation"
    assert result["published"] == published
    # "five areas were judged to be Outstanding including staff, assessment": prose, not ratings.
    assert result["standards"] == result["recommendations"] == []
    assert result["score"] is None and result["fieldwork_start"] is None
    assert {"score", "recommendations", "fieldwork start date"} <= set(result["not_found"])


def test_a_fieldwork_month_without_a_day_is_a_warning_not_a_date():
    result = parse_report(seed("liverpool-hmip-press-release-2019.txt"))
    assert result["fieldwork_start"] is None
    assert any("March 2019" in warning for warning in result["warnings"])


def test_a_press_release_with_only_the_overall_rating():
    result = parse_report(
        "Inspectors rated Exampleshire Youth Justice Service \u2018Outstanding\u2019."
    )
    assert result["service"] == "Exampleshire Youth Justice Service"
    assert result["overall_rating"] == "Outstanding"
    assert result["not_found"] == [
        *("inspectorate", "fieldwork start date", "publication date", "framework", "score"),
        *("standard ratings", "recommendations", "stated recommendation count"),
    ]


def test_a_score_out_of_a_possible_36_is_read():
    result = parse_report("Overall: rated 'Outstanding', a score of 31 out of a possible 36.")
    assert (result["score"], result["score_max"]) == (31, 36)
    assert result["overall_rating"] == "Outstanding"


def test_recommendations_can_be_addressed_to_the_police_and_the_service_manager():
    text = (
        "Recommendations\n\nWe have made 3 recommendations.\n\nThe YOS service manager should:\n\n"
        "1. improve planning to keep children safe\n\nMerseyside Police should:\n\n"
        "2. record out-of-court disposal decisions\n3. share intelligence within a day\n\n"
        "Background"
    )
    result = parse_report(text)
    assert [(r["number"], r["addressee"]) for r in result["recommendations"]] == [
        (1, "The YOS service manager"),
        (2, "Merseyside Police"),
        (3, "Merseyside Police"),
    ]
    assert result["stated_recommendation_count"] == 3
    assert result["warnings"] == []


@pytest.mark.parametrize(
    ("text", "framework"),
    [
        ("The probation delivery unit supervises people on probation.", "hmip-adult-probation"),
        ("An inspection of work with children and victims in Exampleshire.", "hmip-youth-2025"),
        ("Youth offending services do good work with children.", "unknown"),
    ],
)
def test_the_framework_is_recognised_from_its_markers(text, framework):
    assert parse_report(text)["framework"] == framework


# --- hostile input -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is empty"),
        (b"  \n\t ", "is empty"),
        (random.Random(1).randbytes(4096), "neither a PDF nor a text file"),
        (b"PK\x03\x04" + bytes(200), "Word (.docx) document"),
        (b"%PDF-1.7\n" + random.Random(2).randbytes(3000), "could not be read"),
        (b"\x80\x80", "no readable text"),
    ],
)
def test_unreadable_input_is_refused_with_a_plain_message(data, message):
    with pytest.raises(ReportReadError, match=re.escape(message)):
        extract_text(data, "upload.pdf")


def test_input_over_the_size_limit_is_refused():
    with pytest.raises(ReportReadError, match="over the 100 bytes limit"):
        extract_text(b"x" * 101, max_bytes=100)


def test_a_pdf_without_text_is_refused():
    pdf = pdf_or_skip("")
    with pytest.raises(ReportReadError, match="scanned image"):
        extract_text(pdf)


def test_a_pdf_that_is_not_a_report_gives_an_empty_result_with_everything_not_found():
    result = parse_report(extract_text(pdf_or_skip("Shopping list\n\neggs, milk, bread")))
    assert_valid(result)
    assert result["service"] is result["overall_rating"] is None
    assert result["standards"] == result["recommendations"] == []
    assert {"service", "overall rating", "score", "recommendations"} <= set(result["not_found"])


def test_pages_over_the_limit_are_skipped_with_a_warning():
    pdf = pdf_or_skip("\n".join(f"Page text {n}. " * 400 for n in range(4)))
    extracted = extract(pdf, max_pages=2)
    assert extracted.pages_read == 2 and extracted.page_count > 2
    assert "only the first 2 were read" in extracted.warnings[0]
    with pytest.warns(ReportTruncatedWarning):
        extract_text(pdf, max_pages=2)


def test_text_over_the_character_limit_is_cut_with_a_warning():
    extracted = extract(b"word " * 100, max_chars=50)
    assert len(extracted.text) == 50
    assert "only the first 50 were read" in extracted.warnings[0]


def test_windows_1252_text_is_decoded():
    data = "Knowsley\u2019s YOS was rated \u2018Good\u2019 \u2013 well done".encode("cp1252")
    assert parse_report(extract_text(data))["overall_rating"] == "Good"


def test_a_scrambled_report_never_raises():
    lines = KNOWSLEY.splitlines()
    random.Random(3).shuffle(lines)
    assert_valid(parse_report("\n".join(lines)))


def test_five_megabytes_of_random_words_are_cut_and_parsed_quickly():
    rng = random.Random(4)
    words = KNOWSLEY.split()
    text = "\n".join(" ".join(rng.choices(words, k=12)) for _ in range(70_000))
    assert len(text) > 5_000_000
    started = time.perf_counter()
    result = parse_report(text)
    # A guard against runaway (quadratic or backtracking) work, not a benchmark.
    assert time.perf_counter() - started < 30
    assert_valid(result)
    assert any("only the first" in warning for warning in result["warnings"])


# --- fuzzing -------------------------------------------------------------------------------

REPORT_LINES = st.sampled_from(sorted(set(KNOWSLEY.splitlines())))
FRAGMENTS = st.lists(st.one_of(REPORT_LINES, st.text(max_size=40)), max_size=60)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=3000))
def test_parse_report_never_raises_for_arbitrary_text(text):
    assert_valid(parse_report(text))


@settings(max_examples=200, deadline=None)
@given(FRAGMENTS)
def test_parse_report_never_raises_for_report_like_fragments(lines):
    assert_valid(parse_report("\n".join(lines)))


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.binary(max_size=3000), st.binary(max_size=3000).map(b"%PDF-1.4\n".__add__)))
def test_extract_text_raises_only_report_read_error_for_arbitrary_bytes(data):
    try:
        text = extract_text(data)
    except ReportReadError as error:
        assert str(error)
    else:
        assert isinstance(text, str) and text.strip()
