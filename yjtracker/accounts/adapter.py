"""Account rules for django-allauth: no open sign-up, known people only, 2FA kept on.

Administrators create accounts (the Django admin); nobody signs themselves up. Single sign-on
signs in a person who already has an account here, matched by an e-mail address that an
administrator marked verified on it; any other identity is refused with a page that says
what to do, and no account is made.
"""

from __future__ import annotations

import logging
import time

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter

from yjtracker.accounts.two_factor import two_factor_required

security = logging.getLogger("yjtracker.security")


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """Setting up two-factor sign-in straight after signing in needs no second password:
        a sign-in in the last REAUTHENTICATION_TIMEOUT seconds is confirmation enough."""
        if app == "allauth.mfa" and self._signed_in_recently():
            return False
        return super().is_reauthentication_required(app=app, **kwargs)

    @staticmethod
    def _signed_in_recently() -> bool:
        from allauth.account import app_settings
        from allauth.account.internal.flows.login import get_authentication_records
        from allauth.core import context

        request = context.request
        if request is None or not request.user.is_authenticated:
            return False
        return any(
            record.get("method") in ("password", "socialaccount")
            and time.time() - record.get("at", 0) < app_settings.REAUTHENTICATION_TIMEOUT
            for record in get_authentication_records(request, request.user)
        )

    def get_client_ip(self, request) -> str:
        from yjtracker.client_ip import client_ip

        return client_ip(request) or super().get_client_ip(request)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def pre_social_login(self, request, sociallogin) -> None:
        """Connecting another sign-in to an account by hand is not offered."""
        if sociallogin.state.get("process") == "connect":
            from allauth.core.exceptions import ImmediateHttpResponse
            from django.shortcuts import redirect

            raise ImmediateHttpResponse(redirect("account"))
        super().pre_social_login(request, sociallogin)

    def authenticate_by_email(self, sociallogin):
        """Link to an existing account only by an address an administrator marked verified
        on it (and the provider says is verified)."""
        found = super().authenticate_by_email(sociallogin)
        if not found:
            return found
        from allauth.account.models import EmailAddress

        user, email = found
        if EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists():
            return found
        security.warning(
            "single sign-on refused: e-mail address not verified on the account user=%s",
            user.get_username(),
        )
        return None

    def is_open_for_signup(self, request, sociallogin) -> bool:
        if sociallogin is not None and not sociallogin.is_existing:
            security.warning(
                "single sign-on refused: no account for this identity provider=%s",
                sociallogin.account.provider,
            )
        return False


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator) -> bool:
        """Someone who must use two-factor sign-in cannot turn it off."""
        if authenticator.type == authenticator.Type.TOTP and two_factor_required(
            authenticator.user
        ):
            return False
        return super().can_delete_authenticator(authenticator)
