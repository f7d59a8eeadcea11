"""The request of a page behind the login, typed so: `request.user` is a `User`, never anonymous.

LoginRequiredMiddleware sends anonymous visitors to the login page before any view runs (except
the few marked `login_not_required`), so views that take this type may use the user's roles
directly. It exists for the type checker only; Django passes the same HttpRequest object.
"""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from .models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
    htmx: HtmxDetails  # set by django_htmx's HtmxMiddleware


class TwoFactorHttpRequest(HttpRequest):
    """A request through the two-step login middleware, which tells the layout whether the login
    still waits for its second step (then the layout shows no navigation)."""

    two_factor_pending: bool
