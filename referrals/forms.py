"""Forms of intake: the community interview, the referral, the court order and the manager's decision."""

import datetime as dt
import re
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from asystent import dates, limits
from asystent.models import User
from cases.enums import LegalBasis
from cases.models import Family, ProblemArea

from .enums import Decision, ReferralStatus
from .models import COURT_ORDER_WAIT_REASON, CommunityInterview, CourtOrder, Referral

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Legal bases a social worker files a referral under; court orders come through their own form.
REFERRAL_BASES = [
    (basis.value, basis.label)
    for basis in (LegalBasis.VOLUNTARY, LegalBasis.MINOR_PARENT, LegalBasis.ZA_ZYCIEM)
]
# art. 11 ust. 1-3 of the Act: the interview and the analysis come before the referral.
INTERVIEW_REQUIRED = {LegalBasis.VOLUNTARY, LegalBasis.MINOR_PARENT, LegalBasis.ZA_ZYCIEM}

# A sygnatura akt: the division in Roman numerals, the repertory letters, number/two-digit year,
# e.g. "III Nsm 123/24", "I RC 7/25", "XI Nkd 1045/26".
ROMAN_DIVISION = r"(?=[IVXLC])C?(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})"
REPERTORY = r"[A-ZĄĆĘŁŃÓŚŹŻ][A-Za-ząćęłńóśźżĄĆĘŁŃÓŚŹŻ]{0,4}"
CASE_NUMBER_RE = re.compile(rf"^{ROMAN_DIVISION} {REPERTORY} [1-9]\d{{0,5}}/\d{{2}}$")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _not_in_future(day: dt.date | None, message: "StrOrPromise") -> dt.date | None:
    if day and day > timezone.localdate():
        raise ValidationError(message, code="future")
    return day


def _problem_areas(selected: Q | None = None) -> forms.ModelMultipleChoiceField:
    """Active areas of the dictionary, plus any retired one the object already carries."""
    return forms.ModelMultipleChoiceField(
        queryset=ProblemArea.objects.filter(Q(is_active=True) | (selected or Q(pk__in=[]))),
        widget=forms.CheckboxSelectMultiple,
        label=_("Problem areas"),
        error_messages={"required": _("Mark at least one problem area.")},
    )


class InterviewForm(dates.DateRangeFormMixin, forms.ModelForm):
    """The community interview (art. 11 ust. 1) with the analysis of the family's situation."""

    class Meta:
        model = CommunityInterview
        fields = ["date", "urgent", "summary", "problem_areas"]
        widgets = {"date": DateInput(), "summary": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "urgent": _("An urgent interview is carried out within 2 working days, otherwise within 14."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["problem_areas"] = _problem_areas()

    def clean_date(self) -> dt.date | None:
        return _not_in_future(self.cleaned_data.get("date"), _("The interview date cannot be in the future."))


class InterviewChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: CommunityInterview) -> str:
        label = str(obj)
        urgent = _("urgent")
        return f"{label} ({urgent})" if obj.urgent else label


class ReferralForm(forms.ModelForm):
    """A social worker's request to assign a family assistant (art. 11 ust. 3)."""

    legal_basis = forms.ChoiceField(label=_("Legal basis"), choices=REFERRAL_BASES, widget=forms.RadioSelect)
    # Optimistic locking: a draft comes back with the version it was opened at.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Referral
        fields = [
            "interview",
            "legal_basis",
            "problem_areas",
            "justification",
            "children_in_foster_care",
            "blue_card_open",
        ]
        widgets = {"justification": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args: Any, family: Family, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        interviews = family.interviews.order_by("-date", "-pk")
        self.fields["interview"] = InterviewChoiceField(
            queryset=interviews,
            required=False,
            label=_("Community interview"),
            empty_label=_("— choose the interview —"),
            help_text=_("The referral follows the interview and the analysis (art. 11 of the Act)."),
        )
        selected = Q(pk__in=self.instance.problem_areas.all()) if self.instance.pk else None
        self.fields["problem_areas"] = _problem_areas(selected)
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)
            self.fields["version"].required = True
        if not self.instance.pk and not self.is_bound:
            latest = interviews.first()
            # A new referral starts from the latest interview and the family's file.
            if latest is not None:
                self.initial["interview"] = latest.pk
                self.initial["problem_areas"] = list(latest.problem_areas.all())
            self.initial["children_in_foster_care"] = any(m.in_foster_care for m in family.members.all())

    def referral_data(self) -> dict[str, Any]:
        """The fields for `referrals.services.save_referral`."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("legal_basis") in INTERVIEW_REQUIRED and not cleaned.get("interview"):
            self.add_error(
                "interview",
                ValidationError(
                    _(
                        "Choose the community interview: the law requires the interview before "
                        "the referral (art. 11 of the Act). Record the interview first if there is none."
                    ),
                    code="interview_required",
                ),
            )
        return cleaned


class CourtOrderForm(dates.DateRangeFormMixin, forms.ModelForm):
    """A family court's order to work with an assistant (art. 109 § 2 pkt 1 KRO)."""

    justification = forms.CharField(
        max_length=limits.DESCRIPTION,
        label=_("Justification"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Optional: what the court expects, other circumstances."),
    )
    social_worker = forms.ModelChoiceField(
        queryset=User.objects.filter(is_social_worker=True, is_active=True),
        required=False,
        label=_("Social worker of the family"),
    )

    class Meta:
        model = CourtOrder
        fields = ["court", "division", "case_number", "order_date", "received_on", "scan"]
        widgets = {
            "order_date": DateInput(),
            "received_on": DateInput(),
            "case_number": forms.TextInput(attrs={"placeholder": "III Nsm 123/24"}),
            "court": forms.TextInput(attrs={"placeholder": _("e.g. Sąd Rejonowy w Zielonej Dolinie")}),
            "division": forms.TextInput(attrs={"placeholder": _("e.g. III Wydział Rodzinny i Nieletnich")}),
        }
        help_texts = {"scan": _("PDF, JPEG or PNG.")}

    def __init__(self, *args: Any, by: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scan"].required = True
        self.fields["scan"].error_messages["required"] = _("Attach the scan of the order.")
        if by.is_manager:
            registered_by = self.instance.family.registered_by
            if registered_by.is_social_worker and registered_by.is_active:
                self.initial.setdefault("social_worker", registered_by.pk)
        else:
            # A social worker registers the order as the family's social worker.
            del self.fields["social_worker"]

    def clean_case_number(self) -> str:
        value = " ".join(self.cleaned_data["case_number"].split())
        division, _sep, rest = value.partition(" ")
        value = f"{division.upper()} {rest}".strip()
        if not CASE_NUMBER_RE.match(value):
            raise ValidationError(
                _(
                    "Enter the case number as it appears on the order, e.g. III Nsm 123/24: the division "
                    "in Roman numerals, the repertory letters, then the number and the two-digit year."
                ),
                code="case_number",
            )
        return value

    def clean_order_date(self) -> dt.date | None:
        return _not_in_future(
            self.cleaned_data.get("order_date"), _("The date of the order cannot be in the future.")
        )

    def clean_received_on(self) -> dt.date | None:
        return _not_in_future(
            self.cleaned_data.get("received_on"), _("The date received cannot be in the future.")
        )

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        order_date, received_on = cleaned.get("order_date"), cleaned.get("received_on")
        if order_date and received_on and received_on < order_date:
            self.add_error(
                "received_on",
                ValidationError(
                    _("The order cannot be received before the date it was issued."), code="before_order"
                ),
            )
        return cleaned


class AssistantChoiceField(forms.ModelChoiceField):
    """Every active assistant with the current number of families against the limit."""

    def __init__(self, *args: Any, loads: dict[int, int], limit: int, **kwargs: Any) -> None:
        self.loads, self.limit = loads, limit
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: User) -> str:
        load = self.loads.get(obj.pk, 0)
        label = f"{obj} — {load} / {self.limit}"
        if load >= self.limit:
            limit_reached = _("(limit reached)")
            label = f"{label} {limit_reached}"
        return label


class DecisionForm(forms.Form):
    """The head of the centre's decision on a referral (art. 11 ust. 4 of the Act)."""

    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect)
    # The referral's version when the page was opened: a decision on a stale page is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    assistant = forms.ModelChoiceField(queryset=User.objects.none())  # replaced in __init__
    note = forms.CharField(
        max_length=limits.REASON,
        label=_("Reason for the rejection, or the unit the family is referred to"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self, *args: Any, referral: Referral, loads: dict[int, int], limit: int, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.referral = referral
        self.initial.setdefault("version", referral.version)
        excluded = set()
        if referral.status == ReferralStatus.WAITLISTED:
            excluded.add(Decision.WAITLIST)
        if referral.legal_basis == LegalBasis.MINOR_PARENT:
            # art. 11 ust. 1a: a minor parent leaving an institution must be assigned an assistant.
            excluded |= {Decision.WAITLIST, Decision.REJECT}
        if referral.is_court_ordered:
            # A court order is never rejected or referred out (referrals.models.COURT_ORDER_NOT_REFUSED).
            excluded |= {Decision.REJECT, Decision.REFER}
        decisions = [(d.value, d.label) for d in Decision if d not in excluded]
        cast(forms.ChoiceField, self.fields["decision"]).choices = decisions
        if referral.is_court_ordered:
            self.fields["note"].label = _("Reason why the family must wait (required for the waiting list)")
        self.fields["assistant"] = AssistantChoiceField(
            queryset=User.objects.filter(is_assistant=True, is_active=True).order_by(
                "last_name", "first_name", "username"
            ),
            loads=loads,
            limit=limit,
            required=False,
            label=_("Family assistant"),
            empty_label=_("— choose the assistant —"),
            help_text=_("Current number of families / the limit (art. 15 ust. 4 of the Act)."),
        )

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        decision = cleaned.get("decision")
        if decision == Decision.ASSIGN and not cleaned.get("assistant"):
            self.add_error("assistant", _("Choose the assistant."))
        if decision == Decision.REJECT and not cleaned.get("note", "").strip():
            self.add_error("note", _("Give the reason for the rejection."))
        if (
            decision == Decision.WAITLIST
            and self.referral.is_court_ordered
            and not cleaned.get("note", "").strip()
        ):
            self.add_error("note", COURT_ORDER_WAIT_REASON)
        if decision == Decision.REFER and not cleaned.get("note", "").strip():
            self.add_error("note", _("Name the unit or organisation the family is referred to."))
        return cleaned
