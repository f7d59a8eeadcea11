"""The rendering mechanism: one row and one file per (kind, object, version), idempotent tasks, a
killed worker's leftovers, failures with a retry, the htmx status fragment, audited downloads,
and access on every document route."""

import datetime as dt
import hashlib
import os
import subprocess

import pytest
import time_machine
from django.db import InterfaceError, OperationalError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from asystent.celery import app as celery_app
from asystent.errors import InvalidTransition
from asystent.files import private_storage
from asystent.models import AccessLog, Centre
from cases.models import Goal, PlanAction, ProblemArea, WorkPlan
from courts import services
from documents import services as document_services
from documents.enums import DocumentKind, DocumentStatus
from documents.kinds import month_version
from documents.models import RenderedDocument
from documents.tasks import render_document

from .factories import CaseFactory, CourtRequestFactory, FamilyMemberFactory, VisitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english(settings, client):
    """Assertions read the English source strings: the Polish catalogue may reword them."""
    settings.LANGUAGE_CODE = "en"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def case(assistant, social_worker):
    case = CaseFactory(assistant=assistant, family__registered_by=social_worker, family__name="Wiśniewscy")
    FamilyMemberFactory(family=case.family, first_name="Łucja", last_name="Wiśniewska")
    return case


@pytest.fixture
def this_month():
    today = timezone.localdate()
    return month_version(today.year, today.month)


def monthly(case, version, by):
    return document_services.request_document(
        kind=DocumentKind.MONTHLY_VISITS, obj=case, version=version, by=by
    )


def folder_of(document):
    return os.path.dirname(private_storage.path(document.storage_name))


def text_of(document):
    with document.file.open("rb") as handle:
        data = handle.read()
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    return " ".join(out.split())


def ready(case, this_month, assistant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        document = monthly(case, this_month, assistant)
    document.refresh_from_db()
    return document


# --- requesting and rendering --------------------------------------------------------------------


def test_a_request_is_rendered_after_the_commit(
    case, assistant, this_month, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        document = monthly(case, this_month, assistant)
    assert document.status == DocumentStatus.PENDING and len(callbacks) == 1
    callbacks[0]()  # the commit: queued, and in the embedded mode rendered in-process
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY
    path = private_storage.path(document.storage_name)
    assert document.file.name == f"documents/monthly_visits/{case.pk}-v{this_month}.pdf"
    assert hashlib.sha256(open(path, "rb").read()).hexdigest() == document.sha256  # noqa: SIM115
    assert document.size == os.path.getsize(path) and document.attempts == 1
    assert "Dziennik wizyt" in text_of(document)


def test_asking_again_reuses_the_ready_file(case, assistant, this_month, django_capture_on_commit_callbacks):
    document = ready(case, this_month, assistant, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks() as callbacks:
        again = monthly(case, this_month, assistant)
    assert again.pk == document.pk and callbacks == []
    assert RenderedDocument.objects.count() == 1


def test_a_live_document_is_rendered_again_when_its_data_changed(
    case, assistant, this_month, django_capture_on_commit_callbacks
):
    document = ready(case, this_month, assistant, django_capture_on_commit_callbacks)
    VisitFactory(case=case, date=timezone.localdate().replace(day=1), topics="Nowa wizyta po wydruku")
    with django_capture_on_commit_callbacks(execute=True):
        monthly(case, this_month, assistant)
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY and "Nowa wizyta po wydruku" in text_of(document)
    assert os.listdir(folder_of(document)) == [os.path.basename(document.storage_name)]


def test_an_approved_opinion_is_never_rendered_again(assistant, manager, django_capture_on_commit_callbacks):
    court_request = CourtRequestFactory(case__assistant=assistant)
    opinion = services.draft_opinion(request=court_request, by=assistant)
    version = services.save_opinion(
        opinion=opinion, by=assistant, sections={"attitude": "Dobra.", "conclusions": "Dalej."}
    )
    services.submit_opinion(version=version, by=assistant)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_opinion(version=version, by=manager)
    document = RenderedDocument.objects.get()
    assert document.status == DocumentStatus.READY
    sent_file = document.sha256
    centre = Centre.load()
    centre.name = "Nowa nazwa ośrodka"
    centre.save()
    with django_capture_on_commit_callbacks() as callbacks:
        document_services.request_document(kind=DocumentKind.OPINION, obj=opinion, version=1, by=manager)
    document.refresh_from_db()
    assert callbacks == [] and document.sha256 == sent_file and "Nowa nazwa" not in text_of(document)


# --- idempotence ---------------------------------------------------------------------------------


def test_running_the_task_twice_leaves_one_file_with_one_checksum(
    case, assistant, this_month, django_capture_on_commit_callbacks
):
    document = ready(case, this_month, assistant, django_capture_on_commit_callbacks)
    first = (document.sha256, document.rendered_at)
    assert render_document.delay(document.pk).get() == "unchanged"
    assert render_document(document.pk) == "unchanged"
    document.refresh_from_db()
    assert (document.sha256, document.rendered_at) == first
    assert os.listdir(folder_of(document)) == [os.path.basename(document.storage_name)]


def test_a_killed_worker_leaves_nothing_behind(
    case, assistant, this_month, django_capture_on_commit_callbacks
):
    """Killed mid-render: the row says rendering, half a PDF lies at the final name and an
    attempt's part file beside it. The message comes back and the task runs again."""
    document = ready(case, this_month, assistant, django_capture_on_commit_callbacks)
    path = private_storage.path(document.storage_name)
    with open(path, "wb") as handle:
        handle.write(b"%PDF-1.7\n% half a document")
    with open(f"{path}.0123abcd.part", "wb") as handle:
        handle.write(b"%PDF-1.7\n% another half")
    RenderedDocument.objects.filter(pk=document.pk).update(
        status=DocumentStatus.RENDERING, attempt_token="0123abcd"
    )
    assert render_document(document.pk) == "rendered"
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY
    assert os.listdir(folder_of(document)) == [os.path.basename(path)]
    assert hashlib.sha256(open(path, "rb").read()).hexdigest() == document.sha256  # noqa: SIM115
    assert "Dziennik wizyt" in text_of(document)


def test_a_missing_or_damaged_file_is_rendered_again(
    case, assistant, this_month, django_capture_on_commit_callbacks
):
    document = ready(case, this_month, assistant, django_capture_on_commit_callbacks)
    path = private_storage.path(document.storage_name)
    with open(path, "ab") as handle:
        handle.write(b"tampered")
    assert render_document(document.pk) == "rendered"
    os.remove(path)
    assert render_document(document.pk) == "rendered"
    document.refresh_from_db()
    assert hashlib.sha256(open(path, "rb").read()).hexdigest() == document.sha256  # noqa: SIM115


def test_a_rendering_interrupted_again_and_again_stops(case, assistant, this_month):
    document = monthly(case, this_month, assistant)
    RenderedDocument.objects.filter(pk=document.pk).update(
        status=DocumentStatus.RENDERING, attempts=document_services.MAX_RENDER_ATTEMPTS
    )
    assert render_document(document.pk) == "failed"
    document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED and "interrupted 3 times" in document.error


def test_the_database_gone_mid_render_is_tried_again_not_left_being_prepared(
    case, assistant, this_month, monkeypatch
):
    """PostgreSQL restarted while a PDF was rendered (seen in the load run's fault): the task is
    sent again, the document ends ready, and the outage is not shown as the document's error."""
    document = monthly(case, this_month, assistant)
    real_build = document_services.build_html  # type: ignore[attr-defined]
    calls = []

    def build_once_unreachable(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("the database system is shutting down")
        return real_build(*args, **kwargs)

    monkeypatch.setattr(document_services, "build_html", build_once_unreachable)
    # throw=False: the eager run hands the Retry on to its next run, as a worker would.
    result = render_document.apply(args=[document.pk], throw=False)
    assert len(calls) == 2
    assert result.get() == "rendered"
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY and document.error == ""
    assert "Dziennik wizyt" in text_of(document)


def test_the_database_retries_are_bounded_and_back_off():
    assert set(render_document.autoretry_for) == {OperationalError, InterfaceError}
    assert render_document.max_retries == 12
    assert render_document.retry_backoff == 1 and render_document.retry_backoff_max == 60


def test_a_deleted_document_is_not_an_error():
    assert render_document(987654) == "missing"


def test_the_task_has_time_limits_and_late_acknowledgement():
    assert render_document.time_limit == document_services.RENDER_TIME_LIMIT == 90
    assert render_document.soft_time_limit == document_services.RENDER_SOFT_TIME_LIMIT == 60
    assert render_document.soft_time_limit < render_document.time_limit
    assert render_document.acks_late and render_document.reject_on_worker_lost
    assert render_document.name == "documents.render_document"
    # The name before the documents had their own app stays registered, for queued messages.
    assert "reports.render_document" in render_document.app.tasks


# --- failures and retry --------------------------------------------------------------------------


def plan_for(case):
    plan = WorkPlan.objects.create(case=case, version=1, main_goal="Cel", created_by=case.assistant)
    goal = Goal.objects.create(plan=plan, area=ProblemArea.objects.first(), description="Szkoła")
    PlanAction.objects.create(
        goal=goal,
        description="x",
        responsible="assistant",
        deadline=timezone.localdate(),
        expected_effect="y",
    )


def test_a_failure_is_shown_with_a_retry_that_works(
    client, case, assistant, django_capture_on_commit_callbacks, caplog
):
    with django_capture_on_commit_callbacks(execute=True):  # no work plan yet: the rendering fails
        document = document_services.request_document(
            kind=DocumentKind.WORK_PLAN, obj=case, version=1, by=assistant
        )
    document.refresh_from_db()
    # The exception is in the log, never in what users read.
    assert document.status == DocumentStatus.FAILED and "DoesNotExist" not in document.error
    assert "error in the system" in document.error
    assert any("DoesNotExist" in (record.exc_text or record.getMessage()) for record in caplog.records)
    assert not os.path.exists(folder_of(document)) or os.listdir(folder_of(document)) == []
    client.force_login(assistant)
    fragment = client.get(reverse("documents:status", args=[document.pk])).content.decode()
    assert "could not be prepared" in fragment and "Try again" in fragment
    assert "DoesNotExist" not in fragment
    assert reverse("documents:retry", args=[document.pk]) in fragment and "hx-get" not in fragment
    plan_for(case)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("documents:retry", args=[document.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "hx-get" in response.content.decode()  # queued again: polling
    fragment = client.get(reverse("documents:status", args=[document.pk])).content.decode()
    assert reverse("documents:download", args=[document.pk]) in fragment
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY and document.error == ""


def reset_connections():
    """Connections and producers made with the previous broker URL must not be reused."""
    celery_app._pool = None  # type: ignore[attr-defined]  # private: the broker connection pool
    celery_app.amqp._producer_pool = None  # type: ignore[attr-defined]  # private, as above


def test_an_unreachable_broker_leaves_the_rendering_waiting_in_the_outbox(
    case, assistant, this_month, django_capture_on_commit_callbacks
):
    """Redis down: the request is answered, the document waits (never failed for it) and its
    rendering waits in the outbox, sent by the next flush (tests/test_faults.py runs it)."""
    from asystent import outbox
    from asystent.models import PendingTask

    saved = {
        key: celery_app.conf[key] for key in ("broker_url", "task_always_eager", "broker_connection_timeout")
    }
    celery_app.conf.update(
        broker_url="redis://127.0.0.1:9/0", task_always_eager=False, broker_connection_timeout=0.5
    )
    reset_connections()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            document = monthly(case, this_month, assistant)
        assert outbox.flush() == 0  # still down
    finally:
        celery_app.conf.update(saved)
        reset_connections()
        outbox._paused_until = 0.0
    document.refresh_from_db()
    assert document.status == DocumentStatus.PENDING and document.error == ""
    waiting = PendingTask.objects.get()
    assert (waiting.task, waiting.args, waiting.attempts) == ("documents.render_document", [document.pk], 2)


def test_a_stalled_rendering_offers_a_retry(client, case, assistant, this_month):
    document = monthly(case, this_month, assistant)  # queued, but no worker took it
    client.force_login(assistant)
    url = reverse("documents:status", args=[document.pk])
    assert "hx-get" in client.get(url).content.decode()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=5)):
        fragment = client.get(url).content.decode()
    assert "much longer than usual" in fragment and "Try again" in fragment and "hx-get" not in fragment


# --- the status fragment and the pages -----------------------------------------------------------


def test_the_fragment_polls_while_waiting_and_links_when_ready(
    client, case, assistant, this_month, django_capture_on_commit_callbacks
):
    document = monthly(case, this_month, assistant)
    client.force_login(assistant)
    url = reverse("documents:status", args=[document.pk])
    waiting = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert f'hx-get="{url}"' in waiting and 'hx-trigger="every 2s"' in waiting and "spinner-border" in waiting
    assert "<html" not in waiting  # a fragment, not a page
    document_services.render_stored_document(document.pk)
    done = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert reverse("documents:download", args=[document.pk]) in done and "hx-get" not in done


def test_the_document_page(client, case, assistant, other_assistant, this_month):
    document = monthly(case, this_month, assistant)
    url = reverse("documents:detail", args=[document.pk])
    client.force_login(assistant)
    response = client.get(url)
    assert response.status_code == 200 and "document-status-" in response.content.decode()
    assert AccessLog.objects.filter(object_type="rendereddocument", action="view").count() == 1
    assert client.post(url).status_code == 405
    client.force_login(other_assistant)
    assert client.get(url).status_code == 404
    assert client.get(reverse("documents:status", args=[document.pk])).status_code == 404


def test_downloads_are_audited_and_only_for_who_may_see_the_family(
    client, case, assistant, other_assistant, social_worker, this_month, django_capture_on_commit_callbacks
):
    document = ready(case, this_month, assistant, django_capture_on_commit_callbacks)
    url = reverse("documents:download", args=[document.pk])
    client.force_login(other_assistant)
    assert client.get(url).status_code == 404
    assert not AccessLog.objects.filter(action="download").exists()
    for user in (assistant, social_worker):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment")
        assert "dziennik-wizyt-wisniewscy-" in response["Content-Disposition"]
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
    logs = AccessLog.objects.filter(action="download").order_by("pk")
    assert [(log.user, log.object_type, log.object_id, log.family_id) for log in logs] == [
        (assistant, "rendereddocument", document.pk, case.family_id),
        (social_worker, "rendereddocument", document.pk, case.family_id),
    ]
    assert client.post(url).status_code == 405


def test_a_document_not_ready_is_not_downloadable(client, case, assistant, this_month):
    document = monthly(case, this_month, assistant)
    client.force_login(assistant)
    assert client.get(reverse("documents:download", args=[document.pk])).status_code == 404


def test_retry_access(client, case, assistant, social_worker, other_assistant, this_month):
    document = monthly(case, this_month, assistant)
    RenderedDocument.objects.filter(pk=document.pk).update(status=DocumentStatus.FAILED, error="x")
    url = reverse("documents:retry", args=[document.pk])
    client.force_login(other_assistant)
    assert client.post(url).status_code == 404
    client.force_login(social_worker)
    assert client.post(url).status_code == 403
    client.force_login(assistant)
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse(
        "documents:detail", args=[document.pk]
    )
    document.refresh_from_db()
    assert document.status == DocumentStatus.PENDING


# --- asking for the case's documents -------------------------------------------------------------

CASE_ROUTES = ["work-plan-pdf", "monthly-visits-pdf", "assignment-letter-pdf"]


@pytest.mark.parametrize("name", CASE_ROUTES)
def test_the_case_documents_are_asked_for_by_the_assistant_or_a_manager(
    client, case, assistant, manager, social_worker, other_assistant, name, django_capture_on_commit_callbacks
):
    plan_for(case)
    url = reverse(f"documents:{name}", args=[case.pk])
    month = {"month": timezone.localdate().strftime("%Y-%m")}
    client.force_login(other_assistant)
    assert client.post(url, month).status_code == 404
    client.force_login(social_worker)
    assert client.post(url, month).status_code == 403
    client.force_login(assistant)
    assert client.get(url).status_code == 405
    for user in (assistant, manager):
        client.force_login(user)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, month)
        document = RenderedDocument.objects.get()
        assert response.status_code == 302 and response["Location"] == document.get_absolute_url()
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY, document.error


def test_the_month_is_checked(client, case, assistant):
    client.force_login(assistant)
    url = reverse("documents:monthly-visits-pdf", args=[case.pk])
    next_month = timezone.localdate().replace(day=1) + dt.timedelta(days=32)
    for value in ("", "2026-13", "listopad", next_month.strftime("%Y-%m"), "2001-01"):
        response = client.post(url, {"month": value}, follow=True)
        assert response.redirect_chain[-1][0] == case.get_absolute_url()
    assert not RenderedDocument.objects.exists()
    response = client.post(f"{url}?month={timezone.localdate():%Y-%m}")
    assert response.status_code == 302 and RenderedDocument.objects.count() == 1


def test_no_work_plan_no_document(client, case, assistant):
    client.force_login(assistant)
    response = client.post(reverse("documents:work-plan-pdf", args=[case.pk]), follow=True)
    assert "no work plan yet" in response.content.decode()
    assert not RenderedDocument.objects.exists()


def test_the_case_page_include(rf, case, assistant, social_worker):
    CourtRequestFactory(case=case, case_number="III Nsm 900/26")
    plan_for(case)
    for user, buttons in ((assistant, True), (social_worker, False)):
        request = rf.get("/")
        request.user = user
        html = render_to_string("courts/_case_documents.html", {"case": case, "user": user}, request=request)
        assert "III Nsm 900/26" in html
        assert (reverse("documents:work-plan-pdf", args=[case.pk]) in html) is buttons
        assert (reverse("courts:court-request-create", args=[case.pk]) in html) is buttons


def test_a_draft_opinion_is_not_printed(assistant):
    court_request = CourtRequestFactory(case__assistant=assistant)
    opinion = services.draft_opinion(request=court_request, by=assistant)
    with pytest.raises(InvalidTransition):
        document_services.request_document(kind=DocumentKind.OPINION, obj=opinion, version=1, by=assistant)
    assert not RenderedDocument.objects.exists()
