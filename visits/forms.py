"""Forms of the visits app: the visit log entry (quick to fill in on a phone) and interventions."""

import datetime as dt
from typing import cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Fieldset, Layout
from django import forms
from django.db.models import Q
from django.forms.widgets import Input
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from asystent import dates
from cases.enums import CaseStatus
from cases.models import Case, FamilyMember, Goal, ProblemArea
from cases.services.plans import current_plan

from .enums import VisitKind, VisitPlace, VisitStatus
from .models import Intervention, Visit

# Checkbox and radio groups: a fieldset with a legend and full-width, finger-sized rows.
CHOICE_LIST = "visits/_choice_list.html"
CHECK_ROW = "visits/_check_row.html"
# A section of a long form that folds away on a phone (<details>).
SECTION = "_form_section.html"
CHOICE_ATTRS = {"class": "form-check-input flex-shrink-0"}
TEXTAREA = forms.Textarea(attrs={"rows": 3})


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _time_input() -> forms.TimeInput:
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _datetime_input() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _enlarge(form: forms.BaseForm) -> None:
    """Finger-sized inputs: the large Bootstrap variants on text, number, date, time and select."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
            continue
        if isinstance(widget, forms.Select):
            widget.attrs["class"] = "form-select-lg"
        elif isinstance(widget, Input | forms.Textarea) and not isinstance(widget, forms.HiddenInput):
            widget.attrs["class"] = "form-control-lg"


def _member_label(member: FamilyMember) -> str:
    return f"{member} ({member.get_relation_display()})"


def _goal_label(goal: Goal) -> str:
    return f"{goal.area}: {goal.description}"


class VisitForm(dates.DateRangeFormMixin, forms.ModelForm):
    """One entry of the visit log. `final` says which button was pressed: a final visit needs
    its topics and its time, a draft does not."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Visit
        fields = [
            "date",
            "start_time",
            "end_time",
            "duration_minutes",
            "kind",
            "unsuccessful_reason",
            "place",
            "place_description",
            "participants",
            "other_participants",
            "areas",
            "goals",
            "topics",
            "tasks_done",
            "tasks_agreed",
            "child_safety_notes",
            "next_meeting",
            "signed_by_family",
        ]
        widgets = {
            "date": _date_input(),
            "start_time": _time_input(),
            "end_time": _time_input(),
            "duration_minutes": forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "max": 1440}),
            "place": forms.RadioSelect(attrs=CHOICE_ATTRS),
            "participants": forms.CheckboxSelectMultiple(attrs=CHOICE_ATTRS),
            "areas": forms.CheckboxSelectMultiple(attrs=CHOICE_ATTRS),
            "goals": forms.CheckboxSelectMultiple(attrs=CHOICE_ATTRS),
            "topics": TEXTAREA,
            "tasks_done": TEXTAREA,
            "tasks_agreed": TEXTAREA,
            "child_safety_notes": TEXTAREA,
            "next_meeting": _date_input(),
        }

    def __init__(self, *args, case: Case, final: bool = False, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.case = case
        visit = self.instance
        if not visit.pk:
            self.initial.setdefault("date", timezone.localdate())
            self.initial.setdefault("place", VisitPlace.HOME)
            monitoring = case.status == CaseStatus.MONITORING
            self.initial.setdefault("kind", VisitKind.MONITORING if monitoring else VisitKind.HOME_VISIT)
        else:
            # Optimistic locking: the version the person saw comes back with the form.
            self.initial.setdefault("version", visit.version)
            self.fields["version"].required = True
        # The model's rules (clean) depend on whether this is a draft or a final entry.
        if final or visit.status == VisitStatus.FINAL:
            visit.status = VisitStatus.FINAL

        kinds = list(VisitKind.choices)
        if case.status != CaseStatus.MONITORING and visit.kind != VisitKind.MONITORING:
            kinds = [choice for choice in kinds if choice[0] != VisitKind.MONITORING]
        cast(forms.ChoiceField, self.fields["kind"]).choices = kinds
        cast(forms.ChoiceField, self.fields["place"]).choices = VisitPlace.choices
        self.fields["place"].required = False

        chosen = self._chosen_ids
        members = cast(forms.ModelMultipleChoiceField, self.fields["participants"])
        members.queryset = case.family.members.order_by("birth_date", "pk")
        # An instance attribute, as Django documents it; the stubs know only the method.
        members.label_from_instance = _member_label  # type: ignore[method-assign, assignment]
        cast(forms.ModelMultipleChoiceField, self.fields["areas"]).queryset = ProblemArea.objects.filter(
            Q(is_active=True) | Q(pk__in=chosen("areas"))
        )
        plan = current_plan(case)
        goals = cast(forms.ModelMultipleChoiceField, self.fields["goals"])
        goals.queryset = (
            Goal.objects.filter(Q(plan=plan) | Q(pk__in=chosen("goals")))
            .select_related("area")
            .order_by("order", "pk")
        )
        goals.label_from_instance = _goal_label  # type: ignore[method-assign, assignment]
        if plan is None:
            goals.help_text = _("The family has no work plan yet.")

        self.fields["duration_minutes"].widget.attrs["min"] = 1
        # No visit before the case was opened, as for the case's other records (consent, closure);
        # the database keeps the application's absolute floor (asystent.dates).
        self.fields["date"].widget.attrs["min"] = case.opened_on.isoformat()
        _enlarge(self)

        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(
                _("Date and place"),
                "date",
                "start_time",
                "end_time",
                "duration_minutes",
                "kind",
                "unsuccessful_reason",
                Field("place", template=CHOICE_LIST),
                "place_description",
                template=SECTION,
            ),
            Fieldset(
                _("Who took part"),
                Field("participants", template=CHOICE_LIST),
                "other_participants",
                template=SECTION,
            ),
            Fieldset(
                _("Course of the visit"),
                Field("areas", template=CHOICE_LIST),
                Field("goals", template=CHOICE_LIST),
                "topics",
                "tasks_done",
                "tasks_agreed",
                "child_safety_notes",
                template=SECTION,
            ),
            Fieldset(
                _("Next meeting and signature"),
                "next_meeting",
                Field("signed_by_family", template=CHECK_ROW),
                template=SECTION,
            ),
            "version",
        )

    def clean_date(self) -> dt.date | None:
        day = self.cleaned_data.get("date")
        dates.ensure_not_before(day, self.case.opened_on)
        return day

    def _chosen_ids(self, name: str) -> list[int]:
        """Items already on the visit stay choosable even if retired from the dictionary or plan."""
        if not self.instance.pk:
            return []
        return list(getattr(self.instance, name).values_list("pk", flat=True))


class InterventionForm(dates.DateRangeFormMixin, forms.ModelForm):
    class Meta:
        model = Intervention
        fields = [
            "date",
            "description",
            "informed_police",
            "informed_court",
            "informed_other",
            "other_informed",
            "informed_at",
            "reference_numbers",
        ]
        widgets = {
            "date": _datetime_input(),
            "description": forms.Textarea(attrs={"rows": 5}),
            "informed_at": _datetime_input(),
            "reference_numbers": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        now = timezone.localtime().replace(second=0, microsecond=0)
        self.initial.setdefault("date", now)
        self.initial.setdefault("informed_at", now)
        _enlarge(self)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "date",
            "description",
            Fieldset(
                _("Whom did you inform?"),
                Field("informed_police", template=CHECK_ROW),
                Field("informed_court", template=CHECK_ROW),
                Field("informed_other", template=CHECK_ROW),
                css_class="mb-3",
            ),
            "other_informed",
            "informed_at",
            "reference_numbers",
        )
