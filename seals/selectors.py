"""Reading the centre's seal: the certificate in use, and checking a sealed PDF with pyHanko's
validator against the chains of the certificates the centre uploaded (no other trust anchors)."""

import datetime as dt
import io
import logging
from dataclasses import dataclass

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from .models import SealCertificate
from .services import chain_of, name_of

logger = logging.getLogger(__name__)

# A seal's certificate carries either bit (eIDAS seals commonly nonRepudiation, some digitalSignature).
SEAL_KEY_USAGE = KeyUsageConstraints(
    key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False
)
_SHA256 = hashes.SHA256()


@dataclass(frozen=True)
class SealCheck:
    """A PDF's seal as the validator sees it: who sealed it and when, and whether it holds."""

    subject: str
    sealed_at: dt.datetime | None
    valid: bool
    # Why it does not hold, in plain words ("" when it holds).
    problem: str


def _der(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def validation_context() -> ValidationContext | None:
    """Trust anchored in the uploaded certificates' chains: the self-signed roots given with each
    (or, without one, the top of what was given). Revocation is not fetched (the server does not
    reach out to the certificate authorities); see the README."""
    roots: dict[bytes, asn1_x509.Certificate] = {}
    others: dict[bytes, asn1_x509.Certificate] = {}
    for record in SealCertificate.objects.all():
        own = x509.load_der_x509_certificate(bytes(record.certificate))
        chain = [own, *chain_of(record)]
        self_signed = [c for c in chain if c.issuer == c.subject]
        for certificate in chain:
            others[certificate.fingerprint(_SHA256)] = _der(certificate)
        for certificate in self_signed or chain[-1:]:
            roots[certificate.fingerprint(_SHA256)] = _der(certificate)
    if not roots:
        return None
    return ValidationContext(
        trust_roots=list(roots.values()),
        other_certs=[c for key, c in others.items() if key not in roots],
        allow_fetching=False,
        revocation_mode="soft-fail",
    )


def check_seal(data: bytes) -> SealCheck | None:
    """The seal of the PDF `data` (its last signature), or None when the PDF carries none."""
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception as error:  # noqa: BLE001  # a damaged file: nothing to show but that
        logger.info("Sealed PDF unreadable: %s", type(error).__name__)
        return SealCheck(subject="", sealed_at=None, valid=False, problem=_("The file cannot be read."))
    if not signatures:
        return None
    embedded = signatures[-1]
    subject = ""
    try:
        subject = name_of(x509.load_der_x509_certificate(embedded.signer_cert.dump()).subject)
    except Exception as error:  # noqa: BLE001
        logger.info("Seal's certificate unreadable: %s", type(error).__name__)
    context = validation_context()
    if context is None:
        return SealCheck(subject, None, False, _("The centre has no seal certificate to check it against."))
    try:
        status = validate_pdf_signature(embedded, context, key_usage_settings=SEAL_KEY_USAGE)
    except Exception as error:  # noqa: BLE001  # a damaged signature is an invalid one
        logger.info("Seal validation failed: %s", type(error).__name__)
        return SealCheck(subject, None, False, _("The seal is damaged and cannot be checked."))
    sealed_at = _sealed_at(status)
    return SealCheck(subject, sealed_at, status.bottom_line and _covers_whole_file(status), _problem(status))


def _sealed_at(status: PdfSignatureStatus) -> dt.datetime | None:
    timestamp = getattr(status, "timestamp_validity", None)
    if timestamp is not None and timestamp.valid:
        return timestamp.timestamp  # type: ignore[no-any-return]
    return getattr(status, "signer_reported_dt", None)


def _covers_whole_file(status: PdfSignatureStatus) -> bool:
    return getattr(status, "coverage", None) == SignatureCoverageLevel.ENTIRE_FILE


def _problem(status: PdfSignatureStatus) -> str:
    if not (status.intact and status.valid):
        return _("The file has been changed since it was sealed.")
    if not _covers_whole_file(status):
        return _("Something was added to the file after it was sealed.")
    if not status.trusted:
        return _("The seal's certificate does not lead to the centre's certificate, or is not valid now.")
    if not status.bottom_line:
        return _("The seal does not meet the checks (time stamp or changes after sealing).")
    return ""
