"""The API's URL patterns, mounted at /api/v1/ by `actions.urls`.

django-ninja's patterns are wrapped so that:
- sign-in is not asked for (`LoginRequiredMiddleware` would redirect a BI tool to the sign-in
  page): the bearer token is checked by the API itself, on every endpoint;
- a method other than GET gets a JSON 405, and nothing is ever written;
- no response is kept by a browser or proxy (`Cache-Control: no-store`).
Its own root pattern (a 404 that names the docs) is left out; the API has an index of its own.
An unknown address under /api/v1/ is a JSON 404; one missing its final slash is redirected.
"""

from __future__ import annotations

import functools
import json

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, URLPattern, path, re_path, resolve

from actions.api.views import api

METHOD_NOT_ALLOWED = "This API only reads: use GET."
NO_SUCH_ADDRESS = "No such API address. The API's addresses are listed at /api/v1/."


def _json_api_view(view):
    @functools.wraps(view)
    def api_view(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405:
            allowed = response.get("Allow", "GET")
            response = HttpResponse(
                json.dumps({"detail": METHOD_NOT_ALLOWED}),
                status=405,
                content_type="application/json; charset=utf-8",
            )
            response["Allow"] = allowed
        response["Cache-Control"] = "no-store"
        return response

    return login_not_required(api_view)


def resolve_or_none(path: str):
    try:
        return resolve(path)
    except Resolver404:
        return None


def _patterns() -> list[URLPattern]:
    patterns, _app, _namespace = api.urls
    wrapped = []
    for pattern in patterns:
        if pattern.name == "api-root":
            continue
        wrapped.append(
            path(str(pattern.pattern), _json_api_view(pattern.callback), name=pattern.name)
        )
    return wrapped


@login_not_required
def not_found(request, rest: str = ""):
    """An unknown API address: a JSON 404, or the same address with its missing final
    slash, when that is one (as Django's APPEND_SLASH would, which this pattern pre-empts)."""
    if not request.path.endswith("/"):
        match = resolve_or_none(request.path + "/")
        if match is not None and match.url_name != "not_found":
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(
                request.path + "/" + (f"?{query}" if query else "")
            )
    response = JsonResponse({"detail": NO_SUCH_ADDRESS}, status=404)
    response["Cache-Control"] = "no-store"
    return response


urlpatterns = [
    *_patterns(),
    re_path(r"^(?P<rest>.*)$", not_found, name="not_found"),
]
app_name = "api"
