"""The opinion's PDF rendered by a real Celery worker through Redis, and the same document rendered
in-process (the embedded mode): both read back as the same text."""

import subprocess
import time
import uuid

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.utils import translation

from asystent.celery import app as celery_app
from courts import services
from documents.enums import DocumentKind, DocumentStatus
from documents.models import RenderedDocument
from documents.tasks import render_document

from .factories import CourtRequestFactory, FamilyMemberFactory

pytestmark = pytest.mark.redis("a real Celery worker")

SWITCHED = ("broker_url", "task_always_eager", "task_default_queue")


@pytest.fixture
def redis_worker(redis_url):
    """The project's Celery app sending to Redis on a private queue, and a solo-pool worker
    consuming it; the app's configuration is put back afterwards. The private queue keeps a
    developer's running worker (on another database) from taking the task."""
    queue = f"asystent-test-pdf-{uuid.uuid4().hex}"
    saved = {key: celery_app.conf[key] for key in SWITCHED}
    celery_app.conf.update(broker_url=redis_url, task_always_eager=False, task_default_queue=queue)
    _reset_connections()
    try:
        with start_worker(
            celery_app,
            perform_ping_check=False,
            pool="solo",
            queues=[queue],
            loglevel="WARNING",
            shutdown_timeout=10,
        ) as worker:
            yield worker
    finally:
        celery_app.conf.update(saved)
        _reset_connections()
        client = redis.Redis.from_url(redis_url)
        for key in client.scan_iter(f"*{queue}*"):
            client.delete(key)
        for key in client.scan_iter("_kombu.binding*"):
            if client.type(key) == b"set":
                ours = [member for member in client.smembers(key) if queue.encode() in member]
                if ours:
                    client.srem(key, *ours)


def _reset_connections() -> None:
    """Connections and producers made with the previous broker URL must not be reused."""
    celery_app._pool = None  # type: ignore[attr-defined]  # private: the broker connection pool
    celery_app.amqp._producer_pool = None  # type: ignore[attr-defined]  # private, as above


def pdf_text(document: RenderedDocument) -> str:
    with document.file.open("rb") as handle:
        data = handle.read()
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return " ".join(out.stdout.decode().split())


def wait_until_done(document: RenderedDocument, seconds: float = 30.0) -> RenderedDocument:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        document.refresh_from_db()
        if document.status in (DocumentStatus.READY, DocumentStatus.FAILED):
            break
        time.sleep(0.2)
    return document


@pytest.mark.django_db(transaction=True)  # the worker thread must see committed rows
def test_the_worker_renders_the_approved_opinion_like_the_embedded_mode(
    redis_worker, settings, assistant, manager
):
    settings.LANGUAGE_CODE = "en"
    court_request = CourtRequestFactory(
        case__assistant=assistant,
        case__family__name="Wiśniewscy",
        case__family__city="Łódź",
        case_number="III Nsm 7/26",
    )
    FamilyMemberFactory(family=court_request.case.family, first_name="Łucja", last_name="Wiśniewska")
    opinion = services.draft_opinion(request=court_request, by=assistant)
    version = services.save_opinion(
        opinion=opinion,
        by=assistant,
        sections={"attitude": "Współpraca dobra.", "conclusions": "Żadnych zastrzeżeń."},
    )
    services.submit_opinion(version=version, by=assistant)
    assert not celery_app.conf.task_always_eager
    started = time.monotonic()
    services.approve_opinion(version=version, by=manager)  # queues the rendering after its commit
    document = RenderedDocument.objects.get(kind=DocumentKind.OPINION, object_id=opinion.pk)
    document = wait_until_done(document)
    worker_seconds = time.monotonic() - started
    assert document.status == DocumentStatus.READY, document.error
    assert document.attempts == 1
    by_worker = pdf_text(document)
    assert "Sąd Rejonowy dla Łodzi-Śródmieścia w Łodzi" in by_worker and "Sygn. akt III Nsm 7/26" in by_worker
    assert "Wiśniewscy" in by_worker and "Łucja Wiśniewska" in by_worker and "Strona 1 z" in by_worker
    assert "Żadnych zastrzeżeń." in by_worker
    assert worker_seconds < 30

    # The embedded mode: the same task, in-process, on the same document.
    celery_app.conf.task_always_eager = True
    RenderedDocument.objects.filter(pk=document.pk).update(status=DocumentStatus.PENDING)
    with translation.override("en"):
        assert render_document.delay(document.pk).get() == "rendered"
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY and document.attempts == 2
    assert pdf_text(document) == by_worker


@pytest.mark.django_db(transaction=True)  # the worker thread must see committed rows
def test_the_worker_renders_a_persons_copy_of_their_data_or_says_in_polish_why_not(
    redis_worker, settings, manager, assistant
):
    """The data-subject access PDF belongs to no case; the worker renders it like the case's
    documents, and refuses one too long to print with the reason in Polish."""
    from django.utils import timezone

    from asystent import limits
    from documents.services import request_document
    from reports.subject_access.documents import day_version

    from .factories import CaseFactory, ConsentFactory

    settings.LANGUAGE_CODE = "pl"
    case = CaseFactory(assistant=assistant, family__name="Wiśniewscy", family__street="ul. Lipowa 7")
    person = FamilyMemberFactory(family=case.family, first_name="Łucja", last_name="Wiśniewska")
    talker = FamilyMemberFactory(family=case.family, first_name="Jan", last_name="Wiśniewski")
    scope = ("Wsparcie w opiece nad dziećmi i w prowadzeniu domu. " * 40)[: limits.REASON]
    for _number in range(300):
        ConsentFactory(case=case, scope=scope, recorded_by=assistant).signed_by.add(talker)
    assert not celery_app.conf.task_always_eager
    today = day_version(timezone.localdate())

    with translation.override("pl"):
        document = request_document(kind=DocumentKind.SUBJECT_ACCESS, obj=person, version=today, by=manager)
        long_one = request_document(kind=DocumentKind.SUBJECT_ACCESS, obj=talker, version=today, by=manager)
    document, long_one = wait_until_done(document), wait_until_done(long_one)

    assert document.status == DocumentStatus.READY, document.error
    assert document.case is None and document.family == case.family
    text = pdf_text(document)
    assert "Łucja Wiśniewska" in text and person.pesel in text and "ul. Lipowa 7" in text
    assert long_one.status == DocumentStatus.FAILED
    assert "za długi" in long_one.error and "Error" not in long_one.error


@pytest.mark.django_db(transaction=True)  # the worker thread must see committed rows
def test_the_worker_renders_the_centres_reports_which_name_no_family(redis_worker, client, settings, manager):
    """The semi-annual and annual reports: the page asks, the worker renders (never the request),
    and the document's page then offers the download."""
    from django.urls import reverse

    from reports.models import AnnualReport

    settings.LANGUAGE_CODE = "pl"
    AnnualReport.objects.create(year=2025, needs="Drugi samochód służbowy dla asystentów.")
    client.force_login(manager)
    assert not celery_app.conf.task_always_eager
    semi = client.post(reverse("reports:semiannual-pdf") + "?period=2025-H2", {"version": "0"})
    annual = client.post(reverse("reports:annual-pdf") + "?year=2025")
    documents = {d.kind: wait_until_done(d) for d in RenderedDocument.objects.all()}
    assert set(documents) == {DocumentKind.SEMIANNUAL_REPORT, DocumentKind.ANNUAL_REPORT}
    assert semi.url == documents[DocumentKind.SEMIANNUAL_REPORT].get_absolute_url()
    assert annual.url == documents[DocumentKind.ANNUAL_REPORT].get_absolute_url()
    for document in documents.values():
        assert document.status == DocumentStatus.READY, document.error
        assert document.case is None and document.family is None and document.attempts == 1
    semi_text = pdf_text(documents[DocumentKind.SEMIANNUAL_REPORT])
    assert "Sprawozdanie rzeczowo-finansowe" in semi_text and "Strona 1 z 2" in semi_text
    assert "drugie półrocze" in semi_text
    annual_text = pdf_text(documents[DocumentKind.ANNUAL_REPORT])
    assert "Drugi samochód służbowy dla asystentów." in annual_text and "2025" in annual_text
    page = client.get(semi.url).content.decode()
    assert reverse("documents:download", args=[documents[DocumentKind.SEMIANNUAL_REPORT].pk]) in page
