"""Every state change of a court-ordered family's non-cooperation: the facts the assistant records,
the notice to the court the manager prepares from them (rendered as a letter on the centre's
letterhead) and its dispatch.

A family the court obliged to work with an assistant (art. 109 § 2 pkt 1 KRO) cannot end the
work by withdrawing its consent (cases.services.record_consent); the court ordered the work and
said how compliance is checked, so the centre tells the court the facts. No statute found names
who must tell the court or by when (docs/legal-sources.md, rule 6): the date is the manager's.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from asystent.concurrency import bump_version
from asystent.errors import InvalidTransition
from asystent.history import attribute_change
from asystent.models import User
from cases.enums import LegalBasis
from cases.models import Case
from cases.services import ensure_writable
from documents.enums import DocumentKind
from documents.services import request_document
from notifications.enums import NotificationKind
from notifications.services import notify
from referrals.models import CourtOrder

from .enums import CourtNoticeStatus, DispatchMethod
from .models import CourtNotice, NonCooperation


def court_order_of(case: Case) -> CourtOrder | None:
    """The court order the case works under: the one that began its latest court-ordered period
    of the legal basis, else the family's latest order."""
    order = (
        CourtOrder.objects.filter(basis_period__case=case, basis_period__basis=LegalBasis.COURT_ORDER)
        .order_by("-basis_period__started_on", "-pk")
        .first()
    )
    return order or case.family.court_orders.order_by("-order_date", "-pk").first()


def _ensure_court_ordered(case: Case) -> CourtOrder:
    order = court_order_of(case) if case.legal_basis == LegalBasis.COURT_ORDER else None
    if order is None:
        raise InvalidTransition(
            _(
                "The court is told of non-cooperation only for a family a court obliged to work "
                "with an assistant (art. 109 § 2 pkt 1 KRO); this case is not court-ordered."
            )
        )
    return order


def record_non_cooperation(*, case: Case, date: dt.date, description: str, by: User) -> NonCooperation:
    """The assistant (or a manager) records a fact of the family's non-cooperation, with its date."""
    if not by.has_perm("courts.record_non_cooperation", case):
        raise PermissionDenied
    if not description.strip():
        raise InvalidTransition(_("Describe what happened."))
    if date > timezone.localdate():
        raise InvalidTransition(_("The date cannot be in the future."))
    if date < case.opened_on:
        raise InvalidTransition(_("The date cannot be before the case was opened."))
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        ensure_writable(case)
        _ensure_court_ordered(case)
        fact = NonCooperation(case=case, date=date, description=description.strip(), recorded_by=by)
        fact.full_clean()
        attribute_change(fact, by)
        fact.save()
        if not case.court_notice_needed:
            case.court_notice_needed = True
            bump_version(case)
            case.save()
    return fact


def unreported_facts(case: Case) -> list[NonCooperation]:
    return list(case.non_cooperation.filter(notice__isnull=True).order_by("date", "pk"))


def prepare_court_notice(*, case: Case, due_date: dt.date, by: User) -> CourtNotice:
    """The manager prepares the notice to the court from the facts not yet reported, sets the date
    by which it must go out, and its letter is rendered on the centre's letterhead."""
    if not by.has_perm("courts.prepare_notice", case):
        raise PermissionDenied
    if due_date < timezone.localdate():
        raise InvalidTransition(_("The date by which the notice must be sent cannot be in the past."))
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        order = _ensure_court_ordered(case)
        if case.court_notices.filter(status=CourtNoticeStatus.PENDING).exists():
            raise InvalidTransition(
                _("A notice to the court is already waiting to be sent: record its dispatch first.")
            )
        facts = unreported_facts(case)
        if not facts:
            raise InvalidTransition(
                _("Record at least one fact of non-cooperation before preparing the notice.")
            )
        notice = CourtNotice(case=case, court_order=order, due_date=due_date, prepared_by=by)
        notice.full_clean()
        attribute_change(notice, by)
        notice.save()
        NonCooperation.objects.filter(pk__in=[fact.pk for fact in facts]).update(notice=notice)
        request_document(kind=DocumentKind.COURT_NOTICE, obj=notice, version=1, by=by)
        with translation.override(settings.LANGUAGE_CODE):
            message = _("Family %(family)s: a notice to the court (%(number)s) must be sent by %(date)s.") % {
                "family": case.family.label,
                "number": order.case_number,
                "date": due_date.strftime("%d.%m.%Y"),
            }
        if case.assistant.is_active and case.assistant_id != by.pk:
            notify(
                [case.assistant],
                rule=NotificationKind.COURT_NOTICE_DUE,
                key=f"court-notice-prepared:{notice.pk}",
                message=message,
                url=notice.get_absolute_url(),
                family_id=case.family_id,
            )
    return notice


def mark_court_notice_sent(
    *, notice: CourtNotice, by: User, sent_on: dt.date, method: str, reference: str = ""
) -> CourtNotice:
    """Record the dispatch: the reminders stop and the case no longer asks to inform the court
    (until a new fact is recorded)."""
    if not by.has_perm("courts.send_notice", notice.case):
        raise PermissionDenied
    if method not in DispatchMethod.values:
        raise InvalidTransition(_("Choose how the notice was sent."))
    if sent_on > timezone.localdate():
        raise InvalidTransition(_("The date of dispatch cannot be in the future."))
    if sent_on < timezone.localdate(notice.created_at):
        raise InvalidTransition(_("The notice cannot be sent before it was prepared."))
    with transaction.atomic():
        notice = CourtNotice.objects.select_for_update().get(pk=notice.pk)
        if not notice.is_pending:
            raise InvalidTransition(_("The dispatch of this notice has already been recorded."))
        notice.status = CourtNoticeStatus.SENT
        notice.sent_on = sent_on
        notice.sent_method = method
        notice.sent_reference = reference
        attribute_change(notice, by)
        notice.save()
        case = Case.objects.select_for_update().get(pk=notice.case_id)
        if case.court_notice_needed and not case.non_cooperation.filter(notice__isnull=True).exists():
            case.court_notice_needed = False
            bump_version(case)
            case.save()
    return notice
