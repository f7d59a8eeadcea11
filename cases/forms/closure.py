"""Forms of closure with monitoring and of the end of monitoring."""

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from asystent import dates, limits

from ..enums import ClosureReason
from ..models import Case
from .fields import DateInput, blank_first

# A refusal of consent closes a case through the consent, not through this form.
CLOSURE_CHOICES = [(value, label) for value, label in ClosureReason.choices if value != ClosureReason.REFUSED]


class CloseForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("Date of closure"), widget=DateInput(), validators=[dates.PAST])
    reason = forms.ChoiceField(
        label=gettext_lazy("Reason for closure"),
        choices=blank_first(CLOSURE_CHOICES),
        error_messages={"required": gettext_lazy("Choose the reason for closure.")},
    )
    final_assessment = forms.CharField(
        max_length=limits.DESCRIPTION,
        label=gettext_lazy("Final assessment"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": gettext_lazy("Write the final assessment.")},
    )
    recommendations = forms.CharField(
        max_length=limits.NOTE,
        label=gettext_lazy("Recommendations"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    monitoring = forms.BooleanField(
        label=gettext_lazy("Monitor the family after closure"),
        required=False,
        initial=True,
        help_text=gettext_lazy(
            "Counts only for the reasons for which the centre offers monitoring; for the others the "
            "centre's table decides."
        ),
    )

    def __init__(self, *args: Any, case: Case | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case

    def clean_date(self) -> dt.date:
        day = self.cleaned_data["date"]
        if self.case is not None:
            dates.ensure_not_before(day, self.case.opened_on)
        return day


class ReturnClosureForm(forms.Form):
    comment = forms.CharField(
        max_length=limits.NOTE,
        label=gettext_lazy("Why is the closure returned?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Say why the closure is returned.")},
    )

    def clean_comment(self) -> str:
        comment = self.cleaned_data["comment"].strip()
        if not comment:
            raise forms.ValidationError(gettext_lazy("Say why the closure is returned."))
        return comment


class ApproveClosureForm(forms.Form):
    comment = forms.CharField(
        max_length=limits.NOTE,
        label=gettext_lazy("Comment (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class EndMonitoringForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy("I confirm that the monitoring ends and the case becomes read-only."),
        error_messages={"required": gettext_lazy("Tick the box to confirm.")},
    )
