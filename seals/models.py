"""The centre's seal certificates: the one in use, and the earlier ones whose public part is kept
so that documents sealed with them are still checked against their chain."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from asystent import dates


class SealCertificate(models.Model):
    """One uploaded certificate of the centre's seal. Only the one in use (`active`) keeps its
    private key, encrypted (seals.services); replacing or removing it erases the key and keeps the
    certificate and its chain, which are public, for checking what was sealed with it."""

    subject = models.CharField(_("subject"), max_length=1000)
    issuer = models.CharField(_("issuer"), max_length=1000)
    serial_number = models.CharField(_("serial number"), max_length=100)
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"))
    fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64)
    # DER of the certificate; PEM of the certificates given with it (its chain), both public.
    certificate = models.BinaryField()
    chain_pem = models.TextField(blank=True)
    # The private key (PKCS#8 DER), encrypted with the key from SEAL_ENCRYPTION_KEY (Fernet).
    encrypted_key = models.BinaryField(blank=True, default=b"")
    active = models.BooleanField(_("in use"), default=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    retired_at = models.DateTimeField(_("no longer in use since"), null=True, blank=True)

    class Meta:
        verbose_name = _("seal certificate")
        verbose_name_plural = _("seal certificates")
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            *dates.datetime_range_constraints(
                "seal_certificate", "not_before", "not_after", "uploaded_at", "retired_at"
            ),
            models.UniqueConstraint(fields=["active"], condition=Q(active=True), name="seal_one_in_use"),
            models.CheckConstraint(
                condition=Q(active=False) | (~Q(encrypted_key=b"") & Q(retired_at__isnull=True)),
                name="seal_in_use_has_key",
                violation_error_message=_("The certificate in use has its key."),
            ),
            models.CheckConstraint(
                condition=Q(not_after__gt=models.F("not_before")),
                name="seal_validity_ordered",
                violation_error_message=_("A certificate's validity ends after it begins."),
            ),
        ]

    def __str__(self) -> str:
        return self.subject
