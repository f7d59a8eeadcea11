"""The printed documents rendered from a family's data (opinions, work plans, monthly visit logs,
assignment letters, a person's copy of their data): one row per rendering, keyed by (kind, object,
version)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from asystent import dates
from asystent.files import private_storage
from cases.models import Case, Family

from .enums import DocumentKind, DocumentStatus, Owner


class RenderedDocumentQuerySet(models.QuerySet["RenderedDocument"]):
    def visible_to(self, user) -> "RenderedDocumentQuerySet":  # noqa: ANN001
        """The one rule of who sees a printed document, by its kind's owner
        (`documents.enums.Owner`, declared by `documents.kinds.KindSpec.owner`): a case's document
        whoever sees the case; a family's whoever sees the family; a worker's the worker and the
        managers; the centre's nobody but its readers. The kind's `readers` (roles) narrow it."""
        # The registry of kinds is filled by the apps above, once they are loaded.
        from .kinds import kinds_owned_by, readable_kinds

        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        worker = Q(worker__isnull=False) if user.is_manager else Q(worker=user)
        owned = (
            Q(kind__in=kinds_owned_by(Owner.CASE), case__in=Case.objects.visible_to(user))
            | Q(kind__in=kinds_owned_by(Owner.FAMILY), family__in=Family.objects.visible_to(user))
            | (Q(kind__in=kinds_owned_by(Owner.WORKER)) & worker)
            | Q(kind__in=kinds_owned_by(Owner.CENTRE))
        )
        return self.filter(owned, kind__in=readable_kinds(user))


class RenderedDocument(models.Model):
    """One PDF rendering of a document, keyed by (kind, object, version).

    What the object and version are depends on the kind: the opinion and its version number; the
    case and its work plan's version; the case and the month (YYYYMM) of the visit log; the case
    and the ordinal of its assignment; the family member and the day (YYYYMMDD) of their copy of
    their data, which belongs to no case (`case` is empty); the period (year*10 + part) and the sent
    version (0: the current figures) of the semi-annual report, or the year of the annual report,
    which belong to no family (`case` and `family` empty). The file has a
    deterministic name, so rendering again overwrites it and exactly one file exists per key.
    """

    kind = models.CharField(_("document"), max_length=30, choices=DocumentKind.choices)
    object_id = models.PositiveBigIntegerField()
    version = models.PositiveIntegerField(_("version"))
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="rendered_documents", null=True, blank=True
    )
    # The family the document is about: access checks, the access log and erasure go by it. A
    # worker's document (the assistant's monthly report) is about no one family: it has none.
    family = models.ForeignKey(
        Family, on_delete=models.PROTECT, related_name="rendered_documents", null=True, blank=True
    )
    # The worker a worker's document belongs to (`Owner.WORKER`: monthly report, time sheet, mileage log).
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # The families a worker's document names: erasing one of them deletes the document.
    mentioned_families = models.ManyToManyField(Family, related_name="+", blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=DocumentStatus.choices, default=DocumentStatus.PENDING
    )
    file = models.FileField(storage=private_storage, upload_to="documents/", max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    # The SHA-256 of the HTML the file was rendered from: a live document (a month's visits) whose
    # data has changed since is rendered again when someone asks for it.
    source_digest = models.CharField(max_length=64, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Identifies the latest rendering attempt: an older attempt that finishes late discards its work.
    attempt_token = models.CharField(max_length=32, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rendered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RenderedDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("rendered document")
        verbose_name_plural = _("rendered documents")
        ordering = ["-updated_at", "-pk"]
        constraints = [
            *dates.datetime_range_constraints("rendered_document", "rendered_at", "created_at", "updated_at"),
            models.UniqueConstraint(fields=["kind", "object_id", "version"], name="rendered_document_key"),
            models.CheckConstraint(
                condition=Q(case__isnull=True) | Q(family__isnull=False),
                name="rendered_document_case_has_family",
                violation_error_message=_("A document of a case belongs to the case's family."),
            ),
            models.CheckConstraint(
                condition=~Q(status=DocumentStatus.READY) | (~Q(file="") & ~Q(sha256="")),
                name="rendered_document_ready_has_file",
                violation_error_message=_("A ready document has its file and checksum."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.object_id} v{self.version}"

    def get_absolute_url(self) -> str:
        return reverse("documents:detail", args=[self.pk])

    @property
    def storage_name(self) -> str:
        """documents/<kind>/<object>-v<version>.pdf: the same name on every rendering."""
        return f"documents/{self.kind}/{self.object_id}-v{self.version}.pdf"

    @property
    def in_progress(self) -> bool:
        return self.status in (DocumentStatus.PENDING, DocumentStatus.RENDERING)

    @property
    def is_ready(self) -> bool:
        return self.status == DocumentStatus.READY

    @property
    def failed(self) -> bool:
        return self.status == DocumentStatus.FAILED
