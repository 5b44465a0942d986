"""Making, revoking and checking personal API tokens, and the per-token rate limit.

A token is `yjt_` and 43 URL-safe characters (`secrets.token_urlsafe(32)`: 256 random bits).
Only its SHA-256 is stored, so a copy of the database gives nobody a working token; a
fast hash is enough for a random secret of that length. Each creation and revocation is
written with who and when on the row and in the security log (`yjtracker.audit`).
"""

from __future__ import annotations

import datetime
import hashlib
import math
import re
import secrets
import time

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from actions.api.models import ApiToken
from yjtracker import audit

TOKEN_START = "yjt_"  # noqa: S105 (every token's visible start)
PREFIX_LENGTH = len(TOKEN_START) + 8  # shown in the clear: "yjt_AbCd1234"
_TOKEN_FORMAT = re.compile(r"yjt_[A-Za-z0-9_-]{43}")
MAX_ACTIVE_TOKENS = 10
LAST_USED_EVERY = datetime.timedelta(minutes=1)  # record use at most once a minute

TOO_MANY_TOKENS = (
    f"You already have {MAX_ACTIVE_TOKENS} API tokens. Revoke one you no longer use first."
)
MISSING = (
    "Send your personal API token in the header 'Authorization: Bearer <token>'. "
    "Create one on your account page in yjtracker."
)
NOT_VALID = (
    "This API token is not valid. Check that you copied all of it, or create a new one on "
    "your account page."
)
REVOKED = "This API token has been revoked. Create a new one on your account page."
DEACTIVATED = "This API token's account has been deactivated."


class TokenRefused(Exception):
    """A request whose token cannot be used; `message` says why, in plain English."""

    def __init__(self, message: str, reason: str, token: ApiToken | None = None):
        super().__init__(message)
        self.message = message
        self.reason = reason  # a short code for the security log
        self.token = token


class RateLimited(Exception):
    def __init__(self, wait_seconds: int, limit: int, period: int):
        self.wait_seconds = wait_seconds
        self.message = (
            f"Too many requests with this API token: at most {limit} every {period} seconds. "
            f"Try again in {wait_seconds} second{'' if wait_seconds == 1 else 's'}."
        )
        super().__init__(self.message)


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """Make a token for `user` (who is also the one making it). Returns the row and the
    token itself, which is never stored and must be shown to the person now."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Enter a name for the token."})
    with transaction.atomic():
        if ApiToken.objects.for_user(user).active().count() >= MAX_ACTIVE_TOKENS:
            raise ValidationError(TOO_MANY_TOKENS)
        secret = TOKEN_START + secrets.token_urlsafe(32)
        token = ApiToken.objects.create(
            user=user, name=name, prefix=secret[:PREFIX_LENGTH], key_hash=hash_token(secret)
        )
    audit.api_token_created(user=user, token=token)
    return token, secret


def api_token_revoke(*, token: ApiToken, by) -> bool:
    """Revoke `token`: its owner, or a superuser in the admin. False if it already was."""
    if by.pk != token.user_id and not by.is_superuser:
        raise PermissionDenied("You can revoke only your own API tokens.")
    now = timezone.now()
    changed = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=now, revoked_by=by
    )
    if changed:
        token.revoked_at, token.revoked_by = now, by
        audit.api_token_revoked(by=by, token=token)
    return bool(changed)


def token_from_header(value: str | None) -> str:
    """The token in an `Authorization: Bearer <token>` header, or TokenRefused."""
    scheme, _, secret = (value or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise TokenRefused(MISSING, "no token")
    return secret.strip()


def api_token_check(secret: str) -> ApiToken:
    """The active token `secret` names, with its user loaded (one query); else TokenRefused.
    Records its use, at most once a minute."""
    if not _TOKEN_FORMAT.fullmatch(secret):
        raise TokenRefused(NOT_VALID, "not a token")
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(secret)).first()
    if token is None:
        raise TokenRefused(NOT_VALID, "unknown token")
    if token.revoked_at is not None:
        raise TokenRefused(REVOKED, "revoked", token)
    if not token.user.is_active:
        raise TokenRefused(DEACTIVATED, "account deactivated", token)
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def rate_limit(token: ApiToken) -> None:
    """Count a request against the token's allowance (API_RATE_LIMIT requests in each
    window of API_RATE_PERIOD seconds); RateLimited once it is spent.

    The counter lives in Django's cache, keyed by the token's hash (never its id, which a
    test database may reuse). With several server processes the cache must be shared
    (e.g. the database cache) for the limit to hold across them; with the default local
    memory cache each process counts on its own."""
    limit, period = settings.API_RATE_LIMIT, settings.API_RATE_PERIOD
    now = time.time()
    window = int(now // period)
    key = f"api-rate:{token.key_hash}:{window}"
    cache = caches["default"]
    cache.add(key, 0, timeout=period + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period + 1)
        count = 1
    if count > limit:
        wait = max(1, math.ceil((window + 1) * period - now))
        raise RateLimited(wait, limit, period)
