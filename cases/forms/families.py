"""Forms of the cases app: the family file with its members (PESEL rules), consent, reassignment."""

import re
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from asystent import dates, limits
from asystent.files import validate_scan
from asystent.models import User

from .. import pesel as pesel_rules
from ..enums import ConsentDecision, Placement, Relation, Sex
from ..models import Case, Family, FamilyMember
from ..selectors import find_member_by_pesel, find_namesakes
from .fields import DateInput

FAMILY_FIELDS = ["name", "street", "postal_code", "city", "gmina", "teryt", "phone"]
MEMBER_FIELDS = [
    "first_name",
    "last_name",
    "relation",
    "pesel",
    "birth_date",
    "sex",
    "placement",
    "foster_coordinator",
]
# Forms for registering a family start with this many member rows (the first one is required).
MEMBER_ROWS = 4
MAX_MEMBERS = 30


class FamilyForm(forms.ModelForm):
    class Meta:
        model = Family
        fields = FAMILY_FIELDS
        widgets = {
            "street": forms.TextInput(attrs={"autocomplete": "street-address"}),
            "postal_code": forms.TextInput(
                attrs={"placeholder": "00-000", "inputmode": "numeric", "autocomplete": "postal-code"}
            ),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "teryt": forms.TextInput(attrs={"inputmode": "numeric"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        }

    def clean_teryt(self) -> str:
        teryt = self.cleaned_data["teryt"]
        if teryt and not re.fullmatch(r"\d{7}", teryt):
            raise ValidationError(_("A TERYT code has 7 digits."), code="teryt")
        return teryt


class FamilyEditForm(FamilyForm):
    """The family's details with the version they were read at (optimistic concurrency)."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def family_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in FAMILY_FIELDS}


class PeselField(forms.CharField):
    """A PESEL typed with spaces or dashes is still a PESEL."""

    default_validators = [pesel_rules.validate_pesel]

    def __init__(self, **kwargs: Any) -> None:
        # 11 digits, with room for the spaces or dashes a person may type between them.
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def to_python(self, value: object) -> str:
        return re.sub(r"[\s-]", "", super().to_python(value) or "")


def on_file_message(member: FamilyMember, user: User) -> str:
    """Tell the user the person is on file; name and link the family only if they may see it."""
    if member.is_removed:
        return _(
            "This person is on file but was removed from a family; ask the manager to restore them "
            "instead of registering them again."
        )
    if Family.objects.visible_to(user).filter(pk=member.family_id).exists():
        return format_html(
            '{} <a href="{}">{}</a>',
            _("This person is already on file in family %(family)s.") % {"family": member.family.name},
            member.family.get_absolute_url(),
            _("Open the family's file instead of registering them again."),
        )
    return _(
        "This person is already on file in a family you do not have access to. "
        "Do not register them again; contact the manager."
    )


def namesake_message(member: FamilyMember, user: User) -> str:
    """Warn that a person with the same name and date of birth is on file; name and link the
    family only if the user may see it."""
    if not member.is_removed and Family.objects.visible_to(user).filter(pk=member.family_id).exists():
        return format_html(
            '{} <a href="{}">{}</a> {}',
            _("A person with the same name and date of birth is already on file in family %(family)s.")
            % {"family": member.family.name},
            member.family.get_absolute_url(),
            _("Open the family's file."),
            _("If this is someone else, tick “This is a different person” and save again."),
        )
    return _(
        "A person with the same name and date of birth is already on file in a family you do not "
        "have access to. If this is someone else, tick “This is a different person” and save again; "
        "otherwise contact the manager."
    )


class MemberForm(dates.DateRangeFormMixin, forms.ModelForm):
    """One person of the family. A PESEL fills in the date of birth and sex; without one, the
    date of birth is required. A PESEL already on file is not registered twice; a person without
    one whose name and date of birth are on file is registered only once the user confirms that
    this is a different person."""

    pesel = PeselField(label=gettext_lazy("PESEL"), required=False)
    no_pesel = forms.BooleanField(
        label=gettext_lazy("no PESEL number"),
        required=False,
        help_text=gettext_lazy("For example a foreigner or a newborn: then give the date of birth and sex."),
    )
    confirm_namesake = forms.BooleanField(
        label=gettext_lazy("This is a different person"),
        required=False,
        help_text=gettext_lazy("Someone with the same name and date of birth is already on file."),
    )
    # Optimistic locking: a person on file comes back with the version they were read at.
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = FamilyMember
        fields = [*MEMBER_FIELDS[:4], "no_pesel", *MEMBER_FIELDS[4:]]
        widgets = {"birth_date": DateInput(), "foster_coordinator": forms.TextInput()}
        help_texts = {
            "placement": gettext_lazy("For children: at home or in foster care."),
        }

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["birth_date"].required = False
        self.fields["sex"].required = False
        self.fields["birth_date"].help_text = _("Filled in from the PESEL number when left empty.")
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)
        else:
            del self.fields["version"]
        if self.instance.pk and not self.instance.pesel:
            self.initial.setdefault("no_pesel", True)
        # The PESEL is checked as it is typed (htmx); the form works the same without JavaScript.
        # Posted, never in a URL (access logs keep URLs); only this number (and the member being
        # edited) is sent, not the rest of the form (the CSRF token goes in base.html's hx-headers).
        self.fields["pesel"].widget.attrs.update(
            {
                "inputmode": "numeric",
                "autocomplete": "off",
                "hx-post": reverse_lazy("cases:pesel-check"),
                "hx-params": f"{self.add_prefix('pesel')},member",
                "hx-trigger": "change, keyup changed delay:600ms",
                "hx-target": f"#{self.pesel_check_id}",
                "hx-swap": "innerHTML",
            }
        )
        if self.instance.pk:
            self.fields["pesel"].widget.attrs["hx-vals"] = f'{{"member": "{self.instance.pk}"}}'

    @property
    def pesel_check_id(self) -> str:
        return f"{self['pesel'].auto_id}_check"

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        pesel, no_pesel = data.get("pesel"), data.get("no_pesel")
        birth_date, sex = data.get("birth_date"), data.get("sex")
        if "pesel" in self.errors:
            return data
        if pesel and no_pesel:
            self.add_error("no_pesel", _("Untick “no PESEL number” or clear the PESEL number."))
        elif not pesel and not no_pesel:
            self.add_error(
                "pesel",
                ValidationError(
                    _("Enter the PESEL number, or tick “no PESEL number” and give the date of birth."),
                    code="pesel_required",
                ),
            )
        elif no_pesel:
            if not birth_date:
                self.add_error(
                    "birth_date",
                    ValidationError(
                        _("Without a PESEL number the date of birth is required."), code="required"
                    ),
                )
            if not sex:
                self.add_error(
                    "sex", ValidationError(_("Without a PESEL number give the sex."), code="required")
                )
        if pesel:
            self._apply_pesel(data, pesel, birth_date, sex)
        elif no_pesel and birth_date:
            self._check_namesakes(data)
        if data.get("birth_date") and data["birth_date"] > timezone.localdate():
            self.add_error("birth_date", _("The date of birth cannot be in the future."))
        if data.get("placement", Placement.HOME) != Placement.HOME and data.get("relation") != Relation.CHILD:
            self.add_error("placement", _("Only a child can live in foster care."))
        return data

    def _apply_pesel(self, data: dict, pesel: str, birth_date: object, sex: str | None) -> None:
        info = pesel_rules.decode(pesel)
        if birth_date and birth_date != info.birth_date:
            self.add_error(
                "birth_date",
                ValidationError(
                    _("This date does not match the PESEL number, which gives %(date)s.")
                    % {"date": info.birth_date.strftime("%d.%m.%Y")},
                    code="pesel_mismatch",
                ),
            )
        else:
            data["birth_date"] = info.birth_date
        if sex and sex != info.sex:
            self.add_error(
                "sex",
                ValidationError(
                    _("The PESEL number gives the sex “%(sex)s”.") % {"sex": Sex(info.sex).label},
                    code="pesel_mismatch",
                ),
            )
        else:
            data["sex"] = info.sex
        on_file = find_member_by_pesel(pesel)
        if on_file is not None and on_file.pk != self.instance.pk:
            self.add_error(
                "pesel", ValidationError(on_file_message(on_file, self.user), code="pesel_on_file")
            )

    @property
    def asks_namesake_confirmation(self) -> bool:
        """Whether the "different person" box is shown: after the warning, or once ticked."""
        return "confirm_namesake" in self.errors or bool(self["confirm_namesake"].value())

    def _check_namesakes(self, data: dict) -> None:
        if data.get("confirm_namesake") or not data.get("first_name") or not data.get("last_name"):
            return
        namesakes = find_namesakes(
            data["first_name"], data["last_name"], data["birth_date"], exclude_pk=self.instance.pk
        )
        if namesakes:
            self.add_error(
                "confirm_namesake",
                ValidationError(namesake_message(namesakes[0], self.user), code="namesake_on_file"),
            )

    def member_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in MEMBER_FIELDS}


class BaseMemberFormSet(forms.BaseFormSet):
    """The members typed on the family registration form; rows left empty are skipped."""

    default_error_messages = {
        **forms.BaseFormSet.default_error_messages,
        "too_few_forms": gettext_lazy("Enter at least one family member."),
    }

    def initial_form_count(self) -> int:
        # Every row is a new person: rows re-shown from typed input (see with_rows) stay optional.
        return 0

    @classmethod
    def with_rows(cls, data: dict, *, user: User, extra_rows: int = 1) -> "BaseMemberFormSet":
        """An unbound formset showing what was typed in `data`, plus empty rows (no JS needed)."""
        prefix = cls.get_default_prefix()
        total = min(int(data.get(f"{prefix}-TOTAL_FORMS") or 0), MAX_MEMBERS)
        names = [*MEMBER_FIELDS, "no_pesel", "confirm_namesake"]
        rows = [{name: data.get(f"{prefix}-{i}-{name}", "") for name in names} for i in range(total)]
        formset = cls(initial=rows, form_kwargs={"user": user})
        formset.extra = max(min(total + extra_rows, MAX_MEMBERS) - formset.min_num, 0)
        return formset

    def clean(self) -> None:
        seen: set[str] = set()
        for form in self.forms:
            pesel = form.cleaned_data.get("pesel") if form.has_changed() else None
            if not pesel:
                continue
            if pesel in seen:
                form.add_error(
                    "pesel",
                    ValidationError(_("This PESEL number is entered twice."), code="pesel_twice"),
                )
            seen.add(pesel)

    def members_data(self) -> list[dict]:
        return [form.member_data() for form in self.forms if form.has_changed()]

    @classmethod
    def get_default_prefix(cls) -> str:
        return "members"


# formset_factory returns a subclass of `formset`; its stub says only BaseFormSet.
MemberFormSet = cast(
    type[BaseMemberFormSet],
    forms.formset_factory(
        MemberForm,
        formset=BaseMemberFormSet,
        extra=MEMBER_ROWS - 1,
        min_num=1,
        validate_min=True,
        max_num=MAX_MEMBERS,
        validate_max=True,
    ),
)


class ConsentForm(forms.Form):
    """The family's decision on the work (art. 8 ust. 3), with the signed form's scan."""

    decision = forms.ChoiceField(
        label=gettext_lazy("The family's decision"),
        choices=ConsentDecision.choices,
        widget=forms.RadioSelect,
    )
    date = forms.DateField(label=gettext_lazy("Date"), widget=DateInput(), validators=[dates.PAST])
    signed_by = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Signed by"),
        queryset=FamilyMember.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    scope = forms.CharField(
        max_length=limits.REASON,
        label=gettext_lazy("Scope"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=gettext_lazy("What the family agreed to, e.g. the areas of help."),
    )
    reason = forms.CharField(
        max_length=limits.REASON,
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=gettext_lazy("Required for a refusal or withdrawal."),
    )
    scan = forms.FileField(
        label=gettext_lazy("Scan of the signed form"),
        required=False,
        validators=[validate_scan],
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        today = timezone.localdate()
        self.initial.setdefault("date", today)
        # Once the family has consented, what is left to record is its withdrawal.
        latest = case.consents.order_by("-date", "-pk").values_list("decision", flat=True).first()
        self.withdrawal_only = latest == ConsentDecision.GIVEN
        if self.withdrawal_only:
            decision = cast(forms.ChoiceField, self.fields["decision"])
            decision.choices = [(ConsentDecision.WITHDRAWN.value, ConsentDecision.WITHDRAWN.label)]
            self.initial["decision"] = ConsentDecision.WITHDRAWN
        # Adults sign: parents and guardians (also a minor parent) and any member of age.
        adults = [m.pk for m in case.family.members.all() if not m.is_child or m.age_on(today) >= 18]
        cast(forms.ModelMultipleChoiceField, self.fields["signed_by"]).queryset = FamilyMember.objects.filter(
            pk__in=adults
        ).order_by("last_name", "first_name")
        self.fields["scan"].help_text = _("PDF, JPEG or PNG, at most %(mb)d MB.") % {
            "mb": max(settings.UPLOAD_MAX_BYTES // (1024 * 1024), 1)
        }

    def clean_date(self) -> object:
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."), code="future")
        dates.ensure_not_before(date, self.case.opened_on)
        return date

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        decision = data.get("decision")
        if decision and decision != ConsentDecision.GIVEN and not data.get("reason", "").strip():
            self.add_error(
                "reason",
                ValidationError(_("Give the reason for the refusal or withdrawal."), code="required"),
            )
        if decision == ConsentDecision.GIVEN and not data.get("signed_by"):
            self.add_error(
                "signed_by",
                ValidationError(_("Tick who signed the consent."), code="required"),
            )
        return data


class AssistantChoiceField(forms.ModelChoiceField):
    """Assistants labelled with their current number of families against the limit."""

    loads: dict[int, int] = {}
    limit = 0
    # Each assistant's own limit where it is lower than the centre's (a personal limit).
    limits: dict[int, int] = {}

    def label_from_instance(self, obj: User) -> str:
        load = self.loads.get(obj.pk, 0)
        limit = self.limits.get(obj.pk, self.limit)
        text = ngettext(
            "%(name)s: %(load)d of %(limit)d family",
            "%(name)s: %(load)d of %(limit)d families",
            limit,
        ) % {"name": obj, "load": load, "limit": limit}
        if load >= limit:
            text += " — " + _("limit reached")
        return text


class ReassignForm(forms.Form):
    """Hand a case to another assistant; the reason is recorded with the assignment."""

    assistant = AssistantChoiceField(
        label=gettext_lazy("New family assistant"),
        queryset=User.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    reason = forms.CharField(
        max_length=limits.REASON,
        label=gettext_lazy("Reason for the change"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # The assistant the manager saw on the page: if the case moved meanwhile, the change is refused.
    seen_assistant = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        case: Case,
        loads: dict[int, int],
        limit: int,
        limits: dict[int, int] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("seen_assistant", case.assistant_id)
        field = cast(AssistantChoiceField, self.fields["assistant"])
        field.queryset = User.objects.filter(is_assistant=True, is_active=True).exclude(pk=case.assistant_id)
        field.loads, field.limit, field.limits = loads, limit, limits or {}
