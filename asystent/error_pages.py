"""The error page people see: the normal one even with DEBUG on (the embedded mode of `make run`).

Django shows its technical page, with the settings and everything posted, to anyone when DEBUG is
on. That page comes from DEFAULT_EXCEPTION_REPORTER, so this reporter renders templates/500.html
instead; the traceback still reaches the console through the `django.request` log. Set
TECHNICAL_ERROR_PAGES=true on a developer's own machine to get the technical page back.
"""

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
