"""The account pages for personal API tokens: make one (shown once), and revoke one.

Any signed-in user may make tokens for themselves; a token sees what they see. Making and
revoking are POSTs (CSRF-protected), recorded on the token and in the security log. The new
token is never stored: it waits in the server-side session only until the next page shows
it, once.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from actions.api import tokens
from actions.api.forms import ApiTokenForm
from actions.api.models import ApiToken
from actions.views.actions import submit
from inspections import permissions as perms

NEW_TOKEN_KEY = "yjtracker_new_api_token"  # noqa: S105 (a session key)


def api_token_create(request):
    form = ApiTokenForm(request.POST or None)

    def write(data):
        token, secret = tokens.api_token_create(user=request.user, name=data["name"])
        request.session[NEW_TOKEN_KEY] = {"id": token.pk, "secret": secret}
        return token

    if submit(request, form, write, lambda token: f"API token “{token.name}” created."):
        return redirect("api_token_created")
    return render(request, "actions/api_token_form.html", {"form": form})


def api_token_created(request):
    """Shows the new token once: the session forgets it as the page is made."""
    new = request.session.pop(NEW_TOKEN_KEY, None)
    token = (
        ApiToken.objects.for_user(request.user).active().filter(pk=new["id"]).first()
        if isinstance(new, dict)
        else None
    )
    if token is None:
        messages.info(
            request,
            "A token is shown only once, when it is made. If you did not copy it, revoke it "
            "and make a new one.",
        )
        return redirect("account")
    context = {
        "token": token,
        "secret": new["secret"],
        "api_url": request.build_absolute_uri(reverse("api:index")),
    }
    return render(request, "actions/api_token_created.html", context)


@require_POST
def api_token_revoke(request, pk: int):
    token = perms.get_for_user(request.user, ApiToken.objects.select_related("user"), pk)
    if tokens.api_token_revoke(token=token, by=request.user):
        messages.success(
            request,
            f"API token “{token.name}” revoked. Anything that used it can no longer read "
            "from yjtracker.",
        )
    else:
        messages.info(request, f"API token “{token.name}” was already revoked.")
    return redirect("account")
