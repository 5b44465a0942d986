"""Project-wide request handling: absolute session lifetime and no caching of signed-in pages."""

import time

from django.conf import settings
from django.contrib.auth import logout

SESSION_STARTED_KEY = "yjtracker_session_started"
SESSION_SEEN_KEY = "yjtracker_session_seen"
RENEW_AFTER_SECONDS = 60


class SessionExpiryMiddleware:
    """Ends a signed-in session SESSION_ABSOLUTE_SECONDS after it began, however active.

    Activity renews the idle timeout (SESSION_COOKIE_AGE): the session is saved, and so its
    expiry moved on, when it was last seen over a minute ago, instead of on every request.
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
            if now - request.session.get(SESSION_SEEN_KEY, 0) > RENEW_AFTER_SECONDS:
                request.session[SESSION_SEEN_KEY] = now
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
