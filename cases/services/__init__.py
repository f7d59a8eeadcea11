"""Every state change of families, cases and consent: one transaction each, history recorded.

The assistant's case work has a module each: `plans` (the work plan), `assessments` (the periodic
assessment) and `closure` (closure with monitoring, the end of monitoring); they share the checks
below (`ensure_writable`, `ensure_in_progress`).
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from asystent import dates, removal
from asystent.concurrency import bump_version
from asystent.errors import CaseloadFull, InvalidTransition
from asystent.history import attribute_change
from asystent.models import Centre, User, caseload_limit_of
from notifications.enums import NotificationKind
from notifications.models import Notification
from notifications.services import notify

from ..enums import CaseStatus, ClosureReason, ConsentDecision, LegalBasis
from ..models import OPEN_STATUSES, Assignment, Case, Consent, Family, FamilyMember, LegalBasisPeriod


def caseload_statuses(centre: Centre) -> tuple[str, ...]:
    if centre.count_monitoring_in_caseload:
        return (*OPEN_STATUSES, CaseStatus.MONITORING)
    return OPEN_STATUSES


def caseloads(assistants: Iterable[User] | None = None) -> dict[int, int]:
    """Number of families counted against the limit, per assistant id (one query)."""
    statuses = caseload_statuses(Centre.load())
    qs = User.objects.filter(is_assistant=True, is_active=True)
    if assistants is not None:
        qs = qs.filter(pk__in=[a.pk for a in assistants])
    rows = qs.annotate(
        load=Count("assisted_cases", filter=Q(assisted_cases__status__in=statuses))
    ).values_list("pk", "load")
    return dict(rows)


def caseload_limits(assistants: Iterable[User] | None = None) -> dict[int, int]:
    """Each active assistant's own limit: the lower of the centre's and their personal one."""
    centre_limit = Centre.load().caseload_limit
    qs = User.objects.filter(is_assistant=True, is_active=True)
    if assistants is not None:
        qs = qs.filter(pk__in=[a.pk for a in assistants])
    return {
        pk: caseload_limit_of(personal, centre_limit)
        for pk, personal in qs.values_list("pk", "personal_caseload_limit")
    }


def _ensure_capacity(assistant: User, centre: Centre) -> None:
    """Lock the assistant's row, then count: two managers cannot both take the last place. The
    limit is read from the locked row, so a personal limit lowered meanwhile is respected."""
    locked = User.objects.select_for_update().filter(pk=assistant.pk).first()
    limit = caseload_limit_of(locked.personal_caseload_limit if locked else None, centre.caseload_limit)
    load = Case.objects.filter(assistant=assistant, status__in=caseload_statuses(centre)).count()
    if load >= limit:
        raise caseload_full(assistant, load=load, limit=limit, centre=centre)


def caseload_full(assistant: User, *, load: int, limit: int, centre: Centre) -> CaseloadFull:
    """The refusal of one more family for `assistant`, who already works with `load`."""
    if limit < centre.caseload_limit:
        message = _(
            "%(assistant)s already works with %(load)d families; their personal limit is "
            "%(limit)d. Choose another assistant."
        )
    else:
        message = _(
            "%(assistant)s already works with %(load)d families; the limit is %(limit)d "
            "(art. 15 ust. 4 of the Act). Choose another assistant."
        )
    values = {"assistant": assistant, "load": load, "limit": limit}
    return CaseloadFull(message % values, code="caseload_full")


def check_assistant(assistant: User) -> None:
    if not (assistant.is_active and assistant.is_assistant):
        raise InvalidTransition(_("The chosen person is not an active family assistant."))


def open_case(
    *,
    family: Family,
    assistant: User,
    social_worker: User | None,
    legal_basis: str,
    by: User,
    on: dt.date | None = None,
    source: str = "",
) -> Case:
    """Open a case by assignment, with the first period of its legal basis (`source`: the court
    order it came from, if any). Court-ordered and art. 11 ust. 1a cases start active;
    voluntary ones wait for the family's consent (art. 8 ust. 3). A "Za życiem" case starts
    active too: the assistant is given at the person's own request (art. 8 of the "Za życiem"
    Act), and that request is the family's expressed will to work with the assistant."""
    with transaction.atomic():
        check_assistant(assistant)
        _ensure_capacity(assistant, Centre.load())
        case, assignment, period = case_opening(
            family=family,
            assistant=assistant,
            social_worker=social_worker,
            legal_basis=legal_basis,
            by=by,
            on=on or timezone.localdate(),
            source=source,
        )
        case.save(force_insert=True)
        assignment.save(force_insert=True)
        period.save(force_insert=True)
        _notify_assignment(case, assistant=assistant, previous=None, by=by)
    return case


def case_opening(
    *,
    family: Family,
    assistant: User,
    social_worker: User | None,
    legal_basis: str,
    by: User,
    on: dt.date,
    source: str,
) -> tuple[Case, Assignment, LegalBasisPeriod]:
    """What opening a case writes, unsaved: the case, its first assignment and the first period of
    its legal basis (saved by `open_case`, or in bulk by a loader that checks the caseloads and
    sends `opening_notices` itself)."""
    starts_active = legal_basis in (LegalBasis.COURT_ORDER, LegalBasis.MINOR_PARENT, LegalBasis.ZA_ZYCIEM)
    case = Case(
        family=family,
        assistant=assistant,
        social_worker=social_worker,
        legal_basis=legal_basis,
        status=CaseStatus.ACTIVE if starts_active else CaseStatus.AWAITING_CONSENT,
        opened_on=on,
        started_on=on if starts_active else None,
    )
    assignment = Assignment(case=case, assistant=assistant, started_on=on, assigned_by=by)
    period = LegalBasisPeriod(case=case, basis=legal_basis, started_on=on, source=source, recorded_by=by)
    return case, assignment, period


def _notify_assignment(case: Case, *, assistant: User, previous: User | None, by: User) -> None:
    """The assistant given the family learns of it, and on a reassignment the previous one learns
    that the family went to another; both in the transaction of the change."""
    with translation.override(settings.LANGUAGE_CODE):
        values = {"family": case.family.label, "assistant": assistant.get_full_name() or assistant.username}
        handed = _("Family %(family)s has been handed to %(assistant)s.") % values
    number = case.assignments.count()
    if assistant.pk != by.pk:
        notify([assistant], **_assigned_notice(case, number))
    if previous is not None and previous.is_active and previous.pk != by.pk:
        # The previous assistant no longer sees the family: the message carries no link to it.
        notify(
            [previous],
            rule=NotificationKind.CASE_HANDED_OVER,
            key=f"case-handed-over:{case.pk}:{number}",
            message=handed,
        )


def _assigned_notice(case: Case, number: int) -> dict[str, Any]:
    """What the assistant given the family is told: the `number`th assignment of the case."""
    with translation.override(settings.LANGUAGE_CODE):
        message = _("Family %(family)s has been assigned to you.") % {"family": case.family.label}
    return {
        "rule": NotificationKind.CASE_ASSIGNED,
        "key": f"case-assigned:{case.pk}:{number}",
        "message": message,
        "url": case.get_absolute_url(),
        "family_id": case.family_id,
    }


def opening_notices(cases: Iterable[Case], *, by: User) -> list[Notification]:
    """The notifications `open_case` sends for these new cases (their first assignment), unsaved:
    for loaders that open many cases at once (`notifications.services.notify_each`)."""
    return [
        Notification(recipient=case.assistant, **_assigned_notice(case, 1))
        for case in cases
        if case.assistant_id != by.pk
    ]


def reassign_case(
    *, case: Case, assistant: User, by: User, reason: str, seen_assistant_id: int | None = None
) -> Case:
    """Hand the case to another assistant, within the limit, with the reason recorded.

    `seen_assistant_id` is the assistant the manager saw when choosing: if another manager moved
    the case meanwhile, this change is refused rather than silently replacing theirs."""
    if not reason.strip():
        raise InvalidTransition(_("Give the reason for the reassignment."))
    today = timezone.localdate()
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if seen_assistant_id is not None and seen_assistant_id != case.assistant_id:
            raise ValidationError(
                _(
                    "Meanwhile someone else handed this case to %(name)s. Nothing was changed: "
                    "check the case and choose again."
                )
                % {"name": case.assistant.get_full_name() if case.assistant else "—"},
                code="stale_version",
            )
        if case.status not in (*OPEN_STATUSES, CaseStatus.MONITORING):
            raise InvalidTransition(_("Only a case in progress can be reassigned."))
        if assistant.pk == case.assistant_id:
            raise InvalidTransition(_("The case is already assigned to this assistant."))
        check_assistant(assistant)
        _ensure_capacity(assistant, Centre.load())
        Assignment.objects.filter(case=case, ended_on__isnull=True).update(ended_on=today)
        Assignment.objects.create(
            case=case, assistant=assistant, started_on=today, assigned_by=by, reason=reason
        )
        previous = case.assistant
        case.assistant = assistant
        bump_version(case)
        # simple_history keeps at most 100 characters; the full reason is in the Assignment.
        attribute_change(case, by, Truncator(reason).chars(100))
        case.save()
        _notify_assignment(case, assistant=assistant, previous=previous, by=by)
    return case


def end_basis_period(case: Case, on: dt.date) -> None:
    """The legal basis in force ends with the work (closure on `on`); the caller holds the case."""
    LegalBasisPeriod.objects.filter(case=case, ended_on__isnull=True).update(ended_on=max(on, case.opened_on))


def attach_court_order(*, case: Case, received_on: dt.date, source: str, by: User) -> LegalBasisPeriod:
    """A court order (art. 109 § 2 pkt 1 KRO) that arrives while the work is open joins the open
    case instead of opening another: the basis in force ends the day before, the court-ordered
    period starts on the day the order was received, and the case is court-ordered from then on
    (a family still awaiting consent starts at once: a court order needs no consent)."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.status not in OPEN_STATUSES:
            raise InvalidTransition(_("A court order can be attached only to a case in progress."))
        current = (
            LegalBasisPeriod.objects.select_for_update().filter(case=case, ended_on__isnull=True).first()
        )
        start = max(received_on, case.opened_on)
        if current is not None:
            start = max(start, current.started_on)
            current.ended_on = max(start - dt.timedelta(days=1), current.started_on)
            attribute_change(current, by)
            current.save(update_fields=["ended_on"])
        period = LegalBasisPeriod(
            case=case, basis=LegalBasis.COURT_ORDER, started_on=start, source=source[:300], recorded_by=by
        )
        period.full_clean()
        attribute_change(period, by)
        period.save()
        case.legal_basis = LegalBasis.COURT_ORDER
        if case.status == CaseStatus.AWAITING_CONSENT:
            case.start(on=start, by=by, comment=source)
        else:
            bump_version(case)
        attribute_change(case, by, Truncator(_("Court order: %(source)s") % {"source": source}).chars(100))
        case.save()
    return period


def _ensure_after_opening(case: Case, day: dt.date) -> None:
    try:
        dates.ensure_not_before(day, case.opened_on)
        dates.PAST(day)
    except ValidationError as error:
        raise InvalidTransition(error.messages[0]) from error


def close_case(*, case: Case, reason: str, on: dt.date, by: User, monitoring: bool = False) -> Case:
    """Close the work; with monitoring the case stays open to monitoring contacts (art. 15 ust. 1
    pkt 16) until the monitoring ends."""
    if not reason:
        # Without it the database refuses the closed case (case_closed_has_reason) with a bare error.
        raise InvalidTransition(_("Give the reason for closing the case."))
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        _ensure_after_opening(case, on)
        move = case.close_with_monitoring if monitoring else case.close
        move(on=on, reason=reason, by=by)
        case.save()
        Assignment.objects.filter(case=case, ended_on__isnull=True).update(ended_on=on)
        end_basis_period(case, on)
    return case


def record_consent(
    *,
    case: Case,
    decision: str,
    date: dt.date,
    by: User,
    signed_by: Sequence[FamilyMember] = (),
    scope: str = "",
    reason: str = "",
    scan: "UploadedFile[Any] | None" = None,
) -> Consent:
    """Record the family's consent, refusal or withdrawal and its effect on the case.

    Voluntary work starts with consent and closes on refusal or withdrawal; a court-ordered
    family's refusal is a fact the court must learn of, so the case is flagged, not closed.
    """
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.status not in (*OPEN_STATUSES,):
            raise InvalidTransition(_("Consent can be recorded only for a case in progress."))
        if (
            decision == ConsentDecision.GIVEN
            and case.status != CaseStatus.AWAITING_CONSENT
            and case.is_voluntary
        ):
            raise InvalidTransition(_("Consent has already been given for this case."))
        if (
            decision == ConsentDecision.WITHDRAWN
            and not case.consents.filter(decision=ConsentDecision.GIVEN).exists()
            and case.is_voluntary
        ):
            raise InvalidTransition(_("Consent that was never given cannot be withdrawn."))
        if decision != ConsentDecision.GIVEN and not reason.strip():
            raise InvalidTransition(_("Give the reason for the refusal or withdrawal."))
        _ensure_after_opening(case, date)
        consent = Consent.objects.create(
            case=case,
            decision=decision,
            date=date,
            scope=scope,
            reason=reason,
            scan=scan or "",
            recorded_by=by,
        )
        if signed_by:
            consent.signed_by.set(signed_by)
        if decision == ConsentDecision.GIVEN:
            if case.status == CaseStatus.AWAITING_CONSENT:
                case.start(on=date, by=by)
        elif case.is_voluntary:
            refused = decision == ConsentDecision.REFUSED
            case.close(
                on=date,
                reason=ClosureReason.REFUSED if refused else ClosureReason.WITHDREW,
                by=by,
                comment=reason,
            )
            Assignment.objects.filter(case=case, ended_on__isnull=True).update(ended_on=date)
            end_basis_period(case, date)
        else:
            # art. 109 § 2 pkt 1 KRO: the court, not the family, ends court-ordered work. From the
            # order on, a refusal or withdrawal of consent does not close the case: it is recorded,
            # and it is a fact the court must learn of (courts: the notice to the court).
            case.court_notice_needed = True
            bump_version(case)
        case.save()
    return consent


def register_family(*, family_data: dict[str, Any], members: list[dict[str, Any]], by: User) -> Family:
    """Register a family with its members in one transaction (all of them or none)."""
    with transaction.atomic():
        family = Family(**family_data, registered_by=by)
        family.full_clean()
        attribute_change(family, by)
        family.save()
        for data in members:
            _save_member(FamilyMember(family=family, **data), by)
    return family


def update_family(*, family: Family, data: dict[str, Any], version: int, by: User) -> Family:
    """Change the family's details unless someone else changed them since `version` was read."""
    with transaction.atomic():
        family = Family.objects.select_for_update().get(pk=family.pk)
        bump_version(
            family,
            expected=version,
            message=_(
                "Someone else changed this family's details while you were editing them. "
                "Your changes have not been saved."
            ),
        )
        for name, value in data.items():
            setattr(family, name, value)
        family.full_clean()
        attribute_change(family, by)
        family.save()
    return family


def add_member(*, family: Family, data: dict[str, Any], by: User) -> FamilyMember:
    """Add a person to a family already on file."""
    with transaction.atomic():
        return _save_member(FamilyMember(family=family, **data), by)


def update_member(
    *, member: FamilyMember, data: dict[str, Any], by: User, version: int | None = None
) -> FamilyMember:
    """Correct a family member's details unless someone changed or removed the person after
    `version` was read (it defaults to the version of the `member` passed in)."""
    with transaction.atomic():
        current = FamilyMember.all_objects.select_for_update().get(pk=member.pk)
        if current.is_removed:
            raise InvalidTransition(
                _("This person was removed from the family meanwhile; their details have not been saved."),
                code="removed",
            )
        bump_version(
            current,
            expected=member.version if version is None else version,
            message=_(
                "Someone else changed this person's details while you were editing them. "
                "Your changes have not been saved."
            ),
        )
        for name, value in data.items():
            setattr(current, name, value)
        return _save_member(current, by)


def _save_member(member: FamilyMember, by: User) -> FamilyMember:
    # full_clean checks the PESEL rules and the one-person-one-PESEL constraint again; it reads
    # through the default manager, which leaves out removed members, so those are checked here.
    if (
        member.pesel
        and FamilyMember.all_objects.filter(pesel=member.pesel, removed_at__isnull=False)
        .exclude(pk=member.pk)
        .exists()
    ):
        raise ValidationError(
            _(
                "A person with this PESEL number is on file but was removed from a family; ask the "
                "manager to restore them instead of registering them again."
            ),
            code="pesel_removed",
        )
    member.full_clean()
    attribute_change(member, by)
    member.save()
    return member


# --- no hard delete: members added by mistake -----------------------------------------------------


def remove_member(*, member: FamilyMember, by: User, reason: str) -> FamilyMember:
    """Mark a person added to the family by mistake as removed (who, when, why); nothing is
    deleted and a manager may restore them."""
    return removal.remove(member, by=by, reason=reason, refusal=_consent_keeps_name)


def _consent_keeps_name(member: FamilyMember) -> str | None:
    if member.consents.exists():
        return _(
            "This person signed the family's consent, which must keep their name: they cannot be removed."
        )
    return None


def restore_member(*, member: FamilyMember, by: User) -> FamilyMember:
    """Undo a removal: the person is back in the family's file (a manager's decision)."""
    return removal.restore(member, by=by)


# --- shared by the case work (plans, assessments, closure) ----------------------------------------

WRITABLE_STATUSES = (*OPEN_STATUSES, CaseStatus.MONITORING)


def ensure_writable(case: Case) -> None:
    """No work is recorded on a closed or ended case."""
    if case.status not in WRITABLE_STATUSES:
        raise InvalidTransition(
            _("The case is %(status)s: nothing more can be recorded in it.")
            % {"status": case.get_status_display()}
        )


def ensure_in_progress(case: Case) -> None:
    if case.status not in OPEN_STATUSES:
        raise InvalidTransition(_("This can be done only while the work with the family is in progress."))
