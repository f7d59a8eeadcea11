"""The address the application is served at, for links that leave it (e-mails).

`SITE_URL` when it is set (production: set it). Otherwise, so that `make run PORT=8101` links to
port 8101: the address of the request being answered (an e-mail sent while answering it, e.g. by
an eager task in the embedded mode); without a request, the address `runserver` was started on
(read from its command line); else the first concrete host of ALLOWED_HOSTS (https with DEBUG off).
"""

import contextvars
import sys
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

RUNSERVER_DEFAULT_PORT = "8000"
_request_origin: contextvars.ContextVar[str | None] = contextvars.ContextVar("site_origin", default=None)


class SiteUrlMiddleware:
    """Remember the scheme and host (validated against ALLOWED_HOSTS) of the request being answered."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request_origin.set(f"{request.scheme}://{request.get_host()}")
        try:
            return self.get_response(request)
        finally:
            _request_origin.reset(token)


def _runserver_address() -> str | None:
    """http://host:port that this process's `runserver` listens on, or None if it is not runserver."""
    args = sys.argv[1:]
    if "runserver" not in args:
        return None
    positional = [arg for arg in args[args.index("runserver") + 1 :] if not arg.startswith("-")]
    host, port = "127.0.0.1", RUNSERVER_DEFAULT_PORT
    if positional:
        addrport = positional[0]
        if addrport.isdigit():
            port = addrport
        else:
            host, _sep, port = addrport.rpartition(":")
            port = port or RUNSERVER_DEFAULT_PORT
    if host in {"0.0.0.0", "", "0"}:  # noqa: S104  # nosec B104 - an address to reach, not to bind
        host = "127.0.0.1"
    return f"http://{host}:{port}"


def _allowed_host_address() -> str | None:
    for host in settings.ALLOWED_HOSTS:
        if host and host != "*" and not host.startswith("."):
            if settings.DEBUG:
                return f"http://{host}:{RUNSERVER_DEFAULT_PORT}"
            return f"https://{host}"
    return None


def site_url() -> str:
    """The application's address without a trailing slash (see the module's docstring)."""
    configured = getattr(settings, "SITE_URL", "") or ""
    if configured:
        return configured.rstrip("/")
    return (
        _request_origin.get()
        or _runserver_address()
        or _allowed_host_address()
        or f"http://127.0.0.1:{RUNSERVER_DEFAULT_PORT}"
    )
