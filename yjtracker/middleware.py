"""Project-wide request handling: absolute session lifetime and no caching of signed-in pages."""

import time

from django.conf import settings
from django.contrib.auth import logout

SESSION_STARTED_KEY = "yjtracker_session_started"


class SessionExpiryMiddleware:
    """Ends a signed-in session SESSION_ABSOLUTE_SECONDS after it began, however active.

    The idle timeout is Django's own (SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST).
    Sign-in rotates the session key, so a fresh session has no start stamp until its first
    request after sign-in.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            started = request.session.get(SESSION_STARTED_KEY)
            if started is None:
                request.session[SESSION_STARTED_KEY] = now
            elif now - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
        return self.get_response(request)


class NoStoreMiddleware:
    """Signed-in pages hold sensitive data: browsers and proxies must not keep them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            response["Cache-Control"] = "no-store"
        return response
