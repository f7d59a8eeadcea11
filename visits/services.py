"""Every state change of the visit log and of interventions: one transaction each, with the
history, the case's flag and the manager's notification written together."""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from asystent import dates, removal
from asystent.concurrency import bump_version, check_version
from asystent.enums import Role
from asystent.errors import InvalidTransition
from asystent.history import attribute_change
from asystent.models import User
from cases.enums import CaseStatus
from cases.models import Case, Goal
from notifications.services import managers, notify

from .enums import VisitKind, VisitStatus
from .models import Intervention, Visit

# The fields of a visit that a person fills in; the rest is set by save_visit.
VISIT_FIELDS = (
    "date",
    "start_time",
    "end_time",
    "duration_minutes",
    "kind",
    "unsuccessful_reason",
    "place",
    "place_description",
    "other_participants",
    "topics",
    "tasks_agreed",
    "tasks_done",
    "child_safety_notes",
    "next_meeting",
    "signed_by_family",
)
VISIT_RELATIONS = ("participants", "areas", "goals")
INTERVENTION_FIELDS = (
    "date",
    "description",
    "informed_police",
    "informed_court",
    "informed_other",
    "other_informed",
    "informed_at",
    "reference_numbers",
)
# Text fields hold "" rather than NULL; a form or a caller may pass None for an empty one.
TEXT_FIELDS = {
    "place",
    "place_description",
    "other_participants",
    "topics",
    "tasks_agreed",
    "tasks_done",
    "child_safety_notes",
    "description",
    "other_informed",
    "reference_numbers",
}
# Interventions protect children: they may be recorded while the case is open or monitored.
INTERVENTION_STATUSES = (CaseStatus.AWAITING_CONSENT, CaseStatus.ACTIVE, CaseStatus.MONITORING)


class StaleVisit(ValidationError):
    """The visit was saved elsewhere (another tab or device) since this form was opened."""


def _assign(obj: Visit | Intervention, data: Mapping[str, Any], fields: tuple[str, ...]) -> None:
    for name in fields:
        if name in data:
            value = data[name]
            setattr(obj, name, "" if value is None and name in TEXT_FIELDS else value)


def _check_writer(case: Case, by: User) -> None:
    """Only the case's own assistant writes its visit log and interventions."""
    if not (by.has_role(Role.ASSISTANT) and case.assistant_id == by.pk):
        raise PermissionDenied


def visit_blocker(case: Case, *, visit: Visit | None = None) -> str | None:
    """Why no visit can be written on the case now, or None when one can."""
    if case.status == CaseStatus.ENDED:
        return _("The monitoring of this case has ended: the case is read-only.")
    if case.status == CaseStatus.CLOSED:
        return _("The case is closed: no more visits can be logged.")
    if case.status == CaseStatus.AWAITING_CONSENT:
        # art. 8 ust. 3: voluntary work starts with the family's consent; only the first
        # meeting, where consent is discussed, can happen before it.
        others = case.visits.all()
        if visit is not None and visit.pk:
            others = others.exclude(pk=visit.pk)
        if others.exists():
            return _(
                "The family has not consented to the work yet: only the first meeting can be "
                "logged. Record the family's consent first."
            )
    return None


def intervention_blocker(case: Case) -> str | None:
    if case.status not in INTERVENTION_STATUSES:
        return _("The case is closed: interventions are recorded only on open or monitored cases.")
    return None


def _check_kind_and_date(case: Case, visit: Visit, *, final: bool) -> None:
    errors: dict[str, str] = {}
    now = timezone.localtime()
    today = now.date()
    if visit.date and visit.date > today:
        errors["date"] = _("A visit cannot be logged in advance: the date is in the future.")
    elif final and visit.date == today and visit.start_time and visit.start_time > now.time():
        # A visit saved as final is one that took place: not before it has begun.
        errors["start_time"] = _(
            "The visit starts at %(time)s: it cannot be saved as done before its start time. "
            "Save it as a draft and finish it after the meeting."
        ) % {"time": visit.start_time.strftime("%H:%M")}
    if visit.date and visit.date <= today:
        try:
            dates.ensure_not_before(visit.date, case.opened_on)
        except ValidationError as error:
            errors["date"] = error.messages[0]
    # art. 15 ust. 1 pkt 16: after closure the assistant only monitors the family; a visit from
    # before the closure may still be logged or finished as what it was. The day of closure
    # belongs to both: the last visit of the work and the first monitoring contact.
    in_monitoring = case.status == CaseStatus.MONITORING
    closed_on = case.closed_on
    after_closure = in_monitoring and (
        closed_on is None or (visit.date is not None and visit.date > closed_on)
    )
    monitoring_period = in_monitoring and (
        closed_on is None or (visit.date is not None and visit.date >= closed_on)
    )
    if after_closure and visit.kind != VisitKind.MONITORING:
        errors["kind"] = _("The case is in monitoring: only monitoring contacts can be logged.")
    elif visit.kind == VisitKind.MONITORING and not monitoring_period:
        if in_monitoring and closed_on is not None:
            errors["kind"] = _(
                "The monitoring started on %(date)s: a monitoring contact cannot be dated earlier."
            ) % {"date": closed_on.strftime("%d.%m.%Y")}
        else:
            errors["kind"] = _(
                "Monitoring contacts are logged only after the case is closed, during monitoring."
            )
    if errors:
        raise ValidationError(errors)


def _check_relations(case: Case, data: Mapping[str, Any]) -> None:
    """Participants come from the case's family and goals from the case's plans."""
    errors: dict[str, str] = {}
    if any(member.family_id != case.family_id for member in data.get("participants") or ()):
        errors["participants"] = _("Choose only members of this family.")
    goals = [goal.pk for goal in data.get("goals") or ()]
    if goals and Goal.objects.filter(pk__in=goals).exclude(plan__case=case).exists():
        errors["goals"] = _("Choose only goals of this family's work plan.")
    if errors:
        raise ValidationError(errors)


def save_visit(
    *,
    case: Case,
    data: Mapping[str, Any],
    by: User,
    final: bool,
    visit: Visit | None = None,
) -> Visit:
    """Create or change a visit, as a draft or as final.

    `data` holds the fields of VISIT_FIELDS and VISIT_RELATIONS (a form's cleaned_data); when
    changing a visit, `data["version"]` is the version the person saw (optimistic locking; it
    defaults to the version of the `visit` passed in). A final visit can be corrected by its
    author for EDIT_WINDOW and never goes back to draft.
    """
    with transaction.atomic():
        # Locking the case serialises writers, so the first-meeting rule cannot be raced.
        case = Case.objects.select_for_update().get(pk=case.pk)
        _check_writer(case, by)
        if visit is None:
            target = Visit(case=case, author=by, status=VisitStatus.DRAFT)
        else:
            target = Visit.objects.select_for_update().get(pk=visit.pk, case=case)
            if target.author_id != by.pk:
                raise PermissionDenied
            check_version(
                target,
                expected=data.get("version") or visit.version,
                message=_(
                    "This visit was changed elsewhere after you opened it (perhaps on another "
                    "device). Copy what you typed, open the visit again and make your changes there."
                ),
                error=StaleVisit,
                code="stale",
            )
            if not target.is_editable():
                raise InvalidTransition(
                    _("A saved visit can be corrected only for 7 days; this one can no longer be changed.")
                )
            if not final and not target.is_draft:
                raise InvalidTransition(_("A saved visit cannot go back to being a draft."))
        blocker = visit_blocker(case, visit=target)
        if blocker:
            raise InvalidTransition(blocker)
        _assign(target, data, VISIT_FIELDS)
        _check_kind_and_date(case, target, final=final)
        _check_relations(case, data)
        if final and target.is_draft:
            target.status = VisitStatus.FINAL
            target.finalised_at = timezone.now()
        if target.start_time and target.end_time and target.end_time > target.start_time:
            # Times given: the duration follows from them (the evidence of working time).
            start = dt.datetime.combine(target.date, target.start_time)
            end = dt.datetime.combine(target.date, target.end_time)
            target.duration_minutes = int((end - start).total_seconds() // 60)
        if target.pk:
            bump_version(target)
        target.full_clean(exclude=["case", "author"])
        attribute_change(target, by)
        target.save()
        for name in VISIT_RELATIONS:
            if name in data:
                getattr(target, name).set(data[name] or [])
    return target


def notify_managers_of_intervention(*, intervention: Intervention) -> int:
    """Tell every active manager at once (art. 15 ust. 1 pkt 12); safe to repeat: one
    notification per manager and intervention. Returns how many were created."""
    case = intervention.case
    # The notification is stored once and read later, so it is written in the centre's language.
    with translation.override(settings.LANGUAGE_CODE):
        message = _("%(assistant)s recorded an intervention in the family %(family)s (%(date)s).") % {
            "assistant": intervention.author,
            "family": case.family.label,
            "date": timezone.localtime(intervention.date).strftime("%d.%m.%Y %H:%M"),
        }
    return notify(
        managers(),
        rule="intervention",
        key=f"intervention:{intervention.pk}",
        message=message,
        url=intervention.get_absolute_url(),
        family_id=case.family_id,
    )


def record_intervention(*, case: Case, data: Mapping[str, Any], by: User) -> Intervention:
    """Record an intervention, mark the case and notify the managers, in one transaction."""
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("family").get(pk=case.pk)
        _check_writer(case, by)
        blocker = intervention_blocker(case)
        if blocker:
            raise InvalidTransition(blocker)
        intervention = Intervention(case=case, author=by)
        _assign(intervention, data, INTERVENTION_FIELDS)
        intervention.full_clean(exclude=["case", "author"])
        attribute_change(intervention, by)
        intervention.save()
        case.has_intervention = True
        bump_version(case)
        attribute_change(case, by, reason="intervention")
        case.save()
        notify_managers_of_intervention(intervention=intervention)
    return intervention


# --- no hard delete: visits logged by mistake -----------------------------------------------------


def remove_visit(*, visit: Visit, by: User, reason: str) -> Visit:
    """Mark a visit logged by mistake as removed (who, when, why): it no longer counts as a contact
    anywhere, nothing is deleted, and a manager may restore it."""
    return removal.remove(visit, by=by, reason=reason, refusal=_case_read_only)


def _case_read_only(visit: Visit) -> str | None:
    if visit.case.status == CaseStatus.ENDED:
        return _("The monitoring of this case has ended: the case is read-only.")
    return None


def restore_visit(*, visit: Visit, by: User) -> Visit:
    """Undo a removal: the visit is back in the log (a manager's decision)."""
    return removal.restore(visit, by=by)
