"""Intake: community interviews, referrals for an assistant, court orders and the manager's decision."""

from django.conf import settings
from django.db import models
from django.db.models import Case as SqlCase
from django.db.models import Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField
from simple_history.models import HistoricalRecords

from asystent import dates
from asystent.errors import InvalidTransition
from asystent.files import private_storage, validate_scan
from asystent.limits import DESCRIPTION, REASON, limited
from asystent.models import TransitionLog, User
from asystent.transitions import Condition, transition
from cases.enums import LegalBasis
from cases.models import Case, Family, LegalBasisPeriod, ProblemArea

from .enums import ReferralStatus


class CommunityInterview(models.Model):
    """The social worker's community interview (art. 11 ust. 1) and analysis (art. 11 ust. 2)."""

    family = models.ForeignKey(
        Family, on_delete=models.PROTECT, related_name="interviews", verbose_name=_("family")
    )
    date = models.DateField(_("date of the interview"), validators=[dates.PAST])
    social_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="interviews",
        verbose_name=_("social worker"),
    )
    urgent = models.BooleanField(_("urgent"), default=False)
    summary = models.TextField(_("analysis of the family's situation"), **limited(DESCRIPTION))
    problem_areas = models.ManyToManyField(
        ProblemArea, related_name="interviews", verbose_name=_("problem areas")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[problem_areas])

    class Meta:
        verbose_name = _("community interview")
        verbose_name_plural = _("community interviews")
        ordering = ["-date", "-pk"]
        constraints = [
            *dates.range_constraints("interview", "date"),
        ]

    def __str__(self) -> str:
        return _("Interview of %(date)s") % {"date": self.date.strftime("%d.%m.%Y")}


# art. 109 § 2 pkt 1 KRO: a family court obliges the family to work with an assistant, and the gmina
# must then provide one. art. 11 ust. 4 of the Act lists no rejection and no waiting list at all;
# the centre's local practice keeps both for other referrals, but a court order is never rejected
# or referred out, and it waits only with the reason recorded (the managers are reminded every
# working day until it is assigned: referrals.reminders).
COURT_ORDER_NOT_REFUSED = Condition(
    lambda referral: not referral.is_court_ordered,
    _(
        "A court order obliges the centre to provide a family assistant (art. 109 § 2 pkt 1 KRO): "
        "it cannot be rejected or referred elsewhere. Assign an assistant, or put the family on "
        "the waiting list with the reason."
    ),
)
COURT_ORDER_WAIT_REASON = _(
    "Give the reason why the court-ordered family must wait for an assistant: a court order "
    "waits only with a reason recorded."
)


class ReferralQuerySet(models.QuerySet["Referral"]):
    def visible_to(self, user) -> "ReferralQuerySet":  # noqa: ANN001
        return self.filter(family__in=Family.objects.visible_to(user))

    def queue(self) -> "ReferralQuerySet":
        """The manager's queue: awaiting a decision, court orders first, then the longest waiting."""
        return (
            self.filter(status__in=[ReferralStatus.SUBMITTED, ReferralStatus.WAITLISTED])
            .annotate(
                court_first=SqlCase(When(legal_basis=LegalBasis.COURT_ORDER, then=Value(0)), default=Value(1))
            )
            .order_by("court_first", "submitted_at", "pk")
        )


class CourtOrder(models.Model):
    """A family court's order obliging the family to work with an assistant (art. 109 § 2 pkt 1 KRO)."""

    family = models.ForeignKey(
        Family, on_delete=models.PROTECT, related_name="court_orders", verbose_name=_("family")
    )
    court = models.CharField(_("court"), max_length=200)
    division = models.CharField(_("division"), max_length=200)
    case_number = models.CharField(
        _("case number (sygnatura akt)"), max_length=50, help_text=_("e.g. III Nsm 123/24")
    )
    order_date = models.DateField(_("date of the order"), validators=[dates.PAST])
    received_on = models.DateField(_("date received"), validators=[dates.PAST])
    scan = models.FileField(
        _("scan of the order"),
        storage=private_storage,
        upload_to="court_orders/%Y/%m/",
        validators=[validate_scan],
        blank=True,
    )
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The period of the case's legal basis this order began (an order arriving during voluntary
    # work is attached to the open case instead of becoming a referral).
    basis_period = models.OneToOneField(
        LegalBasisPeriod,
        on_delete=models.PROTECT,
        related_name="court_order",
        null=True,
        blank=True,
        verbose_name=_("period of the legal basis"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("court order")
        verbose_name_plural = _("court orders")
        ordering = ["-received_on", "-pk"]
        constraints = [
            *dates.range_constraints("court_order", "order_date", "received_on"),
            models.CheckConstraint(
                condition=Q(received_on__gte=models.F("order_date")),
                name="court_order_received_after_order",
                violation_error_message=_("The order cannot be received before it was issued."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.court}, {self.case_number}"

    @property
    def description(self) -> str:
        """The court, division and case number, as a period of the legal basis names its source."""
        return f"{self.court}, {self.division}, {self.case_number}"


class Referral(models.Model):
    """A request to assign a family assistant (art. 11 ust. 3), or one created by a court order."""

    days_waiting: int  # not stored: the queue page sets it for its template

    family = models.ForeignKey(
        Family, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("family")
    )
    interview = models.ForeignKey(
        CommunityInterview,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("community interview"),
        null=True,
        blank=True,
    )
    court_order = models.OneToOneField(
        CourtOrder,
        on_delete=models.PROTECT,
        related_name="referral",
        verbose_name=_("court order"),
        null=True,
        blank=True,
    )
    social_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("social worker"),
    )
    legal_basis = models.CharField(_("legal basis"), max_length=20, choices=LegalBasis.choices)
    problem_areas = models.ManyToManyField(
        ProblemArea, related_name="referrals", verbose_name=_("problem areas"), blank=True
    )
    justification = models.TextField(_("justification"), **limited(DESCRIPTION))
    children_in_foster_care = models.BooleanField(_("children in foster care"), default=False)
    blue_card_open = models.BooleanField(_("a “Niebieska Karta” procedure is open"), default=False)
    status = FSMField(
        _("status"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("decided by"),
    )
    decision_note = models.TextField(_("reason or receiving unit"), blank=True, **limited(REASON))
    case = models.OneToOneField(
        Case,
        on_delete=models.PROTECT,
        related_name="referral",
        null=True,
        blank=True,
        verbose_name=_("case"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(m2m_fields=[problem_areas])

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "submitted_at"]),
            models.Index(fields=["-created_at", "-id"]),  # the referral list, newest first
        ]
        constraints = [
            *dates.datetime_range_constraints("referral", "submitted_at", "decided_at"),
            models.CheckConstraint(
                condition=~Q(legal_basis=LegalBasis.COURT_ORDER) | Q(court_order__isnull=False),
                name="referral_court_basis_has_order",
                violation_error_message=_("A court-ordered referral needs the court order."),
            ),
            models.CheckConstraint(
                condition=~Q(status="assigned") | Q(case__isnull=False),
                name="referral_assigned_has_case",
                violation_error_message=_("An assigned referral must have its case."),
            ),
        ]

    def __str__(self) -> str:
        return _("Referral of %(family)s") % {"family": self.family}

    def get_absolute_url(self) -> str:
        return reverse("referrals:referral-detail", args=[self.pk])

    @property
    def is_court_ordered(self) -> bool:
        return self.legal_basis == LegalBasis.COURT_ORDER

    @property
    def awaiting_decision(self) -> bool:
        return self.status in (ReferralStatus.SUBMITTED, ReferralStatus.WAITLISTED)

    # --- the state machine: every allowed move, once (asystent.transitions) ----------------------

    def transition_refused(self, target: str) -> str:
        return gettext("A referral that is “%(current)s” cannot become “%(new)s”.") % {
            "current": self.get_status_display(),
            "new": ReferralStatus(target).label,
        }

    @transition(
        field=status,
        source=ReferralStatus.DRAFT,
        target=ReferralStatus.SUBMITTED,
        conditions=[
            # art. 11 ust. 1-3: the community interview and its analysis precede the referral.
            Condition(
                lambda referral: referral.interview_id is not None or referral.is_court_ordered,
                _("Record the community interview before submitting the referral."),
            )
        ],
    )
    def submit(self, *, by: User | None, comment: str = "") -> None:
        """The social worker hands the referral to the manager (a court order goes straight there)."""
        self.submitted_at = timezone.now()

    @transition(
        field=status,
        source=[ReferralStatus.DRAFT, ReferralStatus.SUBMITTED, ReferralStatus.WAITLISTED],
        target=ReferralStatus.WITHDRAWN,
    )
    def withdraw(self, *, by: User | None, comment: str = "") -> None:
        """The social worker withdraws the referral until the manager has decided."""

    def _decided(self, by: User | None, comment: str) -> None:
        self.decided_at = timezone.now()
        self.decided_by = by
        self.decision_note = comment

    @transition(
        field=status,
        source=[ReferralStatus.SUBMITTED, ReferralStatus.WAITLISTED],
        target=ReferralStatus.ASSIGNED,
    )
    def assign(self, *, by: User | None, comment: str = "") -> None:
        """The manager assigns an assistant; the service opens the case the referral leads to."""
        self._decided(by, comment)

    @transition(field=status, source=ReferralStatus.SUBMITTED, target=ReferralStatus.WAITLISTED)
    def waitlist(self, *, by: User | None, comment: str = "") -> None:
        if self.is_court_ordered and not comment.strip():
            raise InvalidTransition(COURT_ORDER_WAIT_REASON)
        self._decided(by, comment)

    @transition(
        field=status,
        source=[ReferralStatus.SUBMITTED, ReferralStatus.WAITLISTED],
        target=ReferralStatus.REFERRED,
        conditions=[COURT_ORDER_NOT_REFUSED],
    )
    def refer(self, *, by: User | None, comment: str = "") -> None:
        """The family is referred to another unit or organisation (named in the comment)."""
        self._decided(by, comment)

    @transition(
        field=status,
        source=[ReferralStatus.SUBMITTED, ReferralStatus.WAITLISTED],
        target=ReferralStatus.REJECTED,
        conditions=[COURT_ORDER_NOT_REFUSED],
    )
    def reject(self, *, by: User | None, comment: str = "") -> None:
        self._decided(by, comment)


class ReferralTransition(TransitionLog):
    """The referral's moves (submitted, decided, withdrawn), with the manager's reason."""

    subject_field = "referral"

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="transitions")

    class Meta:
        verbose_name = _("referral status change")
        verbose_name_plural = _("referral status changes")
        ordering = ["referral", "at", "pk"]
