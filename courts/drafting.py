"""The first draft of a court opinion, written from the case data: who the family are, since when
and on what basis the assistant works with them, how often they met (from the visit log), how
far the plan's goals were reached, and one paragraph per child.

The assistant reads and corrects every section before submitting; the functions only read.
They run inside `translation.override("pl")` (the opinion is written in the centre's language).
"""

import datetime as dt
from collections import Counter

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.enums import ActionStatus, ConsentDecision, LegalBasis
from cases.models import Case, FamilyMember, WorkPlan
from visits.enums import VisitKind, VisitStatus


def _d(day: dt.date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else "—"


def _age(member: FamilyMember, today: dt.date) -> str:
    age = member.age_on(today)
    return ngettext("%(age)d year old", "%(age)d years old", age) % {"age": age}


def work_start(case: Case) -> dt.date:
    return case.started_on or case.opened_on


def period_end(case: Case, today: dt.date) -> dt.date:
    """The work's last day so far: today, or the closure if the work has ended."""
    return min(today, case.closed_on) if case.closed_on else today


def prefill(case: Case, *, today: dt.date) -> dict[str, str]:
    """Every section of a new opinion, pre-filled where the case data says something."""
    members = list(case.family.members.order_by("birth_date", "pk"))
    return {
        "composition": composition(case, members, today),
        "period_and_basis": period_and_basis(case, today),
        "contacts": contacts(case, today),
        "goals_progress": goals_progress(case),
        "care_per_child": care_per_child(members, today),
        "housing_and_finances": _("The family lives at %(address)s.") % {"address": case.family.address},
        "health": "",
        "cooperation_with_institutions": cooperation_with_institutions(case, today),
        "attitude": "",
        "conclusions": "",
    }


def composition(case: Case, members: list[FamilyMember], today: dt.date) -> str:
    lines = [_("The family lives at %(address)s. Its members:") % {"address": case.family.address}]
    for member in members:
        line = _("– %(name)s, %(relation)s, born %(born)s (%(age)s)") % {
            "name": member,
            "relation": member.get_relation_display(),
            "born": _d(member.birth_date),
            "age": _age(member, today),
        }
        if member.in_foster_care:
            line += _("; placed in foster care: %(placement)s") % {
                "placement": member.get_placement_display()
            }
        lines.append(line)
    if not members:
        lines.append(_("No family members are recorded."))
    return "\n".join(lines)


def period_and_basis(case: Case, today: dt.date) -> str:
    parts = [
        _("The family assistant has worked with the family since %(start)s.")
        % {"start": _d(work_start(case))},
        _("Legal basis: %(basis)s.") % {"basis": case.get_legal_basis_display()},
    ]
    if case.legal_basis == LegalBasis.COURT_ORDER:
        order = case.family.court_orders.order_by("-order_date", "-pk").first()
        if order is not None:
            parts.append(
                _("Order of the %(court)s, %(division)s, of %(date)s, case number %(number)s.")
                % {
                    "court": order.court,
                    "division": order.division,
                    "date": _d(order.order_date),
                    "number": order.case_number,
                }
            )
    consent = case.consents.filter(decision=ConsentDecision.GIVEN).order_by("-date", "-pk").first()
    if consent is not None:
        parts.append(_("The family consented to the work on %(date)s.") % {"date": _d(consent.date)})
    assignments = list(case.assignments.select_related("assistant").order_by("started_on", "pk"))
    if len(assignments) > 1:
        names = [
            _("%(name)s from %(start)s") % {"name": a.assistant, "start": _d(a.started_on)}
            + (_(" to %(end)s") % {"end": _d(a.ended_on)} if a.ended_on else "")
            for a in assignments
        ]
        parts.append(_("The family's assistants: %(names)s.") % {"names": "; ".join(names)})
    if case.closed_on:
        parts.append(
            _("The work ended on %(date)s (%(reason)s).")
            % {"date": _d(case.closed_on), "reason": case.get_closure_reason_display()}
        )
    return " ".join(parts)


# A product rule, not the law: an average interval ("on average every N days") is written only
# when the period covers at least this many days, the default no-contact reminder's threshold
# (CentreSettings.no_contact_days); over a shorter period it would mislead the court.
FREQUENCY_MIN_DAYS = 14


def _frequency_text(total: int, start: dt.date, end: dt.date, days: int, home: int) -> str:
    return ngettext(
        "%(count)d contact in the period %(start)s–%(end)s, on average every %(every)s days; "
        "of which home visits: %(home)d.",
        "%(count)d contacts in the period %(start)s–%(end)s, on average every %(every)s days; "
        "of which home visits: %(home)d.",
        total,
    ) % {
        "count": total,
        "start": _d(start),
        "end": _d(end),
        "every": number_format(round(days / total, 1), decimal_pos=1),
        "home": home,
    }


def contacts(case: Case, today: dt.date) -> str:
    """How often the assistant met the family: saved (final) entries of the visit log only, and
    not the unsuccessful visits, which met nobody."""
    start, end = work_start(case), period_end(case, today)
    visits = case.visits.contacts().filter(date__range=(start, end))
    kinds = Counter(dict(visits.values_list("kind").annotate(n=Count("pk")).order_by()))
    total = sum(kinds.values())
    if not total:
        return _("No contacts were recorded in the visit log between %(start)s and %(end)s.") % {
            "start": _d(start),
            "end": _d(end),
        }
    days = (end - start).days
    if days < FREQUENCY_MIN_DAYS:
        text = ngettext(
            "%(count)d contact in the period %(start)s–%(end)s; of which home visits: %(home)d. "
            "The period is too short to give how often the family was met.",
            "%(count)d contacts in the period %(start)s–%(end)s; of which home visits: %(home)d. "
            "The period is too short to give how often the family was met.",
            total,
        ) % {"count": total, "start": _d(start), "end": _d(end), "home": kinds.get(VisitKind.HOME_VISIT, 0)}
    else:
        text = _frequency_text(total, start, end, days, kinds.get(VisitKind.HOME_VISIT, 0))
    others = [
        f"{label}: {kinds[value]}"
        for value, label in VisitKind.choices
        if value != VisitKind.HOME_VISIT and kinds.get(value)
    ]
    if others:
        text += " " + _("Other contacts: %(list)s.") % {"list": ", ".join(others)}
    last = visits.order_by("-date").values_list("date", flat=True).first()
    text += " " + _("The last contact took place on %(date)s.") % {"date": _d(last)}
    return text


def goals_progress(case: Case) -> str:
    """The current plan's goals, each with how many of its actions were done."""
    plan = WorkPlan.objects.filter(case=case).order_by("-version").first()
    if plan is None:
        return _("No work plan has been recorded.")
    lines = [
        _("Work plan version %(version)d of %(date)s. Main goal: %(goal)s")
        % {"version": plan.version, "date": _d(timezone.localdate(plan.created_at)), "goal": plan.main_goal}
    ]
    goals = plan.goals.select_related("area").annotate(
        total=Count("actions"),
        done=Count("actions", filter=Q(actions__status=ActionStatus.DONE)),
        not_done=Count("actions", filter=Q(actions__status=ActionStatus.NOT_DONE)),
    )
    for number, goal in enumerate(goals.order_by("order", "pk"), start=1):
        line = _("%(number)d. %(area)s: %(goal)s – actions done: %(done)d of %(total)d") % {
            "number": number,
            "area": goal.area,
            "goal": goal.description,
            "done": goal.done,
            "total": goal.total,
        }
        if goal.not_done:
            line += _(" (not done: %(count)d)") % {"count": goal.not_done}
        lines.append(line + ".")
    return "\n".join(lines)


def care_per_child(members: list[FamilyMember], today: dt.date) -> str:
    """One paragraph per child, with the age; the assistant writes the care and upbringing."""
    paragraphs = [
        _("%(name)s, %(age)s (born %(born)s), %(placement)s.")
        % {
            "name": child,
            "age": _age(child, today),
            "born": _d(child.birth_date),
            "placement": child.get_placement_display(),
        }
        for child in members
        if child.is_child
    ]
    return "\n\n".join(paragraphs) if paragraphs else _("There are no children in the family.")


def cooperation_with_institutions(case: Case, today: dt.date) -> str:
    start, end = work_start(case), period_end(case, today)
    visits = case.visits.filter(status=VisitStatus.FINAL, date__range=(start, end))
    counts = dict(
        visits.filter(kind__in=[VisitKind.ACCOMPANYING, VisitKind.CASE_CONFERENCE, VisitKind.COURT])
        .values_list("kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    parts = []
    if counts:
        listed = ", ".join(
            f"{label}: {counts[value]}" for value, label in VisitKind.choices if counts.get(value)
        )
        parts.append(_("Recorded in the visit log: %(list)s.") % {"list": listed})
    interventions = list(case.interventions.order_by("date"))
    if interventions:
        parts.append(
            ngettext(
                "%(count)d intervention was recorded; informed: %(who)s.",
                "%(count)d interventions were recorded; informed: %(who)s.",
                len(interventions),
            )
            % {
                "count": len(interventions),
                "who": ", ".join(sorted({name for i in interventions for name in i.informed_list})),
            }
        )
    return " ".join(parts)
