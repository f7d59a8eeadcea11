"""The assistant's own monthly records: the time sheet (hours by kind, day by day) and the
mileage log (trips with a private car for the service), each submitted to a manager who approves
it or returns it with a reason; an approved month is frozen. The centre's rate per kilometre and
each assistant's monthly limit of kilometres live in `MileageAllowance`."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

from asystent import dates, limits
from asystent.limits import REASON, limited
from asystent.models import TransitionLog, User
from asystent.transitions import transition
from cases.models import Case

from .enums import MAX_RATE_PER_KM, HourKind, MonthStatus, Vehicle

PLACE = 200  # a place of a trip: an address or a name

HOURS: dict[str, Any] = {
    "max_digits": 4,
    "decimal_places": 2,
    "default": Decimal(0),
    "validators": [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(24))],
}


class MonthlyRecord(models.Model):
    """One month of one assistant: filled in, submitted, approved or returned with a reason."""

    assistant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("family assistant"),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    month = models.PositiveSmallIntegerField(
        _("month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    status = FSMField(_("status"), max_length=20, choices=MonthStatus.choices, default=MonthStatus.DRAFT)
    # How many times the month was submitted: the version of its printed document.
    revision = models.PositiveIntegerField(_("submission"), default=0)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for the return"), blank=True, **limited(REASON))
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def get_absolute_url(self) -> str:
        raise NotImplementedError

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def is_editable(self) -> bool:
        return self.status in (MonthStatus.DRAFT, MonthStatus.RETURNED)

    @property
    def is_approved(self) -> bool:
        return self.status == MonthStatus.APPROVED

    def month_label(self) -> str:
        return f"{self.month:02d}.{self.year}"

    def transition_refused(self, target: str) -> str:
        if self.status == MonthStatus.APPROVED:
            return gettext("This month is approved: it can no longer be changed.")
        if target == MonthStatus.SUBMITTED:
            return gettext("This month has already been submitted.")
        return gettext("Only a submitted month can be approved or returned.")

    @transition(
        field=status,
        source=[MonthStatus.DRAFT, MonthStatus.RETURNED],
        target=MonthStatus.SUBMITTED,
    )
    def submit(self, *, by: User | None, comment: str = "") -> None:
        self.revision += 1
        self.submitted_at = timezone.now()

    @transition(field=status, source=MonthStatus.SUBMITTED, target=MonthStatus.APPROVED)
    def approve(self, *, by: User | None, comment: str = "") -> None:
        self.decided_by = by
        self.decided_at = timezone.now()

    @transition(field=status, source=MonthStatus.SUBMITTED, target=MonthStatus.RETURNED)
    def return_for_correction(self, *, by: User | None, comment: str = "") -> None:
        self.decided_by = by
        self.decided_at = timezone.now()
        self.return_reason = comment


def _month_constraints(prefix: str) -> list[models.BaseConstraint]:
    return [
        *dates.datetime_range_constraints(prefix, "submitted_at", "decided_at", "created_at"),
        *limits.length_constraints(prefix, return_reason=REASON),
        models.UniqueConstraint(fields=["assistant", "year", "month"], name=f"{prefix}_one_per_month"),
        models.CheckConstraint(
            condition=Q(month__gte=1, month__lte=12, year__gte=2000, year__lte=2100),
            name=f"{prefix}_month_in_range",
        ),
        models.CheckConstraint(
            condition=~Q(status=MonthStatus.RETURNED) | ~Q(return_reason=""),
            name=f"{prefix}_returned_with_reason",
            violation_error_message=_("Say why the month is returned."),
        ),
    ]


class Timesheet(MonthlyRecord):
    """An assistant's time sheet of one month (task-based working time, art. 17 ust. 2 of the Act)."""

    class Meta:
        verbose_name = _("time sheet")
        verbose_name_plural = _("time sheets")
        ordering = ["-year", "-month", "assistant"]
        constraints = _month_constraints("timesheet")

    def __str__(self) -> str:
        return gettext("Time sheet %(month)s") % {"month": self.month_label()}

    def get_absolute_url(self) -> str:
        return reverse("timesheets:sheet", args=[self.pk])


class TimesheetDay(models.Model):
    """The hours of one day by kind."""

    timesheet = models.ForeignKey(Timesheet, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("date"), validators=[dates.PLANNED])
    family_work = models.DecimalField(HourKind.FAMILY_WORK.label, **HOURS)
    travel = models.DecimalField(HourKind.TRAVEL.label, **HOURS)
    documentation = models.DecimalField(HourKind.DOCUMENTATION.label, **HOURS)
    meetings = models.DecimalField(HourKind.MEETINGS.label, **HOURS)
    training = models.DecimalField(HourKind.TRAINING.label, **HOURS)
    supervision = models.DecimalField(HourKind.SUPERVISION.label, **HOURS)

    class Meta:
        verbose_name = _("day of a time sheet")
        verbose_name_plural = _("days of a time sheet")
        ordering = ["timesheet", "date"]
        constraints = [
            *dates.range_constraints("timesheet_day", "date"),
            models.UniqueConstraint(fields=["timesheet", "date"], name="timesheet_day_once"),
            models.CheckConstraint(
                condition=Q(
                    family_work__gte=0,
                    travel__gte=0,
                    documentation__gte=0,
                    meetings__gte=0,
                    training__gte=0,
                    supervision__gte=0,
                ),
                name="timesheet_day_hours_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(
                    family_work__lte=24
                    - F("travel")
                    - F("documentation")
                    - F("meetings")
                    - F("training")
                    - F("supervision")
                ),
                name="timesheet_day_at_most_24_hours",
                violation_error_message=_("A day has at most 24 hours."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y}"

    @property
    def total(self) -> Decimal:
        return sum((getattr(self, kind) for kind in HourKind.values), Decimal(0))


class TimesheetTransition(TransitionLog):
    """The time sheet's moves: submitted, approved, returned (with the reason)."""

    subject_field = "timesheet"

    timesheet = models.ForeignKey(Timesheet, on_delete=models.CASCADE, related_name="transitions")

    class Meta:
        verbose_name = _("time sheet decision")
        verbose_name_plural = _("time sheet decisions")
        ordering = ["timesheet", "at", "pk"]
        constraints = [
            *dates.datetime_range_constraints("timesheet_transition", "at"),
            *limits.length_constraints("timesheet_transition", comment=limits.NOTE),
        ]


def _rate_condition() -> Q:
    allowed = Q()
    for vehicle, maximum in MAX_RATE_PER_KM.items():
        allowed |= Q(vehicle=vehicle, rate_per_km__lte=maximum)
    return allowed


RATE_ABOVE_MAXIMUM = _(
    "The rate of %(rate)s zł per kilometre is above the legal maximum for this vehicle (%(maximum)s zł, "
    "§ 2 of the regulation of the Minister of Infrastructure of 25 March 2002, Dz. U. 2023 poz. 5)."
)


class MileageAllowance(models.Model):
    """What the centre pays an assistant for trips with a private vehicle: the rate per kilometre
    (at most the regulation's maximum for the vehicle) and the monthly limit of kilometres."""

    assistant = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="mileage_allowance",
        verbose_name=_("family assistant"),
    )
    vehicle = models.CharField(
        _("vehicle"), max_length=20, choices=Vehicle.choices, default=Vehicle.CAR_LARGE
    )
    rate_per_km = models.DecimalField(
        _("rate per kilometre (zł)"),
        max_digits=6,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0.0001"))],
    )
    monthly_limit_km = models.PositiveIntegerField(
        _("monthly limit of kilometres"), validators=[MinValueValidator(1), MaxValueValidator(10_000)]
    )
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("mileage allowance")
        verbose_name_plural = _("mileage allowances")
        constraints = [
            *dates.datetime_range_constraints("mileage_allowance", "updated_at"),
            models.CheckConstraint(
                condition=_rate_condition() & Q(rate_per_km__gt=0),
                name="mileage_allowance_rate_within_maximum",
                violation_error_message=_("The rate per kilometre is above the legal maximum."),
            ),
            models.CheckConstraint(
                condition=Q(monthly_limit_km__gte=1, monthly_limit_km__lte=10_000),
                name="mileage_allowance_limit_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rate_per_km} zł/km"

    def clean(self) -> None:
        maximum = MAX_RATE_PER_KM.get(self.vehicle)  # type: ignore[call-overload]
        if maximum is not None and self.rate_per_km is not None and self.rate_per_km > maximum:
            raise ValidationError(
                {"rate_per_km": RATE_ABOVE_MAXIMUM % {"rate": _pl(self.rate_per_km), "maximum": _pl(maximum)}}
            )


def _pl(amount: Decimal) -> str:
    return f"{amount.normalize():f}".replace(".", ",")


class MileageLog(MonthlyRecord):
    """An assistant's trips of one month with a private vehicle; the rate, vehicle and limit are
    taken from the allowance when the month is submitted and kept with it."""

    vehicle = models.CharField(_("vehicle"), max_length=20, choices=Vehicle.choices, blank=True)
    rate_per_km = models.DecimalField(
        _("rate per kilometre (zł)"), max_digits=6, decimal_places=4, null=True, blank=True
    )
    monthly_limit_km = models.PositiveIntegerField(_("monthly limit of kilometres"), null=True, blank=True)

    class Meta:
        verbose_name = _("mileage log")
        verbose_name_plural = _("mileage logs")
        ordering = ["-year", "-month", "assistant"]
        constraints = _month_constraints("mileage_log")

    def __str__(self) -> str:
        return gettext("Mileage log %(month)s") % {"month": self.month_label()}

    def get_absolute_url(self) -> str:
        return reverse("timesheets:log", args=[self.pk])


class Trip(models.Model):
    """One trip for the service. Its purpose is the case's number, never the family's name."""

    log = models.ForeignKey(MileageLog, on_delete=models.CASCADE, related_name="trips")
    date = models.DateField(_("date"), validators=[dates.PLANNED])
    origin = models.CharField(_("from where"), max_length=PLACE)
    destination = models.CharField(_("to where"), max_length=PLACE)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+", verbose_name=_("case"))
    km = models.DecimalField(
        _("kilometres"),
        max_digits=6,
        decimal_places=1,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(2000))],
    )

    class Meta:
        verbose_name = _("trip")
        verbose_name_plural = _("trips")
        ordering = ["log", "date", "pk"]
        constraints = [
            *dates.range_constraints("trip", "date"),
            *limits.length_constraints("trip", origin=PLACE, destination=PLACE),
            models.CheckConstraint(condition=Q(km__gte=0, km__lte=2000), name="trip_km_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y}: {self.km} km"

    @property
    def purpose(self) -> str:
        return gettext("case no. %(number)s") % {"number": self.case_id}


class MileageTransition(TransitionLog):
    """The mileage log's moves: submitted, approved, returned (with the reason)."""

    subject_field = "log"

    log = models.ForeignKey(MileageLog, on_delete=models.CASCADE, related_name="transitions")

    class Meta:
        verbose_name = _("mileage log decision")
        verbose_name_plural = _("mileage log decisions")
        ordering = ["log", "at", "pk"]
        constraints = [
            *dates.datetime_range_constraints("mileage_transition", "at"),
            *limits.length_constraints("mileage_transition", comment=limits.NOTE),
        ]
