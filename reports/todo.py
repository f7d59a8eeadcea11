"""The items `reports` adds to the manager's "Do zrobienia" list (asystent.todo): the deadlines
the centre has let pass (with the dashboard's lists behind them) and the assistants at their
caseload limit. A fixed number of queries (counts, not rows)."""

import datetime as dt
from collections.abc import Iterable
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from asystent.enums import Role
from asystent.models import Centre, User
from asystent.todo import TodoItem, register_todo
from cases.models import Case, PlanAction
from courts.models import CourtRequest

from .dashboard import Context, _active_assistants, _caseload_counts


def _drilldown(metric: str) -> str:
    return f"{reverse('reports:dashboard-drilldown')}?{urlencode({'metric': metric})}"


def deadlines_passed(user: User, today: dt.date) -> Iterable[TodoItem]:
    """Overdue periodic assessments (cases/deadlines.py), plan actions past their deadline and
    court opinions past the court's date, across the centre: one count each."""
    yesterday = today - dt.timedelta(days=1)
    months = Centre.load().assessment_interval_months
    assessments = Case.objects.assessment_due_by(yesterday, months).count()
    actions = PlanAction.objects.in_current_plan().due_by(yesterday).count()
    court = CourtRequest.objects.due_by(yesterday).count()
    if assessments:
        yield TodoItem(
            label=ngettext(
                "%(n)d periodic assessment is overdue", "%(n)d periodic assessments are overdue", assessments
            )
            % {"n": assessments},
            url=_drilldown("overdue_assessments"),
            overdue=True,
            rank=30,
        )
    if actions:
        yield TodoItem(
            label=ngettext(
                "%(n)d plan action is past its deadline",
                "%(n)d plan actions are past their deadline",
                actions,
            )
            % {"n": actions},
            url=_drilldown("overdue_actions"),
            overdue=True,
            rank=40,
        )
    if court:
        yield TodoItem(
            label=ngettext(
                "%(n)d court opinion is past the court's date",
                "%(n)d court opinions are past the court's date",
                court,
            )
            % {"n": court},
            url=reverse("courts:court-request-list"),
            overdue=True,
            rank=10,
        )


def assistants_at_limit(user: User, today: dt.date) -> Iterable[TodoItem]:
    """art. 15 ust. 4: the assistants whose caseload has reached their limit (the centre's or their
    own lower one): two queries."""
    ctx = Context(today=today, centre=Centre.load())
    loads = dict(_caseload_counts(ctx))
    for assistant in (
        _active_assistants().filter(pk__in=list(loads)).order_by("last_name", "first_name", "pk")
    ):
        limit = assistant.caseload_limit_of(ctx.centre)
        load = loads[assistant.pk]
        if load >= limit:
            yield TodoItem(
                label=_("Assistant at the caseload limit: %(name)s (%(load)d of %(limit)d)")
                % {"name": assistant, "load": load, "limit": limit},
                url=reverse("reports:dashboard"),
                rank=80,
            )


def register() -> None:
    register_todo("reports-deadlines-passed", roles=(Role.MANAGER,), items=deadlines_passed)
    register_todo("reports-assistants-at-limit", roles=(Role.MANAGER,), items=assistants_at_limit)
