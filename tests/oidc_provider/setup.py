"""Creates the provider's people and the app's client registration (argv: redirect URI)."""

import json
import sys

import django

django.setup()

from allauth.account.models import EmailAddress  # noqa: E402
from allauth.idp.oidc.models import Client  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402

redirect_uri, people = sys.argv[1], json.loads(sys.argv[2])
for username, email in people.items():
    user = get_user_model().objects.create_user(username, email, "provider-password-2026")
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
client = Client(id="yjtracker-test", name="yjtracker", type=Client.Type.CONFIDENTIAL)
client.set_secret("yjtracker-test-secret")
client.set_redirect_uris([redirect_uri])
client.set_scopes(["openid", "profile", "email"])
client.set_default_scopes(["openid", "profile", "email"])
client.set_response_types(["code"])
client.set_grant_types(["authorization_code"])
client.skip_consent = True
client.save()
