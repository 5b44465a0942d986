"""Request logging: a request id and the user id on every log line, one line per request.

`RequestLogMiddleware` (first in MIDDLEWARE) gives each request an id (a well-formed
incoming X-Request-ID is kept, so a proxy's id follows the request; otherwise a new one),
returns it in the X-Request-ID response header, and logs one `yjtracker.request` line with
method, path (never the query string: it may hold search terms), status and duration.
`RequestContextFilter` adds `request_id` and `user_id` to every record logged while the
request runs, including Django's own 5xx records with their tracebacks.
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid

from django.utils.functional import SimpleLazyObject, empty
from pythonjsonlogger.json import JsonFormatter

from yjtracker.client_ip import client_ip

_request_id = contextvars.ContextVar("request_id", default="-")
_request = contextvars.ContextVar("request", default=None)
_INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

log = logging.getLogger("yjtracker.request")


def current_request_id() -> str:
    return _request_id.get()


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get()
        if not hasattr(record, "user_id"):
            record.user_id = _loaded_user_id(_request.get())
        # Django attaches the request to its records; it does not serialise, and its
        # string form holds the query string.
        if hasattr(record, "request") and not isinstance(record.request, str):
            record.request = None
        return True


def _loaded_user_id(request):
    """The signed-in user's id, if the request has loaded its user (never a query here)."""
    if request is None:
        return None
    user = request.__dict__.get("user")
    if isinstance(user, SimpleLazyObject):
        user = None if user._wrapped is empty else user._wrapped
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.pk


class JSONFormatter(JsonFormatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, extras."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "fmt", "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(user_id)s"
        )
        kwargs.setdefault(
            "rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"}
        )
        kwargs.setdefault("datefmt", "%Y-%m-%dT%H:%M:%S")
        super().__init__(*args, **kwargs)

    converter = time.gmtime

    def formatTime(self, record, datefmt=None):  # noqa: N802 (logging's name)
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
        return f"{stamp}.{int(record.msecs):03d}Z"

    def process_log_record(self, log_record):
        log_record.pop("request", None)
        if log_record.get("status_code") is None:
            log_record.pop("status_code", None)
        return super().process_log_record(log_record)


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _INCOMING_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        id_token = _request_id.set(request_id)
        request_token = _request.set(request)
        started = time.monotonic()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            response["X-Request-ID"] = request_id
            return response
        finally:
            log.log(
                logging.WARNING if status >= 500 else logging.INFO,
                "%s %s %s",
                request.method,
                request.path,
                status,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": status,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                    "client": client_ip(request),
                },
            )
            _request.reset(request_token)
            _request_id.reset(id_token)
