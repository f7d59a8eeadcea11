"""Filters of the referral list (django-filter): status, legal basis, family name."""

import django_filters
from django.utils.translation import gettext_lazy as _

from cases.enums import LegalBasis

from .enums import ReferralStatus
from .models import Referral


class ReferralFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ReferralStatus.choices, empty_label=_("all statuses")
    )
    legal_basis = django_filters.ChoiceFilter(
        label=_("Legal basis"), choices=LegalBasis.choices, empty_label=_("all legal bases")
    )
    family = django_filters.CharFilter(
        label=_("Family name"), field_name="family__name", lookup_expr="icontains"
    )

    class Meta:
        model = Referral
        fields = ["status", "legal_basis", "family"]
