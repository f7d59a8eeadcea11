"""Filters of the manager's lists (django-filter): assistant, coordinator's team, status, legal basis
and period."""

import django_filters
from django.utils.translation import gettext_lazy as _
from django_filters.widgets import DateRangeWidget

from asystent.models import User
from cases.enums import CaseStatus, LegalBasis
from cases.models import Case
from referrals.models import Referral


def _assistants(request) -> object:  # noqa: ANN001 - django-filter passes the request
    return User.objects.filter(is_assistant=True).order_by("last_name", "first_name", "pk")


def _coordinators(request) -> object:  # noqa: ANN001 - django-filter passes the request
    return (
        User.objects.filter(is_manager=True, team__isnull=False)
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


class _DateRangeWidget(DateRangeWidget):
    """Two date inputs, each with its own accessible name."""

    def __init__(self) -> None:
        super().__init__(attrs={"type": "date", "class": "form-control"})
        self.widgets[0].attrs["aria-label"] = _("from")
        self.widgets[1].attrs["aria-label"] = _("to")


class CaseFilter(django_filters.FilterSet):
    """Narrows a list of cases; `period` selects the cases opened between two dates."""

    assistant = django_filters.ModelChoiceFilter(
        label=_("Assistant"),
        queryset=_assistants,
        empty_label=_("all assistants"),
    )
    coordinator = django_filters.ModelChoiceFilter(
        label=_("Coordinator's team"),
        field_name="assistant__coordinator",
        queryset=_coordinators,
        empty_label=_("all teams"),
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=CaseStatus.choices, empty_label=_("all"))
    legal_basis = django_filters.ChoiceFilter(
        label=_("Legal basis"), choices=LegalBasis.choices, empty_label=_("all")
    )
    period = django_filters.DateFromToRangeFilter(
        label=_("Opened between"), field_name="opened_on", widget=_DateRangeWidget()
    )

    class Meta:
        model = Case
        fields = ["assistant", "coordinator", "status", "legal_basis", "period"]

    def __init__(self, *args, with_period: bool = True, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        if not with_period:
            # The report's lists are already limited to the reporting period.
            del self.filters["period"]
        for field in self.form.fields.values():
            field.widget.attrs.setdefault("class", "form-select")


class ReferralFilter(django_filters.FilterSet):
    """Narrows the referral queue; `period` selects the referrals submitted between two dates."""

    legal_basis = django_filters.ChoiceFilter(
        label=_("Legal basis"), choices=LegalBasis.choices, empty_label=_("all")
    )
    period = django_filters.DateFromToRangeFilter(
        label=_("Submitted between"), field_name="submitted_at__date", widget=_DateRangeWidget()
    )

    class Meta:
        model = Referral
        fields = ["legal_basis", "period"]

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.form.fields["legal_basis"].widget.attrs.setdefault("class", "form-select")
