"""Who was told: the confirmation after an action that others depend on names the people the
action notified ("Powiadomiono: Katarzyna Kierownicka"), or says that nobody was.

`NotifiedMiddleware` opens a record for each request; `record(users)` (called by
`notifications.services.notify`) adds the recipients of every notification the request sends;
`success(request, message)` puts the view's confirmation with the names of those recorded.
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django_stubs_ext import StrOrPromise

from .models import User

_told: ContextVar[dict[int, User] | None] = ContextVar("asystent_told", default=None)


@contextmanager
def recording() -> Iterator[dict[int, User]]:
    """Record the people notified inside the block (the middleware wraps each request in it)."""
    token = _told.set({})
    try:
        told = _told.get()
        assert told is not None  # noqa: S101 - set on the line above
        yield told
    finally:
        _told.reset(token)


def record(users: Iterable[User]) -> None:
    """The people a notification was sent to (nothing outside a recording)."""
    told = _told.get()
    if told is not None:
        for user in users:
            told[user.pk] = user


def told_names() -> list[str]:
    told = _told.get() or {}
    return sorted({str(user) for user in told.values()})


def with_names(message: StrOrPromise) -> str:
    """`message` and who was told: "Powiadomiono: A, B." or "Nikogo nie powiadomiono."."""
    names = told_names()
    if not names:
        return f"{message} {_('Nobody was notified.')}"
    return f"{message} {_('Notified: %(names)s.') % {'names': ', '.join(names)}}"


def success(request: HttpRequest, message: StrOrPromise) -> None:
    """The success message of an action others depend on, naming who was told."""
    messages.success(request, with_names(message))


class NotifiedMiddleware:
    """Opens the record of the people notified for each request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with recording():
            return self.get_response(request)
