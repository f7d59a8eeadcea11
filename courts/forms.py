"""Forms of the court requests and opinions: registering a court request, writing the opinion,
returning it with a comment, recording its dispatch."""

import datetime as dt

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from asystent import dates, limits

from .enums import DispatchMethod
from .models import OPINION_SECTIONS, CourtRequest, OpinionVersion


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    return helper


class CourtRequestForm(dates.DateRangeFormMixin, forms.ModelForm):
    class Meta:
        model = CourtRequest
        fields = [
            "court",
            "division",
            "court_address",
            "case_number",
            "letter_date",
            "received_on",
            "due_date",
            "request_text",
            "scan",
        ]
        widgets = {
            "letter_date": _date_input(),
            "received_on": _date_input(),
            "due_date": _date_input(),
            "request_text": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.helper = _helper()

    def clean(self) -> dict:
        data = super().clean()
        today = timezone.localdate()
        letter, received, due = data.get("letter_date"), data.get("received_on"), data.get("due_date")
        if letter and letter > today:
            self.add_error("letter_date", _("The date of the letter cannot be in the future."))
        if received and received > today:
            self.add_error("received_on", _("The date received cannot be in the future."))
        if letter and received and received < letter:
            self.add_error("received_on", _("The letter cannot be received before it was written."))
        if letter and due and due < letter:
            self.add_error("due_date", _("The due date cannot be before the date of the letter."))
        return data


class OpinionForm(forms.ModelForm):
    """The opinion's sections; every one may be left empty while it is a draft. `seen` carries the
    version the form was opened at (`services.opinion_edit_token`)."""

    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = OpinionVersion
        fields = list(OPINION_SECTIONS)
        widgets = {name: forms.Textarea(attrs={"rows": 6}) for name in OPINION_SECTIONS}

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.helper = _helper()
        self.fields["contacts"].help_text = _("Pre-filled from the saved entries of the visit log.")
        self.fields["goals_progress"].help_text = _("Pre-filled from the current work plan.")
        self.fields["care_per_child"].help_text = _("One paragraph per child.")


class ReturnOpinionForm(forms.Form):
    comment = forms.CharField(
        label=_("What should be changed"), widget=forms.Textarea(attrs={"rows": 4}), max_length=limits.NOTE
    )

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class MarkSentForm(forms.Form):
    sent_on = forms.DateField(
        label=_("Sent on"), widget=_date_input(), initial=timezone.localdate, validators=[dates.PAST]
    )
    method = forms.ChoiceField(
        label=_("How it was sent"), choices=DispatchMethod.choices, widget=forms.RadioSelect
    )
    reference = forms.CharField(
        label=_("Dispatch reference"),
        required=False,
        max_length=200,
        help_text=_("e.g. the registered-letter number or the ePUAP confirmation (UPO) number"),
    )

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.helper = _helper()

    def clean_sent_on(self) -> dt.date:
        sent_on = self.cleaned_data["sent_on"]
        if sent_on > timezone.localdate():
            raise ValidationError(_("The date of dispatch cannot be in the future."))
        return sent_on


class NonCooperationForm(forms.Form):
    """A fact of a court-ordered family's non-cooperation: its date and what happened."""

    date = forms.DateField(label=_("Date"), widget=_date_input(), validators=[dates.PAST])
    description = forms.CharField(
        label=_("What happened"),
        max_length=limits.DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The facts only, e.g. the family did not open the door at the agreed visit."),
    )

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.helper = _helper()

    def clean_date(self) -> dt.date:
        day = self.cleaned_data["date"]
        if day > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."))
        return day


class CourtNoticeForm(forms.Form):
    """The manager's date by which the notice to the court must be sent."""

    due_date = forms.DateField(label=_("To be sent by"), widget=_date_input(), validators=[dates.PLANNED])

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.helper = _helper()

    def clean_due_date(self) -> dt.date:
        day = self.cleaned_data["due_date"]
        if day < timezone.localdate():
            raise ValidationError(_("The date by which the notice must be sent cannot be in the past."))
        return day
