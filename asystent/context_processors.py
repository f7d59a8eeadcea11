"""Template context every page needs: the centre's details, read only when a template asks, and
the time the session has left."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .models import Centre


def centre(request: HttpRequest) -> dict:
    return {"centre": SimpleLazyObject(Centre.load)}


def session(request: HttpRequest) -> dict:
    """For the warning before the idle limit (static/js/asystent.js): the seconds left."""
    # A template rendered outside a page (a panel, a test's request) has no session to warn of.
    if (
        not hasattr(request, "session")
        or not getattr(request, "user", None)
        or not request.user.is_authenticated
    ):
        return {}
    from .middleware import session_remaining

    return {
        "session_remaining": session_remaining(request),
        "session_warning": settings.SESSION_WARNING_SECONDS,
    }
