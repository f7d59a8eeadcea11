"""Scoped reads of case data: one way to reach an object, 404 for what the user may not see."""

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import cast

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from asystent.history import HistorySource
from asystent.models import User

from . import pesel as pesel_rules
from .enums import CaseStatus, ClosureProposalStatus, LegalBasis, Relation
from .models import (
    Assessment,
    Case,
    ClosureProposal,
    Family,
    FamilyMember,
    LegalBasisPeriod,
    WorkPlan,
)

# The apps above add the history of their records of a family to the family page's history:
# each registers, in its AppConfig.ready(), a function family -> its HistorySources.
FamilyHistory = Callable[[Family], Iterable[HistorySource]]
_family_history: list[FamilyHistory] = []


def register_family_history(source: FamilyHistory) -> None:
    """Add `source(family)`'s history to the family page (once, in registration order)."""
    if source not in _family_history:
        _family_history.append(source)


def registered_family_history(family: Family) -> list[HistorySource]:
    return [item for source in _family_history for item in source(family)]


def court_order_in_force(start: dt.date, end: dt.date, case: str = "pk") -> Exists:
    """Whether the case (`case`: the outer reference to its id) was court-ordered on at least one
    day of [start, end]: a court-order period of its legal basis overlaps the range. A period
    still open ends with the case's closure, if the case is closed."""
    periods = LegalBasisPeriod.objects.alias(
        until=Coalesce("ended_on", "case__closed_on"),
    ).filter(
        Q(until__isnull=True) | Q(until__gte=start),
        case_id=OuterRef(case),
        basis=LegalBasis.COURT_ORDER,
        started_on__lte=end,
    )
    return Exists(periods)


def court_ordered_during(start: dt.date, end: dt.date) -> QuerySet[Case]:
    """The cases that were court-ordered (art. 109 § 2 pkt 1 KRO) on at least one day of
    [start, end], counted for the days the order was in force: a case that became court-ordered
    during voluntary work counts from the order on, not before. Every figure counting
    court-ordered families (the dashboard, the semi-annual report) reads this."""
    return Case.objects.filter(court_order_in_force(start, end))


def get_family_for(user: User, pk: int, *, related: Sequence[str] = ()) -> Family:
    """`related`: relations the page shows, fetched in the same query (select_related)."""
    families = Family.objects.visible_to(user)
    # select_related() without names would follow every foreign key.
    return get_object_or_404(families.select_related(*related) if related else families, pk=pk)


def get_case_for(user: User, pk: int) -> Case:
    """The case `pk` if `user` may see it (`Case.objects.visible_to`), else 404. The case's pages
    name its assistant and social worker: fetched with it, not one query each."""
    if not user.is_authenticated or not user.is_active:
        raise Http404
    case = get_object_or_404(Case.objects.select_related("family", "assistant", "social_worker"), pk=pk)
    # Its own assistant and a manager see it without asking the database again (the common case,
    # and a plainer query to plan); anyone else only if its family is one of theirs.
    if user.is_manager or (user.is_assistant and case.assistant_id == user.pk):
        return case
    if not Case.objects.visible_to(user).filter(pk=pk).exists():
        raise Http404
    return case


def get_plan_for(user: User, pk: int) -> WorkPlan:
    return get_object_or_404(
        WorkPlan.objects.filter(case__in=Case.objects.visible_to(user)).select_related(
            "case__family",
            "case__assistant",
            "case__social_worker",
            "created_by",
            "social_worker_confirmed_by",
        ),
        pk=pk,
    )


def get_assessment_for(user: User, pk: int) -> Assessment:
    return get_object_or_404(
        Assessment.objects.filter(case__in=Case.objects.visible_to(user)).select_related(
            "case__family", "author", "acknowledged_by"
        ),
        pk=pk,
    )


def get_closure_proposal_for(user: User, pk: int) -> ClosureProposal:
    return get_object_or_404(
        ClosureProposal.objects.filter(case__in=Case.objects.visible_to(user)).select_related(
            "case__family", "case__assistant", "proposed_by", "decided_by"
        ),
        pk=pk,
    )


def pending_closures() -> QuerySet[ClosureProposal]:
    """The closures waiting for a manager's approval, the oldest first (the managers' queue)."""
    return (
        ClosureProposal.objects.filter(status=ClosureProposalStatus.PENDING)
        .select_related("case__family", "proposed_by")
        .order_by("proposed_at", "pk")
    )


def get_member_for(user: User, pk: int) -> FamilyMember:
    return get_object_or_404(
        FamilyMember.objects.filter(family__in=Family.objects.visible_to(user)).select_related("family"),
        pk=pk,
    )


def find_member_by_pesel(pesel: str) -> FamilyMember | None:
    """A member already on file with this PESEL, whoever may see the family (duplicate check)."""
    if not pesel:
        return None
    # One PESEL, one person: also a member removed from a family by mistake.
    return FamilyMember.all_objects.select_related("family").filter(pesel=pesel).first()


def find_namesakes(
    first_name: str, last_name: str, birth_date: dt.date, *, exclude_pk: int | None
) -> list[FamilyMember]:
    """Members already on file with this name and date of birth, whoever may see the family: the
    duplicate check for a person without a PESEL, who may be the same person registered before."""
    found = FamilyMember.all_objects.select_related("family").filter(
        first_name__iexact=first_name.strip(), last_name__iexact=last_name.strip(), birth_date=birth_date
    )
    if exclude_pk is not None:
        found = found.exclude(pk=exclude_pk)
    return list(found.order_by("pk")[:5])


# --- the family list ---------------------------------------------------------------------------------


def sees_every_family(user: User) -> bool:
    """Whether `user`'s scope is the whole register (as Family.objects.visible_to gives managers)."""
    return bool(user.is_authenticated and user.is_active and user.is_manager)


def families_for_list(user: User) -> QuerySet[Family]:
    """The families `user` may see, in the list's order, with the columns the list shows."""
    return Family.objects.visible_to(user).only("name", "street", "postal_code", "city")


def family_cities(user: User) -> dict[str, int | None]:
    """The cities of the families `user` may see, in order, each with its number of families: the
    list's city filter, and its count when no other filter applies. Over the whole register the
    cities are not counted (None): that would read every family."""
    if not sees_every_family(user):
        counted = Family.objects.visible_to(user).order_by("city").values_list("city").annotate(n=Count("pk"))
        return dict(counted)
    # DISTINCT would read every family too: a loose index scan steps through the (city, street)
    # index instead, one probe per city.
    table, column = (
        Family._meta.db_table,
        cast(str, Family._meta.get_field("city").column),
    )  # a concrete field
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH RECURSIVE cities(city) AS ("  # noqa: S608  # nosec B608 - names from the model, no input
            f"SELECT MIN({quote(column)}) FROM {quote(table)} "
            f"UNION ALL SELECT (SELECT MIN(f.{quote(column)}) FROM {quote(table)} f "
            f"WHERE f.{quote(column)} > cities.city) FROM cities WHERE cities.city IS NOT NULL"
            f") SELECT city FROM cities WHERE city IS NOT NULL"
        )
        return dict.fromkeys(city for (city,) in cursor.fetchall())


def assistant_choices() -> list[tuple[str, str]]:
    """(pk, name) of every family assistant, for the manager's assistant filter."""
    rows = (
        User.objects.filter(is_assistant=True)
        .order_by("last_name", "first_name", "username")
        .values_list("pk", "first_name", "last_name", "username")
    )
    return [(str(pk), f"{first} {last}".strip() or username) for pk, first, last, username in rows]


_STAND_IN_PK = 2147483647


def _url_of(name: str) -> Callable[[int], str]:
    """The URL `name` as a function of a pk: reversed once per page rather than once per row,
    which was a noticeable part of rendering the list."""
    head, tail = reverse(name, args=[_STAND_IN_PK]).split(str(_STAND_IN_PK))
    return lambda pk: f"{head}{pk}{tail}"


def fill_family_rows(families: Sequence[Family]) -> None:
    """Add what a page of the family list shows to each of `families`, in two queries whatever the
    page's length: its members (`members_summary`, `members_count`, `children_count`) and its
    latest case (`case_id`, `case_status`, `case_status_label`, `case_assistant_name`), and the
    links (`url`, `case_url`)."""
    by_pk = {family.pk: family for family in families}
    people: dict[int, list[str]] = {pk: [] for pk in by_pk}
    for family in families:
        family.members_count = family.children_count = 0
        family.case_id = family.case_status = None
        family.case_status_label = family.case_assistant_name = family.case_url = ""
    if not by_pk:
        return
    members = (
        FamilyMember.objects.filter(family_id__in=by_pk)
        .order_by("family_id", "birth_date", "pk")
        .values_list("family_id", "first_name", "last_name", "pesel", "relation")
    )
    for family_id, first, last, pesel, relation in members:
        family = by_pk[family_id]
        family.members_count += 1
        family.children_count += relation == Relation.CHILD
        # Lists show a PESEL masked.
        people[family_id].append(
            f"{first} {last} ({pesel_rules.mask(pesel)})" if pesel else f"{first} {last}"
        )
    family_url = _url_of("cases:family-detail")
    for family in families:
        # One string per family, not a loop per row in the template: rendering is most of the
        # list's cost.
        family.members_summary = ", ".join(people[family.pk])
        family.url = family_url(family.pk)
    cases = (
        Case.objects.filter(family_id__in=by_pk)
        .order_by("family_id", "-opened_on", "-pk")
        .values_list(
            "family_id",
            "pk",
            "status",
            "assistant__first_name",
            "assistant__last_name",
            "assistant__username",
        )
    )
    case_url = _url_of("cases:case-detail")
    for family_id, pk, status, first, last, username in cases:
        family = by_pk[family_id]
        if family.case_id is None:  # the first is the latest
            family.case_id, family.case_status = pk, status
            family.case_url = case_url(pk)
            family.case_status_label = CaseStatus(status).label
            family.case_assistant_name = f"{first} {last}".strip() or username
