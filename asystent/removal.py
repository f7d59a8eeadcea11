"""No hard delete: a record added by mistake is marked removed (who, when, why), left out of every
read through its default manager, and a manager may restore it; the history keeps both steps.

One abstract model (`SoftRemovable`) with its managers, and one pair of services (`remove`,
`restore`) used by every app whose records can be removed (family members, visits)."""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from .errors import InvalidTransition
from .history import attribute_change
from .limits import REASON, limited

if TYPE_CHECKING:
    from .models import User


class RemovalTexts(NamedTuple):
    """What the services say about one kind of record."""

    reason_missing: StrOrPromise
    already_removed: StrOrPromise
    not_removed: StrOrPromise


M = TypeVar("M", bound=models.Model)


class SoftRemovableQuerySet(models.QuerySet[M]):
    def removed(self) -> "SoftRemovableQuerySet[M]":
        return self.filter(removed_at__isnull=False)


class PresentManager(models.Manager[M]):
    """The default manager: records removed as added by mistake are left out (lists, counts,
    documents, statistics, reverse relations). `all_objects` reaches all of them."""

    def get_queryset(self) -> models.QuerySet[M]:
        return super().get_queryset().filter(removed_at__isnull=True)


class SoftRemovable(models.Model):
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True, editable=False)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
        verbose_name=_("removed by"),
    )
    removal_reason = models.TextField(_("reason for removal"), blank=True, editable=False, **limited(REASON))

    # Each kind of record names its own permission to remove (its app's permissions.py) and words.
    removal_permission: ClassVar[str]
    removal_texts: ClassVar[RemovalTexts]

    class Meta:
        abstract = True

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None


R = TypeVar("R", bound=SoftRemovable)


def _locked(obj: R) -> R:
    manager: Any = type(obj).all_objects  # type: ignore[attr-defined]  # each concrete model has one
    locked: R = manager.select_for_update().get(pk=obj.pk)
    return locked


def remove(
    obj: R, *, by: "User", reason: str, refusal: Callable[[R], StrOrPromise | None] | None = None
) -> R:
    """Mark `obj` removed by `by` for `reason` (its history names both); `refusal` may name why
    this record cannot be removed (checked on the locked row)."""
    texts = obj.removal_texts
    reason = (reason or "").strip()
    if not reason:
        raise InvalidTransition(texts.reason_missing)
    with transaction.atomic():
        target = _locked(obj)
        if target.is_removed:
            raise InvalidTransition(texts.already_removed)
        if not by.has_perm(target.removal_permission, target):
            raise PermissionDenied
        refused = refusal(target) if refusal is not None else None
        if refused:
            raise InvalidTransition(refused)
        target.removed_at = timezone.now()
        target.removed_by = by
        target.removal_reason = reason
        _bump_version(target)
        attribute_change(target, by, reason="removed")
        target.save()
    return target


def restore(obj: R, *, by: "User") -> R:
    """Undo a removal: the record is back where it was (a manager's decision)."""
    if not by.has_perm("asystent.restore_removed", obj):
        raise PermissionDenied
    with transaction.atomic():
        target = _locked(obj)
        if not target.is_removed:
            raise InvalidTransition(obj.removal_texts.not_removed)
        target.removed_at = None
        target.removed_by = None
        target.removal_reason = ""
        _bump_version(target)
        attribute_change(target, by, reason="restored")
        target.save()
    return target


def _bump_version(obj: models.Model) -> None:
    # Records that guard against lost updates carry a version; a removal is a change of them.
    if hasattr(obj, "version"):
        obj.version += 1
