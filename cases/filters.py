"""The family list's search and filters (django-filter), over the user's own scoped families."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import CharField, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Concat
from django.utils.translation import gettext_lazy as _

from .enums import CaseStatus, LegalBasis, Relation
from .models import Case, Family, FamilyMember

User = get_user_model()

NO_CASE = "none"
# A PESEL is searched by its last digits only from this many on (masked lists show four).
PESEL_SUFFIX_MIN = 4


def _count(queryset: QuerySet) -> Coalesce:
    """A correlated COUNT, so that counts never multiply with other joins."""
    counted = queryset.order_by().values("family").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def family_rows(user) -> QuerySet:  # noqa: ANN001
    """The families `user` may see, with what the list shows, in a fixed number of queries."""
    members = FamilyMember.objects.filter(family=OuterRef("pk"))
    latest_case = Case.objects.filter(family=OuterRef("pk")).order_by("-opened_on", "-pk")
    return Family.objects.visible_to(user).annotate(
        members_count=_count(members),
        children_count=_count(members.filter(relation=Relation.CHILD)),
        case_id=Subquery(latest_case.values("pk")[:1]),
        case_status=Subquery(latest_case.values("status")[:1]),
        case_legal_basis=Subquery(latest_case.values("legal_basis")[:1]),
        case_assistant_id=Subquery(latest_case.values("assistant_id")[:1]),
        case_assistant_name=Subquery(
            latest_case.values(
                name=Concat(
                    "assistant__first_name", Value(" "), "assistant__last_name", output_field=CharField()
                )
            )[:1]
        ),
    )


class FamilyFilter(django_filters.FilterSet):
    """Search by family name, member surname, PESEL (whole or its last digits) and address."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("surname, PESEL or address")}),
    )
    city = django_filters.ChoiceFilter(label=_("City"), empty_label=_("all"))
    case_status = django_filters.ChoiceFilter(
        label=_("Case status"),
        method="filter_case_status",
        choices=[(NO_CASE, _("no case yet")), *CaseStatus.choices],
        empty_label=_("all"),
    )
    legal_basis = django_filters.ChoiceFilter(
        label=_("Legal basis"),
        field_name="case_legal_basis",
        choices=LegalBasis.choices,
        empty_label=_("all"),
    )
    assistant = django_filters.ModelChoiceFilter(
        label=_("Family assistant"),
        method="filter_assistant",
        queryset=User.objects.none(),
        empty_label=_("all"),
    )

    class Meta:
        model = Family
        fields: list[str] = []

    def __init__(self, *args: object, user, **kwargs: object) -> None:  # noqa: ANN001
        super().__init__(*args, **kwargs)
        cities = Family.objects.visible_to(user).order_by("city").values_list("city", flat=True).distinct()
        self.filters["city"].extra["choices"] = [(c, c) for c in cities]
        if user.is_manager:
            self.filters["assistant"].queryset = User.objects.filter(is_assistant=True)
        else:
            # Only the manager sees the team; others see only their own families anyway.
            del self.filters["assistant"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        members = FamilyMember.objects.filter(family=OuterRef("pk"))
        condition = (
            Q(name__icontains=value)
            | Q(street__icontains=value)
            | Q(city__icontains=value)
            | Exists(members.filter(last_name__icontains=value))
        )
        digits = value.replace(" ", "")
        if digits.isdigit() and len(digits) >= PESEL_SUFFIX_MIN:
            condition |= Exists(members.filter(pesel__endswith=digits))
        return queryset.filter(condition)

    def filter_case_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == NO_CASE:
            return queryset.filter(case_status__isnull=True)
        return queryset.filter(case_status=value)

    def filter_assistant(self, queryset: QuerySet, name: str, value: User) -> QuerySet:
        return queryset.filter(case_assistant_id=value.pk)
