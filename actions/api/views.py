"""The read-only JSON API for BI tools, built with django-ninja (docs/api.md says why).

Every endpoint needs `Authorization: Bearer <personal API token>`: a session cookie alone
is never enough. The token acts as its user and each list is scoped with the same
`for_user` querysets as the pages, so a token sees exactly what its user sees. Only GET:
any other method is 405 (see `urls.py`). Query parameters are read strictly (ASCII digits
through `yjtracker.ids`, dates as YYYY-MM-DD); anything else is a 400 that says what was
wrong. Lists are pages of at most `MAX_LIMIT` rows in id order, with the total count and
the next and previous addresses.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security.http import HttpBearer

from actions.api import reads, schemas, tokens
from actions.models import Action
from inspections.models import Inspection, Recommendation
from yjtracker import audit
from yjtracker.ids import parse_id, parse_int

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
MAX_OFFSET = 10**9
NOT_FOUND = "No such record, or it is not in your services."
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class BadRequest(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class BearerToken(HttpBearer):
    """A personal API token in the Authorization header; sets `request.auth` (and
    `request.user`) to its user. Refusals and rate limits raise, and are answered below."""

    def __call__(self, request):
        token = None
        try:
            token = tokens.api_token_check(
                tokens.token_from_header(request.headers.get("Authorization"))
            )
            tokens.rate_limit(token)
        except tokens.TokenRefused as refusal:
            audit.api_refused(request, refusal.reason, refusal.token)
            raise
        except tokens.RateLimited:
            audit.api_refused(request, "rate limit", token)
            raise
        request.user = token.user
        request.api_token = token
        return token.user

    def authenticate(self, request, token):  # pragma: no cover - __call__ does it all
        raise NotImplementedError


api = NinjaAPI(
    title="yjtracker API",
    version="1",
    description=(
        "Read-only data for BI tools (Power BI, Excel): inspections, recommendations, "
        "actions with their current position, and progress updates. Send a personal API "
        "token (made on 'Your account') as 'Authorization: Bearer <token>'. A token sees "
        "exactly what its user sees in yjtracker."
    ),
    auth=BearerToken(),
    urls_namespace="api",
    docs_url=None,
    openapi_url=None,  # served below, behind a token like everything else
)


def _error(request, status: int, message: str, headers: dict | None = None):
    response = api.create_response(request, {"detail": message}, status=status)
    for key, value in (headers or {}).items():
        response[key] = value
    return response


@api.exception_handler(tokens.TokenRefused)
def _token_refused(request, exc: tokens.TokenRefused):
    challenge = 'Bearer realm="yjtracker"'
    if exc.reason != "no token":
        challenge += ', error="invalid_token"'
    return _error(request, 401, exc.message, {"WWW-Authenticate": challenge})


@api.exception_handler(tokens.RateLimited)
def _rate_limited(request, exc: tokens.RateLimited):
    return _error(request, 429, exc.message, {"Retry-After": str(exc.wait_seconds)})


@api.exception_handler(BadRequest)
def _bad_request(request, exc: BadRequest):
    return _error(request, 400, exc.message)


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc: NinjaValidationError):
    return _error(request, 400, "The request's parameters are not valid.")


@api.exception_handler(Http404)
def _not_found(request, exc: Http404):
    return _error(request, 404, NOT_FOUND)


# --- Query parameters --------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    filters: reads.Filters
    limit: int = DEFAULT_LIMIT
    offset: int = 0


PAGING = ("limit", "offset")
ID_FILTERS = ("service", "inspection", "recommendation", "action")
PARAMETERS = {
    "limit": {
        "description": f"Rows per page, 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT}).",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
    },
    "offset": {
        "description": "How many rows to skip (default 0): the next page's is in `next`.",
        "schema": {"type": "integer", "minimum": 0},
    },
    "service": {"description": "Only this service's rows (a service id)."},
    "inspection": {"description": "Only this inspection's rows (an inspection id)."},
    "recommendation": {"description": "Only this recommendation's rows (a recommendation id)."},
    "action": {"description": "Only this action's rows (an action id)."},
    "since": {
        "description": (
            "Only the updates recorded on or after this date (YYYY-MM-DD, UK time), "
            "whatever date they are about."
        ),
        "schema": {"type": "string", "format": "date"},
    },
}
for _name in ID_FILTERS:
    PARAMETERS[_name]["schema"] = {"type": "integer", "minimum": 1}


def documented(*names: str) -> dict:
    """The OpenAPI description of the query parameters an endpoint reads."""
    return {
        "parameters": [
            {"name": name, "in": "query", "required": False, **PARAMETERS[name]} for name in names
        ]
    }


def read_query(request, allowed: tuple[str, ...]) -> Query:
    """The query string as `Query`, or BadRequest naming the first problem."""
    unknown = sorted(set(request.GET) - set(allowed))
    if unknown:
        takes = ", ".join(allowed) if allowed else "no parameters"
        raise BadRequest(f"Unknown parameter '{unknown[0]}'. This address takes: {takes}.")
    values = {}
    for name in request.GET:
        given = request.GET.getlist(name)
        if len(given) > 1:
            raise BadRequest(f"Give '{name}' once, not {len(given)} times.")
        values[name] = given[0]
    query = Query(filters=reads.Filters())
    if "limit" in values:
        limit = parse_int(values["limit"], minimum=1, maximum=MAX_LIMIT)
        if limit is None:
            raise BadRequest(f"'limit' must be a whole number from 1 to {MAX_LIMIT}.")
        query = replace(query, limit=limit)
    if "offset" in values:
        offset = parse_int(values["offset"], minimum=0, maximum=MAX_OFFSET)
        if offset is None:
            raise BadRequest("'offset' must be a whole number, 0 or more.")
        query = replace(query, offset=offset)
    narrowed = {}
    for name in ID_FILTERS:
        if name in values:
            narrowed[name] = parse_id(values[name])
            if narrowed[name] is None:
                raise BadRequest(f"'{name}' must be an id: a whole number such as 12.")
    if "since" in values:
        narrowed["since"] = parse_date(values["since"])
        if narrowed["since"] is None:
            raise BadRequest(
                "'since' must be a real date written YYYY-MM-DD, for example 2026-04-01."
            )
    return replace(query, filters=reads.Filters(**narrowed))


def parse_date(value: str) -> datetime.date | None:
    """A date written exactly YYYY-MM-DD (ASCII digits), or None."""
    if not _ISO_DATE.fullmatch(value):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def envelope(request, query: Query, page: reads.Page) -> dict:
    """A page with its total count and the addresses of the pages either side."""

    def address(offset: int) -> str:
        params = {k: v for k, v in request.GET.items() if k != "offset"}
        params["limit"] = str(query.limit)
        if offset:
            params["offset"] = str(offset)
        return request.build_absolute_uri(f"{request.path}?{urlencode(params)}")

    following = query.offset + query.limit
    return {
        "count": page.count,
        "limit": query.limit,
        "offset": query.offset,
        "next": address(following) if following < page.count else None,
        "previous": address(max(0, query.offset - query.limit)) if query.offset else None,
        "results": page.rows,
    }


def listing(request, read, allowed: tuple[str, ...]) -> dict:
    """A list endpoint's answer: its parameters read, one page read, and the envelope."""
    query = read_query(request, allowed)
    page = read(request.auth, query.filters, query.limit, query.offset, request.build_absolute_uri)
    return envelope(request, query, page)


def record(request, shaped, make_rows, pk: int) -> dict:
    """A record endpoint's answer: 404 outside the user's services."""
    read_query(request, ())
    return make_rows(reads.one(request.auth, shaped, pk), request.build_absolute_uri)[0]


ERRORS = {400: schemas.ErrorOut, 401: schemas.ErrorOut, 429: schemas.ErrorOut}
DETAIL_ERRORS = {**ERRORS, 404: schemas.ErrorOut}


# --- Endpoints ---------------------------------------------------------------------------


@api.get("/", url_name="index", include_in_schema=False)
def index(request):
    """Where everything is: the lists and the OpenAPI schema."""
    read_query(request, ())
    link = request.build_absolute_uri
    return {
        "inspections": link("inspections/"),
        "recommendations": link("recommendations/"),
        "actions": link("actions/"),
        "progress_updates": link("progress-updates/"),
        "openapi_schema": link("openapi.json"),
    }


@api.get("/openapi.json", url_name="openapi", include_in_schema=False)
def openapi_schema(request):
    """The OpenAPI 3.1 description of this API."""
    read_query(request, ())
    return api.get_openapi_schema(path_prefix=request.path.removesuffix("openapi.json"))


@api.get(
    "/inspections/",
    url_name="inspections",
    response={200: schemas.InspectionPage, **ERRORS},
    openapi_extra=documented(*PAGING, "service"),
    tags=["inspections"],
)
def inspection_list(request):
    """Inspections of the services the token's user belongs to, by id."""
    return listing(request, reads.inspections, (*PAGING, "service"))


@api.get(
    "/inspections/{id:pk}/",
    url_name="inspection",
    response={200: schemas.InspectionOut, **DETAIL_ERRORS},
    tags=["inspections"],
)
def inspection_detail(request, pk: int):
    """One inspection (404 when it is not in the user's services)."""
    shaped = reads.inspection_values(Inspection.objects.all())
    return record(request, shaped, reads.inspection_rows, pk)


@api.get(
    "/recommendations/",
    url_name="recommendations",
    response={200: schemas.RecommendationPage, **ERRORS},
    openapi_extra=documented(*PAGING, "service", "inspection"),
    tags=["recommendations"],
)
def recommendation_list(request):
    """Recommendations with their status, plan status, board owner and themes, by id."""
    return listing(request, reads.recommendations, (*PAGING, "service", "inspection"))


@api.get(
    "/recommendations/{id:pk}/",
    url_name="recommendation",
    response={200: schemas.RecommendationOut, **DETAIL_ERRORS},
    tags=["recommendations"],
)
def recommendation_detail(request, pk: int):
    """One recommendation (404 when it is not in the user's services)."""
    shaped = reads.recommendation_values(Recommendation.objects.all())
    return record(request, shaped, reads.recommendation_rows, pk)


@api.get(
    "/actions/",
    url_name="actions",
    response={200: schemas.ActionPage, **ERRORS},
    openapi_extra=documented(*PAGING, "service", "inspection", "recommendation"),
    tags=["actions"],
)
def action_list(request):
    """Actions with their current position: the latest update's RAG, % complete and date,
    the RAG a person sees on the pages, and whether it is overdue today. By id."""
    return listing(request, reads.actions, (*PAGING, "service", "inspection", "recommendation"))


@api.get(
    "/actions/{id:pk}/",
    url_name="action",
    response={200: schemas.ActionOut, **DETAIL_ERRORS},
    tags=["actions"],
)
def action_detail(request, pk: int):
    """One action with its current position (404 when it is not in the user's services)."""
    return record(request, reads.action_values(Action.objects.all()), reads.action_rows, pk)


@api.get(
    "/progress-updates/",
    url_name="progress_updates",
    response={200: schemas.ProgressUpdatePage, **ERRORS},
    openapi_extra=documented(*PAGING, "since", "service", "inspection", "action"),
    tags=["progress updates"],
)
def progress_update_list(request):
    """Progress updates, by id; with `since`, only those recorded from that date on."""
    allowed = (*PAGING, "since", "service", "inspection", "action")
    return listing(request, reads.progress_updates, allowed)
