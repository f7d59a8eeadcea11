"""Creating and revoking access tokens, and giving a calendar feed a new secret address."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from asystent.models import User
from asystent.two_factor import requires_two_factor

from .models import AccessToken, CalendarFeed, TokenScope, digest, new_secret

# A token lives at most a year: a forgotten one stops working by itself.
MAX_TOKEN_DAYS = 365
# The last use is written at most once a minute, not on every request.
LAST_USE_RESOLUTION = dt.timedelta(minutes=1)


def ensure_may_hold_tokens(user: User, *, verified: bool) -> None:
    """Managers and administrators hold tokens only after their two-step login: a token made from
    a session that skipped it would be a way around it."""
    if requires_two_factor(user) and not verified:
        raise PermissionDenied(_("Finish the two-step login before creating an access token."))


def create_token(
    *, user: User, name: str, expires_on: dt.date, scope: str, verified: bool
) -> tuple[AccessToken, str]:
    """The new token and its secret, which is never stored and cannot be shown again."""
    ensure_may_hold_tokens(user, verified=verified)
    today = timezone.localdate()
    if expires_on <= today:
        raise ValidationError({"expires_on": _("The expiry date must be in the future.")})
    if expires_on > today + dt.timedelta(days=MAX_TOKEN_DAYS):
        raise ValidationError({"expires_on": _("A token can be valid for at most a year.")})
    if scope not in TokenScope.values:
        raise ValidationError({"scope": _("Choose the token's scope.")})
    secret = new_secret()
    expires_at = timezone.make_aware(dt.datetime.combine(expires_on, dt.time.max))
    token = AccessToken.objects.create(
        user=user, name=name, digest=digest(secret), prefix=secret[:8], scope=scope, expires_at=expires_at
    )
    return token, secret


def revoke_token(*, token: AccessToken, by: User) -> AccessToken:
    if token.user_id != by.pk:
        raise PermissionDenied
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def find_token(secret: str) -> AccessToken | None:
    """The usable token with this secret (not revoked, not expired, its owner active), else None."""
    token = AccessToken.objects.usable().select_related("user").filter(digest=digest(secret)).first()
    if token is not None:
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USE_RESOLUTION:
            AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
    return token


def new_feed_address(*, user: User) -> str:
    """A new secret for the user's calendar feed; the old address stops working at once."""
    secret = new_secret()
    with transaction.atomic():
        CalendarFeed.objects.update_or_create(
            user=user, defaults={"digest": digest(secret), "created_at": timezone.now(), "last_used_at": None}
        )
    return secret


def find_feed(secret: str) -> CalendarFeed | None:
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(digest=digest(secret), user__is_active=True)
        .first()
    )
    if feed is not None:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=timezone.now())
    return feed
