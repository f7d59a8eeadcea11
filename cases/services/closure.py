"""Services of closure with monitoring (art. 15 ust. 1 pkt 16) and of the end of monitoring."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from asystent.errors import InvalidTransition
from asystent.models import Centre, User

from .. import deadlines
from ..models import (
    Case,
)
from . import close_case


def close_with_monitoring(
    *,
    case: Case,
    by: User,
    on: dt.date,
    reason: str,
    final_assessment: str,
    recommendations: str = "",
) -> Case:
    """Close the work and start monitoring (art. 15 ust. 1 pkt 16) for the centre's period."""
    if not final_assessment.strip():
        raise InvalidTransition(_("Write the final assessment."))
    if on > timezone.localdate():
        raise InvalidTransition(_("The closure date cannot be in the future."))
    with transaction.atomic():
        case = close_case(case=case, reason=reason, on=on, by=by, monitoring=True)
        case.final_assessment = final_assessment
        case.recommendations = recommendations
        case.monitoring_until = deadlines.monitoring_end(on, Centre.load().monitoring_months)
        case.save()
    return case


def end_monitoring(*, case: Case, by: User | None, on: dt.date | None = None) -> Case:
    """End the monitoring; the case becomes read-only."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        case.end_monitoring(on=on or timezone.localdate(), by=by)
        case.save()
    return case


def end_due_monitoring(today: dt.date | None = None) -> int:
    """Monitoring ends on its date: end every case whose planned monitoring has passed."""
    today = today or timezone.localdate()
    due = Case.objects.monitoring_over(today)
    count = 0
    for case in due.only("pk"):
        end_monitoring(case=case, by=None, on=today)
        count += 1
    return count
