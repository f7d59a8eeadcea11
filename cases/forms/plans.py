"""Forms of the work plan: goals and actions.

The plan is one page of nested rows: a plan form, a formset of goals and, per goal, a formset of
actions. Rows are added by submit buttons, so the page works without JavaScript; every row is
"extra" (no initial rows), so a blank row beyond the first is simply ignored.
"""

from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from asystent import dates, limits

from ..enums import ActionStatus, Responsible
from ..models import ProblemArea, WorkPlan
from ..services.plans import ActionData, GoalData
from .fields import DateInput, blank_first

MAX_GOALS = 20
MAX_ACTIONS = 20


class PlanForm(forms.Form):
    main_goal = forms.CharField(
        max_length=limits.NOTE,
        label=gettext_lazy("Main goal"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("State the main goal of the plan.")},
    )
    social_worker_consulted_on = forms.DateField(
        label=gettext_lazy("Consulted with the social worker on"),
        required=False,
        widget=DateInput(),
        validators=[dates.PAST],
        help_text=gettext_lazy("The social worker can also confirm the consultation in the system."),
    )
    foster_coordinator_consulted_on = forms.DateField(
        label=gettext_lazy("Consulted with the foster-care coordinator on"),
        required=False,
        widget=DateInput(),
        validators=[dates.PAST],
    )
    foster_coordinator_name = forms.CharField(
        label=gettext_lazy("Foster-care coordinator consulted"), required=False, max_length=200
    )
    child_help_plan_date = forms.DateField(
        label=gettext_lazy("Date of the child's help plan"),
        required=False,
        widget=DateInput(),
        validators=[dates.PAST],
    )
    child_help_plan_keeper = forms.CharField(
        label=gettext_lazy("Body that keeps the child's help plan"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("e.g. the county family support centre (PCPR) that organises the foster care"),
    )
    revision_reason = forms.CharField(
        max_length=limits.REASON,
        label=gettext_lazy("Reason for the revision"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # The version of the plan the form started from (0: none yet). A plan saved meanwhile from
    # another window makes this form stale, and saving it is refused (services.plans.save_plan_version).
    based_on = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args: Any, needs_foster: bool, is_revision: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.needs_foster = needs_foster
        self.is_revision = is_revision
        if not needs_foster:
            del self.fields["foster_coordinator_consulted_on"]
            del self.fields["foster_coordinator_name"]
            del self.fields["child_help_plan_date"]
            del self.fields["child_help_plan_keeper"]
        else:
            self.fields["foster_coordinator_name"].help_text = _(
                "A child of the family is in foster care: the plan is consulted with the "
                "foster-care coordinator and matched to the child's help plan."
            )
        if not is_revision:
            del self.fields["revision_reason"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.needs_foster:
            consulted = "foster_coordinator_consulted_on"
            if not data.get(consulted) and consulted not in self.errors:
                self.add_error(
                    consulted,
                    _("Give the date of the consultation with the foster-care coordinator."),
                )
            if not (data.get("foster_coordinator_name") or "").strip():
                self.add_error("foster_coordinator_name", _("Give the name of the foster-care coordinator."))
            # The rule itself: services.plans.CHILD_HELP_PLAN_MISSING (art. 15 ust. 1 pkt 2).
            if not data.get("child_help_plan_date") and "child_help_plan_date" not in self.errors:
                self.add_error("child_help_plan_date", _("Give the date of the child's help plan."))
            if not (data.get("child_help_plan_keeper") or "").strip():
                self.add_error("child_help_plan_keeper", _("Give the body that keeps the child's help plan."))
        if self.is_revision and not (data.get("revision_reason") or "").strip():
            self.add_error("revision_reason", _("Give the reason for revising the plan."))
        return data


class GoalForm(forms.Form):
    area = forms.ModelChoiceField(
        label=gettext_lazy("Area"),
        queryset=ProblemArea.objects.none(),
        error_messages={"required": gettext_lazy("Choose the area of the goal.")},
    )
    description = forms.CharField(
        max_length=limits.NOTE,
        label=gettext_lazy("Specific goal"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": gettext_lazy("Describe the goal.")},
    )

    def __init__(self, *args: Any, areas: list[ProblemArea] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["area"])
        field.queryset = ProblemArea.objects.filter(is_active=True)
        if areas is not None:
            # The areas are read once for the whole page, not once per goal.
            field.choices = [("", field.empty_label), *((a.pk, str(a)) for a in areas)]


class ActionForm(forms.Form):
    description = forms.CharField(
        max_length=limits.NOTE,
        label=gettext_lazy("Action"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": gettext_lazy("Describe the action.")},
    )
    responsible = forms.ChoiceField(
        label=gettext_lazy("Who is responsible"),
        choices=blank_first(Responsible.choices),
        error_messages={"required": gettext_lazy("Say who is responsible for the action.")},
    )
    responsible_name = forms.CharField(
        label=gettext_lazy("Name of the person or institution"), required=False, max_length=200
    )
    deadline = forms.DateField(
        label=gettext_lazy("Deadline"),
        widget=DateInput(),
        validators=[dates.PLANNED],
        error_messages={"required": gettext_lazy("Give the deadline of the action.")},
    )
    expected_effect = forms.CharField(
        max_length=limits.NOTE,
        label=gettext_lazy("Expected effect"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": gettext_lazy("Describe the expected effect of the action.")},
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), choices=ActionStatus.choices, initial=ActionStatus.PLANNED
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        named = data.get("responsible") in (Responsible.FAMILY_MEMBER, Responsible.INSTITUTION)
        if named and not (data.get("responsible_name") or "").strip():
            self.add_error("responsible_name", _("Name the family member or the institution."))
        return data


class RowFormSet(forms.BaseFormSet):
    """Rows typed on one page. No row counts as "initial": the first `min_num` rows are required,
    any other row left blank is ignored, and pre-filled rows (a revision) are ordinary rows."""

    delete_label = gettext_lazy("Remove")

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = self.delete_label

    def initial_form_count(self) -> int:
        return 0

    def total_form_count(self) -> int:
        if self.is_bound:
            return super().total_form_count()
        return max(len(self.initial or ()), self.min_num) + self.extra


class GoalFormSet(RowFormSet):
    delete_label = gettext_lazy("Remove this goal from the plan")
    default_error_messages = {
        "too_few_forms": gettext_lazy("The plan needs at least one specific goal."),
        "too_many_forms": gettext_lazy("A plan can have at most %(num)d goals."),
    }


class ActionFormSet(RowFormSet):
    delete_label = gettext_lazy("Remove this action")
    default_error_messages = {
        "too_few_forms": gettext_lazy("Every goal needs at least one action."),
        "too_many_forms": gettext_lazy("A goal can have at most %(num)d actions."),
    }


GoalRows = forms.formset_factory(
    GoalForm,
    formset=GoalFormSet,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=MAX_GOALS,
    validate_max=True,
    absolute_max=MAX_GOALS,
    can_delete=True,
)
ActionRows = forms.formset_factory(
    ActionForm,
    formset=ActionFormSet,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=MAX_ACTIONS,
    validate_max=True,
    absolute_max=MAX_ACTIONS,
    can_delete=True,
)

GOALS_PREFIX = "goals"
ADD_GOAL = "add_goal"
ADD_ACTION = "add_action_"


def actions_prefix(index: int) -> str:
    return f"{GOALS_PREFIX}-{index}-actions"


def _deleted(form: forms.Form) -> bool:
    return bool(form.is_bound and "DELETE" in form.fields and form["DELETE"].data)


def _values(form: forms.Form) -> dict[str, Any]:
    """What the person typed into a bound form, as initial data to show it again."""
    return {name: form[name].value() for name in form.fields}


class PlanEditor:
    """The plan form, the goals and each goal's actions, shown and validated together."""

    def __init__(
        self,
        *,
        data: QueryDict | None = None,
        plan_initial: dict | None = None,
        goals_initial: list[dict] | None = None,
        actions_initial: list[list[dict]] | None = None,
        needs_foster: bool,
        is_revision: bool,
        new_goal: bool = False,
        new_action_for: int | None = None,
    ) -> None:
        self.areas = list(ProblemArea.objects.filter(is_active=True))
        self.plan_form = PlanForm(
            data, initial=plan_initial, needs_foster=needs_foster, is_revision=is_revision
        )
        goal_kwargs = {"areas": self.areas}
        if data is not None:
            self.goals = GoalRows(data, prefix=GOALS_PREFIX, form_kwargs=goal_kwargs)
            self.actions = [
                ActionRows(data, prefix=actions_prefix(i)) for i in range(self.goals.total_form_count())
            ]
            return
        goals_initial = list(goals_initial or [])
        actions_initial = list(actions_initial or [])
        self.goals = GoalRows(initial=goals_initial, prefix=GOALS_PREFIX, form_kwargs=goal_kwargs)
        self.goals.extra = 1 if new_goal else 0
        self.actions = []
        for i in range(self.goals.total_form_count()):
            rows = actions_initial[i] if i < len(actions_initial) else []
            formset = ActionRows(initial=rows, prefix=actions_prefix(i))
            formset.extra = 1 if new_action_for == i else 0
            self.actions.append(formset)

    @classmethod
    def from_plan(cls, plan: WorkPlan, *, needs_foster: bool) -> "PlanEditor":
        """A revision starts from the current version, ready to change."""
        goals = list(plan.goals.select_related("area").prefetch_related("actions"))
        return cls(
            plan_initial={
                "based_on": plan.version,
                "main_goal": plan.main_goal,
                "social_worker_consulted_on": plan.social_worker_consulted_on,
                "foster_coordinator_consulted_on": plan.foster_coordinator_consulted_on,
                "foster_coordinator_name": plan.foster_coordinator_name,
                "child_help_plan_date": plan.child_help_plan_date,
                "child_help_plan_keeper": plan.child_help_plan_keeper,
            },
            goals_initial=[{"area": g.area_id, "description": g.description} for g in goals],
            actions_initial=[[_action_initial(a) for a in g.actions.all()] for g in goals],
            needs_foster=needs_foster,
            is_revision=True,
        )

    @staticmethod
    def requested_row(data: QueryDict) -> tuple[bool, int | None] | None:
        """Which "Add" button was pressed: (new goal, goal index for a new action), or None."""
        if ADD_GOAL in data:
            return True, None
        for key in data:
            if key.startswith(ADD_ACTION):
                try:
                    return False, int(key.removeprefix(ADD_ACTION))
                except ValueError:
                    return None
        return None

    def with_row(self, *, new_goal: bool, new_action_for: int | None) -> "PlanEditor":
        """The same input shown again, unvalidated, with one more empty row (focused)."""
        goal_count = len(self.goals.forms)
        if new_action_for is not None and not (
            0 <= new_action_for < goal_count and len(self.actions[new_action_for].forms) < MAX_ACTIONS
        ):
            new_action_for = None
        new_goal = new_goal and goal_count < MAX_GOALS
        editor = PlanEditor(
            plan_initial=_values(self.plan_form),
            goals_initial=[_values(f) for f in self.goals.forms],
            actions_initial=[[_values(f) for f in formset.forms] for formset in self.actions],
            needs_foster=self.plan_form.needs_foster,
            is_revision=self.plan_form.is_revision,
            new_goal=new_goal,
            new_action_for=new_action_for,
        )
        if new_goal:
            editor.goals.forms[goal_count].fields["area"].widget.attrs["autofocus"] = True
        elif new_action_for is not None:
            actions = editor.actions[new_action_for].forms
            actions[-1].fields["description"].widget.attrs["autofocus"] = True
        return editor

    def formsets(self) -> list[forms.BaseFormSet]:
        """The goals and each goal's actions, for the error summary (templates/_form_errors.html)."""
        return [self.goals, *self.actions]

    def forms_for_summary(self) -> list[forms.Form | forms.BaseFormSet]:
        """Everything the editor validates: the page's title says when any has an error."""
        return [self.plan_form, *self.formsets()]

    def rows(self) -> list[tuple[forms.Form, forms.BaseFormSet]]:
        return list(zip(self.goals.forms, self.actions, strict=True))

    def _goal_in_use(self, index: int) -> bool:
        goal, actions = self.goals.forms[index], self.actions[index]
        if _deleted(goal):
            return False
        return (
            index == 0
            or goal.has_changed()
            or any(f.has_changed() and not _deleted(f) for f in actions.forms)
        )

    def is_valid(self) -> bool:
        in_use = [self._goal_in_use(i) for i in range(len(self.goals.forms))]
        for goal, used in zip(self.goals.forms, in_use, strict=True):
            # A goal left blank while its actions were filled in must be completed, not dropped.
            if used:
                goal.empty_permitted = False
        valid = self.plan_form.is_valid()
        valid = self.goals.is_valid() and valid
        for actions, used in zip(self.actions, in_use, strict=True):
            if used:
                valid = actions.is_valid() and valid
        return valid

    def goal_data(self) -> list[GoalData]:
        """The cleaned goals with their actions, for `services.plans.save_plan_version`."""
        goals = []
        for index, (goal, actions) in enumerate(self.rows()):
            if not self._goal_in_use(index):
                continue
            goals.append(
                GoalData(
                    area=goal.cleaned_data["area"],
                    description=goal.cleaned_data["description"],
                    actions=[
                        ActionData(
                            description=f.cleaned_data["description"],
                            responsible=f.cleaned_data["responsible"],
                            responsible_name=f.cleaned_data["responsible_name"],
                            deadline=f.cleaned_data["deadline"],
                            expected_effect=f.cleaned_data["expected_effect"],
                            status=f.cleaned_data["status"],
                        )
                        for f in actions.forms
                        if f.cleaned_data and not _deleted(f)
                    ],
                )
            )
        return goals


def _action_initial(action: Any) -> dict[str, Any]:
    return {
        "description": action.description,
        "responsible": action.responsible,
        "responsible_name": action.responsible_name,
        "deadline": action.deadline,
        "expected_effect": action.expected_effect,
        "status": action.status,
    }
