"""Sealed PDFs (issue 17): the administrator uploads the centre's certificate (PKCS#12, through the
real form), a court opinion rendered through the real pipeline comes out sealed (PAdES), pyHanko's
validator accepts it against the throwaway certificate authority of the test, and one flipped byte
makes it fail, on the document's page too. The key is never shown or logged; a wrong password and
a file that is no certificate are refused in Polish; a timestamping authority is asked when set.
"""

import datetime as dt
import io
import logging
import os
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from asystent.files import private_storage
from courts import services as court_services
from documents import services as document_services
from documents.enums import DocumentKind, DocumentStatus
from documents.kinds import assignment_version
from documents.models import RenderedDocument
from seals.models import SealCertificate

from .factories import CaseFactory, CourtRequestFactory, FamilyMemberFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Tajne-hasło-pieczęci-7"
SUBJECT_CN = "Miejski Ośrodek Pomocy Społecznej w Testowie – pieczęć"


@pytest.fixture(autouse=True)
def in_english(settings, client):
    """Assertions read the English source strings; the Polish ones are asserted where it matters."""
    settings.LANGUAGE_CODE = "en"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


# --- a throwaway certificate authority -----------------------------------------------------------


def _name(common_name):
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "PL"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "MOPS Testowo"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _usage(**bits):
    names = [
        "digital_signature",
        "content_commitment",
        "key_encipherment",
        "data_encipherment",
        "key_agreement",
        "key_cert_sign",
        "crl_sign",
        "encipher_only",
        "decipher_only",
    ]
    return x509.KeyUsage(**{name: bits.get(name, False) for name in names})


def _certificate(subject, key, issuer, issuer_key, *, ca=False, usage=None, eku=None, days=365):
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if usage is not None:
        builder = builder.add_extension(usage, critical=True)
    if eku is not None:
        builder = builder.add_extension(x509.ExtendedKeyUsage(eku), critical=True)
    return builder.sign(issuer_key, hashes.SHA256())


class Authority:
    """A root CA, the centre's seal certificate it issued (with its key), and the PKCS#12 file."""

    def __init__(self, seal_cn=SUBJECT_CN):
        self.ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        root = _name("Testowe CA")
        self.ca = _certificate(
            root, self.ca_key, root, self.ca_key, ca=True, usage=_usage(key_cert_sign=True, crl_sign=True)
        )
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.certificate = _certificate(
            _name(seal_cn),
            self.key,
            root,
            self.ca_key,
            usage=_usage(digital_signature=True, content_commitment=True),
        )

    def pkcs12(self, password=PASSWORD):
        return pkcs12.serialize_key_and_certificates(
            b"seal",
            self.key,
            self.certificate,
            [self.ca],
            serialization.BestAvailableEncryption(password.encode()),
        )

    def key_texts(self):
        """Forms in which the private key could leak: PEM body lines, and DER hex."""
        pem = self.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
        der = self.key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        lines = [line for line in pem.splitlines() if line and not line.startswith("-----")]
        return [*lines[1:4], der[40:80].hex()]

    def validate(self, data):
        """pyHanko's validator, trusting this authority's root only."""
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        (signature,) = reader.embedded_signatures
        context = ValidationContext(
            trust_roots=[asn1_x509.Certificate.load(self.ca.public_bytes(serialization.Encoding.DER))],
            allow_fetching=False,
            revocation_mode="soft-fail",
        )
        return validate_pdf_signature(signature, context)


@pytest.fixture(scope="module")
def authority():
    return Authority()


def upload(client, admin_user, data, password=PASSWORD, name="pieczec.p12"):
    client.force_login(admin_user)
    return client.post(
        reverse("seals:certificate"),
        {"file": SimpleUploadedFile(name, data, content_type="application/x-pkcs12"), "password": password},
    )


@pytest.fixture
def sealing(client, admin_user, authority):
    response = upload(client, admin_user, authority.pkcs12())
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    return authority


# --- a court opinion through the real pipeline ---------------------------------------------------


@pytest.fixture
def court_request(assistant, social_worker):
    today = timezone.localdate()
    request = CourtRequestFactory(
        case__assistant=assistant,
        case__family__registered_by=social_worker,
        case__family__name="Wiśniewscy",
        case__opened_on=today - dt.timedelta(days=100),
        case__started_on=today - dt.timedelta(days=100),
    )
    FamilyMemberFactory(family=request.case.family, first_name="Ewa", last_name="Wiśniewska")
    return request


def approved_opinion(court_request, manager, django_capture_on_commit_callbacks):
    """Drafted, submitted and approved through the services: its PDF, rendered and sealed."""
    document = approve_an_opinion(court_request, manager, django_capture_on_commit_callbacks)
    assert document.status == DocumentStatus.READY, document.error
    return document


def approve_an_opinion(court_request, manager, capture_on_commit):  # noqa: ANN001, ANN201
    """Draft, submit and approve an opinion through the services; approval asks for the PDF,
    rendered after the commit by the render task (in-process here, as in the embedded mode)."""
    assistant = court_request.case.assistant
    opinion = court_services.draft_opinion(request=court_request, by=assistant)
    version = court_services.save_opinion(
        opinion=opinion,
        by=assistant,
        sections={"attitude": "Rodzina współpracuje chętnie.", "conclusions": "Wnioskuję o kontynuację."},
    )
    court_services.submit_opinion(version=version, by=assistant)
    with capture_on_commit(execute=True):
        court_services.approve_opinion(version=version, by=manager)
    return RenderedDocument.objects.get(kind=DocumentKind.OPINION)


def pdf_of(document):
    with open(private_storage.path(document.storage_name), "rb") as handle:
        return handle.read()


def text_of(data):
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout
    return " ".join(out.decode().split())


def test_the_court_opinion_is_sealed_and_validates(
    sealing, court_request, manager, django_capture_on_commit_callbacks, tmp_path
):
    document = approved_opinion(court_request, manager, django_capture_on_commit_callbacks)
    data = pdf_of(document)
    status = sealing.validate(data)
    assert status.bottom_line and status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert SUBJECT_CN in status.signing_cert.subject.human_friendly
    # PAdES: the ETSI subfilter, not the older adbe.pkcs7.detached.
    reader = PdfFileReader(io.BytesIO(data))
    assert reader.embedded_signatures[0].sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    # Still the opinion: read back as text, and drawn as a picture.
    assert "Opinia o rodzinie i jej członkach" in text_of(data)
    assert "Rodzina współpracuje chętnie." in text_of(data)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", "-", str(tmp_path / "page")],
        input=data,
        check=True,
        capture_output=True,
    )
    png = next(tmp_path.glob("page*.png")).read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 1000


def test_one_flipped_byte_breaks_the_seal_and_the_page_says_so(
    sealing, court_request, manager, django_capture_on_commit_callbacks, client
):
    document = approved_opinion(court_request, manager, django_capture_on_commit_callbacks)
    client.force_login(manager)
    page = client.get(document.get_absolute_url()).content.decode()
    today = timezone.localdate().strftime("%d.%m.%Y")
    assert f"Sealed: CN={SUBJECT_CN}, O=MOPS Testowo, C=PL, {today}" in page
    assert 'data-seal-valid="true"' in page and "The seal is valid" in page

    data = bytearray(pdf_of(document))
    # A byte of the opinion's page content, inside the signed range (the first revision).
    data[len(data) // 4] ^= 0x01
    status = sealing.validate(bytes(data))
    assert not status.bottom_line and not status.intact
    with open(private_storage.path(document.storage_name), "wb") as handle:
        handle.write(data)
    page = client.get(document.get_absolute_url()).content.decode()
    assert 'data-seal-valid="false"' in page
    assert "The seal is not valid." in page and "changed since it was sealed" in page


def test_the_seal_line_reads_in_polish(
    sealing, court_request, manager, django_capture_on_commit_callbacks, client
):
    document = approved_opinion(court_request, manager, django_capture_on_commit_callbacks)
    client.force_login(manager)
    page = client.get(document.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert f"Zapieczętowano: CN={SUBJECT_CN}" in page


def test_rendering_the_same_version_twice_leaves_one_sealed_file(
    sealing, court_request, manager, django_capture_on_commit_callbacks
):
    document = approved_opinion(court_request, manager, django_capture_on_commit_callbacks)
    RenderedDocument.objects.filter(pk=document.pk).update(status=DocumentStatus.FAILED)
    assert document_services.render_stored_document(document.pk) == "rendered"
    assert document_services.render_stored_document(document.pk) == "unchanged"
    folder = os.path.dirname(private_storage.path(document.storage_name))
    assert os.listdir(folder) == [os.path.basename(document.storage_name)]
    document.refresh_from_db()
    data = pdf_of(document)
    assert sealing.validate(data).bottom_line
    assert len(PdfFileReader(io.BytesIO(data)).embedded_signatures) == 1


def test_a_document_that_stays_in_the_centre_is_not_sealed(
    sealing, manager, django_capture_on_commit_callbacks
):
    case = CaseFactory()
    FamilyMemberFactory(family=case.family)
    with django_capture_on_commit_callbacks(execute=True):
        document = document_services.request_document(
            kind=DocumentKind.CONSENT_FORM, obj=case, version=1, by=manager
        )
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY
    assert PdfFileReader(io.BytesIO(pdf_of(document))).embedded_signatures == []


def test_a_live_letter_printed_before_the_seal_is_printed_again_sealed(
    client, admin_user, authority, manager, django_capture_on_commit_callbacks
):
    case = CaseFactory()
    version = assignment_version(case)

    def letter():
        with django_capture_on_commit_callbacks(execute=True):
            document = document_services.request_document(
                kind=DocumentKind.ASSIGNMENT_LETTER, obj=case, version=version, by=manager
            )
        document.refresh_from_db()
        return document

    assert PdfFileReader(io.BytesIO(pdf_of(letter()))).embedded_signatures == []
    upload(client, admin_user, authority.pkcs12())
    sealed = letter()
    assert authority.validate(pdf_of(sealed)).bottom_line
    assert RenderedDocument.objects.filter(kind=DocumentKind.ASSIGNMENT_LETTER).count() == 1


# --- the administrator's page --------------------------------------------------------------------


def test_the_page_shows_the_certificate_and_never_the_key(client, admin_user, authority, caplog):
    caplog.set_level(logging.DEBUG)
    response = upload(client, admin_user, authority.pkcs12())
    assert response.status_code == 302
    page = client.get(reverse("seals:certificate")).content.decode()
    assert f"CN={SUBJECT_CN}, O=MOPS Testowo, C=PL" in page  # subject
    assert "CN=Testowe CA, O=MOPS Testowo, C=PL" in page  # issuer
    assert timezone.localtime(authority.certificate.not_valid_after_utc).strftime("%d.%m.%Y") in page
    logged = caplog.text
    for secret in [PASSWORD, *authority.key_texts()]:
        assert secret not in page and secret not in logged
    stored = SealCertificate.objects.get()
    der = authority.key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    assert stored.active and len(bytes(stored.encrypted_key)) > len(der)
    assert der[40:80] not in bytes(stored.encrypted_key)
    assert 'type="password"' in page and PASSWORD not in page


def test_a_wrong_password_is_refused_in_polish(client, admin_user, authority):
    client.force_login(admin_user)
    response = client.post(
        reverse("seals:certificate"),
        {"file": SimpleUploadedFile("p.p12", authority.pkcs12()), "password": "złe hasło"},
        HTTP_ACCEPT_LANGUAGE="pl",
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "hasło jest nieprawidłowe" in content
    assert "złe hasło" not in content  # the password field is not filled back in
    assert not SealCertificate.objects.exists()


def test_a_file_that_is_no_certificate_is_refused_in_polish(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("seals:certificate"),
        {"file": SimpleUploadedFile("p.p12", b"%PDF-1.7 not a certificate"), "password": "x"},
        HTTP_ACCEPT_LANGUAGE="pl",
    )
    assert response.status_code == 200
    assert "nie jest plikiem PKCS#12" in response.content.decode()
    response = client.post(reverse("seals:certificate"), {"password": "x"}, HTTP_ACCEPT_LANGUAGE="pl")
    assert response.status_code == 200 and "To pole jest wymagane" in response.content.decode()
    assert not SealCertificate.objects.exists()


def test_replacing_and_removing_erase_the_old_key_and_keep_checking(
    client, admin_user, authority, court_request, manager, django_capture_on_commit_callbacks
):
    upload(client, admin_user, authority.pkcs12())
    document = approved_opinion(court_request, manager, django_capture_on_commit_callbacks)
    other = Authority(seal_cn="MOPS Testowo – nowa pieczęć")
    upload(client, admin_user, other.pkcs12())
    old, new = SealCertificate.objects.order_by("pk")
    assert (old.active, bytes(old.encrypted_key), old.retired_at is not None) == (False, b"", True)
    assert new.active
    response = client.post(reverse("seals:certificate-remove"))
    assert response.status_code == 302
    assert not SealCertificate.objects.filter(active=True).exists()
    assert all(bytes(c.encrypted_key) == b"" for c in SealCertificate.objects.all())
    # The opinion sealed with the first certificate still checks out against its chain.
    client.force_login(manager)
    page = client.get(document.get_absolute_url()).content.decode()
    assert 'data-seal-valid="true"' in page


def test_without_an_encryption_key_production_refuses_to_seal(client, admin_user, authority, settings):
    settings.SEAL_ENCRYPTION_KEY = ""
    settings.SEAL_KEY_FROM_SECRET_KEY = False
    client.force_login(admin_user)
    assert "SEAL_ENCRYPTION_KEY is not set" in client.get(reverse("seals:certificate")).content.decode()
    response = upload(client, admin_user, authority.pkcs12())
    assert response.status_code == 200 and "SEAL_ENCRYPTION_KEY is not set" in response.content.decode()
    assert not SealCertificate.objects.exists()


def test_a_changed_encryption_key_fails_the_rendering_clearly(
    sealing, settings, court_request, manager, django_capture_on_commit_callbacks
):
    settings.SEAL_ENCRYPTION_KEY = "another-key-set-after-the-upload-0123456789"
    document = approve_an_opinion(court_request, manager, django_capture_on_commit_callbacks)
    assert document.status == DocumentStatus.FAILED
    assert "SEAL_ENCRYPTION_KEY has changed" in document.error
    assert not os.path.exists(private_storage.path(document.storage_name))


# --- the timestamping authority ------------------------------------------------------------------


class _TSA:
    """A timestamping authority over real HTTP on localhost, answering with pyHanko's test
    timestamper (DummyTimeStamper) and its own throwaway certificate."""

    def __init__(self, authority):
        tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        tsa_cert = _certificate(
            _name("Testowy TSA"),
            tsa_key,
            authority.ca.subject,
            authority.ca_key,
            usage=_usage(digital_signature=True),
            eku=[ExtendedKeyUsageOID.TIME_STAMPING],
        )
        der = tsa_key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        self.stamper = DummyTimeStamper(
            tsa_cert=asn1_x509.Certificate.load(tsa_cert.public_bytes(serialization.Encoding.DER)),
            tsa_key=asn1_keys.PrivateKeyInfo.load(der),
        )
        self.requests = 0
        tsa = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                tsa.requests += 1
                answer = tsa.stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def test_a_configured_timestamping_authority_is_asked(
    sealing, settings, court_request, manager, django_capture_on_commit_callbacks
):
    tsa = _TSA(sealing)
    settings.SEAL_TSA_URL = tsa.url
    try:
        document = approved_opinion(court_request, manager, django_capture_on_commit_callbacks)
    finally:
        tsa.server.shutdown()
    assert tsa.requests >= 1  # pyHanko also asks once to size the signature
    status = sealing.validate(pdf_of(document))
    assert status.bottom_line
    assert status.timestamp_validity is not None and status.timestamp_validity.valid


def test_an_unreachable_timestamping_authority_fails_the_rendering_clearly(
    sealing, settings, court_request, manager, django_capture_on_commit_callbacks
):
    settings.SEAL_TSA_URL = "http://127.0.0.1:9/"  # the discard port: nothing answers
    document = approve_an_opinion(court_request, manager, django_capture_on_commit_callbacks)
    assert document.status == DocumentStatus.FAILED
    assert "timestamping authority could not be reached" in document.error


# --- the real Celery worker ----------------------------------------------------------------------


@pytest.mark.redis("a real Celery worker")
@pytest.mark.django_db(transaction=True)  # the worker thread must see committed rows
def test_the_celery_worker_seals_the_opinion(
    real_worker, client, admin_user, authority, court_request, manager
):
    import time

    from asystent.celery import app as celery_app

    assert upload(client, admin_user, authority.pkcs12()).status_code == 302
    assistant = court_request.case.assistant
    opinion = court_services.draft_opinion(request=court_request, by=assistant)
    version = court_services.save_opinion(
        opinion=opinion, by=assistant, sections={"attitude": "Tak.", "conclusions": "Kontynuacja."}
    )
    court_services.submit_opinion(version=version, by=assistant)
    assert not celery_app.conf.task_always_eager
    court_services.approve_opinion(version=version, by=manager)  # queued to the worker after the commit
    document = RenderedDocument.objects.get(kind=DocumentKind.OPINION)
    deadline = time.monotonic() + 60
    while (
        document.status not in (DocumentStatus.READY, DocumentStatus.FAILED) and time.monotonic() < deadline
    ):
        time.sleep(0.2)
        document.refresh_from_db()
    assert document.status == DocumentStatus.READY, document.error
    status = authority.validate(pdf_of(document))
    assert status.bottom_line and status.coverage == SignatureCoverageLevel.ENTIRE_FILE
