"""Data-subject access (GDPR art. 15): what the centre holds about one family member, for the
manager to hand over as JSON and PDF.

The export is about the person, not the family file: their own member record, the family's
address, the cases of their family (dates, legal basis, status, assistant), the consents they
signed, and the visits they took part in (date, kind, place). Other members of the household are
only counted, without names, PESEL or anything else (art. 15 ust. 4: the copy must not affect the
rights of others); free-text notes of visits, interventions, assessments and plans are left out
because they describe the whole family. Reads only; the views record the export in the access log.
"""

import datetime as dt
from typing import Any

from django.db import models
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from asystent.models import Centre, User
from cases.enums import CaseStatus, ConsentDecision, LegalBasis, Placement, Relation, Sex
from cases.models import Case, Family, FamilyMember
from visits.enums import VisitKind, VisitPlace, VisitStatus
from visits.models import Visit

EXPORT_FORMAT = 1


def get_subject_for(user: User, pk: int) -> FamilyMember:
    """The family member `pk` if `user` may see the family (404 otherwise). A member removed from
    the family by mistake is still data the centre holds, so it is found too."""
    return get_object_or_404(
        FamilyMember.all_objects.filter(family__in=Family.objects.visible_to(user)).select_related("family"),
        pk=pk,
    )


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _choice(choices: type[models.Choices], value: str) -> dict[str, str]:
    """A coded value with its label, e.g. {"code": "court_order", "label": "..."}."""
    label = str(choices(value).label) if value in choices.values else value
    return {"code": value, "label": label}


def _person(member: FamilyMember) -> dict[str, Any]:
    return {
        "first_name": member.first_name,
        "last_name": member.last_name,
        "pesel": member.pesel,
        "birth_date": _day(member.birth_date),
        "sex": _choice(Sex, member.sex),
        "relation": _choice(Relation, member.relation),
        "placement": _choice(Placement, member.placement),
        "foster_coordinator": member.foster_coordinator,
    }


def _household(member: FamilyMember) -> dict[str, Any]:
    family = member.family
    others = FamilyMember.objects.filter(family=family).exclude(pk=member.pk).count()
    return {
        "family_name": family.name,
        "street": family.street,
        "postal_code": family.postal_code,
        "city": family.city,
        "gmina": family.gmina,
        "phone": family.phone,
        # Counted only: other people's data is not part of this person's copy.
        "other_members": [str(_("other member of the household"))] * others,
    }


def _cases(family: Family) -> list[dict[str, Any]]:
    cases = Case.objects.filter(family=family).select_related("assistant").order_by("opened_on", "pk")
    return [
        {
            "opened_on": _day(case.opened_on),
            "started_on": _day(case.started_on),
            "closed_on": _day(case.closed_on),
            "ended_on": _day(case.ended_on),
            "legal_basis": _choice(LegalBasis, case.legal_basis),
            "status": _choice(CaseStatus, case.status),
            "assistant": case.assistant.get_full_name() or case.assistant.username,
        }
        for case in cases
    ]


def _consents(member: FamilyMember) -> list[dict[str, Any]]:
    consents = member.consents.select_related("case").order_by("date", "pk")
    return [
        {
            "date": _day(consent.date),
            "decision": _choice(ConsentDecision, consent.decision),
            "scope": consent.scope,
            "case_opened_on": _day(consent.case.opened_on),
        }
        for consent in consents
    ]


def _visits(member: FamilyMember) -> list[dict[str, Any]]:
    # Saved entries only: a draft is not yet a record of what happened. The notes are left out.
    visits = (
        Visit.objects.filter(participants=member, status=VisitStatus.FINAL)
        .only("date", "kind", "place")
        .order_by("date", "pk")
    )
    return [
        {
            "date": _day(visit.date),
            "kind": _choice(VisitKind, visit.kind),
            "place": _choice(VisitPlace, visit.place) if visit.place else None,
        }
        for visit in visits
    ]


def _about_the_processing(centre: Centre) -> dict[str, str]:
    """What art. 15 ust. 1 asks to be told besides the data itself."""
    return {
        "controller": ", ".join(part for part in (centre.name, centre.address_line) if part),
        "purpose": _(
            "Work of a family assistant with the family under the Act of 9 June 2011 on family support "
            "and the foster care system."
        ),
        "legal_basis": _(
            "The statute (GDPR art. 6(1)(c) and (e), art. 9(2)(b)); the family's consent is a condition "
            "of voluntary work, not the basis of the processing."
        ),
        "recipients": _(
            "The centre's staff working with the family; the family court when it asks for an opinion "
            "or ordered the work."
        ),
        "retention": _(
            "%(years)d years, counted from 1 January of the year after the work with the family ended."
        )
        % {"years": centre.retention_years},
        "rights": _(
            "You may ask for your data to be corrected, for the processing to be restricted, and you may "
            "complain to the President of the Personal Data Protection Office (PUODO)."
        ),
        "source": _("The family, the social worker's community interview, or the family court."),
    }


def subject_access_data(*, member: FamilyMember, today: dt.date | None = None) -> dict[str, Any]:
    """Everything the export contains, as plain JSON-ready data."""
    centre = Centre.load()
    return {
        "format": EXPORT_FORMAT,
        "prepared_on": _day(today or timezone.localdate()),
        "about_the_processing": _about_the_processing(centre),
        "person": _person(member),
        "household": _household(member),
        "cases": _cases(member.family),
        "consents_signed": _consents(member),
        "visits_attended": _visits(member),
    }
