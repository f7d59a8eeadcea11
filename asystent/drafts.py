"""Nothing typed into a form is lost when the session ends before it is sent.

A form sent without a valid session (the idle limit passed, or the absolute lifetime) is kept on
the server, its fields (never files) encrypted with a key derived from SECRET_KEY, for at most
DRAFT_LIFETIME. The login page is reached with a `next` address carrying the draft's token; after
logging in the person lands on the page of the form, and the page fills the form in again
(static/js/asystent.js) without saving anything until the person sends it.

Only the account whose session ended may take the draft back: that account is known from the
signed LAST_USER_COOKIE (set while someone is logged in, removed when they log out) or from the
session that ended; a draft from a browser that named nobody but still sent its ended session's
cookie goes to the first account that logs in with its token. A browser that never logged in
gets no draft. A draft is deleted when it is taken back, and by the daily clean-up when it
expires.
"""

import base64
import datetime as dt
import hashlib
import json
import secrets
from urllib.parse import urlencode, urlsplit

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from .models import PendingDraft

DRAFT_LIFETIME = dt.timedelta(hours=24)
DRAFT_PARAM = "draft"
LAST_USER_COOKIE = "asystent_last_user"
LAST_USER_SALT = "asystent.drafts.last-user"
# Fields that are not what the person typed: the CSRF token is renewed by the page that shows the
# form again, and login forms never hold anything worth keeping.
SKIPPED_FIELDS = frozenset({"csrfmiddlewaretoken"})
NOT_KEPT_PATHS = ("/login/", "/logout/", "/session/")


def _fernet() -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"asystent.pending-drafts").derive(
        settings.SECRET_KEY.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def last_user_id(request: HttpRequest) -> int | None:
    """The account last logged in in this browser, if it did not log out (signed cookie)."""
    try:
        value = request.get_signed_cookie(LAST_USER_COOKIE, salt=LAST_USER_SALT, max_age=DRAFT_LIFETIME)
    except (KeyError, signing.BadSignature):
        return None
    return int(value) if value and value.isdigit() else None


def remember_user(response: HttpResponse, user_id: int) -> None:
    response.set_signed_cookie(
        LAST_USER_COOKIE,
        str(user_id),
        salt=LAST_USER_SALT,
        max_age=int(DRAFT_LIFETIME.total_seconds()),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def forget_user(response: HttpResponse) -> None:
    response.delete_cookie(LAST_USER_COOKIE, samesite="Lax")


def _page_of(request: HttpRequest) -> str:
    """The page that showed the form: the same-site referrer, else the address it was sent to."""
    referrer = request.headers.get("referer", "")
    if referrer and url_has_allowed_host_and_scheme(
        referrer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referrer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.path


def keep_draft(request: HttpRequest, *, user_id: int | None, now: dt.datetime | None = None) -> str | None:
    """Store the fields of the form in `request.POST` encrypted; returns the token that gives them
    back, or None when there is nothing to keep."""
    if request.method != "POST" or request.path.startswith(NOT_KEPT_PATHS):
        return None
    fields = {name: request.POST.getlist(name) for name in request.POST if name not in SKIPPED_FIELDS}
    if not any(value.strip() for values in fields.values() for value in values):
        return None
    now = now or timezone.now()
    token = secrets.token_urlsafe(32)
    payload = json.dumps({"fields": fields, "action": request.path}).encode()
    PendingDraft.objects.create(
        token_hash=_hash(token),
        user_id=user_id,
        page=_page_of(request)[:500],
        action=request.path[:500],
        payload=_fernet().encrypt(payload),
        expires_at=now + DRAFT_LIFETIME,
    )
    return token


class DraftRefused(Exception):
    """The draft belongs to another account."""


def take_draft(token: str, *, user_id: int, now: dt.datetime | None = None) -> dict | None:
    """The draft's fields and the address its form was sent to, for `user_id` only; the draft is
    deleted when taken. None when there is none (expired, taken already, unreadable)."""
    now = now or timezone.now()
    with transaction.atomic():
        draft = (
            PendingDraft.objects.select_for_update()
            .filter(token_hash=_hash(token), expires_at__gt=now)
            .first()
        )
        if draft is None:
            return None
        if draft.user_id is not None and draft.user_id != user_id:
            raise DraftRefused
        payload = bytes(draft.payload)
        draft.delete()
    try:
        data = json.loads(_fernet().decrypt(payload))
    except (InvalidToken, ValueError):
        return None  # written under another SECRET_KEY
    return {"fields": data.get("fields", {}), "action": data.get("action", "")}


def purge_expired_drafts(now: dt.datetime | None = None) -> int:
    deleted, _ = PendingDraft.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted


def login_redirect(
    request: HttpRequest, *, user_id: int | None, login_url: str | None = None
) -> HttpResponseRedirect:
    """The way to the login page for a request without a valid session; a form it carried is kept
    and the address after login leads back to the page of the form with the draft's token.

    Only a browser that was logged in has a form worth keeping: one that names its account, or
    still sends a session cookie the server no longer knows. A POST from a browser that never
    logged in stores nothing (nobody can fill the table without an account)."""
    ended = user_id is not None or settings.SESSION_COOKIE_NAME in request.COOKIES
    token = keep_draft(request, user_id=user_id) if ended else None
    if token is not None:
        page = _page_of(request)
        separator = "&" if "?" in page else "?"
        target = f"{page}{separator}{urlencode({DRAFT_PARAM: token})}"
    else:
        target = request.get_full_path()
    return redirect_to_login(target, login_url or settings.LOGIN_URL)
