"""Forms of the time sheet and the mileage log: the month, the hours of each day by kind, a trip,
the return of a month with its reason, and the centre's rate per kilometre and monthly limit."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from asystent import dates
from asystent.limits import REASON
from cases.models import Case

from .enums import HourKind
from .models import PLACE, MileageAllowance, Trip

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONTH_ERROR = _("Choose a month between 2000 and 2100.")


class MonthForm(forms.Form):
    month = forms.CharField(
        label=_("Month"),
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month"}),
        error_messages={"required": MONTH_ERROR},
    )

    def clean_month(self) -> tuple[int, int]:
        value = self.cleaned_data["month"]
        try:
            year, month = (int(part) for part in value.split("-"))
        except ValueError:
            raise forms.ValidationError(MONTH_ERROR) from None
        if not (1 <= month <= 12 and 2000 <= year <= 2100):
            raise forms.ValidationError(MONTH_ERROR)
        return year, month


def field_name(kind: str, day: dt.date) -> str:
    return f"{kind}_{day.day:02d}"


class SheetForm(forms.Form):
    """One number field per day and kind of hours (0–24, in quarters of an hour or finer)."""

    def __init__(self, *args: Any, days: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.days = days
        for day in days:
            for kind, label in HourKind.choices:
                self.fields[field_name(kind, day.date)] = forms.DecimalField(
                    label=f"{label} {day.date:%d.%m}",
                    min_value=Decimal(0),
                    max_value=Decimal(24),
                    max_digits=4,
                    decimal_places=2,
                    required=False,
                    initial=getattr(day, kind),
                    widget=forms.NumberInput(
                        attrs={
                            "step": "0.25",
                            "min": "0",
                            "max": "24",
                            "class": "form-control form-control-sm",
                        }
                    ),
                )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for day in self.days:
            total = sum(
                (data.get(field_name(k, day.date)) or Decimal(0) for k in HourKind.values), Decimal(0)
            )
            if total > 24:
                self.add_error(
                    field_name(HourKind.FAMILY_WORK, day.date),
                    _("%(day)s: a day has at most 24 hours.") % {"day": day.date.strftime("%d.%m.%Y")},
                )
        return data

    def hours(self) -> dict[dt.date, dict[str, Decimal]]:
        return {
            day.date: {
                k: self.cleaned_data.get(field_name(k, day.date)) or Decimal(0) for k in HourKind.values
            }
            for day in self.days
        }

    def rows(self) -> list[tuple[Any, list[Any]]]:
        return [(day, [self[field_name(k, day.date)] for k in HourKind.values]) for day in self.days]


class CaseNumberChoice(forms.ModelChoiceField):
    """A case named by its number only, never by the family's name."""

    def label_from_instance(self, obj: Case) -> str:
        return str(_("case no. %(number)s") % {"number": obj.pk})


class TripForm(dates.DateRangeFormMixin, forms.ModelForm):
    case = CaseNumberChoice(queryset=Case.objects.none(), label=_("Purpose (case)"))

    class Meta:
        model = Trip
        fields = ["date", "origin", "destination", "case", "km"]
        widgets = {"date": DATE}

    def __init__(self, *args: Any, cases: list[Case] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice = self.fields["case"]
        assert isinstance(choice, CaseNumberChoice)
        choice.queryset = Case.objects.filter(pk__in=[c.pk for c in cases or []]).order_by("pk")
        self.fields["km"].widget.attrs.update({"step": "0.1", "min": "0"})

    def _post_clean(self) -> None:
        # The log is set by the service; the model's own checks run there.
        pass


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the return"),
        max_length=REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the month is returned.")},
    )


class FillTripsForm(forms.Form):
    origin = forms.CharField(label=_("Trips start from"), max_length=PLACE)


class AllowanceForm(forms.ModelForm):
    class Meta:
        model = MileageAllowance
        fields = ["vehicle", "rate_per_km", "monthly_limit_km"]

    def __init__(self, *args: Any, assistant: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if assistant is not None:
            self.instance.assistant = assistant
