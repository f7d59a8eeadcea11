"""Request-wide protections: forwarded headers only from trusted proxies, an absolute session
lifetime, no caching of personal data, and a password set by someone else changed first."""

import ipaddress
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, resolve_url
from django.utils.translation import gettext as _

from . import drafts

SESSION_STARTED_KEY = "asystent_login_at"
SESSION_TOUCHED_KEY = "asystent_touched_at"
FORWARDED_HEADERS = ("HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_HOST")
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _networks(entries: tuple[str, ...]) -> list[Network]:
    return [ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip()]


def _address(text: str) -> Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


class TrustedProxyMiddleware:
    """X-Forwarded-Proto and X-Forwarded-For count only when the request comes from a proxy named
    in TRUSTED_PROXIES; from anyone else they are dropped, so a client can claim neither HTTPS
    nor another address. Behind a trusted proxy REMOTE_ADDR becomes the client's address: the
    nearest one in X-Forwarded-For that is not itself a trusted proxy (what is further left was
    written by the client and proves nothing).

    Written here rather than taken from a library: the maintained ones (django-ipware, django-xff)
    find the address but do not also gate SECURE_PROXY_SSL_HEADER on the same list."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        trusted = _networks(tuple(settings.TRUSTED_PROXIES))
        meta = request.META
        remote = _address(meta.get("REMOTE_ADDR", ""))
        if remote is not None and any(remote in network for network in trusted):
            client = self._client(meta.get("HTTP_X_FORWARDED_FOR", ""), trusted)
            if client is not None:
                meta["REMOTE_ADDR"] = str(client)
        else:
            for header in FORWARDED_HEADERS:
                meta.pop(header, None)
        return self.get_response(request)

    @staticmethod
    def _client(forwarded_for: str, trusted: list[Network]) -> Address | None:
        client = None
        for entry in reversed(forwarded_for.split(",")):
            address = _address(entry)
            if address is None:
                break
            client = address
            if not any(address in network for network in trusted):
                break
        return client


class SessionLifetimeMiddleware:
    """Sessions end 12 hours after login at the latest, however active, and after
    SESSION_COOKIE_AGE (30 minutes) without a request.

    Activity renews the idle limit, but the session row is rewritten at most once per
    SESSION_REFRESH_SECONDS rather than on every request (a write per page would cost every page a
    transaction), so the idle limit is measured from the last renewal, at most that much earlier
    than the last request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        logged_in = request.user.is_authenticated
        if logged_in:
            started = request.session.get(SESSION_STARTED_KEY)
            if started is None:
                request.session[SESSION_STARTED_KEY] = int(time.time())
            elif time.time() - started > settings.SESSION_MAX_LIFETIME:
                user_id = request.user.pk
                logout(request)
                # A form sent now is kept for the same person to send again after logging in.
                return drafts.login_redirect(request, user_id=user_id)
            now = int(time.time())
            if now - request.session.get(SESSION_TOUCHED_KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
                request.session[SESSION_TOUCHED_KEY] = now  # saved with a new expiry and cookie
        response = self.get_response(request)
        # The account logged in in this browser is remembered (signed) until it logs out, so that
        # the login page can say the session ended and a kept form goes back to that account only.
        if request.user.is_authenticated:
            if drafts.last_user_id(request) != request.user.pk:
                drafts.remember_user(response, request.user.pk)
        elif drafts.LAST_USER_COOKIE in request.COOKIES and (logged_in or _is_logout(request)):
            drafts.forget_user(response)
        return response


def _is_logout(request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and match.view_name == "logout"


def session_remaining(request: HttpRequest) -> int:
    """Seconds until the session ends without further activity: the idle limit counted from the
    last renewal, or the absolute lifetime, whichever comes first."""
    now = time.time()
    touched = request.session.get(SESSION_TOUCHED_KEY) or now
    started = request.session.get(SESSION_STARTED_KEY) or now
    idle = settings.SESSION_COOKIE_AGE - (now - touched)
    absolute = settings.SESSION_MAX_LIFETIME - (now - started)
    return max(0, int(min(idle, absolute)))


class DraftKeepingLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Django's login requirement, except that a form sent after the session ended is kept
    (asystent.drafts) and the login page leads back to it."""

    def handle_no_permission(self, request: HttpRequest, view_func) -> HttpResponseRedirect:  # noqa: ANN001
        login_url = resolve_url(self.get_login_url(view_func))
        return drafts.login_redirect(request, user_id=drafts.last_user_id(request), login_url=login_url)


class DraftRestoreMiddleware:
    """After logging in, the page of a kept form (`?draft=<token>`) gets the typed fields back in
    `request.restored_draft` (filled in by the page's script); nothing is saved until it is sent."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:  # noqa: ANN001
        # After the two-step login and the password change, which redirect before this runs.
        token = request.GET.get(drafts.DRAFT_PARAM)
        if token and request.method == "GET" and request.user.is_authenticated:
            try:
                draft = drafts.take_draft(token, user_id=request.user.pk)
            except drafts.DraftRefused:
                messages.warning(
                    request, _("The form data kept after the session ended belongs to another account.")
                )
            else:
                if draft is not None:
                    request.restored_draft = draft  # type: ignore[attr-defined]
                    messages.info(
                        request,
                        _(
                            "The form data you typed before the session ended has been restored. "
                            "Check it and send the form: nothing has been saved yet."
                        ),
                    )


class NoStoreMiddleware:
    """Pages shown to a logged-in user carry personal data: browsers and proxies must not keep them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # A view that forbids storing already (a private download: "private, no-store") keeps its
        # own header.
        if (
            request.user.is_authenticated
            and not request.path.startswith(settings.STATIC_URL)
            and "no-store" not in response.get("Cache-Control", "")
        ):
            response["Cache-Control"] = "no-store"
        return response


PASSWORD_CHANGE_EXEMPT_URL_NAMES = {
    "login",
    "logout",
    "healthz",
    "password_change",
    "password_change_done",
    "two-factor-verify",
    "two-factor-setup",
    "set_language",
}


class PasswordChangeRequiredMiddleware:
    """A password set by someone else (the administrator) is changed by its owner first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):  # noqa: ANN001, ANN201
        user = request.user
        if not (user.is_authenticated and getattr(user, "must_change_password", False)):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in PASSWORD_CHANGE_EXEMPT_URL_NAMES:
            return None
        messages.warning(
            request, _("Your password was set by someone else. Choose your own password to continue.")
        )
        return redirect("password_change")
