"""Sending the report: the figures frozen as sent (who, when), each figure's difference against
the latest sent version of its period, and the manager's text of the annual report. The PDFs of
both reports are printed documents rendered by the worker (`reports.semiannual.documents`)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from asystent.models import User

from ..models import AnnualReport, SentReport
from ..snapshots import report_figures
from ..statistics import Figure, Period


def _stored(value: int | Decimal) -> int | str:
    return str(value) if isinstance(value, Decimal) else value


def _read(value: int | str, like: int | Decimal) -> int | Decimal:
    return Decimal(value) if isinstance(like, Decimal) else int(value)


def send_report(*, period: Period, by: User) -> SentReport:
    """Freeze the period's figures as sent today by `by`. Only a period that has ended."""
    if period.end >= timezone.localdate():
        raise ValidationError(_("Only a period that has ended can be sent."))
    with transaction.atomic():
        figures = report_figures(period).figures
        return SentReport.objects.create(
            period=period.key,
            figures={f.key: _stored(f.value) for f in figures},
            sent_at=timezone.now(),
            sent_by=by,
        )


def last_sent(period: Period) -> SentReport | None:
    return SentReport.objects.filter(period=period.key).select_related("sent_by").first()


def compare(figures: list[Figure], sent: SentReport | None) -> list[dict]:
    """Each figure with its sent value and the difference (None where nothing was sent, or the
    figure is unchanged)."""
    rows = []
    for figure in figures:
        sent_value = difference = None
        if sent is not None and figure.key in sent.figures:
            sent_value = _read(sent.figures[figure.key], figure.value)
            if sent_value != figure.value:
                difference = figure.value - sent_value
        rows.append({"figure": figure, "sent": sent_value, "difference": difference})
    return rows


def save_annual_text(*, year: int, by: User, **texts: str) -> AnnualReport:
    report, _created = AnnualReport.objects.get_or_create(year=year)
    for name, value in texts.items():
        setattr(report, name, value)
    report.updated_by = by
    report.full_clean()
    report.save()
    return report
