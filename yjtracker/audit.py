"""Security log: sign-in success and failure, refused requests, and personal API tokens made,
revoked and refused, with who, what, when.

Records go to the `yjtracker.security` logger (UTC timestamps are added by the handler's
formatter). Passwords are never logged.
"""

import logging

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

log = logging.getLogger("yjtracker.security")


def _address(request) -> str:
    from yjtracker.client_ip import client_ip

    return (client_ip(request) if request is not None else None) or "-"


def _name(user) -> str:
    return user.get_username() if user is not None else "-"


@receiver(user_logged_in)
def signed_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        from yjtracker.accounts.two_factor import SESSION_KEY

        request.session.pop(SESSION_KEY, None)
    log.info("sign-in succeeded user=%s address=%s", user.get_username(), _address(request))


@receiver(user_logged_out)
def signed_out(sender, request, user, **kwargs):
    name = user.get_username() if user is not None else "-"
    log.info("sign-out user=%s address=%s", name, _address(request))


@receiver(user_login_failed)
def sign_in_failed(sender, credentials, request=None, **kwargs):
    log.warning(
        "sign-in failed user=%s address=%s", credentials.get("username", "-"), _address(request)
    )


def refused(request, what: str) -> None:
    user = request.user.get_username() if request.user.is_authenticated else "anonymous"
    log.warning(
        "refused user=%s method=%s path=%s reason=%s",
        user,
        request.method,
        request.path,
        what,
    )


# allauth's account and two-factor events.
_ACCOUNT_EVENTS = {
    "password_changed": ("account", "password changed"),
    "password_reset": ("account", "password reset"),
    "email_changed": ("account", "e-mail address changed"),
    "email_confirmed": ("account", "e-mail address confirmed"),
    "authenticator_added": ("mfa", "two-factor authenticator added"),
    "authenticator_removed": ("mfa", "two-factor authenticator removed"),
    "authenticator_reset": ("mfa", "two-factor recovery codes replaced"),
    "authentication_failed": ("mfa", "two-factor code refused"),
}


def account_event(sender, signal, request=None, **kwargs):
    what = next(text for name, (_, text) in _ACCOUNT_EVENTS.items() if signal is _signal(name))
    user = kwargs.get("user") or getattr(kwargs.get("email_address"), "user", None)
    level = logging.WARNING if "refused" in what else logging.INFO
    log.log(level, "%s user=%s address=%s", what, _name(user), _address(request))


def _signal(name: str):
    from allauth.account import signals as account
    from allauth.mfa import signals as mfa

    return getattr({"account": account, "mfa": mfa}[_ACCOUNT_EVENTS[name][0]], name)


for _event in _ACCOUNT_EVENTS:
    _signal(_event).connect(account_event, dispatch_uid=f"yjtracker.audit.{_event}")


# --- Personal API tokens (never the token itself: only its short visible prefix) ---------


def api_token_created(*, user, token) -> None:
    log.info(
        "api token created user=%s token=%s name=%r",
        user.get_username(),
        token.prefix,
        token.name,
    )


def api_token_revoked(*, by, token) -> None:
    log.info(
        "api token revoked by=%s owner=%s token=%s name=%r",
        by.get_username(),
        token.user.get_username(),
        token.prefix,
        token.name,
    )


def api_refused(request, reason: str, token=None) -> None:
    """An API request refused for its token (missing, wrong, revoked, deactivated account)
    or its rate."""
    log.warning(
        "api refused token=%s user=%s method=%s path=%s address=%s reason=%s",
        token.prefix if token is not None else "-",
        token.user.get_username() if token is not None else "-",
        request.method,
        request.path,
        _address(request),
        reason,
    )
