"""The visits and interventions of a case on its timeline (registered in VisitsConfig.ready())."""

import datetime as dt
from collections.abc import Iterable

from django.db.models import F
from django.utils.translation import gettext as _

from cases.models import Case
from cases.timeline import Records, TimelineRow, local_date, url_of

from .enums import VisitStatus
from .models import Visit


def visit_rows(case: Case, limit: int | None, records: Records) -> Iterable[TimelineRow]:
    # Newest first as the timeline orders them (a visit without a time is the day's first).
    visits = case.visits.order_by(F("date").desc(), F("start_time").desc(nulls_last=True), F("pk").desc())
    if limit is not None:
        visits = visits[:limit]
    url = url_of("visits:visit-detail")
    kinds = {value: str(label) for value, label in Visit._meta.get_field("kind").flatchoices}
    draft_badge = _("draft")
    rows = []
    for pk, date, start_time, kind, status in visits.values_list(
        "pk", "date", "start_time", "kind", "status"
    ):
        draft = status == VisitStatus.DRAFT
        rows.append(
            TimelineRow(
                date=date,
                kind="visit",
                title=kinds.get(kind, kind),
                url=url(pk),
                badge=draft_badge if draft else "",
                tone="warning" if draft else "secondary",
                tiebreak=(start_time or dt.time.min, pk),
            )
        )
    return rows


def intervention_rows(case: Case, limit: int | None, records: Records) -> Iterable[TimelineRow]:
    interventions = case.interventions.only("pk", "date", "case_id").order_by("-date", "-pk")
    url = url_of("visits:intervention-detail")
    title, badge = _("Intervention: a child's safety at risk"), _("intervention")
    return [
        TimelineRow(
            date=local_date(intervention.date),
            kind="intervention",
            title=title,
            url=url(intervention.pk),
            badge=badge,
            tone="danger",
            tiebreak=(intervention.date, intervention.pk),
        )
        for intervention in (interventions[:limit] if limit is not None else interventions)
    ]
