"""Forms of the staff records; each model form checks its dates' ranges and the model's rules."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from asystent import dates

from .models import Cost, Development, Employment, Qualification

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _Base(dates.DateRangeFormMixin, forms.ModelForm):
    """Sets the owner before validation, so the model's `clean()` (overlaps) sees it."""

    def __init__(self, *args, assistant=None, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        if assistant is not None:
            self.instance.assistant = assistant


class EmploymentForm(_Base):
    class Meta:
        model = Employment
        fields = ["form", "working_time", "employer", "employer_name", "started_on", "ended_on"]
        widgets = {"started_on": DATE, "ended_on": DATE}


class QualificationForm(_Base):
    class Meta:
        model = Qualification
        fields = ["route", "education", "training_hours", "experience_years", "document_date", "note"]
        widgets = {"document_date": DATE}


class DevelopmentForm(_Base):
    class Meta:
        model = Development
        fields = ["kind", "date", "hours", "subject"]
        widgets = {"date": DATE}


class CostForm(dates.DateRangeFormMixin, forms.ModelForm):
    month = forms.DateField(
        label=_("month"),
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        help_text=_("The month the cost is for."),
    )

    class Meta:
        model = Cost
        fields = ["month", "source", "amount", "assistants_covered", "note"]

    def clean_month(self) -> dt.date:
        month = self.cleaned_data["month"].replace(day=1)
        if month > timezone.localdate():
            raise forms.ValidationError(_("A cost is entered for a month that has begun."))
        return month


class RangeForm(forms.Form):
    """The days a list covers, both included."""

    start = forms.DateField(label=_("from"), widget=DATE, validators=[dates.PLANNED])
    end = forms.DateField(label=_("until"), widget=DATE, validators=[dates.PLANNED])

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The end of the range cannot come before its start."))
        return data
