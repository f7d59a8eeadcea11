"""Every state change of the printed documents: asking for a rendering, trying again, and the
rendering itself (run by the Celery task `documents.render_document`, or in-process in the
embedded mode). Renderings are queued after the commit; the rendering is idempotent.
"""

import contextlib
import datetime as dt
import logging
import os
import uuid

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from asystent.errors import InvalidTransition
from asystent.files import private_storage
from asystent.models import Centre, User
from asystent.outbox import send_after_commit
from cases.models import Case
from seals.services import SealingUnavailable, seal_marker, seal_pdf

from .enums import DocumentStatus
from .kinds import KINDS, build_html, is_frozen, key_for, key_of, may_prepare
from .models import RenderedDocument
from .pdf import InternalOnlyFetcher, file_sha256, html_to_pdf, remove_parts, sha256_of, write_part

logger = logging.getLogger(__name__)

# A rendering that did not finish this many times in a row (a worker killed each time) stops.
MAX_RENDER_ATTEMPTS = 3
# A 3-page document renders in about a second; a runaway one is stopped (the task's limits).
RENDER_SOFT_TIME_LIMIT = 60
RENDER_TIME_LIMIT = 90
# The longest HTML a document is rendered from, in characters. WeasyPrint lays out about 8,000
# characters a second on a small server, so a longer source could not finish within the soft time
# limit: it is refused at once, with the reason, instead of holding a worker for a minute. The
# longest regular document, an opinion with every section at its limit (asystent.limits), fits.
MAX_SOURCE_CHARS = 400_000


# --- printed documents ---------------------------------------------------------------------------


def request_document(*, kind: str, obj: object, version: int, by: User) -> RenderedDocument:
    """Ask for the PDF of (kind, obj, version); it is rendered after the commit, by a worker or
    in-process. A ready file is reused unless its data has changed (never for a frozen kind)."""
    key = key_for(kind=kind, obj=obj, version=version)
    if not may_prepare(by, key):
        raise PermissionDenied
    refusal = KINDS[key.kind].refusal
    reason = refusal(key.object_id, version) if refusal is not None else None
    if reason:
        raise InvalidTransition(reason)
    with transaction.atomic():
        document, created = RenderedDocument.objects.get_or_create(
            kind=key.kind,
            object_id=key.object_id,
            version=key.version,
            defaults={"case": key.case, "family": key.family, "worker": key.worker, "requested_by": by},
        )
        document = RenderedDocument.objects.select_for_update().get(pk=document.pk)
        mentions = KINDS[key.kind].mentions
        if mentions is not None:
            document.mentioned_families.set(mentions(key))
        if not created and not _needs_rendering(document):
            return document
        document.status = DocumentStatus.PENDING
        document.error = ""
        document.attempts = 0
        document.requested_by = by
        document.save()
        _queue_after_commit(document.pk)
    return document


def _needs_rendering(document: RenderedDocument) -> bool:
    if document.status == DocumentStatus.RENDERING:
        return False
    if document.status in (DocumentStatus.PENDING, DocumentStatus.FAILED):
        return True  # queued again: the task is idempotent
    if file_sha256(private_storage.path(document.storage_name)) != document.sha256:
        return True
    if is_frozen(document):
        return False
    return source_digest(document, build_html(document, Centre.load())) != document.source_digest


def retry_document(*, document: RenderedDocument, by: User) -> RenderedDocument:
    """Try a failed (or stalled) rendering again."""
    if not may_prepare(by, key_of(document)):
        raise PermissionDenied
    with transaction.atomic():
        document = RenderedDocument.objects.select_for_update().get(pk=document.pk)
        if not (document.failed or is_stalled(document)):
            return document
        document.status = DocumentStatus.PENDING
        document.error = ""
        document.attempts = 0
        document.save()
        _queue_after_commit(document.pk)
    return document


def is_stalled(document: RenderedDocument, now: dt.datetime | None = None) -> bool:
    """Waiting or rendering for longer than a rendering may take: the worker is down or was
    stopped by the time limit. The page then offers to try again."""
    if not document.in_progress:
        return False
    return (now or timezone.now()) - document.updated_at > dt.timedelta(seconds=RENDER_TIME_LIMIT + 30)


def _queue_after_commit(document_id: int) -> None:
    """The rendering goes through the outbox: written with the document's row, sent after the
    commit, and sent later if the broker is down meanwhile (the document stays waiting)."""
    from .tasks import render_document

    send_after_commit(render_document, document_id)


def render_stored_document(document_id: int) -> str:
    """Render the document and store its file; safe to run any number of times.

    A ready document whose file is there with its checksum is left alone. Otherwise this attempt
    takes a token, renders outside any transaction, writes beside the final name and moves the
    file into place under the row's lock, but only if no later attempt has started meanwhile; the
    leftovers of interrupted attempts are removed. Returns what happened (for logs and tests).
    """
    token = uuid.uuid4().hex
    with transaction.atomic():
        document = RenderedDocument.objects.select_for_update().filter(pk=document_id).first()
        if document is None:
            return "missing"
        final_path = private_storage.path(document.storage_name)
        if document.is_ready and file_sha256(final_path) == document.sha256:
            return "unchanged"
        if document.status == DocumentStatus.RENDERING and document.attempts >= MAX_RENDER_ATTEMPTS:
            document.status = DocumentStatus.FAILED
            document.error = _("The preparation was interrupted %(count)d times; try again later.") % {
                "count": document.attempts
            }
            document.save()
            return "failed"
        document.status = DocumentStatus.RENDERING
        document.attempts += 1
        document.attempt_token = token
        document.error = ""
        document.save()
    centre = Centre.load()
    try:
        html = build_html(document, centre)
        if len(html) > MAX_SOURCE_CHARS:
            logger.warning("Document %s not rendered: %d characters of HTML", document_id, len(html))
            _record_failure(document_id, token, too_long_message(len(html)))
            return "failed"
        pdf = html_to_pdf(html, fetcher=InternalOnlyFetcher(centre), tagged=KINDS[document.kind].tagged)
        if KINDS[document.kind].sealed:
            # After WeasyPrint, before the file is stored: the stored file is the sealed one.
            pdf = seal_pdf(pdf)
        part = write_part(final_path, token, pdf)
    except SealingUnavailable as error:
        _record_failure(document_id, token, str(error))
        return "failed"
    except SoftTimeLimitExceeded:
        _record_failure(document_id, token, _("Preparing the document took too long."))
        return "failed"
    except (OperationalError, InterfaceError):
        # The database went away mid-render: the task tries again when it is back (its retry).
        raise
    except Exception as error:
        # The details go to the log only: an exception's text may name data or the system's insides.
        logger.exception("Rendering document %s failed: %s", document_id, type(error).__name__)
        message = _(
            "The document could not be prepared because of an error in the system; the error has "
            "been recorded for the administrator. Try again later."
        )
        _record_failure(document_id, token, message)
        return "failed"
    return _store(document_id, token, part, final_path, source_digest(document, html))


def source_digest(document: RenderedDocument, html: str) -> str:
    """What the file was made from: the HTML, and for a sealed kind the seal in use (a live
    document is rendered again after the certificate is put in use or replaced)."""
    if not KINDS[document.kind].sealed or not (marker := seal_marker()):
        return sha256_of(html.encode())
    return sha256_of(html.encode() + b"\0seal:" + marker.encode())


def too_long_message(length: int) -> str:
    return _(
        "The document is too long to be prepared as a PDF (%(length)s characters; at most "
        "%(limit)s). Shorten the longest texts, or hand over the data in another form."
    ) % {"length": f"{length:,}".replace(",", "\xa0"), "limit": f"{MAX_SOURCE_CHARS:,}".replace(",", "\xa0")}


def _store(document_id: int, token: str, part: str, final_path: str, source_digest: str) -> str:
    with transaction.atomic():
        document = RenderedDocument.objects.select_for_update().get(pk=document_id)
        if document.attempt_token != token:
            # A later attempt owns the document now: this one's work is discarded.
            _remove(part)
            return "superseded"
        os.replace(part, final_path)
        remove_parts(final_path)
        document.file.name = document.storage_name
        document.sha256 = file_sha256(final_path) or ""
        document.size = os.path.getsize(final_path)
        document.source_digest = source_digest
        document.status = DocumentStatus.READY
        document.rendered_at = timezone.now()
        document.error = ""
        document.save()
    return "rendered"


def _record_failure(document_id: int, token: str, message: str) -> None:
    with transaction.atomic():
        RenderedDocument.objects.filter(pk=document_id, attempt_token=token).update(
            status=DocumentStatus.FAILED, error=message, updated_at=timezone.now()
        )
    path = private_storage.path(RenderedDocument.objects.get(pk=document_id).storage_name)
    _remove(f"{path}.{token}.part")


def _remove(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.remove(path)


def validate_month(case: Case, year: int, month: int) -> None:
    """A monthly log can be printed for a month from the case's opening to the current one."""
    today = timezone.localdate()
    first = dt.date(year, month, 1)
    if first > today:
        raise ValidationError(_("The month has not started yet."))
    if (year, month) < (case.opened_on.year, case.opened_on.month):
        raise ValidationError(_("The case was opened later than this month."))
