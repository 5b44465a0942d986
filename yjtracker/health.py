"""Health endpoints for load balancers and monitoring, open to anyone, telling nothing.

`/healthz`: the process answers. `/readyz`: the database and file storage answer too.
Either says only "ok" or "unavailable"; the reason for a failure goes to the log.
"""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_not_required
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

log = logging.getLogger("yjtracker.health")


def _plain(text: str, status: int = 200) -> HttpResponse:
    return HttpResponse(text + "\n", content_type="text/plain; charset=utf-8", status=status)


@login_not_required
@never_cache
@require_GET
def healthz(request):
    return _plain("ok")


def _probe_storage() -> None:
    bucket = getattr(default_storage, "bucket_name", None)
    if bucket:  # S3: the bucket itself must answer (a missing object is not enough)
        default_storage.connection.meta.client.head_bucket(Bucket=bucket)
    else:
        default_storage.exists("readyz-probe")


@login_not_required
@never_cache
@require_GET
def readyz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        log.exception("readiness: the database did not answer")
        return _plain("unavailable", 503)
    try:
        _probe_storage()
    except Exception:
        log.exception("readiness: file storage did not answer")
        return _plain("unavailable", 503)
    return _plain("ok")
