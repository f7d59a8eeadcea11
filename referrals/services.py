"""Every state change of intake: submitting and withdrawing referrals, court orders, decisions."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from asystent import dates
from asystent.concurrency import bump_version, check_version
from asystent.errors import InvalidTransition
from asystent.history import attribute_change
from asystent.models import User
from cases.enums import LegalBasis
from cases.models import Case, Family
from cases.services import attach_court_order, open_case
from notifications.enums import NotificationKind
from notifications.services import managers, notify

from .enums import Decision, ReferralStatus
from .models import (
    COURT_ORDER_NOT_REFUSED,
    CatalogueHandover,
    CourtOrder,
    FamilyReport,
    Referral,
    SupportCatalogueEntry,
    ZaZyciemRequest,
)

# What a social worker writes on the referral form (the m2m `problem_areas` is set after saving).
REFERRAL_FIELDS = ("interview", "legal_basis", "justification", "children_in_foster_care", "blue_card_open")


def _locked(referral: Referral) -> Referral:
    return Referral.objects.select_for_update().get(pk=referral.pk)


def save_referral(
    *,
    referral: Referral,
    data: dict[str, Any],
    by: User,
    version: int | None = None,
    submit: bool = False,
) -> Referral:
    """Save a new or a draft referral with the fields of `data` and, with `submit`, hand it to
    the manager.

    Changing a draft is refused when it was saved elsewhere (another window or device) after
    `version` was read, so the first save is kept rather than silently overwritten; `version`
    defaults to the version of the `referral` passed in.
    """
    with transaction.atomic():
        if referral.pk is None:
            target = referral
        else:
            target = _locked(referral)
            if target.status != ReferralStatus.DRAFT:
                raise InvalidTransition(_("Only a draft referral can be changed."))
            bump_version(
                target,
                expected=referral.version if version is None else version,
                message=_(
                    "This referral was changed elsewhere after you opened it (perhaps in another "
                    "window). Your changes have not been saved: copy what you typed, open the "
                    "referral again and make your changes there."
                ),
            )
        for name in REFERRAL_FIELDS:
            if name in data:
                setattr(target, name, data[name])
        target.full_clean()
        attribute_change(target, by)
        target.save()
        if "problem_areas" in data:
            target.problem_areas.set(data["problem_areas"])
        if submit:
            target = submit_referral(referral=target, by=by)
    return target


def submit_referral(*, referral: Referral, by: User) -> Referral:
    """Hand the referral to the head of the centre; the managers are told it awaits a decision."""
    with transaction.atomic():
        referral = _locked(referral)
        referral.submit(by=by)
        referral.save()
        _notify_submitted(referral)
    return referral


def _notify_submitted(referral: Referral) -> None:
    """The managers decide (art. 11 ust. 3): they are told of the referral at once; the sweep
    reminds them while it waits."""
    with translation.override(settings.LANGUAGE_CODE):
        message = _("Family %(family)s: a referral awaits your decision.") % {"family": referral.family.label}
    notify(
        managers(),
        rule=NotificationKind.REFERRAL_WAITING,
        key=f"referral-submitted:{referral.pk}",
        message=message,
        url=reverse("referrals:referral-decide", args=[referral.pk]),
        family_id=referral.family_id,
    )


def withdraw_referral(*, referral: Referral, by: User) -> Referral:
    """The social worker may withdraw a referral until the manager has decided."""
    with transaction.atomic():
        referral = _locked(referral)
        referral.withdraw(by=by)
        referral.save()
    return referral


def register_court_order(
    *,
    family: Family,
    court: str,
    division: str,
    case_number: str,
    order_date: dt.date,
    received_on: dt.date,
    by: User,
    scan: "File[Any] | None" = None,
    justification: str = "",
    social_worker: User | None = None,
) -> CourtOrder:
    """Record a family court's order (art. 109 § 2 pkt 1 KRO) against the family.

    While work with the family is open (a voluntary case, or one awaiting consent), the order is
    attached to that case: its legal basis becomes court-ordered from the day the order was
    received (`cases.services.attach_court_order`), and no referral is made. Otherwise it goes
    straight to the manager's queue as a submitted, court-ordered referral (`order.referral`)."""
    with transaction.atomic():
        order = CourtOrder(
            family=family,
            court=court,
            division=division,
            case_number=case_number,
            order_date=order_date,
            received_on=received_on,
            scan=scan or "",
            registered_by=by,
        )
        order.full_clean()
        order.save()
        open_case_ = Case.objects.open().select_for_update().filter(family=family).order_by("pk").first()
        if open_case_ is not None:
            order.basis_period = attach_court_order(
                case=open_case_, received_on=received_on, source=order.description, by=by
            )
            order.save(update_fields=["basis_period"])
            _notify_attached(order, open_case_, by=by)
            return order
        referral = Referral.objects.create(
            family=family,
            court_order=order,
            social_worker=social_worker or by,
            legal_basis=LegalBasis.COURT_ORDER,
            justification=justification
            or _("Court order %(number)s of %(court)s.") % {"number": case_number, "court": court},
        )
        referral.submit(by=by)
        referral.save()
        return order


def _notify_attached(order: CourtOrder, case: Case, *, by: User) -> None:
    """The managers and the case's assistant learn that the open case is now court-ordered."""
    with translation.override(settings.LANGUAGE_CODE):
        message = _(
            "Family %(family)s: the court order %(number)s was attached to the open case; the work "
            "is court-ordered from %(date)s."
        ) % {
            "family": case.family.label,
            "number": order.case_number,
            "date": order.basis_period.started_on.strftime("%d.%m.%Y") if order.basis_period else "",
        }
    recipients = [user for user in [*managers(), case.assistant] if user.is_active and user.pk != by.pk]
    notify(
        recipients,
        rule=NotificationKind.COURT_ORDER_ATTACHED,
        key=f"court-order-attached:{order.pk}",
        message=message,
        url=case.get_absolute_url(),
        family_id=case.family_id,
    )


def decide_referral(
    *,
    referral: Referral,
    decision: str,
    by: User,
    assistant: User | None = None,
    note: str = "",
    version: int | None = None,
) -> Referral:
    """The head of the centre decides (art. 11 ust. 4): assign, waiting list, refer elsewhere,
    or reject. Assigning opens the case under the caseload limit.

    With `version` (the version the decision page was opened at), a referral that another
    manager decided on or changed meanwhile is refused rather than decided over again."""
    with transaction.atomic():
        referral = _locked(referral)
        # The move below counts the change; here only a page opened before another's is refused.
        check_version(
            referral,
            expected=version,
            message=_(
                "Someone else recorded a decision on this referral or changed it after you "
                "opened this page. Your decision has not been recorded: open the referral "
                "again to see its current state."
            ),
        )
        if decision in (Decision.REJECT, Decision.REFER) and referral.is_court_ordered:
            raise InvalidTransition(str(COURT_ORDER_NOT_REFUSED.message))
        if decision in (Decision.REJECT, Decision.REFER) and not note.strip():
            raise InvalidTransition(
                _("Give the reason for the rejection.")
                if decision == Decision.REJECT
                else _("Name the unit or organisation the family is referred to.")
            )
        if (
            decision in (Decision.REJECT, Decision.WAITLIST)
            and referral.legal_basis == LegalBasis.MINOR_PARENT
        ):
            # art. 11 ust. 1a: a minor parent leaving an institution must get an assistant.
            raise InvalidTransition(
                _(
                    "A minor parent leaving an institution must be assigned an assistant "
                    "(art. 11 ust. 1a of the Act)."
                )
            )
        move = {
            Decision.ASSIGN: referral.assign,
            Decision.WAITLIST: referral.waitlist,
            Decision.REFER: referral.refer,
            Decision.REJECT: referral.reject,
        }[Decision(decision)]
        move(by=by, comment=note)
        if decision == Decision.ASSIGN:
            if assistant is None:
                raise InvalidTransition(_("Choose the assistant."))
            if Case.objects.open().filter(family=referral.family_id).exists():
                # One family, one assistant: a second open case would take a second place too.
                raise InvalidTransition(
                    _("This family already has a case in progress; reassign that case instead.")
                )
            referral.case = open_case(
                family=referral.family,
                assistant=assistant,
                social_worker=referral.social_worker if referral.social_worker.is_social_worker else None,
                legal_basis=referral.legal_basis,
                by=by,
                source=referral.court_order.description if referral.court_order else "",
            )
            if referral.court_order is not None:
                order = referral.court_order
                order.basis_period = referral.case.basis_periods.get()
                order.save(update_fields=["basis_period"])
        referral.save()
        _notify_decision(referral, by=by)
    return referral


def _notify_decision(referral: Referral, *, by: User) -> None:
    """The social worker who filed the referral learns the head's decision (in the same
    transaction: no notice of a decision that was rolled back)."""
    worker = referral.social_worker
    if not worker.is_active or worker.pk == by.pk:
        return
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "family": referral.family.label,
            "decision": ReferralStatus(referral.status).label,
            "note": referral.decision_note,
        }
        if referral.decision_note:
            message = _("Family %(family)s: the referral was decided: %(decision)s (%(note)s).") % values
        else:
            message = _("Family %(family)s: the referral was decided: %(decision)s.") % values
    notify(
        [worker],
        rule=NotificationKind.REFERRAL_DECIDED,
        key=f"referral-decided:{referral.pk}:{referral.version}",
        message=message,
        url=referral.get_absolute_url(),
        family_id=referral.family_id,
    )


# --- reports of families and "Za życiem" requests --------------------------------------------


def record_report(*, family: Family, data: dict[str, Any], by: User) -> FamilyReport:
    """Record who reported the family, how and when the centre learned of it; that day starts
    the community interview's deadline (`FamilyReport.interview_due`)."""
    social_worker = data.get("social_worker") or by
    if not (social_worker.is_active and social_worker.is_social_worker):
        raise InvalidTransition(_("Choose the social worker who will carry out the interview."))
    report = FamilyReport(
        family=family,
        reporter_kind=data["reporter_kind"],
        reporter_name=data["reporter_name"],
        reporter_address=data.get("reporter_address", ""),
        channel=data["channel"],
        learned_on=data["learned_on"],
        urgent=bool(data.get("urgent")),
        social_worker=social_worker,
        recorded_by=by,
    )
    with transaction.atomic():
        report.full_clean()
        attribute_change(report, by)
        report.save()
    return report


ZA_ZYCIEM_FIELDS = (
    "requested_on",
    "requested_by",
    "eligibility",
    "expected_birth_date",
    "certificate_date",
    "certificate_issuer",
    "authorisation_date",
    "authorisation_scope",
)


def register_za_zyciem_request(*, family: Family, data: dict[str, Any], by: User) -> ZaZyciemRequest:
    """Record a request for an assistant under art. 8 of the "Za życiem" Act: it goes straight to
    the manager's queue as a submitted referral, without a community interview."""
    with transaction.atomic():
        referral = Referral(
            family=family,
            social_worker=by,
            legal_basis=LegalBasis.ZA_ZYCIEM,
            justification=_("Request for an assistant under the “Za życiem” Act made on %(date)s by %(who)s.")
            % {"date": data["requested_on"].strftime("%d.%m.%Y"), "who": data["requested_by"]},
        )
        request = ZaZyciemRequest(family=family, recorded_by=by, **{k: data.get(k) for k in ZA_ZYCIEM_FIELDS})
        for name in ("certificate_issuer", "authorisation_scope"):
            setattr(request, name, getattr(request, name) or "")
        request.full_clean(exclude=["referral"])
        referral.full_clean()
        attribute_change(referral, by)
        referral.save()
        referral.submit(by=by)
        referral.save()
        request.referral = referral
        attribute_change(request, by)
        request.save()
    return request


def record_authorisation(*, request: ZaZyciemRequest, date: dt.date, scope: str, by: User) -> ZaZyciemRequest:
    """The family's written authorisation for the assistant to act for it before institutions
    (art. 8 ust. 2 of the "Za życiem" Act)."""
    with transaction.atomic():
        request = ZaZyciemRequest.objects.select_for_update().get(pk=request.pk)
        request.authorisation_date = date
        request.authorisation_scope = scope.strip()
        request.full_clean()
        attribute_change(request, by)
        request.save()
    return request


def za_zyciem_request_of(case: Case) -> ZaZyciemRequest | None:
    """The request a "Za życiem" case was opened on (through its referral)."""
    return ZaZyciemRequest.objects.filter(referral__case=case).first()


def hand_over_catalogue(*, case: Case, on: dt.date, by: User) -> CatalogueHandover:
    """Record that the assistant handed the family the catalogue of available support (art. 8
    ust. 2 pkt 1 of the "Za życiem" Act), keeping the entries as they were handed over."""
    if case.legal_basis != LegalBasis.ZA_ZYCIEM:
        raise InvalidTransition(_("The support catalogue is handed over in “Za życiem” cases."))
    if not by.has_perm("referrals.hand_over_catalogue", case):
        raise PermissionDenied
    entries = [
        {"title": e.title, "description": e.description, "institution": e.institution, "contact": e.contact}
        for e in SupportCatalogueEntry.objects.filter(is_active=True)
    ]
    if not entries:
        raise InvalidTransition(
            _("The support catalogue is empty: ask the administrator to add its entries first.")
        )
    handover = CatalogueHandover(case=case, handed_on=on, handed_by=by, entries=entries)
    with transaction.atomic():
        try:
            dates.ensure_not_before(on, case.opened_on)
        except ValidationError as error:
            raise InvalidTransition(error.messages[0]) from error
        handover.full_clean()
        handover.save()
    return handover
