"""URL configuration: the staff pages of each app, sign-in and out, and the admin."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, register_converter
from django.views.generic import TemplateView

from actions.views.home import home
from yjtracker.ids import IdConverter, TokenConverter

register_converter(IdConverter, "id")
register_converter(TokenConverter, "token")

urlpatterns = [
    path("", home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
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
