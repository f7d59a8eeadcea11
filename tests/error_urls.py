"""The project's URLs plus one view that fails, for the error page tests."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from asystent.urls import urlpatterns as project_urlpatterns


def fail(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug in a view")


urlpatterns = [path("test-failure/", fail), *project_urlpatterns]
