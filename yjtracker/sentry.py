"""Optional error reporting to Sentry (SENTRY_DSN), scrubbed before anything leaves.

Progress narratives, names and e-mail addresses must never reach a third party. The
scrubber keeps what finds the bug (exception types, the stack's files, functions and
lines, the request's method and path, the request id, the user's numeric id) and drops
everything that could carry what people typed or who they are: request bodies, query
strings, cookies and headers, exception messages, log message arguments, local
variables, breadcrumb texts and extra data. E-mail addresses left anywhere are masked.
"""

from __future__ import annotations

import re
from typing import Any

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
FILTERED = "[Filtered]"
KEPT_HEADERS = {"user-agent", "x-request-id", "content-type", "content-length"}


def _mask(value: Any) -> Any:
    if isinstance(value, str):
        return EMAIL.sub(FILTERED, value)
    if isinstance(value, dict):
        return {key: _mask(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_mask(item) for item in value]
    return value


def scrub_event(event: dict, hint: dict | None = None) -> dict:
    request = event.get("request")
    if isinstance(request, dict):
        event["request"] = {
            "method": request.get("method"),
            "url": (request.get("url") or "").split("?", 1)[0],
            "headers": {
                name: value
                for name, value in (request.get("headers") or {}).items()
                if name.lower() in KEPT_HEADERS
            },
        }
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if user.get("id") is not None else {}
    for exception in (event.get("exception") or {}).get("values") or []:
        if exception.get("value"):
            exception["value"] = FILTERED
        for frame in (exception.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    for thread in (event.get("threads") or {}).get("values") or []:
        for frame in (thread.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    logentry = event.get("logentry") or event.get("message")
    if isinstance(logentry, dict):
        logentry.pop("params", None)
        if logentry.get("message") and logentry.get("formatted"):
            logentry["formatted"] = logentry["message"]
    event.pop("extra", None)
    breadcrumbs = event.get("breadcrumbs")
    crumbs = breadcrumbs.get("values") if isinstance(breadcrumbs, dict) else breadcrumbs
    for crumb in crumbs or []:
        crumb.pop("data", None)
        if crumb.get("message"):
            crumb["message"] = FILTERED
    return _mask(event)


def init_sentry(dsn: str, *, environment: str = "production") -> None:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration()],
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        before_send=scrub_event,
        traces_sample_rate=0,
    )
