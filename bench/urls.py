"""The project's URLs plus the benchmark's floor: the cheapest page a logged-in user can get."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path
from django.views.decorators.http import require_GET

from asystent.http import AuthenticatedHttpRequest
from asystent.urls import urlpatterns as project_urlpatterns
from notifications.models import Notification

# The site's layout (navigation, unread badge) around one number: what every page costs at least.
FLOOR_TEMPLATE = engines["django"].from_string(
    '{% extends "base.html" %}{% block content %}<p>{{ count }}</p>{% endblock %}'
)


@require_GET
def floor(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A minimal logged-in page whose view does one query."""
    count = Notification.objects.filter(recipient=request.user).count()
    return HttpResponse(FLOOR_TEMPLATE.render({"count": count}, request))


urlpatterns = [*project_urlpatterns, path("bench/floor/", floor, name="bench-floor")]
