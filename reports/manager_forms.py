"""Forms of the manager's pages: the reporting period and the reassignment of a case."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from asystent.models import Centre, User
from cases.services import caseloads

from .statistics import PARTS, Period

FIRST_REPORT_YEAR = 2012  # the Act on family support came into force on 1 January 2012


class PeriodForm(forms.Form):
    """The reporting period: a year and its first or second half, or the whole year."""

    year = forms.TypedChoiceField(label=gettext_lazy("Year"), coerce=int)
    part = forms.ChoiceField(label=gettext_lazy("Period"), choices=list(PARTS.items()))

    def __init__(self, *args, today: dt.date | None = None, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.fields["year"].choices = [(y, str(y)) for y in range(self.today.year, FIRST_REPORT_YEAR - 1, -1)]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"

    def clean(self) -> dict:
        data = super().clean()
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


class ReassignForm(forms.Form):
    """Hand a case to another assistant; the reason is recorded on the assignment."""

    assistant = forms.Field()  # replaced in __init__, which knows the case and the loads
    reason = forms.CharField(
        label=gettext_lazy("Reason for the reassignment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("For example: the assistant's long leave, a conflict, a lighter caseload."),
        error_messages={"required": gettext_lazy("Give the reason for the reassignment.")},
    )

    def __init__(self, *args, current_assistant_id: int, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        centre = Centre.load()
        queryset = (
            User.objects.filter(is_assistant=True, is_active=True)
            .exclude(pk=current_assistant_id)
            .order_by("last_name", "first_name", "pk")
        )
        self.fields["assistant"] = AssistantChoiceField(
            queryset=queryset,
            loads=caseloads(),
            limit=centre.caseload_limit,
            label=gettext_lazy("New assistant"),
            empty_label=gettext_lazy("choose an assistant"),
            error_messages={"required": gettext_lazy("Choose the assistant who will take over the case.")},
        )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give the reason for the reassignment."))
        return reason
