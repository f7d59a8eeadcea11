"""Forms of cooperation: the register of institutions, a letter of the family, and the
"Niebieska Karta" procedure's start, steps, members, meetings, tasks and end."""

import datetime as dt
from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from asystent import dates
from asystent.models import User

from .models import CardForm, GroupMember, Institution, Letter, Meeting, Procedure, Task


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _Form(dates.DateRangeFormMixin, forms.ModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def _choice(self, name: str) -> forms.ModelChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        return field

    def _not_future(self, name: str) -> dt.date | None:
        day = self.cleaned_data.get(name)
        if day and day > timezone.localdate():
            raise ValidationError(_("This date cannot be in the future."))
        return day


class InstitutionForm(_Form):
    class Meta:
        model = Institution
        fields = ["kind", "name", "address", "contact_person", "phone", "email", "is_active"]


class LetterForm(_Form):
    class Meta:
        model = Letter
        fields = ["direction", "date", "institution", "counterpart", "subject", "notes", "reply_by", "scan"]
        widgets = {
            "date": _date_input(),
            "reply_by": _date_input(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"reply_by": _("A reminder comes before this date until the reply is recorded.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choice("institution").queryset = Institution.objects.filter(is_active=True)

    def clean_date(self) -> dt.date | None:
        return self._not_future("date")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("institution") and not data.get("counterpart"):
            self.add_error("counterpart", _("Choose an institution or name the other sender or addressee."))
        reply_by, date = data.get("reply_by"), data.get("date")
        if reply_by and date and reply_by < date:
            self.add_error("reply_by", _("The reply cannot be due before the letter's date."))
        return data


class ProcedureForm(_Form):
    class Meta:
        model = Procedure
        fields = ["started_on", "started_by_body", "reference"]
        widgets = {"started_on": _date_input()}
        help_texts = {
            "started_by_body": _(
                "E.g. the police, the centre, a school: the body whose representative filled in NK-A."
            ),
        }

    def clean_started_on(self) -> dt.date | None:
        return self._not_future("started_on")


class ProcedureStepsForm(_Form):
    class Meta:
        model = Procedure
        fields = ["reference", "team_received_on", "group_formed_on"]
        widgets = {"team_received_on": _date_input(), "group_formed_on": _date_input()}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        started = self.instance.started_on
        for name in ("team_received_on", "group_formed_on"):
            day = data.get(name)
            if day and day > timezone.localdate():
                self.add_error(name, _("This date cannot be in the future."))
            elif day and started and day < started:
                self.add_error(name, _("This date cannot be before the procedure started."))
        received, formed = data.get("team_received_on"), data.get("group_formed_on")
        if formed and not received and "group_formed_on" not in self.errors:
            self.add_error("team_received_on", _("Give the date the team received the form first."))
        elif formed and received and formed < received:
            self.add_error(
                "group_formed_on", _("The group cannot be formed before the team received the form.")
            )
        return data


class ProcedureEndForm(_Form):
    class Meta:
        model = Procedure
        fields = ["ended_on", "end_reason", "end_note"]
        widgets = {"ended_on": _date_input(), "end_note": forms.Textarea(attrs={"rows": 3})}
        # The model's "ended on" shares its msgid with the case's ("data zakończenia sprawy").
        labels = {"ended_on": _("Date the procedure ended")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ended_on"].required = True
        self.fields["end_reason"].required = True

    def clean_ended_on(self) -> dt.date | None:
        day = self._not_future("ended_on")
        if day and self.instance.started_on and day < self.instance.started_on:
            raise ValidationError(_("The procedure cannot end before it started."))
        return day


def _staff() -> Any:
    return User.objects.filter(is_active=True).filter(is_assistant=True) | User.objects.filter(
        is_active=True, is_social_worker=True
    )


class GroupMemberForm(_Form):
    class Meta:
        model = GroupMember
        fields = ["user", "institution", "name", "role"]

    def __init__(self, *args: Any, procedure: Procedure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.procedure = procedure
        self._choice("user").queryset = _staff().order_by("last_name", "first_name", "pk")
        self._choice("institution").queryset = Institution.objects.filter(is_active=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        user = data.get("user")
        if not user and not data.get("name"):
            self.add_error("name", _("Choose a user or give the person's name."))
        if user and self.procedure.members.filter(user=user).exists():
            self.add_error("user", _("This person is already a member of the group."))
        return data


class GroupMeetingForm(_Form):
    class Meta:
        model = Meeting
        fields = ["kind", "date", "participants", "decisions", "next_meeting"]
        widgets = {
            "date": _date_input(),
            "next_meeting": _date_input(),
            "participants": forms.Textarea(attrs={"rows": 2}),
            "decisions": forms.Textarea(attrs={"rows": 4}),
        }

    def clean_date(self) -> dt.date | None:
        return self._not_future("date")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        date, following = data.get("date"), data.get("next_meeting")
        if date and following and following <= date:
            self.add_error("next_meeting", _("The next meeting must come after this one."))
        return data


class MeetingTaskForm(_Form):
    class Meta:
        model = Task
        fields = ["assignee", "description", "due_on"]
        widgets = {"due_on": _date_input(), "description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, procedure: Procedure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only members of the group who use the application can be given a task here.
        members = procedure.members.filter(user__isnull=False, user__is_active=True).values("user_id")
        self._choice("assignee").queryset = User.objects.filter(pk__in=members).order_by("last_name", "pk")


class DoneOnForm(forms.Form):
    """The day a task was done or a reply sent (today by default)."""

    on = forms.DateField(label=_("Date"), widget=_date_input(), validators=[dates.PAST], required=False)

    def clean_on(self) -> dt.date:
        return self.cleaned_data.get("on") or timezone.localdate()


class CardFormForm(_Form):
    """A "Niebieska Karta" form prepared within the procedure, with its scan."""

    class Meta:
        model = CardForm
        fields = ["kind", "date", "note", "scan"]
        widgets = {"date": _date_input(), "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, procedure: Procedure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.procedure = procedure

    def clean_date(self) -> dt.date | None:
        day = self._not_future("date")
        if day and day < self.procedure.started_on:
            raise ValidationError(_("The form cannot be dated before the procedure started."))
        return day


class InstitutionsForm(forms.Form):
    """The institutions taking part (a visit, a work plan): those in use, and any already named."""

    institutions = forms.ModelMultipleChoiceField(
        label=_("Institutions taking part"),
        queryset=Institution.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, chosen: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("institutions", chosen)
        field = self.fields["institutions"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = Institution.objects.filter(Q(is_active=True) | Q(pk__in=chosen)).order_by(
            "name", "pk"
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
