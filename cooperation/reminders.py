"""Reminder rules of cooperation, run by the daily sweep (notifications.reminders): a letter's
reply-by date, the "Niebieska Karta" deadlines the centre counts (`deadlines.py`), the group's
next meeting and the tasks given at meetings. Each is told from `HORIZON_DAYS` days before the
date (the centre's practice, not a rule of law) and every day after it until it is done; the
sweep's keys make a second run the same day create nothing."""

from collections import defaultdict

from django.db.models import Min, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from cases.agenda import AGENDA_STATUSES
from cases.models import Case
from notifications.enums import NotificationKind
from notifications.reminders import Reminder, Sweep, fmt, register_rule

from . import deadlines
from .enums import MeetingKind
from .models import GroupMember, Letter, Meeting, Procedure, ProcedureTerms, Task

HORIZON_DAYS = 3


def _assistants(family_ids: set[int]) -> dict[int, set[int]]:
    found: dict[int, set[int]] = defaultdict(set)
    rows = Case.objects.filter(
        family_id__in=family_ids, status__in=AGENDA_STATUSES, assistant__is_active=True
    ).values_list("family_id", "assistant_id")
    for family_id, assistant_id in rows:
        found[family_id].add(assistant_id)
    return found


def letter_reminders(sweep: Sweep) -> list[Reminder]:
    """A letter awaiting a reply by its date: whoever logged it and the family's assistant."""
    rows = list(
        Letter.objects.filter(
            reply_by__isnull=False, replied_on__isnull=True, reply_by__lte=sweep.days(HORIZON_DAYS)
        ).values("pk", "reply_by", "family_id", "subject", "recorded_by_id", "recorded_by__is_active")
    )
    assistants = _assistants({row["family_id"] for row in rows})
    reminders = []
    for row in rows:
        reply_by = row["reply_by"]
        assert reply_by is not None  # filtered
        recipients = set(assistants.get(row["family_id"], ()))
        if row["recorded_by__is_active"]:
            recipients.add(row["recorded_by_id"])
        reminders.append(
            Reminder(
                rule=NotificationKind.LETTER_REPLY_DUE,
                object_pk=row["pk"],
                due=sweep.today if reply_by < sweep.today else reply_by,
                recipients=frozenset(recipients),
                message=_("Reply due by %(date)s: %(subject)s.")
                % {"subject": row["subject"], "date": fmt(reply_by)},
                url=reverse("cooperation:letter-list", args=[row["family_id"]]),
                family_id=row["family_id"],
            )
        )
    return reminders


def _members(procedure_ids: list[int]) -> dict[int, set[int]]:
    found: dict[int, set[int]] = defaultdict(set)
    rows = GroupMember.objects.filter(
        procedure_id__in=procedure_ids, user__isnull=False, user__is_active=True
    ).values_list("procedure_id", "user_id")
    for procedure_id, user_id in rows:
        found[procedure_id].add(user_id)
    return found


def procedure_reminders(sweep: Sweep) -> list[Reminder]:
    """The open procedures' deadlines not met (due within the horizon or passed) and the group's
    next meeting within the horizon: the group's members who use the application and the
    family's assistant."""
    terms = ProcedureTerms.load()
    horizon = sweep.days(HORIZON_DAYS)
    procedures = list(
        Procedure.objects.filter(ended_on__isnull=True).annotate(
            first_meeting_on=Min("meetings__date", filter=Q(meetings__kind=MeetingKind.GROUP))
        )
    )
    next_meetings = (
        Meeting.objects.filter(
            procedure__ended_on__isnull=True, next_meeting__gte=sweep.today, next_meeting__lte=horizon
        )
        .order_by("procedure_id", "-date", "-pk")
        .values("pk", "procedure_id", "next_meeting", "procedure__family_id")
    )
    ids = [p.pk for p in procedures]
    members = _members(ids)
    assistants = _assistants({p.family_id for p in procedures})
    reminders = []
    for procedure in procedures:
        recipients = frozenset(members.get(procedure.pk, set()) | assistants.get(procedure.family_id, set()))
        first_meeting_on = getattr(procedure, "first_meeting_on", None)
        for deadline in deadlines.procedure_deadlines(procedure, terms, first_meeting_on):
            if deadline.is_met or deadline.due > horizon:
                continue
            overdue = deadline.overdue(sweep.today)
            reminders.append(
                Reminder(
                    rule=NotificationKind.BLUE_CARD_DEADLINE,
                    object_pk=procedure.pk,
                    # Overdue: one a day until it is met.
                    due=sweep.today if overdue else deadline.due,
                    recipients=recipients,
                    message=(
                        _("Niebieska Karta: %(step)s was due on %(date)s.")
                        if overdue
                        else _("Niebieska Karta: %(step)s by %(date)s.")
                    )
                    % {"step": deadline.label, "date": fmt(deadline.due)},
                    url=reverse("cooperation:procedure-detail", args=[procedure.pk]),
                    family_id=procedure.family_id,
                )
            )
    seen: set[int] = set()
    for row in next_meetings:
        if row["procedure_id"] in seen:
            continue  # the latest meeting's agreement supersedes older ones
        seen.add(row["procedure_id"])
        next_meeting = row["next_meeting"]
        assert next_meeting is not None  # filtered
        recipients = frozenset(
            members.get(row["procedure_id"], set()) | assistants.get(row["procedure__family_id"], set())
        )
        reminders.append(
            Reminder(
                rule=NotificationKind.BLUE_CARD_MEETING,
                object_pk=row["procedure_id"],
                due=next_meeting,
                recipients=recipients,
                message=_("Niebieska Karta: the group meets on %(date)s.") % {"date": fmt(next_meeting)},
                url=reverse("cooperation:procedure-detail", args=[row["procedure_id"]]),
                family_id=row["procedure__family_id"],
            )
        )
    return reminders


def task_reminders(sweep: Sweep) -> list[Reminder]:
    """A task given at a meeting, not done, due within the horizon or passed: the person it was
    given to (every day once it has passed)."""
    rows = Task.objects.filter(
        done_on__isnull=True,
        due_on__lte=sweep.days(HORIZON_DAYS),
        assignee__is_active=True,
        meeting__procedure__ended_on__isnull=True,
    ).values("pk", "due_on", "assignee_id", "meeting__procedure_id", "meeting__procedure__family_id")
    reminders = []
    for row in rows:
        overdue = row["due_on"] < sweep.today
        reminders.append(
            Reminder(
                rule=NotificationKind.BLUE_CARD_TASK,
                object_pk=row["pk"],
                due=sweep.today if overdue else row["due_on"],
                recipients=frozenset([row["assignee_id"]]),
                message=(
                    _("Niebieska Karta: your task was due on %(date)s.")
                    if overdue
                    else _("Niebieska Karta: your task is due on %(date)s.")
                )
                % {"date": fmt(row["due_on"])},
                url=reverse("cooperation:procedure-detail", args=[row["meeting__procedure_id"]]),
                family_id=row["meeting__procedure__family_id"],
            )
        )
    return reminders


def register() -> None:
    register_rule(letter_reminders, kinds=[NotificationKind.LETTER_REPLY_DUE], order=30)
    register_rule(
        procedure_reminders,
        kinds=[NotificationKind.BLUE_CARD_DEADLINE, NotificationKind.BLUE_CARD_MEETING],
        order=31,
    )
    register_rule(task_reminders, kinds=[NotificationKind.BLUE_CARD_TASK], order=32)
