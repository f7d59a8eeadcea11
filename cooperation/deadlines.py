"""The deadlines of the "Niebieska Karta" procedure, written once for the procedure's page, the
family page and the daily reminder sweep.

Each counts in working days (Monday to Friday without Polish public holidays: `asystent.dates`)
from the step before it. The numbers are the centre's (`ProcedureTerms`): they were **not
verified** against the regulation of the Council of Ministers of 6 September 2023 on the
"Niebieska Karta" procedure (Dz. U. 2023 poz. 1870); only its § 2 ust. 1 (the procedure starts
when the NK-A form is filled in) was read. A rule without a number is not counted.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from asystent.dates import add_working_days

from .models import Procedure, ProcedureTerms


@dataclass(frozen=True)
class Deadline:
    key: str
    label: StrOrPromise
    due: dt.date
    done_on: dt.date | None

    @property
    def is_met(self) -> bool:
        return self.done_on is not None

    def overdue(self, today: dt.date) -> bool:
        return self.done_on is None and self.due < today


def form_to_team_due(started_on: dt.date, days: int | None) -> dt.date | None:
    """The NK-A form reaches the interdisciplinary team `days` working days after the start."""
    return add_working_days(started_on, days) if days else None


def group_formed_due(team_received_on: dt.date | None, days: int | None) -> dt.date | None:
    """The diagnostic-and-support group is formed `days` working days after the team received the form."""
    return add_working_days(team_received_on, days) if days and team_received_on else None


def first_meeting_due(group_formed_on: dt.date | None, days: int | None) -> dt.date | None:
    """The group's first meeting `days` working days after it was formed."""
    return add_working_days(group_formed_on, days) if days and group_formed_on else None


def procedure_deadlines(
    procedure: Procedure, terms: ProcedureTerms, first_meeting_on: dt.date | None
) -> list[Deadline]:
    """The procedure's deadlines the centre counts, with the day each was met (if it was)."""
    found = []
    due = form_to_team_due(procedure.started_on, terms.form_to_team_days)
    if due:
        found.append(
            Deadline(
                "team", _("the NK-A form reaches the interdisciplinary team"), due, procedure.team_received_on
            )
        )
    due = group_formed_due(procedure.team_received_on, terms.group_formed_days)
    if due:
        found.append(
            Deadline("group", _("the diagnostic-and-support group is formed"), due, procedure.group_formed_on)
        )
    due = first_meeting_due(procedure.group_formed_on, terms.first_meeting_days)
    if due:
        found.append(Deadline("meeting", _("the group's first meeting"), due, first_meeting_on))
    return found
