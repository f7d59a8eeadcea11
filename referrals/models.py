"""Intake: community interviews, referrals for an assistant, court orders and the manager's decision."""

import datetime as dt

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

from asystent import dates, limits
from asystent.errors import InvalidTransition
from asystent.files import private_storage, validate_scan
from asystent.limits import DESCRIPTION, NOTE, REASON, limited
from asystent.models import TransitionLog, User
from asystent.transitions import Condition, transition
from cases.enums import LegalBasis
from cases.models import Case, Family, LegalBasisPeriod, ProblemArea

from .enums import ReferralStatus, ReportChannel, ReporterKind, ZaZyciemEligibility


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
            *limits.length_constraints("interview", summary=DESCRIPTION),
            *dates.datetime_range_constraints("interview", "created_at"),
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
            *dates.datetime_range_constraints("court_order", "created_at"),
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

    days_waiting: int | None  # not stored: the queue page sets it for its template

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
            *limits.length_constraints("referral", justification=DESCRIPTION, decision_note=REASON),
            *dates.datetime_range_constraints("referral", "created_at"),
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
            # A "Za życiem" request needs no interview (art. 8 of the "Za życiem" Act).
            Condition(
                lambda referral: (
                    referral.interview_id is not None
                    or referral.is_court_ordered
                    or referral.legal_basis == LegalBasis.ZA_ZYCIEM
                ),
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
        constraints = [
            *limits.length_constraints("referral_transition", comment=NOTE),
            *dates.datetime_range_constraints("referral_transition", "at"),
        ]


# § 3 ust. 2-3 of the regulation of the Minister of Family and Social Policy of 8 April 2021 on
# the family community interview (Dz. U. 2021 poz. 893): the interview is carried out within 14
# working days of learning that it is needed; in urgent cases at once, within 2 working days.
INTERVIEW_WORKING_DAYS = 14
URGENT_INTERVIEW_WORKING_DAYS = 2


class FamilyReport(models.Model):
    """How the centre learned of a family (zgłoszenie): who reported it, how, and on what day;
    that day starts the community interview's deadline."""

    family = models.ForeignKey(
        Family, on_delete=models.PROTECT, related_name="reports", verbose_name=_("family")
    )
    reporter_kind = models.CharField(_("who reported"), max_length=20, choices=ReporterKind.choices)
    reporter_name = models.CharField(
        _("reporting institution or person"), max_length=200, help_text=_("e.g. Szkoła Podstawowa nr 2")
    )
    reporter_address = models.TextField(
        _("address for the answer"),
        blank=True,
        **limited(NOTE),
        help_text=_("Optional: for the answer letter."),
    )
    channel = models.CharField(_("how it was reported"), max_length=20, choices=ReportChannel.choices)
    learned_on = models.DateField(_("day the centre learned of the family"), validators=[dates.PAST])
    urgent = models.BooleanField(
        _("urgent"),
        default=False,
        help_text=_("The interview is then due within 2 working days, otherwise 14."),
    )
    social_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="family_reports",
        verbose_name=_("social worker carrying out the interview"),
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("report of a family")
        verbose_name_plural = _("reports of families")
        ordering = ["-learned_on", "-pk"]
        constraints = [
            *dates.range_constraints("family_report", "learned_on"),
            *dates.datetime_range_constraints("family_report", "created_at"),
            *limits.length_constraints("family_report", reporter_address=NOTE),
        ]

    def __str__(self) -> str:
        return _("Report of %(date)s") % {"date": self.learned_on.strftime("%d.%m.%Y")}

    @property
    def interview_working_days(self) -> int:
        return URGENT_INTERVIEW_WORKING_DAYS if self.urgent else INTERVIEW_WORKING_DAYS

    @property
    def interview_due(self) -> dt.date:
        return dates.add_working_days(self.learned_on, self.interview_working_days)

    def interview(self) -> "CommunityInterview | None":
        """The first interview of the family carried out on or after the report."""
        return self.family.interviews.filter(date__gte=self.learned_on).order_by("date", "pk").first()


class ZaZyciemRequest(models.Model):
    """A request for an assistant under art. 8 of the Act of 4 November 2016 on support for
    pregnant women and families "Za życiem": given at the person's request, without a community
    interview and without the social worker's referral; the request goes to the manager, who
    assigns an assistant as for other cases."""

    family = models.ForeignKey(
        Family, on_delete=models.PROTECT, related_name="za_zyciem_requests", verbose_name=_("family")
    )
    referral = models.OneToOneField(
        Referral, on_delete=models.PROTECT, related_name="za_zyciem_request", verbose_name=_("referral")
    )
    requested_on = models.DateField(_("date of the request"), validators=[dates.PAST])
    requested_by = models.CharField(_("who made the request"), max_length=200)
    eligibility = models.CharField(_("eligibility"), max_length=20, choices=ZaZyciemEligibility.choices)
    expected_birth_date = models.DateField(
        _("expected date of birth"), null=True, blank=True, validators=[dates.DateRange()]
    )
    certificate_date = models.DateField(
        _("date of the medical certificate"), null=True, blank=True, validators=[dates.PAST]
    )
    certificate_issuer = models.CharField(
        _("doctor who issued the certificate"),
        max_length=200,
        blank=True,
        help_text=_("Name and specialisation, e.g. dr Anna Kowalska, neonatologia."),
    )
    authorisation_date = models.DateField(
        _("date of the written authorisation"), null=True, blank=True, validators=[dates.PAST]
    )
    authorisation_scope = models.TextField(
        _("scope of the authorisation"),
        blank=True,
        **limited(NOTE),
        help_text=_("Before which institutions and in which matters the assistant may act for the family."),
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("“Za życiem” request")
        verbose_name_plural = _("“Za życiem” requests")
        ordering = ["-requested_on", "-pk"]
        constraints = [
            *dates.datetime_range_constraints("za_zyciem_request", "created_at"),
            *limits.length_constraints("za_zyciem_request", authorisation_scope=NOTE),
            *dates.range_constraints(
                "za_zyciem_request",
                "requested_on",
                "expected_birth_date",
                "certificate_date",
                "authorisation_date",
            ),
            # art. 4 ust. 3 of the "Za życiem" Act: the child's condition is stated by a doctor's certificate.
            models.CheckConstraint(
                condition=~Q(eligibility=ZaZyciemEligibility.CHILD_CERTIFICATE)
                | (Q(certificate_date__isnull=False) & ~Q(certificate_issuer="")),
                name="za_zyciem_child_has_certificate",
                violation_error_message=_("Give the date and the issuer of the medical certificate."),
            ),
            models.CheckConstraint(
                condition=Q(authorisation_date__isnull=True, authorisation_scope="")
                | (Q(authorisation_date__isnull=False) & ~Q(authorisation_scope="")),
                name="za_zyciem_authorisation_date_and_scope",
                violation_error_message=_("Give both the date and the scope of the written authorisation."),
            ),
        ]

    def __str__(self) -> str:
        return _("“Za życiem” request of %(date)s") % {"date": self.requested_on.strftime("%d.%m.%Y")}


class SupportCatalogueEntry(models.Model):
    """One entry of the catalogue of available support the centre keeps (art. 8 ust. 2 pkt 1 of
    the "Za życiem" Act): the assistant hands it to the family."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), **limited(DESCRIPTION))
    institution = models.CharField(_("institution"), max_length=200)
    contact = models.CharField(
        _("contact"), max_length=300, help_text=_("Address, phone, e-mail, opening hours.")
    )
    is_active = models.BooleanField(_("in the catalogue"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("entry of the support catalogue")
        verbose_name_plural = _("support catalogue (“Za życiem”)")
        ordering = ["order", "title", "pk"]
        constraints = [
            *limits.length_constraints("support_catalogue_entry", description=DESCRIPTION),
        ]

    def __str__(self) -> str:
        return self.title


class CatalogueHandover(models.Model):
    """The catalogue of available support handed to a "Za życiem" family: when, by whom, and the
    entries as they were handed over (the printed catalogue shows these)."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="catalogue_handovers", verbose_name=_("case")
    )
    handed_on = models.DateField(_("date handed over"), validators=[dates.PAST])
    handed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("handed over by")
    )
    entries = models.JSONField(_("entries handed over"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("handover of the support catalogue")
        verbose_name_plural = _("handovers of the support catalogue")
        ordering = ["-handed_on", "-pk"]
        constraints = [
            *dates.range_constraints("catalogue_handover", "handed_on"),
            *dates.datetime_range_constraints("catalogue_handover", "created_at"),
        ]

    def __str__(self) -> str:
        return _("Catalogue handed over on %(date)s") % {"date": self.handed_on.strftime("%d.%m.%Y")}
