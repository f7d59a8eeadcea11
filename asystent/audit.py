"""The read audit: every view of a family file, download and export writes one AccessLog row."""

from django.db import models
from django.http import HttpRequest

from .models import AccessLog


class AccessAction(models.TextChoices):
    VIEW = "view"
    DOWNLOAD = "download"
    EXPORT = "export"


def log_access(request: HttpRequest, *, family_id: int | None, obj: models.Model, action: str) -> AccessLog:
    """Record the access; a failure propagates so that the content is not served unrecorded."""
    user = request.user
    return AccessLog.objects.create(
        user=user,
        roles=",".join(user.roles),
        family_id=family_id,
        object_type=obj._meta.model_name,
        object_id=obj.pk,
        action=action,
        ip_address=request.META.get("REMOTE_ADDR") or None,
    )
