"""The error page people see: the normal one even with DEBUG on (the embedded mode of `make run`).

Django shows its technical page, with the settings and everything posted, to anyone when DEBUG is
on. That page comes from DEFAULT_EXCEPTION_REPORTER, so this reporter renders templates/500.html
instead; the traceback still reaches the console through the `django.request` log. Set
TECHNICAL_ERROR_PAGES=true on a developer's own machine to get the technical page back.
"""

import sys
from collections.abc import Callable

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.debug import ExceptionReporter


class PublicErrorReporter(ExceptionReporter):
    def get_traceback_html(self) -> SafeString:
        # As Django's own server_error view: no request context, so the page cannot fail again.
        return render_to_string("500.html")

    def get_traceback_text(self) -> SafeString:
        # The plain-text page (no HTML in it): only the apology, never the traceback.
        apology = _(
            "Something went wrong on our side. Nothing you saved has been lost; please try again in a moment."
        )
        return SafeString(apology)  # nosec B703 B308 - our own translated sentence, no input in it


# --- the database not answering: "try again" (503), never a 500 -----------------------------------

# A restart of PostgreSQL takes a few seconds; the browser, a proxy or a program may come back then.
RETRY_AFTER_SECONDS = 10
_UNAVAILABLE = "_asystent_database_unavailable"


def _database_error(error: BaseException | None) -> bool:
    while error is not None:
        if isinstance(error, OperationalError | InterfaceError):
            return True
        error = error.__cause__ or error.__context__
    return False


@receiver(got_request_exception)
def _remember_database_errors(sender: object, request: HttpRequest | None = None, **kwargs: object) -> None:
    """Django sends this inside its `except`, for an error in a view or in any middleware."""
    if request is not None and _database_error(sys.exc_info()[1]):
        setattr(request, _UNAVAILABLE, True)


class DatabaseUnavailableMiddleware:
    """First in MIDDLEWARE: a request that failed because the database did not answer (down,
    restarting, a broken connection) gets the "try again" page with 503 and Retry-After instead
    of the server error page. Every change is made in one transaction (the services), so what
    failed was not half-saved. Nothing here reads the database; Django opens a new connection
    for the next request (CONN_HEALTH_CHECKS), so the service recovers by itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, _UNAVAILABLE, False):
            return database_unavailable_response(request)
        return response


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    message = _(
        "The database is not answering for a moment (it may be restarting). Try again in a few "
        "seconds. A change is always saved whole or not at all: if you were saving something, "
        "check in a moment whether it is there, and if not, send it again."
    )
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": message}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html", {"message": message}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
