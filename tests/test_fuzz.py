"""No input gives a 5xx (V4): every URL of the project, with every query parameter its page
reads and every field of its forms, given hostile values, as every persona.

The URLconf is walked (as in the permission matrix), and each URL name is declared in
`FIELDS` with what its page reads beyond the good data of its permission-matrix case: a new
page that is not declared fails `test_every_url_is_fuzzed`. Hypothesis then draws, per URL:
a persona, a method, the path's id (the real one, another service's, one that does not
exist) and hostile values for some of the fields (non-ASCII digits, numbers too big for any
column, NUL bytes, overlong text, several values where one is expected, files where text is
expected, impossible dates), mixed into otherwise good data so the values reach the deepest
checks. Every response must be below 500, and a refused request (400, 403, 404, 405, or a
sign-in redirect) must leave the workflow's records exactly as they were.

Bounded for CI (the suite runs on SQLite and on PostgreSQL): `MAX_EXAMPLES` per URL,
derandomized so every run tries the same inputs, no deadline. `YJ_FUZZ_EXAMPLES=500` runs a
deeper search by hand.
"""

from __future__ import annotations

import os

import pytest
from django.contrib.auth.forms import AuthenticationForm
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actions.api.forms import ApiTokenForm
from actions.board_forms import IssuePackForm, MeetingForm, PositionForm
from actions.filters import ActionFilter
from actions.forms import (
    ActionForm,
    CancelActionForm,
    ClosureForm,
    CorrectionForm,
    DateChangeForm,
    EvidenceForm,
    MeasureForm,
    PartnerUpdateForm,
    PersonForm,
    PlanUploadForm,
    PreferencesForm,
    ProgressUpdateForm,
    ReadingForm,
    ReasonForm,
    ResponseForm,
    SignOffForm,
    UpdateLinkForm,
)
from actions.forms_round import RoundRowForm
from inspections.forms import PreviewForm, RecommendationAddForm, SourceForm, UploadForm
from inspections.importer.parse import parse_report
from tests.actions.test_permissions import (
    ADMIN,
    PERSONAS,
    PRESS_RELEASE,
    ROUTES,
    Demo,
    project_urls,
    signed_in,
    snapshot,
)

MAX_EXAMPLES = int(os.environ.get("YJ_FUZZ_EXAMPLES", "8"))
EVERYONE = (*PERSONAS, ADMIN)
SLOW_FORMATS = {"pdf"}  # a PDF render per example would take the whole budget; tested apart


def form_fields(form_class) -> list[str]:
    """The names a form's fields are posted under (a date's day, month and year boxes)."""
    names = []
    for name, field in form_class.base_fields.items():
        parts = getattr(field, "fields", None)
        names += [f"{name}_{i}" for i in range(len(parts))] if parts else [name]
    return names


LIST_PARAMS = [
    *ActionFilter.base_filters,
    *(f"due_before_{box}" for box in range(3)),  # the date's day, month and year boxes
    "sort",
    "page",
]
POSITION_PARAMS = form_fields(PositionForm)
BOARD_PARAMS = [*POSITION_PARAMS, "meeting", "format"]
API_PARAMS = ["limit", "offset", "service", "inspection", "recommendation", "action", "since"]
API = {"GET": API_PARAMS, "POST": []}
# The update round posts one prefixed set of fields per action (`a<id>-...`).
ROUND_FIELDS = ["action", *[f"a1-{name}" for name in form_fields(RoundRowForm)], "page"]
REASON = form_fields(ReasonForm)

# What each page reads from the query string (GET) and the form (POST), beyond the keys of
# its good data in the permission matrix (tests/actions/test_permissions.py ROUTES).
FIELDS: dict[str, dict[str, list[str]]] = {
    "login": {"GET": ["next"], "POST": [*form_fields(AuthenticationForm), "next"]},
    "logout": {"POST": ["next"]},
    "accessibility": {"GET": []},
    "account": {"GET": [], "POST": form_fields(PreferencesForm)},
    "calendar_feed_reset": {"POST": []},
    "calendar_feed": {"GET": []},
    "import_start": {"GET": ["service"], "POST": [*form_fields(UploadForm), "service"]},
    "import_preview": {
        "GET": [],
        "POST": [
            *form_fields(PreviewForm),
            "rating_1.1",
            "kq_2.1_0",
            "rec_0_number",
            "rec_0_addressee",
            "rec_0_text",
        ],
    },
    "home": {"GET": []},
    "action_list": {"GET": LIST_PARAMS},
    "my_actions": {"GET": LIST_PARAMS},
    "overview": {"GET": []},
    "inspection_detail": {"GET": []},
    "dashboard": {"GET": POSITION_PARAMS},
    "board_pack": {"GET": BOARD_PARAMS},
    "register_dashboard": {"GET": ["as_at", "kind"]},
    "register_pack": {"GET": [*BOARD_PARAMS, "kind"]},
    "source_create": {"GET": [], "POST": form_fields(SourceForm)},
    "recommendation_create": {"GET": [], "POST": form_fields(RecommendationAddForm)},
    "recommendation_detail": {"GET": []},
    "action_detail": {"GET": []},
    "evidence_download": {"GET": []},
    "plan_start": {"POST": []},
    "action_add": {"GET": [], "POST": form_fields(ActionForm)},
    "action_edit": {"GET": [], "POST": form_fields(ActionForm)},
    "action_cancel": {"GET": [], "POST": form_fields(CancelActionForm)},
    "plan_submit": {"POST": ["version"]},
    "propose_closure": {"GET": [], "POST": form_fields(ClosureForm)},
    "update_create": {"POST": form_fields(ProgressUpdateForm)},
    "update_correct": {"GET": [], "POST": form_fields(CorrectionForm)},
    "evidence_create": {"POST": form_fields(EvidenceForm)},
    "evidence_withdraw": {"GET": [], "POST": REASON},
    "date_change_create": {"POST": form_fields(DateChangeForm)},
    "plan_approve": {"POST": ["version"]},
    "plan_return": {"GET": [], "POST": REASON},
    "sign_off": {"GET": [], "POST": form_fields(SignOffForm)},
    "send_back": {"GET": [], "POST": REASON},
    "reopen": {"GET": [], "POST": REASON},
    "date_change_decide": {"GET": [], "POST": [*REASON, "decision"]},
    "healthz": {"GET": []},
    "readyz": {"GET": []},
    "sso_error": {"GET": []},
    "social_connections_off": {"GET": []},
    "api_token_create": {"GET": [], "POST": form_fields(ApiTokenForm)},
    "api_token_created": {"GET": []},
    "api_token_revoke": {"POST": []},
    **{
        f"api:{name}": API
        for name in (
            "index",
            "openapi",
            "inspections",
            "inspection",
            "recommendations",
            "recommendation",
            "actions",
            "action",
            "progress_updates",
            "not_found",
        )
    },
    "meeting_list": {"GET": []},
    "meeting_create": {"GET": [], "POST": form_fields(MeetingForm)},
    "meeting_detail": {"GET": []},
    "meeting_edit": {"GET": [], "POST": [*form_fields(MeetingForm), "version"]},
    "pack_issue": {"POST": form_fields(IssuePackForm)},
    "issued_pack_pdf": {"GET": []},
    "issued_pack_xlsx": {"GET": []},
    "response_edit": {"GET": [], "POST": [*form_fields(ResponseForm), "version"]},
    "measure_add": {"GET": [], "POST": form_fields(MeasureForm)},
    "measure_edit": {"GET": [], "POST": [*form_fields(MeasureForm), "version"]},
    "reading_add": {"GET": [], "POST": form_fields(ReadingForm)},
    "people_list": {"GET": ["page"]},
    "person_add": {"GET": [], "POST": form_fields(PersonForm)},
    "person_edit": {"GET": [], "POST": form_fields(PersonForm)},
    "notifications": {"GET": ["page"]},
    "notification_read": {"POST": ["open"]},
    "notifications_read_all": {"POST": []},
    "update_round": {"GET": ["page"], "POST": ROUND_FIELDS},
    "update_links": {"GET": [], "POST": form_fields(UpdateLinkForm)},
    "update_link_revoke": {"POST": []},
    "partner_update": {"GET": ["saved"], "POST": form_fields(PartnerUpdateForm)},
    "plan_import_start": {"GET": [], "POST": form_fields(PlanUploadForm)},
    "plan_import_preview": {
        "GET": [],
        "POST": ["board_agreed", "col_reference", "col_action", "col_due", "save"],
    },
}

# --- Hostile values --------------------------------------------------------------------

HOSTILE_TEXT = [
    "²",
    "٣",
    "1²",
    "١٢",
    "99999999999999999999",
    str(2**63),
    str(2**63 - 1),
    "-1",
    "0",
    "-0",
    "1.5",
    "1e400",
    "NaN",
    "Infinity",
    "\x00",
    "1\x00",
    "a\x00b",
    "x" * 5001,
    "9" * 400,
    " ",
    "",
    "true",
    "on",
    "[]",
    "{}",
    "null",
    "<script>alert(1)</script>",
    "' OR '1'='1",
    "%00",
    "%",
    "../../etc/passwd",
    "😀",
    "\u202e",
    "31",
    "2027-02-31",
    "99999999999999999999-01-01",
    "2026-13-01",
    "0000-00-00",
    "pdf",
    "xlsx",
    "csv",
    "approve",
    "decline",
    "green",
    "blue",
    "complete",
]

text_values = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs",)),  # no lone surrogates: not UTF-8
        max_size=30,
    ),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)
# Wrong types: several values where one is expected, a file where text is expected.
values = st.one_of(
    text_values,
    st.lists(text_values, min_size=2, max_size=3),
    st.just("FILE"),
)


def materialise(value):
    if value == "FILE":
        return SimpleUploadedFile("x.exe", b"MZ\x90\x00hostile", content_type="text/html")
    return value


# --- The world -------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def demo(knowsley_demo) -> Demo:
    return Demo(knowsley_demo)


PARSED_PRESS_RELEASE = None


def parsed_press_release() -> dict:
    global PARSED_PRESS_RELEASE
    if PARSED_PRESS_RELEASE is None:
        PARSED_PRESS_RELEASE = parse_report(PRESS_RELEASE.read_text(encoding="utf-8"))
    return PARSED_PRESS_RELEASE


def client_for(persona: str) -> Client:
    client = signed_in(persona)
    if persona == ADMIN:  # a report waiting for review, so the review page reads its form
        session = client.session
        session["report_import"] = parsed_press_release()
        session.save()
    return client


def is_refused(response) -> bool:
    if response.status_code in (400, 403, 404, 405):
        return True
    location = response.get("Location", "")
    return response.status_code == 302 and location.startswith(reverse("login"))


def fuzz_params() -> list:
    return [pytest.param(name, id=name) for name in sorted(FIELDS)]


# --- The tests -------------------------------------------------------------------------


def test_every_url_is_fuzzed(db):
    names = {name for name, _ in project_urls() if name}
    assert sorted(names - set(FIELDS)) == [], "declare what these pages read in FIELDS"
    assert sorted(set(FIELDS) - names) == [], "FIELDS names URLs that no longer exist"


def test_the_hostile_values_reach_the_forms():
    """The declared fields are the forms' own, so a value aimed at a field reaches it."""
    assert {"date_0", "date_1", "date_2", "narrative"} <= set(FIELDS["update_create"]["POST"])
    assert {"correction_reason", "date_2"} <= set(FIELDS["update_correct"]["POST"])
    assert {"service", "owner", "due_before", "sort", "page"} <= set(FIELDS["action_list"]["GET"])


@pytest.mark.parametrize("name", fuzz_params())
def test_no_input_gives_a_server_error_or_changes_what_it_should_not(demo, name):
    cases = {case.method: case for case in reversed(ROUTES[name])}
    once = {}  # a form page and its submission share one build (it may create records)
    for case in cases.values():
        if case.build not in once:
            once[case.build] = case.build(demo)
    built = {method: once[case.build] for method, case in cases.items()}
    methods = sorted(FIELDS[name])

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        persona=st.sampled_from(EVERYONE),
        method=st.sampled_from(methods),
        path=st.sampled_from(["own", "missing", "zero", "too big"]),
        data=st.data(),
    )
    def attempt(persona, method, path, data):
        case = cases.get(method) or next(iter(cases.values()))
        kwargs, good = built.get(method) or built[case.method]
        kwargs = dict(kwargs)
        if "pk" in kwargs and path != "own":
            kwargs["pk"] = {"missing": 987654321, "zero": 0, "too big": 2**63 - 1}[path]
        fields = sorted(set(FIELDS[name][method]) | set(good))
        chosen = data.draw(
            st.lists(st.sampled_from(fields), unique=True) if fields else st.just([])
        )
        request = dict(good)
        for field in chosen:
            request[field] = data.draw(values, label=field)
        if method == "GET" and "format" in request:
            formats = (
                request["format"] if isinstance(request["format"], list) else [request["format"]]
            )
            request["format"] = ["csv" if f in SLOW_FORMATS else f for f in formats]
        request = {
            k: [materialise(v) for v in vs] if isinstance(vs, list) else materialise(vs)
            for k, vs in request.items()
        }
        try:
            url = reverse(name, kwargs=kwargs)
        except Exception:  # an id the URL converter refuses: the resolver's 404, not a view's
            return
        client = client_for(persona)
        before = snapshot()

        send = client.get if method == "GET" else client.post
        response = send(url, request)

        assert response.status_code < 500, f"{method} {url} as {persona}: {response.status_code}"
        if method == "GET" or is_refused(response):
            assert snapshot() == before, f"{method} {url} as {persona} changed the record"

    attempt()


@pytest.mark.parametrize("persona", ["viewer", "outsider"])
def test_a_hostile_board_pack_as_a_pdf_is_no_server_error(demo, persona):
    url = reverse("board_pack", args=[demo.inspection.pk])
    response = client_for(persona).get(
        url, {"format": "pdf", "as_at": "99999999999999999999-01-01", "meeting": "²"}
    )
    assert response.status_code in (200, 302, 404)
