"""Input of the documents' pages: the month of a visit log or a monthly report, the period of a
family work card."""

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from asystent import dates
from cases.models import Case

from .file_documents import MAX_WORK_CARD_DAYS

MONTH = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{2})$")


def parse_month(value: str | None) -> tuple[int, int] | None:
    """(year, month) from "2026-11", or None when it is not a valid month."""
    match = MONTH.match(value or "")
    if not match:
        return None
    year, month = int(match["year"]), int(match["month"])
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        return None
    return year, month


class WorkCardForm(forms.Form):
    """The period of a family work card: both days included, within the case's work, not in the
    future, at most a year."""

    first = forms.DateField(
        label=_("from"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[dates.PAST],
    )
    last = forms.DateField(
        label=_("until"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[dates.PAST],
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        first, last = data.get("first"), data.get("last")
        if first is None or last is None:
            return data
        if last < first:
            self.add_error("last", _("The end of the period cannot come before its start."))
        elif (last - first).days + 1 > MAX_WORK_CARD_DAYS:
            self.add_error(
                "last",
                _("A work card covers at most %(days)d days; choose a shorter period.")
                % {"days": MAX_WORK_CARD_DAYS},
            )
        if first < self.case.opened_on:
            self.add_error(
                "first",
                _("The case was opened on %(date)s; the period cannot start earlier.")
                % {"date": self.case.opened_on.strftime("%d.%m.%Y")},
            )
        return data
