"""Every state change of court requests, opinions and printed documents.

Each service checks who may act and which transition is allowed (one table, `TRANSITIONS`),
locks what it changes, and writes the change, its history, the transition log and the
notifications in one transaction. Renderings are queued after the commit.
"""

import contextlib
import datetime as dt
import logging
import os
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError

from asystent.enums import Role
from asystent.errors import InvalidTransition
from asystent.files import private_storage
from asystent.models import Centre, User
from cases.models import Case
from notifications.services import managers, notify

from . import drafting
from .documents import KINDS, build_html, key_for
from .enums import CourtRequestStatus, DispatchMethod, DocumentKind, DocumentStatus, OpinionStatus
from .models import (
    FROZEN_STATUSES,
    OPINION_SECTIONS,
    REQUIRED_SECTIONS,
    CourtOpinion,
    CourtRequest,
    OpinionTransition,
    OpinionVersion,
    RenderedDocument,
)
from .pdf import InternalOnlyFetcher, file_sha256, html_to_pdf, remove_parts, sha256_of, write_part

logger = logging.getLogger(__name__)

COURT_REQUEST_FIELDS = (
    "court",
    "division",
    "court_address",
    "case_number",
    "letter_date",
    "received_on",
    "due_date",
    "request_text",
)
# A rendering that did not finish this many times in a row (a worker killed each time) stops.
MAX_RENDER_ATTEMPTS = 3
# A 3-page document renders in about a second; a runaway one is stopped (the task's limits).
RENDER_SOFT_TIME_LIMIT = 60
RENDER_TIME_LIMIT = 90


# --- who may act ---------------------------------------------------------------------------------


def is_case_assistant(user: User, case: Case) -> bool:
    return user.has_role(Role.ASSISTANT) and case.assistant_id == user.pk


def is_manager(user: User, case: Case | None = None) -> bool:
    return user.has_role(Role.MANAGER)


def may_prepare_documents(user: User, case: Case) -> bool:
    """The case's assistant or a manager registers court requests and asks for documents."""
    return is_case_assistant(user, case) or is_manager(user)


# --- court requests ------------------------------------------------------------------------------


def register_court_request(
    *, case: Case, data: Mapping[str, Any], by: User, scan: UploadedFile | None = None
) -> CourtRequest:
    """Register a court's letter asking for an opinion about the family."""
    if not may_prepare_documents(by, case):
        raise PermissionDenied
    with transaction.atomic():
        request = CourtRequest(case=case, registered_by=by)
        for name in COURT_REQUEST_FIELDS:
            value = data.get(name)
            setattr(request, name, "" if value is None and name in {"court_address"} else value)
        if scan:
            request.scan = scan
        request.full_clean(exclude=["case", "registered_by"])
        request._history_user = by
        request.save()
    return request


# --- opinions ------------------------------------------------------------------------------------


def draft_opinion(*, request: CourtRequest, by: User) -> CourtOpinion:
    """Start the opinion answering `request`, its sections pre-filled from the case data; if the
    opinion exists already, it is returned as it is."""
    case = request.case
    if not is_case_assistant(by, case):
        raise PermissionDenied
    with transaction.atomic():
        request = CourtRequest.objects.select_for_update().get(pk=request.pk)
        existing = CourtOpinion.objects.filter(request=request).first()
        if existing is not None:
            return existing
        with translation.override(settings.LANGUAGE_CODE):
            sections = drafting.prefill(case, today=timezone.localdate())
        opinion = CourtOpinion.objects.create(request=request, created_by=by)
        version = OpinionVersion(opinion=opinion, number=1, author=by, **sections)
        version._history_user = by
        version.save()
    return opinion


def opinion_edit_token(version: OpinionVersion) -> str:
    """What the edit form carries to notice a save made elsewhere since it was opened: the version
    it edits and when that version last changed (optimistic locking without a counter column)."""
    return f"{version.pk}:{version.updated_at.isoformat()}"


def save_opinion(
    *, opinion: CourtOpinion, by: User, sections: Mapping[str, str], seen: str | None = None
) -> OpinionVersion:
    """Save the opinion's text. A draft is changed in place; an approved or sent version is
    frozen, so the text becomes the next version (a draft), and the frozen one stays as it was.

    `seen` is the `opinion_edit_token` of the version the person opened; if the opinion was saved,
    submitted, returned or approved since, nothing is saved and the first change stays."""
    if not is_case_assistant(by, opinion.request.case):
        raise PermissionDenied
    with transaction.atomic():
        opinion = CourtOpinion.objects.select_for_update().get(pk=opinion.pk)
        current = opinion.current_version()
        if seen and seen != opinion_edit_token(current):
            raise ValidationError(
                _(
                    "The opinion was changed elsewhere after you opened it (perhaps in another window). "
                    "Your text has not been saved: copy it, open the opinion again and make your "
                    "changes there."
                ),
                code="stale",
            )
        if current.status == OpinionStatus.SUBMITTED:
            raise InvalidTransition(
                _("The opinion is with the manager for approval; it can be changed when it is returned.")
            )
        if current.is_frozen:
            version = OpinionVersion(opinion=opinion, number=current.number + 1, based_on=current)
            for name in OPINION_SECTIONS:
                setattr(version, name, getattr(current, name))
        else:
            version = current
        for name in OPINION_SECTIONS:
            if name in sections:
                setattr(version, name, sections[name] or "")
        version.author = by
        version.status = OpinionStatus.DRAFT
        version._history_user = by
        version.save()
    return version


@dataclass(frozen=True)
class Step:
    """One allowed transition of an opinion version, and who may take it."""

    source: str
    target: str
    actor: Callable[[User, Case], bool]


# The one table of allowed transitions. Approving and returning also require that the manager
# is not the version's author (checked in `_transition`).
TRANSITIONS: dict[str, Step] = {
    "submit": Step(OpinionStatus.DRAFT, OpinionStatus.SUBMITTED, is_case_assistant),
    "approve": Step(OpinionStatus.SUBMITTED, OpinionStatus.APPROVED, is_manager),
    "return": Step(OpinionStatus.SUBMITTED, OpinionStatus.DRAFT, is_manager),
    "mark_sent": Step(OpinionStatus.APPROVED, OpinionStatus.SENT, may_prepare_documents),
}


def allowed_steps(version: OpinionVersion, user: User) -> set[str]:
    """The steps `user` may take on `version` now (for the buttons on the page)."""
    case = version.opinion.request.case
    latest = version.opinion.current_version()
    if latest is None or latest.pk != version.pk:
        return set()
    return {
        name
        for name, step in TRANSITIONS.items()
        if version.status == step.source and step.actor(user, case) and not _own_review(name, version, user)
    }


def _own_review(name: str, version: OpinionVersion, user: User) -> bool:
    # Four eyes: a manager who is also the author does not approve or return their own text.
    return name in {"approve", "return"} and version.author_id == user.pk


def _transition(
    version: OpinionVersion, name: str, *, by: User, comment: str = "", **changes: Any
) -> tuple[OpinionVersion, OpinionTransition]:
    """Move `version` along step `name`, locked; the caller is inside a transaction."""
    step = TRANSITIONS[name]
    version = (
        OpinionVersion.objects.select_for_update()
        .select_related("opinion__request__case__family")
        .get(pk=version.pk)
    )
    case = version.opinion.request.case
    if not step.actor(by, case) or _own_review(name, version, by):
        raise PermissionDenied
    latest_number = version.opinion.versions.order_by("-number").values_list("number", flat=True).first()
    if version.number != latest_number:
        raise InvalidTransition(_("This is an earlier version of the opinion; it cannot change any more."))
    if version.status != step.source:
        raise InvalidTransition(
            _("The opinion is %(status)s: this step is not possible now.")
            % {"status": version.get_status_display()}
        )
    for field_name, value in changes.items():
        setattr(version, field_name, value)
    previous = version.status
    version.status = step.target
    version._history_user = by
    version.save()
    record = OpinionTransition.objects.create(
        version=version, from_status=previous, to_status=step.target, by=by, comment=comment
    )
    return version, record


def _missing_sections(version: OpinionVersion) -> list[str]:
    return [
        str(version._meta.get_field(name).verbose_name)
        for name in REQUIRED_SECTIONS
        if not getattr(version, name).strip()
    ]


def _notify_opinion(recipients: Any, *, version: OpinionVersion, record: OpinionTransition) -> None:
    """Tell the managers (submitted) or the author (approved, returned), in the centre's language."""
    request = version.opinion.request
    values = {"family": request.case.family.name, "number": request.case_number, "version": version.number}
    with translation.override(settings.LANGUAGE_CODE):
        if record.to_status == OpinionStatus.SUBMITTED:
            rule = "opinion_submitted"
            message = _(
                "Court opinion for the family %(family)s (%(number)s), version %(version)d, awaits approval."
            )
        elif record.to_status == OpinionStatus.APPROVED:
            rule = "opinion_approved"
            message = _(
                "Court opinion for the family %(family)s (%(number)s), version %(version)d, was approved."
            )
        else:
            rule = "opinion_returned"
            message = _(
                "Court opinion for the family %(family)s (%(number)s), version %(version)d, "
                "was returned for changes."
            )
        message = message % values
    notify(
        recipients,
        rule=rule,
        key=f"opinion-transition:{record.pk}",
        message=message,
        url=version.get_absolute_url(),
        family_id=request.case.family_id,
    )


def submit_opinion(*, version: OpinionVersion, by: User) -> OpinionVersion:
    """The assistant hands the opinion to the manager for approval."""
    with transaction.atomic():
        missing = _missing_sections(version)
        if missing:
            raise InvalidTransition(
                _("Fill in these sections before submitting: %(sections)s.")
                % {"sections": ", ".join(missing)}
            )
        version, record = _transition(version, "submit", by=by, submitted_at=timezone.now(), author=by)
        _notify_opinion(managers().exclude(pk=by.pk), version=version, record=record)
    return version


def approve_opinion(*, version: OpinionVersion, by: User) -> OpinionVersion:
    """The manager approves: the version is frozen and its PDF is rendered."""
    with transaction.atomic():
        version, record = _transition(version, "approve", by=by, approved_by=by, approved_at=timezone.now())
        _notify_opinion([version.author], version=version, record=record)
        request_document(kind=DocumentKind.OPINION, obj=version.opinion, version=version.number, by=by)
    return version


def return_opinion(*, version: OpinionVersion, by: User, comment: str) -> OpinionVersion:
    """The manager returns the opinion to the assistant with a comment on what to change."""
    if not comment.strip():
        raise InvalidTransition(_("Say what should be changed in the opinion."))
    with transaction.atomic():
        version, record = _transition(version, "return", by=by, comment=comment, submitted_at=None)
        _notify_opinion([version.author], version=version, record=record)
    return version


def mark_opinion_sent(
    *, version: OpinionVersion, by: User, sent_on: dt.date, method: str, reference: str = ""
) -> OpinionVersion:
    """Record the dispatch of the approved opinion; the court's request is answered."""
    if method not in DispatchMethod.values:
        raise InvalidTransition(_("Choose how the opinion was sent."))
    if sent_on > timezone.localdate():
        raise InvalidTransition(_("The date of dispatch cannot be in the future."))
    if version.approved_at and sent_on < timezone.localdate(version.approved_at):
        raise InvalidTransition(_("The opinion cannot be sent before it was approved."))
    with transaction.atomic():
        version, _record = _transition(
            version, "mark_sent", by=by, sent_on=sent_on, sent_method=method, sent_reference=reference
        )
        request = CourtRequest.objects.select_for_update().get(pk=version.opinion.request_id)
        request.status = CourtRequestStatus.ANSWERED
        request.answered_on = sent_on
        request._history_user = by
        request.save()
    return version


# --- printed documents ---------------------------------------------------------------------------


def request_document(*, kind: str, obj: object, version: int, by: User) -> RenderedDocument:
    """Ask for the PDF of (kind, obj, version); it is rendered after the commit, by a worker or
    in-process. A ready file is reused unless its data has changed (never for a frozen kind)."""
    key = key_for(kind=kind, obj=obj, version=version)
    if not may_prepare_documents(by, key.case):
        raise PermissionDenied
    if (
        kind == DocumentKind.OPINION
        and not OpinionVersion.objects.filter(
            opinion_id=key.object_id, number=version, status__in=FROZEN_STATUSES
        ).exists()
    ):
        # The court gets only what a manager approved; a draft is read on its page.
        raise InvalidTransition(_("Only an approved opinion is printed."))
    with transaction.atomic():
        document, created = RenderedDocument.objects.get_or_create(
            kind=key.kind,
            object_id=key.object_id,
            version=key.version,
            defaults={"case": key.case, "requested_by": by},
        )
        document = RenderedDocument.objects.select_for_update().get(pk=document.pk)
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
    if KINDS[document.kind].frozen:
        return False
    return sha256_of(build_html(document, Centre.load()).encode()) != document.source_digest


def retry_document(*, document: RenderedDocument, by: User) -> RenderedDocument:
    """Try a failed (or stalled) rendering again."""
    if not may_prepare_documents(by, document.case):
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
    transaction.on_commit(lambda: queue_rendering(document_id), robust=True)


def queue_rendering(document_id: int) -> None:
    """Send the rendering to the worker (in the embedded mode: render now, in-process)."""
    from .tasks import render_document

    try:
        render_document.delay(document_id)
    except BrokerError:
        logger.warning("Broker unreachable; document %s not queued", document_id)
        with transaction.atomic():
            RenderedDocument.objects.filter(pk=document_id, status=DocumentStatus.PENDING).update(
                status=DocumentStatus.FAILED,
                error=_("The service that prepares documents cannot be reached. Try again in a moment."),
                updated_at=timezone.now(),
            )


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
        part = write_part(final_path, token, html_to_pdf(html, fetcher=InternalOnlyFetcher(centre)))
    except SoftTimeLimitExceeded:
        _record_failure(document_id, token, _("Preparing the document took too long."))
        return "failed"
    except Exception as error:
        logger.exception("Rendering document %s failed", document_id)
        message = _("The document could not be prepared (%(error)s).") % {
            "error": f"{type(error).__name__}: {error}"[:500]
        }
        _record_failure(document_id, token, message)
        return "failed"
    return _store(document_id, token, part, final_path, sha256_of(html.encode()))


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
