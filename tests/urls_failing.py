"""The project's URLs plus one page that fails, to see what a server error leaves behind."""

from django.urls import path

from yjtracker.urls import handler403, handler404, handler500, urlpatterns  # noqa: F401


def failing_page(request):
    raise RuntimeError("the database fell over while reading Jo Bloggs's update")


urlpatterns = [path("failing-page/", failing_page, name="failing_page"), *urlpatterns]
