"""The family list's search and filters (django-filter), over the user's own scoped families.

Each filter is written so that PostgreSQL answers it from an index also with 450,000 families on
file: the search's `icontains` through the trigram indexes of migration cases 0008, the filters on
the family's latest case through the case table's indexes.
"""

import re
from html import escape
from typing import Any

import django_filters
from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Window
from django.forms.utils import flatatt
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from asystent.pagination import page_number

from .enums import CaseStatus, LegalBasis
from .models import Case, Family, FamilyMember
from .selectors import assistant_choices, family_cities, sees_every_family

NO_CASE = "none"
# A PESEL is searched by its last digits only from this many on (masked lists show four).
PESEL_SUFFIX_MIN = 4
PESEL_LENGTH = 11
# Trigram indexes serve "contains" from three characters; a shorter search matches the start of a
# name instead (which they also serve), so that one letter does not read every family on file.
CONTAINS_MIN = 3


_SPECIAL = re.compile("[&<>\"']")


def _escape(text: str) -> str:
    # Names rarely hold a character to escape; looking is cheaper than escaping thousands of them.
    return escape(text) if _SPECIAL.search(text) else text


class QuickSelect(forms.Select):
    """A select built in Python: Django renders every option through a template, which costs a
    manager's page tens of milliseconds with a few hundred assistants to choose from."""

    def render(
        self, name: str, value: object, attrs: dict[str, Any] | None = None, renderer: object = None
    ) -> SafeString:
        chosen = {str(v) for v in self.format_value(value)}
        options = []
        for key, label in self.choices:
            key = str(key)
            selected = " selected" if key in chosen else ""
            options.append(f'<option value="{_escape(key)}"{selected}>{_escape(str(label))}</option>')
        select_attrs = flatatt(self.build_attrs(self.attrs, {**(attrs or {}), "name": name}))
        return mark_safe(f"<select{select_attrs}>{''.join(options)}</select>")  # noqa: S308  # nosec B308 B703 - escaped above


def latest_cases() -> QuerySet:
    """Each family's latest case, the one the list shows: no case of the family opened later (or,
    opened the same day, recorded later)."""
    later = Case.objects.filter(family=OuterRef("family")).filter(
        Q(opened_on__gt=OuterRef("opened_on")) | Q(opened_on=OuterRef("opened_on"), pk__gt=OuterRef("pk"))
    )
    return Case.objects.order_by().filter(~Exists(later))


def _select(**kwargs: object) -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(
        empty_label=_("all"), widget=QuickSelect(attrs={"class": "form-select"}), **kwargs
    )


class FamilyFilter(django_filters.FilterSet):
    """Search by family name, member surname, PESEL (whole or its last digits) and address."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(
            attrs={"type": "search", "class": "form-control", "placeholder": _("surname, PESEL or address")}
        ),
    )
    city = _select(label=_("City"))
    case_status = _select(
        label=_("Case status"),
        method="filter_case_status",
        choices=[(NO_CASE, _("no case yet")), *CaseStatus.choices],
    )
    legal_basis = _select(label=_("Legal basis"), method="filter_legal_basis", choices=LegalBasis.choices)
    assistant = _select(label=_("Family assistant"), method="filter_assistant")

    class Meta:
        model = Family
        fields: list[str] = []

    def __init__(self, *args: object, user, **kwargs: object) -> None:  # noqa: ANN001
        super().__init__(*args, **kwargs)
        self.everyone = sees_every_family(user)
        self.cities = family_cities(user)
        self.filters["city"].extra["choices"] = [(c, c) for c in self.cities]
        if user.is_manager:
            self.assistants = assistant_choices()
            # A callable: the form copies its fields deeply, and a list of thousands of choices with them.
            self.filters["assistant"].extra["choices"] = lambda: self.assistants
        else:
            # Only the manager sees the team; others see only their own families anyway.
            del self.filters["assistant"]

    @property
    def form(self) -> forms.Form:
        if not hasattr(self, "_form"):
            form = super().form
            if "assistant" in form.fields:
                # The options as a plain list: the field's own choices are normalised anew each
                # time they are read, which thousands of assistants make slow.
                form.fields["assistant"].widget.choices = [("", _("all")), *self.assistants]
        return self._form

    def applied(self) -> dict[str, object]:
        """The filters the list applies: the form's valid, non-empty fields."""
        if not self.is_bound:
            return {}
        self.form.is_valid()  # cleans the form
        return {name: value for name, value in self.form.cleaned_data.items() if value not in (None, "")}

    def known_count(self) -> int | None:
        """The number of families the list shows, when the cities' counts tell it already: no
        filter but the city applies. None otherwise."""
        applied, counts = self.applied(), self.cities.values()
        if None in counts or set(applied) - {"city"}:
            return None
        return self.cities.get(str(applied["city"]), 0) if applied else sum(n or 0 for n in counts)

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        if len(value) < CONTAINS_MIN:
            in_family = Q(name__istartswith=value) | Q(city__istartswith=value)
            in_member = Q(last_name__istartswith=value)
        else:
            in_family = Q(name__icontains=value) | Q(street__icontains=value) | Q(city__icontains=value)
            in_member = Q(last_name__icontains=value)
        digits = value.replace(" ", "")
        if digits.isdigit() and len(digits) == PESEL_LENGTH:
            in_member |= Q(pesel=digits)  # the whole number: the unique index
        elif digits.isdigit() and len(digits) >= PESEL_SUFFIX_MIN:
            in_member |= Q(pesel__endswith=digits)
        members = FamilyMember.objects.order_by().filter(in_member)
        if self.everyone:
            # Across the whole register, an OR over two tables would read every family: each half
            # is found through its own indexes instead, and the families are those ids.
            found = (
                Family.objects.order_by()
                .filter(in_family)
                .values("pk")
                .union(members.values("family_id"), all=True)
            )
            return queryset.filter(pk__in=found)
        # A user's own few families are each checked directly.
        return queryset.filter(in_family | Exists(members.filter(family=OuterRef("pk"))))

    def filter_case_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == NO_CASE:
            return queryset.filter(~Exists(Case.objects.filter(family=OuterRef("pk"))))
        return self._by_latest_case(queryset, status=value)

    def filter_legal_basis(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return self._by_latest_case(queryset, legal_basis=value)

    def filter_assistant(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return self._by_latest_case(queryset, assistant_id=value)

    @staticmethod
    def _by_latest_case(queryset: QuerySet, **condition: object) -> QuerySet:
        return queryset.filter(pk__in=latest_cases().filter(**condition).values("family_id"))


def family_page(filterset: FamilyFilter, number: str | int | None, per_page: int) -> Page:
    """The page `number` of the filtered list, counted the cheapest way: by the cities' counts
    when only the city filters; with the page's own query (COUNT(*) OVER ()) when the matches
    are read whole anyway, to be put in order (a search, or a user's own families); and by a
    COUNT query otherwise (the manager's filters, which an index walk pages without reading all)."""
    paginator = Paginator(filterset.qs, per_page)
    known = filterset.known_count()
    if known is not None:
        paginator.count = known
        return paginator.get_page(number)
    if filterset.everyone and "q" not in filterset.applied():
        return paginator.get_page(number)
    number = page_number(number)
    bottom = (number - 1) * per_page
    rows = (
        list(filterset.qs.annotate(found=Window(Count("pk")))[bottom : bottom + per_page])
        if number > 0
        else []
    )
    if not rows:
        return paginator.get_page(number)  # out of range (or nothing found): counted, the last page
    paginator.count = rows[0].found
    page = paginator.page(number)
    page.object_list = rows
    return page
