"""At most RENDER_CONCURRENCY PDF/XLSX renders at once in one process.

A board pack as PDF takes seconds of CPU and tens of megabytes; a few people pressing the
button together must not starve every other page of the worker. Past the limit the
person gets a 429 page saying to try again shortly, with a `Retry-After` header, instead of
waiting in a queue that a proxy would time out anyway.
"""

from __future__ import annotations

import functools
import threading
from contextlib import contextmanager

from django.conf import settings
from django.shortcuts import render

_lock = threading.Lock()
_slots: threading.BoundedSemaphore | None = None
_size = 0


def _semaphore() -> threading.BoundedSemaphore:
    global _slots, _size
    with _lock:
        wanted = max(int(settings.RENDER_CONCURRENCY), 1)
        if _slots is None or _size != wanted:
            _slots, _size = threading.BoundedSemaphore(wanted), wanted
        return _slots


@contextmanager
def render_slot():
    """Yields True with a slot held, or False when every slot is taken."""
    slots = _semaphore()
    granted = slots.acquire(blocking=False)
    try:
        yield granted
    finally:
        if granted:
            slots.release()


def too_busy(request):
    response = render(
        request,
        "429.html",
        {"retry_after": settings.RENDER_RETRY_AFTER_SECONDS},
        status=429,
    )
    response["Retry-After"] = str(settings.RENDER_RETRY_AFTER_SECONDS)
    return response


def bounded_renders(*, formats: set[str], parameter: str = "format"):
    """Decorates a view whose ?format= chooses an expensive rendering."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.GET.get(parameter) not in formats:
                return view(request, *args, **kwargs)
            with render_slot() as granted:
                if not granted:
                    return too_busy(request)
                return view(request, *args, **kwargs)

        return wrapper

    return decorate
