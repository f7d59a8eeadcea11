"""Personal access tokens for the REST API, the idempotency keys of its creates, and the secret
addresses of the calendar feeds. Secrets are stored only as their SHA-256 digests."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from asystent import dates


class TokenScope(models.TextChoices):
    READ = "read", _("read")
    WRITE = "write", _("read and write")


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class AccessTokenQuerySet(models.QuerySet["AccessToken"]):
    def usable(self) -> "AccessTokenQuerySet":
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now(), user__is_active=True)


class AccessToken(models.Model):
    """A personal access token: the API acts as its owner, within its scope, until it expires or
    is revoked. Only the digest is kept; the token itself is shown once, when it is created."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="access_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=100)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("beginning of the token"), max_length=8, editable=False)
    scope = models.CharField(_("scope"), max_length=10, choices=TokenScope.choices, default=TokenScope.READ)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = AccessTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("access token")
        verbose_name_plural = _("access tokens")
        ordering = ["-created_at", "-pk"]
        constraints = [
            *dates.datetime_range_constraints(
                "access_token", "created_at", "expires_at", "last_used_at", "revoked_at"
            ),
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")), name="token_expires_after_creation"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def allows_writes(self) -> bool:
        return self.scope == TokenScope.WRITE


class IdempotencyKey(models.Model):
    """An `Idempotency-Key` a user sent with a create: the same key twice gives the first result.
    The unique constraint makes a concurrent second request wait for the first and then find it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    # The request's body, hashed: the same key with another body is refused, not answered.
    fingerprint = models.CharField(max_length=64)
    visit = models.ForeignKey("visits.Visit", on_delete=models.CASCADE, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once_per_user"),
            *dates.datetime_range_constraints("idempotency_key", "created_at"),
        ]

    def __str__(self) -> str:
        return self.key


class CalendarFeed(models.Model):
    """The secret address of a user's calendar feed; a new one ends the old one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            *dates.datetime_range_constraints("calendar_feed", "created_at", "last_used_at"),
        ]

    def __str__(self) -> str:
        return str(self.user)
