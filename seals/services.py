"""Every state change of the centre's seal, and the sealing itself.

- `install_certificate`: reads the PKCS#12 file the administrator uploads (with its password),
  keeps the certificate and its chain, and the private key encrypted (Fernet, with a key derived
  by HKDF from SEAL_ENCRYPTION_KEY; in the embedded mode from SECRET_KEY). The password is not
  kept; the key is never shown or logged.
- `remove_certificate`: sealing stops; the key is erased, the public certificate stays for checks.
- `seal_pdf`: a PAdES baseline signature (B-B, or B-T when SEAL_TSA_URL names a timestamping
  authority) by pyHanko, as an incremental update of the rendered PDF/A file.

pyHanko and `cryptography` are the maintained libraries here; this module only joins them.
"""

import base64
import datetime as dt
import io
import logging
from dataclasses import dataclass

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import pkcs12
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps.aiohttp_client import HTTPTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from asystent import dates
from asystent.models import User

from .models import SealCertificate

logger = logging.getLogger(__name__)

# The signature field's name in the sealed PDF.
FIELD_NAME = "PieczecOsrodka"
# The largest PKCS#12 file accepted (a certificate with its chain is a few kilobytes).
MAX_PKCS12_BYTES = 100_000
TSA_TIMEOUT_SECONDS = 10


class SealingUnavailable(Exception):
    """The seal cannot be used now; the message says why, for the person who asked."""


@dataclass(frozen=True)
class Loaded:
    """What a PKCS#12 file held: the certificate, its private key (PKCS#8 DER), and its chain."""

    certificate: x509.Certificate
    key_der: bytes
    chain: list[x509.Certificate]


# --- the encryption of the stored key -----------------------------------------------------------


def encryption_ready() -> bool:
    """Whether a key to encrypt the seal's private key is configured (or, in the embedded mode,
    derived from SECRET_KEY)."""
    return bool(settings.SEAL_ENCRYPTION_KEY) or bool(settings.SEAL_KEY_FROM_SECRET_KEY)


def _fernet() -> Fernet:
    secret = settings.SEAL_ENCRYPTION_KEY
    if not secret and settings.SEAL_KEY_FROM_SECRET_KEY:
        secret = settings.SECRET_KEY
    if not secret:
        raise SealingUnavailable(
            _(
                "Sealing is switched off: the server has no SEAL_ENCRYPTION_KEY. Ask the server's "
                "administrator to set it."
            )
        )
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"asystent seal key").derive(
        secret.encode()
    )
    return Fernet(base64.urlsafe_b64encode(derived))


# --- reading the uploaded file ------------------------------------------------------------------


def load_pkcs12(data: bytes, password: str) -> Loaded:
    """The certificate, key and chain of a PKCS#12 file; a ValidationError in plain words when the
    file is not one, the password is wrong, or the certificate cannot seal."""
    if len(data) > MAX_PKCS12_BYTES:
        raise ValidationError(_("The file is too large for a certificate file."), code="too_large")
    try:
        key, certificate, chain = pkcs12.load_key_and_certificates(data, password.encode() or None)
    except ValueError as error:
        # The library does not tell a wrong password from a damaged file.
        raise ValidationError(
            _(
                "The file could not be opened: either it is not a PKCS#12 file (.p12 or .pfx) or "
                "the password is wrong."
            ),
            code="unreadable",
        ) from error
    if certificate is None or key is None:
        raise ValidationError(
            _(
                "The file holds no certificate with its private key. Export the seal's certificate "
                "with its key."
            ),
            code="no_key",
        )
    not_before, not_after = certificate.not_valid_before_utc, certificate.not_valid_after_utc
    floor = dt.datetime.combine(dates.RECORD_FLOOR, dt.time(), tzinfo=dt.UTC)
    ceiling = dt.datetime.combine(dates.CEILING, dt.time(), tzinfo=dt.UTC)
    if not (floor <= not_before < not_after < ceiling):
        raise ValidationError(
            _("The certificate's validity dates are outside the range the application accepts."),
            code="dates",
        )
    if not_after <= timezone.now():
        raise ValidationError(
            _("The certificate expired on %(date)s. Upload a valid certificate.")
            % {"date": timezone.localtime(not_after).strftime("%d.%m.%Y")},
            code="expired",
        )
    try:
        usage: x509.KeyUsage | None = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        usage = None
    if usage is not None and not (usage.digital_signature or usage.content_commitment):
        raise ValidationError(
            _("This certificate may not be used for signatures or seals (its key usage says so)."),
            code="usage",
        )
    key_der = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return Loaded(certificate=certificate, key_der=key_der, chain=list(chain))


def fingerprint_of(certificate: x509.Certificate) -> str:
    return certificate.fingerprint(hashes.SHA256()).hex()


def name_of(name: x509.Name) -> str:
    """A certificate's subject or issuer, the most particular part first: CN=..., O=..., C=PL."""
    return ", ".join(attribute.rfc4514_string() for attribute in reversed(list(name)))


# --- installing and removing --------------------------------------------------------------------


def install_certificate(*, data: bytes, password: str, by: User) -> SealCertificate:
    """Put the uploaded certificate in use (the previous one is retired and its key erased)."""
    loaded = load_pkcs12(data, password)
    fernet = _fernet()
    certificate = loaded.certificate
    with transaction.atomic():
        _retire_current()
        installed = SealCertificate.objects.create(
            subject=name_of(certificate.subject),
            issuer=name_of(certificate.issuer),
            serial_number=format(certificate.serial_number, "x"),
            not_before=certificate.not_valid_before_utc,
            not_after=certificate.not_valid_after_utc,
            fingerprint=fingerprint_of(certificate),
            certificate=certificate.public_bytes(serialization.Encoding.DER),
            chain_pem="".join(c.public_bytes(serialization.Encoding.PEM).decode() for c in loaded.chain),
            encrypted_key=fernet.encrypt(loaded.key_der),
            active=True,
            uploaded_by=by,
        )
    logger.info("Seal certificate %s put in use by user %s", installed.fingerprint[:16], by.pk)
    return installed


def remove_certificate(*, by: User) -> bool:
    """Stop sealing: the certificate in use is retired and its key erased. False: none was in use."""
    with transaction.atomic():
        retired = _retire_current()
    if retired:
        logger.info("Seal certificate removed by user %s", by.pk)
    return retired


def _retire_current() -> bool:
    current = SealCertificate.objects.select_for_update().filter(active=True).first()
    if current is None:
        return False
    current.active = False
    current.encrypted_key = b""
    current.retired_at = timezone.now()
    current.save(update_fields=["active", "encrypted_key", "retired_at"])
    return True


# --- sealing ------------------------------------------------------------------------------------


def current_certificate() -> SealCertificate | None:
    return SealCertificate.objects.filter(active=True).first()


def seal_marker() -> str:
    """What identifies the seal a document would be sealed with now ("" when none): a live
    document rendered before (or with another certificate) is rendered again when asked for."""
    current = SealCertificate.objects.filter(active=True).values_list("fingerprint", flat=True).first()
    return current or ""


def _signer(current: SealCertificate) -> signers.SimpleSigner:
    try:
        key_der = _fernet().decrypt(bytes(current.encrypted_key))
    except InvalidToken as error:
        raise SealingUnavailable(
            _(
                "The seal's key cannot be decrypted: SEAL_ENCRYPTION_KEY has changed since the "
                "certificate was uploaded. Upload the certificate again."
            )
        ) from error
    chain = [
        asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in chain_of(current)
    ]
    return signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(bytes(current.certificate)),
        signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
        cert_registry=SimpleCertificateStore.from_certs(chain),  # type: ignore[no-untyped-call]
    )


def chain_of(certificate: SealCertificate) -> list[x509.Certificate]:
    return x509.load_pem_x509_certificates(certificate.chain_pem.encode()) if certificate.chain_pem else []


def seal_pdf(pdf: bytes) -> bytes:
    """`pdf` with the centre's seal (PAdES baseline) added as an incremental update, or unchanged
    when no certificate is in use. Raises SealingUnavailable with the reason when it cannot seal."""
    current = current_certificate()
    if current is None:
        return pdf
    if current.not_after <= timezone.now():
        raise SealingUnavailable(
            _("The centre's seal certificate expired on %(date)s. The administrator must upload a new one.")
            % {"date": timezone.localtime(current.not_after).strftime("%d.%m.%Y")}
        )
    signer = _signer(current)
    timestamper = None
    if settings.SEAL_TSA_URL:
        timestamper = HTTPTimeStamper(settings.SEAL_TSA_URL, timeout=TSA_TIMEOUT_SECONDS)
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        location=None,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    pdf_signer = signers.PdfSigner(metadata, signer=signer, timestamper=timestamper)
    try:
        output = pdf_signer.sign_pdf(writer)
    except OSError as error:
        # pyHanko's TimestampRequestError (an OSError): unreachable, timed out, or refused.
        logger.warning("Sealing failed at the timestamping authority: %s", type(error).__name__)
        raise SealingUnavailable(
            _(
                "The timestamping authority could not be reached or refused the request, so the "
                "document was not sealed. Try again later."
            )
        ) from error
    sealed: bytes = output.getvalue()
    return sealed


def tsa_url() -> str:
    """The timestamping authority's address, as configured (shown to the administrator)."""
    return str(settings.SEAL_TSA_URL)
