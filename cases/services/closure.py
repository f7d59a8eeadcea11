"""Services of closure: the assistant proposes it, the head of the centre approves or returns it;
then monitoring (art. 15 ust. 1 pkt 16) for the centre's period when the reason calls for it, and
the end of monitoring."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from asystent.errors import InvalidTransition
from asystent.models import Centre, User
from notifications.services import managers, notify

from .. import deadlines
from ..closure_blockers import closure_blockers
from ..enums import ClosureReason, MonitoringRule
from ..models import OPEN_STATUSES, Case, ClosureProposal, ClosureReasonPolicy
from . import close_case


def monitoring_follows(reason: str, chosen: bool) -> bool:
    """Whether monitoring follows a closure for `reason`: the centre's table decides, and where it
    only offers monitoring, the assistant's choice."""
    rule = ClosureReasonPolicy.rule_for(reason)
    if rule == MonitoringRule.REQUIRED:
        return True
    if rule == MonitoringRule.NOT_OFFERED:
        return False
    return chosen


def pending_proposal(case: Case) -> ClosureProposal | None:
    return case.closure_proposals.filter(status="pending").first()


def _ensure_closable(case: Case, *, on: dt.date) -> None:
    if case.status not in OPEN_STATUSES:
        raise InvalidTransition(_("This can be done only while the work with the family is in progress."))
    if on > timezone.localdate():
        raise InvalidTransition(_("The closure date cannot be in the future."))
    if on < case.opened_on:
        raise InvalidTransition(
            _("The case was opened on %(date)s; it cannot be closed earlier.")
            % {"date": case.opened_on.strftime("%d.%m.%Y")}
        )
    blockers = closure_blockers(case)
    if blockers:
        raise InvalidTransition(" ".join(blockers))


def propose_closure(
    *,
    case: Case,
    by: User,
    on: dt.date,
    reason: str,
    summary: str,
    recommendations: str = "",
    monitoring: bool = True,
) -> ClosureProposal:
    """The assistant proposes to close the work, with the reason and a short summary; the managers
    are told. The case stays open and the work goes on until a manager approves."""
    if not by.has_perm("cases.close_case", case):
        raise PermissionDenied
    if not summary.strip():
        raise InvalidTransition(_("Write the final assessment."))
    if reason not in ClosureReason.values or reason == ClosureReason.REFUSED:
        # A refusal of consent closes a case through the consent, not through a proposal.
        raise InvalidTransition(_("Give the reason for closing the case."))
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("family").get(pk=case.pk)
        _ensure_closable(case, on=on)
        if pending_proposal(case) is not None:
            raise InvalidTransition(_("A closure of this case is already waiting for approval."))
        proposal = ClosureProposal.objects.create(
            case=case,
            closing_on=on,
            reason=reason,
            summary=summary,
            recommendations=recommendations,
            monitoring=monitoring_follows(reason, monitoring),
            proposed_by=by,
        )
        with translation.override(settings.LANGUAGE_CODE):
            message = _("%(user)s proposes to close the work with the family %(family)s (%(reason)s).") % {
                "user": by,
                "family": case.family.label,
                "reason": ClosureReason(reason).label,
            }
        notify(
            managers().exclude(pk=by.pk),
            rule="closure_proposed",
            key=f"closure-proposed:{proposal.pk}",
            message=message,
            url=proposal.get_absolute_url(),
            family_id=case.family_id,
        )
    return proposal


def _notify_assistant(proposal: ClosureProposal, case: Case, *, approved: bool) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        if approved:
            message = _("The closure of the work with the family %(family)s was approved.")
        else:
            message = _("The closure of the work with the family %(family)s was returned: %(comment)s")
        message = message % {"family": case.family.label, "comment": proposal.decision_comment}
    notify(
        [case.assistant],
        rule="closure_decided",
        key=f"closure-decided:{proposal.pk}",
        message=message,
        url=proposal.get_absolute_url(),
        family_id=case.family_id,
    )


def _lock(proposal: ClosureProposal, by: User) -> tuple[ClosureProposal, Case]:
    if not by.has_perm("cases.decide_closure", proposal):
        raise PermissionDenied
    case = Case.objects.select_for_update().select_related("family", "assistant").get(pk=proposal.case_id)
    return ClosureProposal.objects.select_for_update().get(pk=proposal.pk), case


def approve_closure(*, proposal: ClosureProposal, by: User, comment: str = "") -> Case:
    """The head of the centre approves: the work closes on the proposed date, with monitoring when
    the reason calls for it; the assistant is told."""
    with transaction.atomic():
        proposal, case = _lock(proposal, by)
        if not proposal.is_pending:
            raise InvalidTransition(_("This closure proposal has already been decided."))
        _ensure_closable(case, on=proposal.closing_on)
        proposal.approve(by=by, comment=comment)
        proposal.save()
        case = close_work(
            case=case,
            by=by,
            on=proposal.closing_on,
            reason=proposal.reason,
            final_assessment=proposal.summary,
            recommendations=proposal.recommendations,
            monitoring=proposal.monitoring,
        )
        _notify_assistant(proposal, case, approved=True)
    return case


def return_closure(*, proposal: ClosureProposal, by: User, comment: str) -> ClosureProposal:
    """The head of the centre returns the proposal with a comment: the work goes on and the
    assistant, who is told, may propose again."""
    if not comment.strip():
        raise InvalidTransition(_("Say why the closure is returned."))
    with transaction.atomic():
        proposal, case = _lock(proposal, by)
        proposal.return_to_assistant(by=by, comment=comment)
        proposal.save()
        _notify_assistant(proposal, case, approved=False)
    return proposal


def close_work(
    *,
    case: Case,
    by: User,
    on: dt.date,
    reason: str,
    final_assessment: str,
    recommendations: str = "",
    monitoring: bool = True,
) -> Case:
    """Close the work (an approved closure); with monitoring for the centre's period
    (art. 15 ust. 1 pkt 16)."""
    if not final_assessment.strip():
        raise InvalidTransition(_("Write the final assessment."))
    if on > timezone.localdate():
        raise InvalidTransition(_("The closure date cannot be in the future."))
    with transaction.atomic():
        case = close_case(case=case, reason=reason, on=on, by=by, monitoring=monitoring)
        case.final_assessment = final_assessment
        case.recommendations = recommendations
        if monitoring:
            case.monitoring_until = deadlines.monitoring_end(on, Centre.load().monitoring_months)
        case.save()
    return case


def close_with_monitoring(
    *,
    case: Case,
    by: User,
    on: dt.date,
    reason: str,
    final_assessment: str,
    recommendations: str = "",
) -> Case:
    """Close the work and start monitoring: `close_work` with monitoring (the demo data and
    imports of closures already approved)."""
    return close_work(
        case=case,
        by=by,
        on=on,
        reason=reason,
        final_assessment=final_assessment,
        recommendations=recommendations,
        monitoring=True,
    )


def end_monitoring(*, case: Case, by: User | None, on: dt.date | None = None) -> Case:
    """End the monitoring; the case becomes read-only."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        case.end_monitoring(on=on or timezone.localdate(), by=by)
        case.save()
    return case


def end_due_monitoring(today: dt.date | None = None) -> int:
    """Monitoring ends on its date: end every case whose planned monitoring has passed."""
    today = today or timezone.localdate()
    due = Case.objects.monitoring_over(today)
    count = 0
    for case in due.only("pk"):
        end_monitoring(case=case, by=None, on=today)
        count += 1
    return count
