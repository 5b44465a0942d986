"""Error pages in the house style."""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader

from yjtracker import audit


def permission_denied(request, exception):
    audit.refused(request, str(exception) or "permission denied")
    return render(request, "403.html", {"exception": str(exception)}, status=403)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    # No request context: the failure may be in a context processor or the database.
    return HttpResponseServerError(loader.get_template("500.html").render())
