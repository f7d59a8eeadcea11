"""What visits shows on the pages of `cases` (slots of cases.panels, registered in VisitsConfig.ready())."""

from asystent.audit import AccessAction, log_accesses
from cases.enums import CaseStatus
from cases.models import OPEN_STATUSES, Case, Family

from .models import Visit


def case_actions(*, case: Case, user, **page) -> dict | None:  # noqa: ANN001, ANN003
    """ "Log a visit" and "Record an intervention", for the case's assistant while the work goes on."""
    if case.assistant_id == user.pk and case.status in (*OPEN_STATUSES, CaseStatus.MONITORING):
        return {}
    return None


def removed_visits(*, request, user, limit: int, **page) -> dict:  # noqa: ANN001, ANN003
    """The newest `limit` visits removed as logged by mistake, in the families the manager sees;
    each one shown is recorded in the access log, as the page records the people it shows."""
    visible = Family.objects.visible_to(user)
    visits = Visit.all_objects.filter(case__family__in=visible, removed_at__isnull=False)
    shown = list(
        visits.select_related("case__family", "author", "removed_by").order_by("-removed_at", "-pk")[:limit]
    )
    log_accesses(request, [(visit.case.family_id, visit) for visit in shown], action=AccessAction.VIEW)
    return {"visits": shown, "visit_count": visits.count()}
