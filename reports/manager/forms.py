"""Forms of the manager's pages: the reporting period and the reassignment of a case."""

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from asystent.models import User

from ..models import AnnualReport
from ..statistics import PARTS, Period

FIRST_REPORT_YEAR = 2012  # the Act on family support came into force on 1 January 2012


class PeriodForm(forms.Form):
    """The reporting period: a year and its first or second half, or the whole year."""

    year = forms.TypedChoiceField(label=gettext_lazy("Year"), coerce=int)
    part = forms.ChoiceField(label=gettext_lazy("Period"), choices=list(PARTS.items()))

    def __init__(self, *args: Any, today: dt.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        cast(forms.TypedChoiceField, self.fields["year"]).choices = [
            (y, str(y)) for y in range(self.today.year, FIRST_REPORT_YEAR - 1, -1)
        ]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if "year" in data and "part" in data:
            period = Period(data["year"], data["part"])
            if period.start > self.today:
                raise forms.ValidationError(_("This period has not started yet. Choose an earlier one."))
            data["period"] = period
        return data

    @classmethod
    def for_period(cls, period: Period, today: dt.date | None = None) -> "PeriodForm":
        return cls({"year": period.year, "part": period.part}, today=today)


class AssistantChoiceField(forms.ModelChoiceField):
    """Each assistant with their present load against the centre's limit."""

    def __init__(self, *args, loads: dict[int, int], limit: int, **kwargs) -> None:  # noqa: ANN002, ANN003
        self.loads, self.limit = loads, limit
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: User) -> str:
        return _("%(name)s (families: %(load)d / %(limit)d)") % {
            "name": obj,
            "load": self.loads.get(obj.pk, 0),
            "limit": self.limit,
        }


class YearForm(forms.Form):
    """The year of the annual report: from the Act's first year to the current one."""

    year = forms.IntegerField(min_value=FIRST_REPORT_YEAR)

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if year > timezone.localdate().year:
            raise forms.ValidationError(_("This year has not started yet."))
        return year


class AnnualTextForm(forms.ModelForm):
    class Meta:
        model = AnnualReport
        fields = ["summary", "needs", "plans"]
        widgets = {name: forms.Textarea(attrs={"rows": 6}) for name in fields}
