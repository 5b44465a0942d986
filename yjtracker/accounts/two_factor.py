"""Who must use two-factor sign-in, and the middleware that holds them to it.

MFA_REQUIRED_FOR lists roles (default: administrator, chair). `administrator` covers
superusers and staff (the Django admin) as well as a service's administrators. Such a
person, signed in without a TOTP authenticator, is sent to set one up before any other page
(the admin included); once it is set up, allauth asks for a code at every sign-in.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

SESSION_KEY = "yjtracker_two_factor_ok"

# Pages a person must reach to set up two-factor sign-in, or to leave.
ALLOWED_URL_NAMES = {
    "mfa_index",
    "mfa_activate_totp",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
    "mfa_authenticate",
    "mfa_reauthenticate",
    "account_reauthenticate",
    "account_logout",
    "logout",
    "healthz",
    "readyz",
    "accessibility",
}


def required_roles() -> set[str]:
    return {role.strip().lower() for role in settings.MFA_REQUIRED_FOR if role.strip()}


def two_factor_required(user) -> bool:
    roles = required_roles()
    if not roles or not user.is_authenticated:
        return False
    if "administrator" in roles and (user.is_superuser or user.is_staff):
        return True
    from inspections.models import ServiceRole

    return ServiceRole.objects.filter(user=user, role__in=roles).exists()


def has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class RequireTwoFactorMiddleware:
    """Sends a person who must use two-factor sign-in, and has not set it up, to set it up.

    The outcome is remembered in the session (cleared at every sign-in), so a signed-in
    page costs no query for it once passed.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and required_roles()
            and request.session.get(SESSION_KEY) != user.pk
        ):
            if not two_factor_required(user) or has_totp(user):
                request.session[SESSION_KEY] = user.pk
            elif not self._allowed(request):
                messages.info(
                    request,
                    "Your role needs two-factor sign-in. Set up an authenticator app to continue.",
                )
                return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    @staticmethod
    def _allowed(request) -> bool:
        from django.urls import Resolver404, resolve

        if request.path.startswith(settings.STATIC_URL):
            return True
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.url_name in ALLOWED_URL_NAMES
