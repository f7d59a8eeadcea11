"""Every state change of court requests and opinions.

Each service checks who may act (`STEPS`), locks what it changes and takes the move of the
version's state machine (`OpinionVersion.submit` and the others, which check it and write the
transition log), and writes the change, its history and the notifications in one transaction.
The approved opinion's rendering is asked of `documents`.
"""

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from asystent.errors import InvalidTransition
from asystent.history import attribute_change
from asystent.meta import field_label
from asystent.models import User
from asystent.transitions import can_proceed
from cases.models import Case
from documents.enums import DocumentKind
from documents.services import request_document
from notifications.services import managers, notify

from . import drafting
from .enums import CourtRequestStatus, DispatchMethod, OpinionStatus
from .models import (
    OPINION_SECTIONS,
    REQUIRED_SECTIONS,
    CourtOpinion,
    CourtRequest,
    OpinionTransition,
    OpinionVersion,
)

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


# --- court requests ------------------------------------------------------------------------------


def register_court_request(
    *, case: Case, data: Mapping[str, Any], by: User, scan: "UploadedFile[Any] | None" = None
) -> CourtRequest:
    """Register a court's letter asking for an opinion about the family."""
    if not by.has_perm("courts.register_request", case):
        raise PermissionDenied
    with transaction.atomic():
        request = CourtRequest(case=case, registered_by=by)
        for name in COURT_REQUEST_FIELDS:
            value = data.get(name)
            setattr(request, name, "" if value is None and name in {"court_address"} else value)
        if scan:
            request.scan = scan
        request.full_clean(exclude=["case", "registered_by"])
        attribute_change(request, by)
        request.save()
    return request


# --- opinions ------------------------------------------------------------------------------------


def draft_opinion(*, request: CourtRequest, by: User) -> CourtOpinion:
    """Start the opinion answering `request`, its sections pre-filled from the case data; if the
    opinion exists already, it is returned as it is."""
    case = request.case
    if not by.has_perm("courts.draft_opinion", case):
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
        attribute_change(version, by)
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
    if not by.has_perm("courts.draft_opinion", opinion.request.case):
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
        version.author = by  # a new version or the current draft: either is a draft
        attribute_change(version, by)
        version.save()
    return version


@dataclass(frozen=True)
class Step:
    """One step on the page: the move of the version's state machine it takes, and who may take it
    (a named permission on the case, courts/permissions.py)."""

    move: str
    permission: str


# Who takes which step. Approving and returning also require that the manager is not the
# version's author (checked in `_transition`).
STEPS: dict[str, Step] = {
    "submit": Step("submit", "courts.submit_opinion"),
    "approve": Step("approve", "courts.review_opinion"),
    "return": Step("send_back", "courts.review_opinion"),
    "mark_sent": Step("mark_sent", "courts.send_opinion"),
}


def allowed_steps(version: OpinionVersion, user: User) -> set[str]:
    """The steps `user` may take on `version` now (for the buttons on the page)."""
    case = version.opinion.request.case
    latest = version.opinion.current_version()
    if latest is None or latest.pk != version.pk:
        return set()
    return {
        name
        for name, step in STEPS.items()
        if can_proceed(getattr(version, step.move))
        and user.has_perm(step.permission, case)
        and not _own_review(name, version, user)
    }


def _own_review(name: str, version: OpinionVersion, user: User) -> bool:
    # Four eyes: a manager who is also the author does not approve or return their own text.
    return name in {"approve", "return"} and version.author_id == user.pk


def _transition(
    version: OpinionVersion, name: str, *, by: User, comment: str = "", **arguments: Any
) -> tuple[OpinionVersion, OpinionTransition]:
    """Take step `name` on `version`, locked; the caller is inside a transaction."""
    step = STEPS[name]
    version = (
        OpinionVersion.objects.select_for_update()
        .select_related("opinion__request__case__family")
        .get(pk=version.pk)
    )
    case = version.opinion.request.case
    if not by.has_perm(step.permission, case) or _own_review(name, version, by):
        raise PermissionDenied
    latest_number = version.opinion.versions.order_by("-number").values_list("number", flat=True).first()
    if version.number != latest_number:
        raise InvalidTransition(_("This is an earlier version of the opinion; it cannot change any more."))
    record = getattr(version, step.move)(by=by, comment=comment, **arguments)
    attribute_change(version, by)
    version.save()
    return version, record


def _missing_sections(version: OpinionVersion) -> list[str]:
    return [
        str(field_label(version, name)) for name in REQUIRED_SECTIONS if not getattr(version, name).strip()
    ]


def _notify_opinion(recipients: Any, *, version: OpinionVersion, record: OpinionTransition) -> None:
    """Tell the managers (submitted) or the author (approved, returned), in the centre's language."""
    request = version.opinion.request
    values = {"family": request.case.family.label, "number": request.case_number, "version": version.number}
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
        version, record = _transition(version, "submit", by=by)
        _notify_opinion(managers().exclude(pk=by.pk), version=version, record=record)
    return version


def approve_opinion(*, version: OpinionVersion, by: User) -> OpinionVersion:
    """The manager approves: the version is frozen and its PDF is rendered."""
    with transaction.atomic():
        version, record = _transition(version, "approve", by=by)
        _notify_opinion([version.author], version=version, record=record)
        request_document(kind=DocumentKind.OPINION, obj=version.opinion, version=version.number, by=by)
    return version


def return_opinion(*, version: OpinionVersion, by: User, comment: str) -> OpinionVersion:
    """The manager returns the opinion to the assistant with a comment on what to change."""
    if not comment.strip():
        raise InvalidTransition(_("Say what should be changed in the opinion."))
    with transaction.atomic():
        version, record = _transition(version, "return", by=by, comment=comment)
        _notify_opinion([version.author], version=version, record=record)
    return version


def record_no_answer(*, request: CourtRequest, by: User, reason: str) -> CourtRequest:
    """A manager records why the court's request will not be answered (e.g. the court withdrew
    it): the request no longer keeps the case from being closed, and no longer reminds."""
    if not by.has_perm("courts.record_no_answer", request):
        raise PermissionDenied
    if not reason.strip():
        raise InvalidTransition(_("Say why the court's request will not be answered."))
    with transaction.atomic():
        request = CourtRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != CourtRequestStatus.OPEN:
            raise InvalidTransition(_("Only a request awaiting the opinion can be marked as not answered."))
        request.status = CourtRequestStatus.NOT_ANSWERED
        request.not_answered_reason = reason.strip()
        request.not_answered_by = by
        request.answered_on = timezone.localdate()
        attribute_change(request, by)
        request.full_clean(exclude=["case", "registered_by", "scan"])
        request.save()
    return request


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
        attribute_change(request, by)
        request.save()
    return version
