"""The documents of a family's file printed from the data already entered (issue 17): the consent
to work with an assistant with its information clause, each submitted periodic assessment, the
family work card of a chosen period, the closure report, the monitoring note and the referral as
it was filed. Registered with the kinds in `DocumentsConfig.ready()`; the assistant's monthly
report across their families, a worker's document, is in `documents.monthly_report`.

What a version is, per kind:
- consent form: the case, version 1 (a live form for signing: it follows the centre's settings);
- assessment: the assessment and its record version (`Assessment.version`), printed once submitted;
- work card: the case and the period, `period_version(first, last)`;
- closure report: the closure proposal and its record version, printed once approved;
- monitoring note: the case, version 1, once the case is closed;
- referral: the referral, version 1, as it was submitted (frozen).
"""

import datetime as dt
from collections import Counter
from typing import cast

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from asystent.models import Centre, User
from asystent.permissions import is_manager
from cases.enums import AssessmentStatus, ClosureProposalStatus, Relation
from cases.models import Assessment, Case, ClosureProposal, Family, WorkPlan
from referrals.models import Referral
from visits.enums import VisitKind, VisitStatus
from visits.models import Intervention, Visit

from .enums import DocumentKind, Owner
from .kinds import Key, KindSpec, register_kind
from .models import RenderedDocument

# The work card's period is the version: the days since EPOCH of its first and last day.
EPOCH = dt.date(2000, 1, 1)
PERIOD_FACTOR = 40_000  # more days than 2000-2099 holds (36,525), so both fit one integer
# The longest period one work card covers (the form refuses a longer one).
MAX_WORK_CARD_DAYS = 366


def period_version(first: dt.date, last: dt.date) -> int:
    return (first - EPOCH).days * PERIOD_FACTOR + (last - EPOCH).days


def period_of(version: int) -> tuple[dt.date, dt.date]:
    first, last = divmod(version, PERIOD_FACTOR)
    return EPOCH + dt.timedelta(days=first), EPOCH + dt.timedelta(days=last)


def _name(user: User | None) -> str:
    if user is None:
        return "—"
    return user.get_full_name() or user.username


def _members(family: Family) -> dict:
    members = list(family.members.order_by("birth_date", "pk"))
    return {
        "adults": [m for m in members if m.relation != Relation.CHILD],
        "children": [m for m in members if m.relation == Relation.CHILD],
    }


def contacts_by_kind(visits: list[Visit]) -> list[tuple[str, int]]:
    """(label, count) of the saved contacts by their kind, in the order of `VisitKind`."""
    counts = Counter(visit.kind for visit in visits)
    return [(str(kind.label), counts[kind.value]) for kind in VisitKind if counts[kind.value]]


def areas_worked_on(visits: list[Visit]) -> list[tuple[str, str]]:
    """(area, point of art. 15 ust. 1) of the areas of help the contacts worked on."""
    seen: dict[int, tuple[str, str]] = {}
    for visit in visits:
        for area in visit.areas.all():
            seen.setdefault(area.pk, (area.name, area.get_task_display() if area.task else ""))
    return sorted(seen.values())


def plan_progress(case: Case) -> dict | None:
    """The current work plan's actions by their state (None: no plan yet)."""
    plan = (
        WorkPlan.objects.filter(case=case)
        .prefetch_related("goals__area", "goals__actions")
        .order_by("-version")
        .first()
    )
    if plan is None:
        return None
    actions = [action for goal in plan.goals.all() for action in goal.actions.all()]
    counts = Counter(action.status for action in actions)
    return {"plan": plan, "goals": plan.goals.all(), "total": len(actions), "counts": counts}


def _final_visits(case: Case, first: dt.date, last: dt.date) -> list[Visit]:
    return list(
        case.visits.filter(status=VisitStatus.FINAL, date__range=(first, last))
        .select_related("author")
        .prefetch_related("areas", "participants")
        .order_by("date", "start_time", "pk")
    )


def _interventions(case: Case, first: dt.date, last: dt.date) -> list[Intervention]:
    return list(case.interventions.filter(date__date__range=(first, last)).order_by("date", "pk"))


# --- the consent to work with an assistant, with the information clause (art. 13 GDPR) ---------


def _consent_context(document: RenderedDocument) -> dict:
    case = Case.objects.select_related("family", "assistant").get(pk=document.object_id)
    return {
        "case": case,
        "family": case.family,
        **_members(case.family),
        "retention_years": Centre.load().retention_years,
        "issued_on": timezone.localdate(),
    }


# --- the periodic assessment ----------------------------------------------------------------------


def _assessment(object_id: int) -> Assessment:
    return Assessment.objects.select_related(
        "case__family", "case__assistant", "author", "acknowledged_by"
    ).get(pk=object_id)


def _assessment_context(document: RenderedDocument) -> dict:
    assessment = _assessment(document.object_id)
    return {
        "assessment": assessment,
        "case": assessment.case,
        "family": assessment.case.family,
        "ratings": assessment.ratings.select_related("area").order_by("area__order", "area__name"),
        "scale_max": Centre.load().assessment_scale_max,
        "issued_on": timezone.localdate(assessment.submitted_at)
        if assessment.submitted_at
        else assessment.date,
    }


def _assessment_refusal(object_id: int, version: int) -> str | None:
    assessment = Assessment.objects.filter(pk=object_id).first()
    if assessment is None or assessment.status == AssessmentStatus.DRAFT:
        return _("Only a submitted assessment is printed.")
    if assessment.version != version:
        return _("The assessment has changed since; print its current version.")
    return None


def _assessment_case(assessment: object) -> Case:
    return cast(Assessment, assessment).case


def _assessment_back(document: RenderedDocument) -> str | None:
    assessment = Assessment.objects.filter(pk=document.object_id).first()
    return assessment.get_absolute_url() if assessment is not None else None


def _assessment_describe(document: RenderedDocument) -> str:
    assessment = Assessment.objects.filter(pk=document.object_id).first()
    if assessment is None:
        return _("Version %(number)s") % {"number": document.version}
    return _("Assessment of %(date)s") % {"date": assessment.date.strftime("%d.%m.%Y")}


# --- the family work card (karta pracy z rodziną) -------------------------------------------------


def _work_card_context(document: RenderedDocument) -> dict:
    case = Case.objects.select_related("family", "assistant").get(pk=document.object_id)
    first, last = period_of(document.version)
    visits = _final_visits(case, first, last)
    minutes = sum(v.length_minutes or 0 for v in visits)
    return {
        "case": case,
        "family": case.family,
        "first": first,
        "last": last,
        "visits": visits,
        "by_kind": contacts_by_kind(visits),
        "interventions": _interventions(case, first, last),
        "hours": minutes // 60,
        "minutes": minutes % 60,
        "issued_on": min(last, timezone.localdate()),
    }


def _work_card_describe(document: RenderedDocument) -> str:
    first, last = period_of(document.version)
    return _("From %(first)s to %(last)s") % {
        "first": first.strftime("%d.%m.%Y"),
        "last": last.strftime("%d.%m.%Y"),
    }


def _work_card_file_name(document: RenderedDocument) -> str:
    from django.utils.text import slugify

    first, last = period_of(document.version)
    family = slugify(document.family.name if document.family else "") or "rodzina"
    return f"karta-pracy-{family}-{first:%Y%m%d}-{last:%Y%m%d}.pdf"


# --- the closure report and the monitoring note -------------------------------------------------


def _proposal(object_id: int) -> ClosureProposal:
    return ClosureProposal.objects.select_related(
        "case__family", "case__assistant", "proposed_by", "decided_by"
    ).get(pk=object_id)


def _closure_context(document: RenderedDocument) -> dict:
    proposal = _proposal(document.object_id)
    case = proposal.case
    return {
        "proposal": proposal,
        "case": case,
        "family": case.family,
        "progress": plan_progress(case),
        "contacts": case.visits.filter(status=VisitStatus.FINAL).count(),
        "issued_on": timezone.localdate(proposal.decided_at) if proposal.decided_at else proposal.closing_on,
    }


def _closure_refusal(object_id: int, version: int) -> str | None:
    proposal = ClosureProposal.objects.filter(pk=object_id).first()
    if proposal is None or proposal.status != ClosureProposalStatus.APPROVED:
        return _("Only an approved closure is printed as the closure report.")
    return None


def _proposal_case(proposal: object) -> Case:
    return cast(ClosureProposal, proposal).case


def _closure_back(document: RenderedDocument) -> str | None:
    proposal = ClosureProposal.objects.filter(pk=document.object_id).first()
    return proposal.get_absolute_url() if proposal is not None else None


def _monitoring_context(document: RenderedDocument) -> dict:
    case = Case.objects.select_related("family", "assistant").get(pk=document.object_id)
    closed_on = case.closed_on or case.opened_on
    last = min(case.monitoring_until or timezone.localdate(), timezone.localdate())
    visits = _final_visits(case, closed_on + dt.timedelta(days=1), max(last, closed_on))
    return {
        "case": case,
        "family": case.family,
        "visits": visits,
        "by_kind": contacts_by_kind(visits),
        "interventions": _interventions(case, closed_on, max(last, closed_on)),
        "issued_on": timezone.localdate(),
    }


def _monitoring_refusal(object_id: int, version: int) -> str | None:
    case = Case.objects.filter(pk=object_id).first()
    if case is None or case.closed_on is None:
        return _("The monitoring note is printed once the case is closed.")
    return None


# --- the referral as filed -------------------------------------------------------------------------


def _referral_context(document: RenderedDocument) -> dict:
    referral = (
        Referral.objects.select_related("family", "social_worker", "interview", "court_order", "decided_by")
        .prefetch_related(Prefetch("problem_areas"))
        .get(pk=document.object_id)
    )
    return {
        "referral": referral,
        "family": referral.family,
        **_members(referral.family),
        "issued_on": timezone.localdate(referral.submitted_at)
        if referral.submitted_at
        else timezone.localdate(),
    }


def _referral_refusal(object_id: int, version: int) -> str | None:
    if Referral.objects.filter(pk=object_id, submitted_at__isnull=False).exists():
        return None
    return _("The referral is printed as it was filed: submit it first.")


def _referral_family(referral: object) -> Family:
    return cast(Referral, referral).family


def _referral_may_prepare(user: User, key: Key) -> bool:
    referral = Referral.objects.filter(pk=key.object_id).first()
    return referral is not None and (bool(is_manager(user)) or referral.social_worker_id == user.pk)


def _referral_back(document: RenderedDocument) -> str | None:
    referral = Referral.objects.filter(pk=document.object_id).first()
    return referral.get_absolute_url() if referral is not None else None


def _referral_file_name(document: RenderedDocument) -> str:
    return f"wniosek-o-asystenta-{document.object_id}.pdf"


def register() -> None:
    register_kind(
        DocumentKind.CONSENT_FORM,
        KindSpec(
            "documents/pdf/consent_form.html", "zgoda-na-asystenta", False, _consent_context, tagged=True
        ),
    )
    register_kind(
        DocumentKind.ASSESSMENT,
        KindSpec(
            "documents/pdf/assessment.html",
            "ocena-okresowa",
            True,
            _assessment_context,
            owner_of=_assessment_case,
            refusal=_assessment_refusal,
            back_url=_assessment_back,
            describe=_assessment_describe,
        ),
    )
    register_kind(
        DocumentKind.WORK_CARD,
        KindSpec(
            "documents/pdf/work_card.html",
            "karta-pracy",
            False,
            _work_card_context,
            describe=_work_card_describe,
            file_name=_work_card_file_name,
        ),
    )
    register_kind(
        DocumentKind.CLOSURE_REPORT,
        KindSpec(
            "documents/pdf/closure_report.html",
            "sprawozdanie-z-zakonczenia",
            True,
            _closure_context,
            owner_of=_proposal_case,
            refusal=_closure_refusal,
            back_url=_closure_back,
        ),
    )
    register_kind(
        DocumentKind.MONITORING_NOTE,
        KindSpec(
            "documents/pdf/monitoring_note.html",
            "notatka-z-monitoringu",
            False,
            _monitoring_context,
            refusal=_monitoring_refusal,
        ),
    )
    register_kind(
        DocumentKind.REFERRAL,
        KindSpec(
            "documents/pdf/referral.html",
            "wniosek-o-asystenta",
            True,
            _referral_context,
            refusal=_referral_refusal,
            back_url=_referral_back,
            owner=Owner.FAMILY,
            owner_of=_referral_family,
            may_prepare=_referral_may_prepare,
            file_name=_referral_file_name,
        ),
    )
