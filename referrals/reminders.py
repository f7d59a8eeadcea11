"""The referrals' reminder rules: a referral waiting too long for the head's decision, and a court
order still without an assistant (every working day). Registered with the sweep in
`ReferralsConfig.ready()`."""

import datetime as dt

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.enums import LegalBasis
from cases.models import family_label_in
from notifications.enums import NotificationKind
from notifications.reminders import Reminder, Sweep, fmt, is_working_day, register_rule

from .enums import ReferralStatus
from .models import CommunityInterview, FamilyReport, Referral


def referral_reminders(sweep: Sweep) -> list[Reminder]:
    """art. 11 ust. 4: a referral submitted more than N calendar days ago and still without the
    head's decision: the managers. (A waiting list is a decision.)"""
    if not sweep.managers:
        return []
    wait = sweep.settings.referral_wait_days
    # Submitted on day D (local time) and D < today - wait  <=>  submitted before midnight of today - wait.
    cutoff = dt.datetime.combine(sweep.days(-wait), dt.time.min, tzinfo=timezone.get_current_timezone())
    rows = Referral.objects.filter(status=ReferralStatus.SUBMITTED, submitted_at__lt=cutoff).values(
        "pk", "family_id", "family__name", "family__street", "submitted_at"
    )
    reminders = []
    for row in rows:
        submitted_on = timezone.localdate(row["submitted_at"])
        reminders.append(
            Reminder(
                rule=NotificationKind.REFERRAL_WAITING,
                object_pk=row["pk"],
                due=submitted_on + dt.timedelta(days=wait),
                recipients=sweep.managers,
                message=_("Family %(family)s: the referral submitted on %(date)s awaits your decision.")
                % {
                    "family": family_label_in(row),
                    "date": fmt(submitted_on),
                },
                url=reverse("referrals:referral-detail", args=[row["pk"]]),
                family_id=row["family_id"],
            )
        )
    return reminders


def court_order_reminders(sweep: Sweep) -> list[Reminder]:
    """A court order obliges the centre to provide an assistant (referrals.models,
    COURT_ORDER_NOT_REFUSED): every working day until one is assigned, the managers are told of
    each court-ordered referral still submitted or on the waiting list, with the reason it waits.
    Working days: Monday to Friday except Polish public holidays (`is_working_day`)."""
    if not sweep.managers or not is_working_day(sweep.today):
        return []
    rows = Referral.objects.filter(
        legal_basis=LegalBasis.COURT_ORDER,
        status__in=[ReferralStatus.SUBMITTED, ReferralStatus.WAITLISTED],
    ).values(
        "pk",
        "family_id",
        "family__name",
        "family__street",
        "status",
        "decision_note",
        "court_order__case_number",
    )
    reminders = []
    for row in rows:
        values = {
            "family": family_label_in(row),
            "number": row["court_order__case_number"],
            "reason": row["decision_note"],
        }
        if row["status"] == ReferralStatus.WAITLISTED:
            message = _(
                "Family %(family)s: the court order %(number)s still has no assistant; it waits "
                "because: %(reason)s"
            )
        else:
            message = _(
                "Family %(family)s: the court order %(number)s awaits your decision and an assistant."
            )
        reminders.append(
            Reminder(
                rule=NotificationKind.COURT_ORDER_WAITING,
                object_pk=row["pk"],
                due=sweep.today,  # one reminder per working day
                recipients=sweep.managers,
                message=message % values,
                url=reverse("referrals:referral-detail", args=[row["pk"]]),
                family_id=row["family_id"],
            )
        )
    return reminders


# (practice) The social worker is reminded this many calendar days before the interview is due.
INTERVIEW_NOTICE_DAYS = 3


def interview_reminders(sweep: Sweep) -> list[Reminder]:
    """The community interview after a report (14 working days, 2 if urgent: `FamilyReport`):
    the social worker is reminded shortly before the deadline and again once it has passed, until
    an interview of the family is recorded."""
    later_interview = CommunityInterview.objects.filter(
        family=OuterRef("family"), date__gte=OuterRef("learned_on")
    )
    # The deadline is at most 14 working days (under 5 weeks, holidays included) after the report.
    horizon = sweep.today - dt.timedelta(days=365)
    reports = (
        FamilyReport.objects.filter(learned_on__gte=horizon, social_worker__is_active=True)
        .exclude(Exists(later_interview))
        .select_related("family")
    )
    reminders = []
    for report in reports:
        due = report.interview_due
        if due < sweep.today:
            rule, message = (
                NotificationKind.INTERVIEW_OVERDUE,
                _("Family %(family)s: the community interview was due by %(date)s and is not recorded."),
            )
        elif due <= sweep.days(INTERVIEW_NOTICE_DAYS):
            rule, message = (
                NotificationKind.INTERVIEW_DUE,
                _("Family %(family)s: the community interview is due by %(date)s."),
            )
        else:
            continue
        reminders.append(
            Reminder(
                rule=rule,
                object_pk=report.pk,
                due=due,
                recipients=frozenset([report.social_worker_id]),
                message=message % {"family": report.family.label, "date": fmt(due)},
                url=reverse("cases:family-detail", args=[report.family_id]),
                family_id=report.family_id,
            )
        )
    return reminders


def register() -> None:
    """Called from `ReferralsConfig.ready()`; 50 is the rule's place in the sweep (`cases.reminders`)."""
    register_rule(referral_reminders, kinds=[NotificationKind.REFERRAL_WAITING], order=50)
    register_rule(court_order_reminders, kinds=[NotificationKind.COURT_ORDER_WAITING], order=51)
    register_rule(
        interview_reminders,
        kinds=[NotificationKind.INTERVIEW_DUE, NotificationKind.INTERVIEW_OVERDUE],
        order=45,
    )
