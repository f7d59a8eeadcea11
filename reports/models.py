"""The stored figures of the reports: the semi-annual report's snapshots, the half-years' data
stamps and the assistants' dashboard stamps."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from asystent import dates, limits
from asystent.limits import DESCRIPTION, limited


class ReportSnapshot(models.Model):
    """The semi-annual report's figures as last computed for a period, with the data stamp of the
    period's half-years at that moment (`reports.snapshots`): valid while the stamp is unchanged."""

    period = models.CharField(_("period"), max_length=10, unique=True)  # Period.key: 2025-H1, 2025-Y
    stamp = models.CharField(max_length=120)
    figures = models.JSONField()  # figure key -> value
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("stored report figures")
        verbose_name_plural = _("stored report figures")
        constraints = [
            *dates.datetime_range_constraints("report_snapshot", "computed_at"),
        ]

    def __str__(self) -> str:
        return self.period


class ReportStamp(models.Model):
    """The data stamp of one half-year: a new random token whenever a record that counts in that
    half-year's figures is created, changed or deleted (`reports.snapshots`)."""

    half = models.CharField(max_length=10, unique=True)  # 2025-H1
    token = models.CharField(max_length=32)

    class Meta:
        verbose_name = _("report data stamp")
        verbose_name_plural = _("report data stamps")

    def __str__(self) -> str:
        return f"{self.half}: {self.token}"


class FigureStamp(models.Model):
    """An assistant's dashboard stamp: a random token that database triggers (PostgreSQL,
    migration 0003) replace in the same transaction whenever a record behind the assistant's
    figures is written: a case of theirs, its visits, assessments, plans, goals, actions and court
    requests, or a member of the family. `reports.dashboard` keeps each assistant's figures in the
    cache under the token it read before computing them."""

    assistant = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        db_constraint=False,  # written by triggers; the users are never deleted
        related_name="+",
    )
    token = models.BigIntegerField()

    class Meta:
        verbose_name = _("dashboard data stamp")
        verbose_name_plural = _("dashboard data stamps")

    def __str__(self) -> str:
        return f"{self.assistant_id}: {self.token}"


class SentReport(models.Model):
    """The report of a period as the manager sent it to the voivode: its figures frozen, with who
    sent it and when. The page shows later changes of each figure against the latest sent version."""

    period = models.CharField(_("period"), max_length=10)  # Period.key
    figures = models.JSONField()  # figure key -> value (amounts as text)
    sent_at = models.DateTimeField(_("sent at"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("sent by")
    )

    class Meta:
        verbose_name = _("sent report")
        verbose_name_plural = _("sent reports")
        ordering = ["period", "-sent_at", "-pk"]
        indexes = [models.Index(fields=["period", "-sent_at"])]
        constraints = [
            *dates.datetime_range_constraints("sent_report", "sent_at"),
        ]

    def __str__(self) -> str:
        return f"{self.period} ({self.sent_at:%d.%m.%Y})"


class AnnualReport(models.Model):
    """The manager's text of the annual report to the gmina council (art. 179 ust. 1 of the Act,
    not verified): the needs and the plans; the figures come from the whole year's report."""

    year = models.PositiveIntegerField(_("year"), unique=True)
    summary = models.TextField(_("summary of the year"), blank=True, **limited(DESCRIPTION))
    needs = models.TextField(_("needs"), blank=True, **limited(DESCRIPTION))
    plans = models.TextField(_("plans"), blank=True, **limited(DESCRIPTION))
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        verbose_name = _("annual report to the council")
        verbose_name_plural = _("annual reports to the council")
        constraints = [
            *dates.datetime_range_constraints("annual_report", "updated_at"),
            *limits.length_constraints(
                "annual_report", summary=DESCRIPTION, needs=DESCRIPTION, plans=DESCRIPTION
            ),
        ]

    def __str__(self) -> str:
        return str(self.year)
