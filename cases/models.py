"""Families and their members, cases, assignments and consent."""

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField
from simple_history.models import HistoricalRecords

from asystent import dates, limits
from asystent.files import private_storage, validate_scan
from asystent.limits import DESCRIPTION, NOTE, REASON, limited
from asystent.models import TransitionLog, User, postal_code_validator
from asystent.removal import PresentManager, RemovalTexts, SoftRemovable, SoftRemovableQuerySet
from asystent.transitions import transition

from . import deadlines
from . import pesel as pesel_rules
from .enums import (
    ActionStatus,
    AssessmentStatus,
    CaseStatus,
    ClosureProposalStatus,
    ClosureReason,
    ConsentDecision,
    LegalBasis,
    MonitoringRule,
    Placement,
    Recommendation,
    Relation,
    Responsible,
    Sex,
    StatutoryTask,
)
from .visibility import registered_family_ids

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Statuses in which a family takes a place in the assistant's caseload (art. 15 ust. 4).
OPEN_STATUSES = (CaseStatus.AWAITING_CONSENT, CaseStatus.ACTIVE)
# Plan actions still to do; "done" and "not done" are outcomes already recorded.
PENDING_ACTION_STATUSES = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)


class ProblemArea(models.Model):
    """A dictionary of the areas of help (seeded from the leaflet; the administrator extends it)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)
    task = models.PositiveSmallIntegerField(
        _("point of art. 15 ust. 1 of the Act"), choices=StatutoryTask.choices, null=True, blank=True
    )

    class Meta:
        verbose_name = _("problem area")
        verbose_name_plural = _("problem areas")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class FamilyQuerySet(models.QuerySet["Family"]):
    def visible_to(self, user: User) -> "FamilyQuerySet":
        """Least privilege: managers see all; others see the families their work gives them."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_manager:
            return self.all()
        ids = visible_family_ids(user)
        return self.none() if ids is None else self.filter(pk__in=ids)


def visible_family_ids(user: User) -> models.QuerySet[Any, Any] | None:
    """The ids of the families `user` (active, not a manager) may see, as a subquery; None if none."""
    # The ids of the families, one indexed lookup per reason, combined with UNION: an OR of
    # the reasons would make PostgreSQL read every family in the register.
    reasons: list[models.QuerySet[Any, Any]] = []
    if user.is_assistant:
        reasons.append(Case.objects.filter(assistant=user).values("family_id"))
    if user.is_social_worker:
        reasons += [
            Family.objects.filter(registered_by=user).values("pk"),
            Case.objects.filter(social_worker=user).values("family_id"),
        ]
    # The reasons of the apps above (referrals: the families a social worker referred).
    reasons += registered_family_ids(user)
    if not reasons:
        return None
    first, *others = [reason.order_by() for reason in reasons]
    return first.union(*others) if others else first


def family_label(name: str, street: str) -> str:
    """A family's name with its street: "Kowalscy (ul. Lipowa 3)"."""
    return f"{name} ({street})" if street else name


def family_label_in(row: Mapping[str, Any], prefix: str = "") -> str:
    """`family_label` of a `values()` row holding `<prefix>family__name` and `..._street`."""
    return family_label(row[f"{prefix}family__name"], row[f"{prefix}family__street"])


class Family(models.Model):
    """A family registered by the centre, with its address."""

    name = models.CharField(
        _("family name"), max_length=150, help_text=_("Usually the surname, e.g. Kowalscy.")
    )
    street = models.CharField(_("street and number"), max_length=200)
    postal_code = models.CharField(_("postal code"), max_length=6, validators=[postal_code_validator])
    city = models.CharField(_("city"), max_length=100)
    gmina = models.CharField(_("municipality (gmina)"), max_length=100, blank=True)
    teryt = models.CharField(_("TERYT code"), max_length=7, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="registered_families",
        verbose_name=_("registered by"),
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    anonymised_at = models.DateTimeField(_("personal data erased at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    objects = FamilyQuerySet.as_manager()

    # What a page of the family list shows of each family, set by selectors.fill_family_rows
    # (annotations only: no columns, no attributes on the class).
    members_count: int
    children_count: int
    members_summary: str
    url: str
    case_id: int | None
    case_status: str | None
    case_status_label: "StrOrPromise"
    case_assistant_name: str
    case_url: str
    # The cases a report's filter matched (the statistics' family lists).
    matching_cases: list["Case"]

    class Meta:
        verbose_name = _("family")
        verbose_name_plural = _("families")
        ordering = ["name", "pk"]
        indexes = [
            # The list's order: with many families of one name, an index on the name alone makes
            # PostgreSQL sort each name's families to find the first page.
            models.Index(fields=["name", "id"]),
            models.Index(fields=["city", "street"]),
        ]
        constraints = [
            *dates.datetime_range_constraints("family", "created_at"),
            *dates.datetime_range_constraints("family", "anonymised_at"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("cases:family-detail", args=[self.pk])

    @property
    def label(self) -> str:
        """The name with the street, which tells apart families of the same surname wherever
        they are listed (`{{ family|family_label }}`, cases/templatetags/families.py)."""
        return family_label(self.name, self.street)

    @property
    def address(self) -> str:
        return f"{self.street}, {self.postal_code} {self.city}"


class FamilyMember(SoftRemovable):
    family = models.ForeignKey(
        Family, on_delete=models.PROTECT, related_name="members", verbose_name=_("family")
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    relation = models.CharField(_("relation in the family"), max_length=20, choices=Relation.choices)
    pesel = models.CharField(_("PESEL"), max_length=11, blank=True, validators=[pesel_rules.validate_pesel])
    birth_date = models.DateField(_("date of birth"), validators=[dates.BIRTH])
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    placement = models.CharField(
        _("where the child lives"),
        max_length=20,
        choices=Placement.choices,
        default=Placement.HOME,
    )
    foster_coordinator = models.CharField(
        _("foster-care coordinator (name and contact)"), max_length=300, blank=True
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    # No hard delete (asystent.removal): a person added by mistake is marked removed, a manager
    # may restore them, and the history keeps both steps.
    removal_permission = "cases.remove_member"
    removal_texts = RemovalTexts(
        reason_missing=_("Give the reason for removing the person."),
        already_removed=_("This person has already been removed."),
        not_removed=_("This person has not been removed."),
    )
    history = HistoricalRecords()

    objects = PresentManager()  # the default manager: removed members are left out
    all_objects = SoftRemovableQuerySet.as_manager()

    class Meta:
        verbose_name = _("family member")
        verbose_name_plural = _("family members")
        ordering = ["family", "birth_date", "pk"]
        indexes = [
            # The manager's list of removed records: a handful among all members, newest first.
            models.Index(
                fields=["-removed_at"], name="member_removed_idx", condition=Q(removed_at__isnull=False)
            ),
            # The half-year report's children: an index-only scan instead of reading every member.
            models.Index(
                fields=["family", "birth_date"],
                name="member_child_idx",
                condition=Q(relation=Relation.CHILD, removed_at__isnull=True),
            ),
        ]
        constraints = [
            *limits.length_constraints("member", removal_reason=REASON),
            *dates.range_constraints("member", "birth_date", floor=dates.BIRTH_FLOOR),
            *dates.datetime_range_constraints("member", "removed_at"),
            models.UniqueConstraint(
                fields=["pesel"],
                condition=~Q(pesel=""),
                name="member_pesel_unique",
                violation_error_message=_("A person with this PESEL number is already on file."),
            ),
            models.CheckConstraint(
                condition=Q(removed_at__isnull=True) | (Q(removed_by__isnull=False) & ~Q(removal_reason="")),
                name="member_removal_recorded",
                violation_error_message=_("A removed family member records who removed them and why."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def masked_pesel(self) -> str:
        return pesel_rules.mask(self.pesel)

    @property
    def is_child(self) -> bool:
        return self.relation == Relation.CHILD

    @property
    def in_foster_care(self) -> bool:
        return self.placement in (Placement.FOSTER_FAMILY, Placement.RESIDENTIAL)

    def age_on(self, day: dt.date) -> int:
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, user: User) -> "CaseQuerySet":
        """The cases of the families `user` may see: straight from the family ids (no join to the
        families, and none at all for a manager, who sees every family)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_manager:
            return self.all()
        ids = visible_family_ids(user)
        return self.none() if ids is None else self.filter(family_id__in=ids)

    def open(self) -> "CaseQuerySet":
        return self.filter(status__in=OPEN_STATUSES)

    # The deadlines of the work (cases/deadlines.py): each rule once, for every page and reminder.

    def with_assessment_base(self) -> "CaseQuerySet":
        """`assessment_base`: what the next periodic assessment counts from
        (`deadlines.assessment_base`); the due date is `deadlines.assessment_due` of it."""
        return self.annotate(assessment_base=deadlines.assessment_base_expression())

    @staticmethod
    def assessment_due_condition(day: dt.date, months: int) -> Q:
        """Cases in progress whose periodic assessment is due on `day` or before, over an
        annotated `assessment_base` (a condition, so that a count can aggregate it)."""
        cutoff = deadlines.assessment_cutoff(day + deadlines.ONE_DAY, months)
        return Q(status__in=OPEN_STATUSES) & Q(assessment_base__lt=cutoff)

    def assessment_due_by(self, day: dt.date, months: int) -> "CaseQuerySet":
        """The cases in progress whose periodic assessment is due on `day` or before (overdue
        when before today), with their `assessment_base`."""
        return self.with_assessment_base().filter(self.assessment_due_condition(day, months))

    def consent_awaited(self, today: dt.date, days: int) -> "CaseQuerySet":
        """art. 8 ust. 3: voluntary work does not start without the family's consent. The cases
        still awaiting it more than `days` days after they were opened (`deadlines.consent_due`)."""
        return self.filter(
            status=CaseStatus.AWAITING_CONSENT, opened_on__lt=deadlines.consent_opened_before(today, days)
        )

    def monitoring_over(self, today: dt.date) -> "CaseQuerySet":
        """The cases in monitoring whose planned monitoring has passed (`deadlines.monitoring_over`)."""
        return self.filter(status=CaseStatus.MONITORING, monitoring_until__lt=today)

    def monitoring_ending(self, today: dt.date, days: int) -> "CaseQuerySet":
        """The cases whose monitoring after closure ends between today and `days` days on."""
        return self.filter(
            status=CaseStatus.MONITORING,
            monitoring_until__gte=today,
            monitoring_until__lte=today + dt.timedelta(days=days),
        )


class Case(models.Model):
    """The work of one assistant with one family, opened by the manager's assignment."""

    family = models.ForeignKey(
        Family, on_delete=models.PROTECT, related_name="cases", verbose_name=_("family")
    )
    assistant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="assisted_cases",
        verbose_name=_("family assistant"),
    )
    social_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="social_work_cases",
        verbose_name=_("social worker"),
        null=True,
        blank=True,
    )
    legal_basis = models.CharField(_("legal basis"), max_length=20, choices=LegalBasis.choices)
    status = FSMField(_("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.ACTIVE)
    opened_on = models.DateField(_("opened on"), validators=[dates.PAST], default=timezone.localdate)
    started_on = models.DateField(_("work started on"), validators=[dates.PAST], null=True, blank=True)
    closed_on = models.DateField(_("closed on"), validators=[dates.PAST], null=True, blank=True)
    closure_reason = models.CharField(
        _("reason for closure"), max_length=20, choices=ClosureReason.choices, blank=True
    )
    final_assessment = models.TextField(_("final assessment"), blank=True, **limited(DESCRIPTION))
    recommendations = models.TextField(_("recommendations"), blank=True, **limited(NOTE))
    monitoring_until = models.DateField(
        _("monitoring planned until"), validators=[dates.PLANNED], null=True, blank=True
    )
    ended_on = models.DateField(_("ended on"), validators=[dates.PAST], null=True, blank=True)
    has_intervention = models.BooleanField(_("intervention recorded"), default=False)
    court_notice_needed = models.BooleanField(
        _("the court must be informed"),
        default=False,
        help_text=_("A court-ordered family refused or withdrew from the work."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    objects = CaseQuerySet.as_manager()

    # What the next periodic assessment counts from, where a query annotated it
    # (`CaseQuerySet.with_assessment_base`; annotation only, no column).
    assessment_base: dt.date

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_on", "-pk"]
        indexes = [
            models.Index(fields=["assistant", "status"]),
            models.Index(fields=["status", "opened_on"]),
            models.Index(fields=["closed_on"]),  # the half-year report: work ended in the period
            # A family's latest case (the family list shows it and filters by it).
            models.Index(fields=["family", "opened_on", "id"]),
            # The dashboard's caseloads: working cases by assistant, a small part of all cases.
            models.Index(
                fields=["assistant"],
                condition=Q(status__in=[CaseStatus.AWAITING_CONSENT, CaseStatus.ACTIVE]),
                name="case_open_by_assistant_idx",
            ),
            models.Index(
                fields=["assistant", "status"],
                condition=Q(
                    status__in=[CaseStatus.AWAITING_CONSENT, CaseStatus.ACTIVE, CaseStatus.MONITORING]
                ),
                name="case_working_by_assistant_idx",
            ),
        ]
        constraints = [
            *limits.length_constraints("case", final_assessment=DESCRIPTION, recommendations=NOTE),
            *dates.datetime_range_constraints("case", "created_at"),
            *dates.range_constraints(
                "case", "opened_on", "started_on", "closed_on", "monitoring_until", "ended_on"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[CaseStatus.CLOSED, CaseStatus.ENDED]) | ~Q(closure_reason=""),
                name="case_closed_has_reason",
                violation_error_message=_("A closed case needs a reason for closure."),
            ),
        ]

    def __str__(self) -> str:
        return _("Case of %(family)s") % {"family": self.family}

    def get_absolute_url(self) -> str:
        return reverse("cases:case-detail", args=[self.pk])

    @property
    def is_voluntary(self) -> bool:
        return self.legal_basis in (LegalBasis.VOLUNTARY, LegalBasis.ZA_ZYCIEM)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def awaiting_consent(self) -> bool:
        return self.status == CaseStatus.AWAITING_CONSENT

    # --- the state machine: every allowed move, once (asystent.transitions) ----------------------

    def transition_refused(self, target: str) -> str:
        return gettext("A case that is “%(current)s” cannot become “%(new)s”.") % {
            "current": self.get_status_display(),
            "new": CaseStatus(target).label,
        }

    @transition(field=status, source=CaseStatus.AWAITING_CONSENT, target=CaseStatus.ACTIVE)
    def start(self, *, on: dt.date, by: User | None, comment: str = "") -> None:
        """The family consented (art. 8 ust. 3): the work starts."""
        self.started_on = on

    @transition(field=status, source=OPEN_STATUSES, target=CaseStatus.CLOSED)
    def close(self, *, on: dt.date, reason: str, by: User | None, comment: str = "") -> None:
        """The work ends without monitoring (also when a voluntary family refuses or withdraws)."""
        self.closed_on = on
        self.closure_reason = reason

    @transition(field=status, source=OPEN_STATUSES, target=CaseStatus.MONITORING)
    def close_with_monitoring(self, *, on: dt.date, reason: str, by: User | None, comment: str = "") -> None:
        """The work ends and monitoring follows (art. 15 ust. 1 pkt 16)."""
        self.closed_on = on
        self.closure_reason = reason

    @transition(
        field=status,
        source=CaseStatus.MONITORING,
        target=CaseStatus.ENDED,
        refused=lambda case, target: gettext("Only a case in monitoring can end its monitoring."),
    )
    def end_monitoring(self, *, on: dt.date, by: User | None, comment: str = "") -> None:
        """The monitoring ends; the case becomes read-only."""
        self.ended_on = on


class LegalBasisPeriod(models.Model):
    """One period of the case's legal basis: voluntary from day X, court-ordered from day Y (the
    order arriving during voluntary work, art. 109 § 2 pkt 1 KRO), ended on day Z. A case has
    one period or more, never two open at once; `Case.legal_basis` is the basis of the latest.
    The court order a period came from links to it from `referrals` (`CourtOrder.basis_period`);
    `source` names it here."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="basis_periods", verbose_name=_("case")
    )
    basis = models.CharField(_("legal basis"), max_length=20, choices=LegalBasis.choices)
    started_on = models.DateField(_("from"), validators=[dates.PAST])
    ended_on = models.DateField(_("until"), validators=[dates.PAST], null=True, blank=True)
    source = models.CharField(
        _("source"),
        max_length=300,
        blank=True,
        help_text=_("e.g. the court, division and case number of the order"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("period of the legal basis")
        verbose_name_plural = _("periods of the legal basis")
        ordering = ["case", "started_on", "pk"]
        indexes = [models.Index(fields=["basis", "started_on"], name="basis_period_basis_idx")]
        constraints = [
            *dates.datetime_range_constraints("basis_period", "created_at"),
            *dates.range_constraints("basis_period", "started_on", "ended_on"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="basis_period_ends_after_start",
                violation_error_message=_("A period of the legal basis cannot end before it starts."),
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(ended_on__isnull=True),
                name="basis_period_one_open_per_case",
                violation_error_message=_("The case already has a legal basis in force."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_basis_display()} ({self.started_on:%d.%m.%Y})"

    @property
    def is_court_ordered(self) -> bool:
        return self.basis == LegalBasis.COURT_ORDER


class CaseTransition(TransitionLog):
    """The case's moves: consent, closure, monitoring and its end."""

    subject_field = "case"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="transitions")

    class Meta:
        verbose_name = _("case status change")
        verbose_name_plural = _("case status changes")
        ordering = ["case", "at", "pk"]
        constraints = [
            *limits.length_constraints("case_transition", comment=NOTE),
            *dates.datetime_range_constraints("case_transition", "at"),
        ]


class ClosureReasonPolicy(models.Model):
    """Whether monitoring (art. 15 ust. 1 pkt 16) follows a closure for this reason. The Act makes
    monitoring a task of the assistant without saying after which closures; the defaults (a data
    migration) are practice and the administrator edits them."""

    reason = models.CharField(
        _("reason for closure"), max_length=20, choices=ClosureReason.choices, unique=True
    )
    monitoring = models.CharField(
        _("monitoring after closure"),
        max_length=20,
        choices=MonitoringRule.choices,
        default=MonitoringRule.OFFERED,
    )
    note = models.CharField(_("why"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("monitoring rule of a closure reason")
        verbose_name_plural = _("monitoring rules of the closure reasons")
        ordering = ["reason"]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.get_monitoring_display()}"

    @classmethod
    def rule_for(cls, reason: str) -> str:
        """The monitoring rule of `reason`; a reason missing from the table is offered."""
        row = cls.objects.filter(reason=reason).values_list("monitoring", flat=True).first()
        return row or MonitoringRule.OFFERED


class ClosureProposal(models.Model):
    """The assistant's proposal to close the work, which the head of the centre approves or
    returns with a comment. Until it is approved the work goes on: the case stays open."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="closure_proposals")
    status = FSMField(
        _("status"),
        max_length=20,
        choices=ClosureProposalStatus.choices,
        default=ClosureProposalStatus.PENDING,
    )
    closing_on = models.DateField(_("date of closure"), validators=[dates.PAST])
    reason = models.CharField(_("reason for closure"), max_length=20, choices=ClosureReason.choices)
    summary = models.TextField(_("summary of the work (final assessment)"), **limited(DESCRIPTION))
    recommendations = models.TextField(_("recommendations"), blank=True, **limited(NOTE))
    monitoring = models.BooleanField(_("monitoring after closure"), default=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.TextField(_("the manager's comment"), blank=True, **limited(NOTE))
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("closure proposal")
        verbose_name_plural = _("closure proposals")
        ordering = ["case", "-proposed_at", "-pk"]
        indexes = [models.Index(fields=["status", "proposed_at"])]
        constraints = [
            *dates.datetime_range_constraints("closure_proposal", "proposed_at"),
            *limits.length_constraints(
                "closure_proposal", summary=DESCRIPTION, recommendations=NOTE, decision_comment=NOTE
            ),
            *dates.range_constraints("closure_proposal", "closing_on"),
            *dates.datetime_range_constraints("closure_proposal", "decided_at"),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status=ClosureProposalStatus.PENDING),
                name="closure_proposal_one_pending",
                violation_error_message=_("A closure of this case is already waiting for approval."),
            ),
            models.CheckConstraint(
                condition=~Q(status=ClosureProposalStatus.RETURNED) | ~Q(decision_comment=""),
                name="closure_proposal_returned_with_comment",
                violation_error_message=_("Say why the closure is returned."),
            ),
        ]

    def __str__(self) -> str:
        return _("Closure proposal of %(date)s") % {"date": self.closing_on.strftime("%d.%m.%Y")}

    def get_absolute_url(self) -> str:
        return reverse("cases:closure-proposal", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.status == ClosureProposalStatus.PENDING

    def transition_refused(self, target: str) -> str:
        return gettext("This closure proposal has already been decided.")

    @transition(field=status, source=ClosureProposalStatus.PENDING, target=ClosureProposalStatus.APPROVED)
    def approve(self, *, by: User | None, comment: str = "") -> None:
        self.decided_by = by
        self.decided_at = timezone.now()
        self.decision_comment = comment

    @transition(field=status, source=ClosureProposalStatus.PENDING, target=ClosureProposalStatus.RETURNED)
    def return_to_assistant(self, *, by: User | None, comment: str = "") -> None:
        self.decided_by = by
        self.decided_at = timezone.now()
        self.decision_comment = comment


class ClosureProposalTransition(TransitionLog):
    """The closure proposal's moves: approval or return, with the manager's comment."""

    subject_field = "proposal"

    proposal = models.ForeignKey(ClosureProposal, on_delete=models.PROTECT, related_name="transitions")

    class Meta:
        verbose_name = _("closure proposal decision")
        verbose_name_plural = _("closure proposal decisions")
        ordering = ["proposal", "at", "pk"]
        constraints = [
            *dates.datetime_range_constraints("closure_proposal_transition", "at"),
            *limits.length_constraints("closure_proposal_transition", comment=NOTE),
        ]


class Assignment(models.Model):
    """Who was the family's assistant when, and why it changed (reassignments are recorded)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assignments")
    assistant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments"
    )
    started_on = models.DateField(_("from"), validators=[dates.PAST])
    ended_on = models.DateField(_("until"), validators=[dates.PAST], null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True, **limited(REASON))
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["case", "started_on", "pk"]
        indexes = [models.Index(fields=["started_on"])]  # the dashboard's recent assignments, reports
        constraints = [
            *limits.length_constraints("assignment", reason=REASON),
            *dates.datetime_range_constraints("assignment", "created_at"),
            *dates.range_constraints("assignment", "started_on", "ended_on"),
        ]

    def __str__(self) -> str:
        return f"{self.assistant} ({self.started_on:%d.%m.%Y})"


class Consent(models.Model):
    """The family's decision on the work (art. 8 ust. 3); not consent to data processing."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="consents", verbose_name=_("case"))
    decision = models.CharField(_("decision"), max_length=20, choices=ConsentDecision.choices)
    date = models.DateField(_("date"), validators=[dates.PAST])
    signed_by = models.ManyToManyField(
        FamilyMember, related_name="consents", verbose_name=_("signed by"), blank=True
    )
    scope = models.TextField(_("scope"), blank=True, **limited(REASON))
    reason = models.TextField(_("reason"), blank=True, **limited(REASON))
    scan = models.FileField(
        _("scan of the signed form"),
        storage=private_storage,
        upload_to="consents/%Y/%m/",
        validators=[validate_scan],
        blank=True,
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[signed_by])

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["case", "date", "pk"]
        constraints = [
            *limits.length_constraints("consent", scope=REASON, reason=REASON),
            *dates.datetime_range_constraints("consent", "created_at"),
            *dates.range_constraints("consent", "date"),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} ({self.date:%d.%m.%Y})"


class AssessmentArea(models.Model):
    """A dictionary of the areas rated in periodic assessments (the administrator edits it)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("assessment area")
        verbose_name_plural = _("assessment areas")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class WorkPlan(models.Model):
    """The work plan made with the family (art. 15 ust. 1 pkt 1-2, ust. 3); a revision is a new
    version and earlier versions stay readable."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="plans")
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    main_goal = models.TextField(_("main goal"), **limited(NOTE))
    social_worker_consulted_on = models.DateField(
        _("consulted with the social worker on"), validators=[dates.PAST], null=True, blank=True
    )
    social_worker_confirmed_at = models.DateTimeField(
        _("consultation confirmed by the social worker at"), null=True, blank=True
    )
    social_worker_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    foster_coordinator_consulted_on = models.DateField(
        _("consulted with the foster-care coordinator on"), validators=[dates.PAST], null=True, blank=True
    )
    foster_coordinator_name = models.CharField(_("foster-care coordinator"), max_length=200, blank=True)
    # art. 15 ust. 1 pkt 2: where a child is in foster care, the plan is coordinated with the
    # child's help plan (plan pomocy dziecku), kept by the organiser of foster care.
    child_help_plan_date = models.DateField(
        _("date of the child's help plan"), validators=[dates.PAST], null=True, blank=True
    )
    child_help_plan_keeper = models.CharField(
        _("body that keeps the child's help plan"), max_length=200, blank=True
    )
    revision_reason = models.TextField(_("reason for the revision"), blank=True, **limited(REASON))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        ordering = ["case", "-version"]
        constraints = [
            *limits.length_constraints("plan", main_goal=NOTE, revision_reason=REASON),
            *dates.datetime_range_constraints("plan", "created_at"),
            *dates.range_constraints(
                "plan",
                "social_worker_consulted_on",
                "foster_coordinator_consulted_on",
                "child_help_plan_date",
            ),
            *dates.datetime_range_constraints("plan", "social_worker_confirmed_at"),
            models.UniqueConstraint(fields=["case", "version"], name="plan_version_unique"),
        ]

    def __str__(self) -> str:
        return _("Work plan, version %(version)d") % {"version": self.version}


class Goal(models.Model):
    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="goals")
    area = models.ForeignKey(ProblemArea, on_delete=models.PROTECT, related_name="+", verbose_name=_("area"))
    description = models.TextField(_("specific goal"), **limited(NOTE))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["plan", "order", "pk"]
        constraints = [
            *limits.length_constraints("goal", description=NOTE),
        ]

    def __str__(self) -> str:
        return self.description


class PlanActionQuerySet(models.QuerySet["PlanAction"]):
    def pending(self) -> "PlanActionQuerySet":
        """Actions still to do: "done" and "not done" are outcomes already recorded."""
        return self.filter(status__in=PENDING_ACTION_STATUSES)

    def in_current_plan(self) -> "PlanActionQuerySet":
        """Actions of the current version of the plan (its highest) of a case in progress."""
        current_version = (
            WorkPlan.objects.filter(case=OuterRef("goal__plan__case"))
            .order_by("-version")
            .values("version")[:1]
        )
        return self.filter(
            goal__plan__case__status__in=OPEN_STATUSES, goal__plan__version=Subquery(current_version)
        )

    def due_by(self, day: dt.date) -> "PlanActionQuerySet":
        """art. 15 ust. 3: each action of the plan has its deadline. The pending actions whose
        deadline is `day` or earlier (overdue when before today)."""
        return self.pending().filter(deadline__lte=day)


class PlanAction(models.Model):
    """An action of the plan: the statute requires its deadline and expected effect."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField(_("action"), **limited(NOTE))
    responsible = models.CharField(_("who is responsible"), max_length=20, choices=Responsible.choices)
    responsible_name = models.CharField(_("name of the person or institution"), max_length=200, blank=True)
    deadline = models.DateField(_("deadline"), validators=[dates.PLANNED])
    expected_effect = models.TextField(_("expected effect"), **limited(NOTE))
    status = models.CharField(
        _("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )

    objects = PlanActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["goal", "deadline", "pk"]
        indexes = [models.Index(fields=["deadline", "status"])]
        constraints = [
            *limits.length_constraints("action", description=NOTE, expected_effect=NOTE),
            *dates.range_constraints("action", "deadline"),
            models.CheckConstraint(
                condition=~Q(expected_effect=""),
                name="action_has_expected_effect",
                violation_error_message=_("Describe the expected effect of the action."),
            ),
        ]

    def __str__(self) -> str:
        return self.description


class Assessment(models.Model):
    """The periodic assessment of the family's situation, at least every 6 months
    (art. 15 ust. 1 pkt 15), handed to the head of the centre."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assessments")
    date = models.DateField(_("date of the assessment"), validators=[dates.PAST])
    narrative = models.TextField(_("description of the family's situation"), **limited(DESCRIPTION))
    recommendation = models.CharField(_("recommendation"), max_length=20, choices=Recommendation.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("periodic assessment")
        verbose_name_plural = _("periodic assessments")
        ordering = ["case", "-date", "-pk"]
        indexes = [models.Index(fields=["case", "status", "date"])]
        constraints = [
            *limits.length_constraints("assessment", narrative=DESCRIPTION),
            *dates.range_constraints("assessment", "date"),
            *dates.datetime_range_constraints("assessment", "submitted_at", "acknowledged_at"),
        ]

    def __str__(self) -> str:
        return _("Assessment of %(date)s") % {"date": self.date.strftime("%d.%m.%Y")}

    def get_absolute_url(self) -> str:
        return reverse("cases:assessment-detail", args=[self.pk])


class AssessmentRating(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="ratings")
    area = models.ForeignKey(AssessmentArea, on_delete=models.PROTECT, related_name="+")
    rating = models.PositiveSmallIntegerField(_("rating"))
    comment = models.TextField(_("comment"), blank=True, **limited(REASON))

    class Meta:
        ordering = ["assessment", "area__order"]
        constraints = [
            *limits.length_constraints("rating", comment=REASON),
            models.UniqueConstraint(fields=["assessment", "area"], name="rating_once_per_area"),
            models.CheckConstraint(condition=Q(rating__gte=1), name="rating_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.area}: {self.rating}"


class DestructionProtocol(models.Model):
    """A record of erasing the personal data of cases past the retention period. The protocol
    itself is kept (date, who approved, which case numbers) and holds no personal data."""

    number = models.CharField(_("protocol number"), max_length=30, unique=True)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    prepared_at = models.DateTimeField(_("prepared at"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    executed_at = models.DateTimeField(_("data erased at"), null=True, blank=True)
    retention_years = models.PositiveSmallIntegerField(_("retention period (years)"))
    case_ids = models.JSONField(_("case numbers"), default=list)
    family_ids = models.JSONField(default=list)
    # Families whose erasure failed ({"family_id", "error"}): their data stays for a person to check.
    failures = models.JSONField(_("erasures that failed"), default=list, blank=True)
    # Cases past retention left off because their dates contradict each other (closed before
    # they were opened): a person checks them before their data is erased.
    held_case_ids = models.JSONField(
        _("cases held back for a check of their dates"), default=list, blank=True
    )

    class Meta:
        verbose_name = _("destruction protocol")
        verbose_name_plural = _("destruction protocols")
        ordering = ["-prepared_at"]
        constraints = [
            *dates.datetime_range_constraints("protocol", "prepared_at"),
            *dates.datetime_range_constraints("protocol", "executed_at"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("cases:retention-protocol", args=[self.pk])
