"""URL configuration: the staff pages of each app, accounts, health checks and the admin."""

from allauth.account import views as account_views
from allauth.account.decorators import secure_admin_login
from allauth.socialaccount import views as social_views
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, register_converter
from django.views.generic import RedirectView, TemplateView

from actions.views.home import home
from yjtracker import health
from yjtracker.ids import IdConverter, TokenConverter

register_converter(IdConverter, "id")
register_converter(TokenConverter, "token")

# The admin signs in through the one sign-in page, so its people give their second factor.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("accounts/login/", account_views.login, name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Connecting another sign-in to an existing account is not offered: single sign-on
    # links only by an e-mail address an administrator verified.
    path(
        "accounts/3rdparty/",
        RedirectView.as_view(pattern_name="account"),
        name="social_connections_off",
    ),
    # A failed single sign-on leaves the person signed out: they must see why.
    path(
        "accounts/3rdparty/login/error/",
        login_not_required(social_views.login_error),
        name="sso_error",
    ),
    # django-allauth: password reset and change, e-mail change, two-factor set-up and
    # sign-in, single sign-on callbacks. Tests treat these as one block (see
    # tests/test_accounts.py), apart from the names above.
    path("accounts/", include("allauth.urls")),
    path(
        "accessibility/",
        login_not_required(TemplateView.as_view(template_name="accessibility.html")),
        name="accessibility",
    ),
    path("", include("inspections.urls")),
    path("", include("actions.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "yjtracker.views.permission_denied"
handler404 = "yjtracker.views.page_not_found"
handler500 = "yjtracker.views.server_error"
