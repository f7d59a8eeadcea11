"""Staff records of the family assistants: employment history, qualifications (art. 12 of the
Act), trainings and supervision, and the costs of their employment by source of funding.

The semi-annual report reads the employment history (the form in force in the period), never the
profile's present state; the qualifications are a record shown to the manager, not a legal check.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from asystent import dates
from asystent.enums import EmploymentForm

from .enums import DevelopmentKind, Employer, FundingSource, QualificationRoute

ONE = Decimal("1.00")


class Employment(models.Model):
    """One period of an assistant's work under one form and one employer, `ended_on` included
    (empty: still in force). Art. 17 ust. 1-2 of the Act: an employment contract in task-based
    working time, or a contract for services; the employer is the centre or an art. 190 body."""

    assistant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="employments",
        verbose_name=_("family assistant"),
    )
    form = models.CharField(_("form of employment"), max_length=20, choices=EmploymentForm.choices)
    working_time = models.DecimalField(
        _("working-time fraction"),
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(ONE)],
        help_text=_("For an employment contract: 1.00 is full time, 0.50 half time."),
    )
    employer = models.CharField(
        _("employer"), max_length=20, choices=Employer.choices, default=Employer.CENTRE
    )
    employer_name = models.CharField(_("name of the contracted body"), max_length=200, blank=True)
    started_on = models.DateField(_("from"), validators=[dates.PLANNED])
    ended_on = models.DateField(_("until"), validators=[dates.PLANNED], null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("employment period")
        verbose_name_plural = _("employment periods")
        ordering = ["assistant", "started_on", "pk"]
        constraints = [
            *dates.datetime_range_constraints("employment", "created_at"),
            *dates.range_constraints("employment", "started_on", "ended_on"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="employment_ends_after_start",
                violation_error_message=_("The employment cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assistant}: {self.get_form_display()} ({self.started_on:%d.%m.%Y})"

    def clean(self) -> None:
        errors = {}
        if self.form == EmploymentForm.EMPLOYMENT_CONTRACT and self.working_time is None:
            errors["working_time"] = _("Give the working-time fraction of the employment contract.")
        if self.form != EmploymentForm.EMPLOYMENT_CONTRACT and self.working_time is not None:
            errors["working_time"] = _("A working-time fraction belongs to an employment contract only.")
        if self.employer == Employer.CONTRACTED and not self.employer_name.strip():
            errors["employer_name"] = _("Give the name of the body the gmina contracted.")
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            errors["ended_on"] = _("The employment cannot end before it starts.")
        if errors:
            raise ValidationError(errors)
        if self.assistant_id and self.started_on:
            overlapping = Employment.objects.filter(assistant_id=self.assistant_id).exclude(pk=self.pk)
            overlapping = overlapping.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=self.started_on))
            if self.ended_on:
                overlapping = overlapping.filter(started_on__lte=self.ended_on)
            if overlapping.exists():
                raise ValidationError(
                    _(
                        "This period overlaps another employment period of the same assistant: "
                        "end that one first."
                    )
                )


class Qualification(models.Model):
    """The qualifications an assistant documented (art. 12 ust. 1 pkt 1 of the Act), with the
    date of the document that proves them."""

    assistant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="qualifications",
        verbose_name=_("family assistant"),
    )
    route = models.CharField(_("qualification"), max_length=20, choices=QualificationRoute.choices)
    education = models.CharField(_("education (school, field of study)"), max_length=300)
    training_hours = models.PositiveIntegerField(
        _("training hours"), null=True, blank=True, validators=[MaxValueValidator(5000)]
    )
    experience_years = models.DecimalField(
        _("years of work with children or families"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("60"))],
    )
    document_date = models.DateField(_("date of the document"), validators=[dates.BIRTH])
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        ordering = ["assistant", "-document_date", "pk"]
        constraints = [
            *dates.range_constraints("qualification", "document_date", floor=dates.BIRTH_FLOOR),
            *dates.datetime_range_constraints("qualification", "created_at"),
        ]

    def __str__(self) -> str:
        return f"{self.assistant}: {self.get_route_display()}"

    def clean(self) -> None:
        if self.route in (QualificationRoute.DEGREE_AND_TRAINING, QualificationRoute.SECONDARY_AND_TRAINING):
            errors = {}
            if not self.training_hours:
                errors["training_hours"] = _("This qualification includes a training: give its hours.")
            if self.experience_years is None:
                errors["experience_years"] = _(
                    "This qualification includes experience: "
                    "give the years of work with children or families."
                )
            if errors:
                raise ValidationError(errors)


class Development(models.Model):
    """A training or a supervision session an assistant took part in."""

    assistant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="developments",
        verbose_name=_("family assistant"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DevelopmentKind.choices)
    date = models.DateField(_("date"), validators=[dates.PAST])
    hours = models.DecimalField(
        _("hours"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("500"))],
    )
    subject = models.CharField(_("subject"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("training or supervision")
        verbose_name_plural = _("trainings and supervision")
        ordering = ["-date", "pk"]
        constraints = [
            *dates.range_constraints("development", "date"),
            *dates.datetime_range_constraints("development", "created_at"),
        ]

    def __str__(self) -> str:
        return f"{self.assistant}: {self.subject} ({self.date:%d.%m.%Y})"


class Cost(models.Model):
    """The cost of employing the assistants in one month, from one source of funding, with the
    number of assistants that funding covered; entered by a manager."""

    month = models.DateField(_("month"), validators=[dates.PAST])  # the first day of the month
    source = models.CharField(_("source of funding"), max_length=20, choices=FundingSource.choices)
    amount = models.DecimalField(
        _("amount (PLN)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("9999999999.99"))],
    )
    assistants_covered = models.PositiveIntegerField(
        _("assistants covered"), validators=[MaxValueValidator(10000)]
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cost of assistants")
        verbose_name_plural = _("costs of assistants")
        ordering = ["-month", "source"]
        constraints = [
            *dates.datetime_range_constraints("cost", "created_at"),
            *dates.range_constraints("cost", "month"),
            models.UniqueConstraint(
                fields=["month", "source"],
                name="cost_one_entry_per_month_and_source",
                violation_error_message=_("This month already has an entry for this source of funding."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%m.%Y} {self.get_source_display()}: {self.amount}"
