"""Every key page costs the same number of SQL queries with 10 families on file as with 500.

The data is built once for the module with bulk_create (a family with its members, case,
referral, consent, plan, assessment, visits, court request and notifications, and every other
family closed in the last half-year), the pages are counted, the data grows fiftyfold (and the
families, visits and notifications of the people looking at the pages grow with it), and the
pages are counted again. Everything is rolled back at the end.
"""

import datetime as dt
import itertools

import pytest
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.enums import AssessmentStatus, CaseStatus, ClosureReason, LegalBasis, Relation
from cases.models import (
    Assessment,
    Assignment,
    Case,
    Consent,
    Family,
    FamilyMember,
    Goal,
    PlanAction,
    WorkPlan,
)
from courts.models import CourtRequest
from notifications.models import Notification
from referrals.enums import ReferralStatus
from referrals.models import Referral
from reports.statistics import Period
from visits.models import Intervention, Visit

from .factories import ProblemAreaFactory, UserFactory

# The marker makes pytest-django set up the test database, which the module's fixture fills.
pytestmark = pytest.mark.django_db

SMALL, LARGE = 10, 500
SEARCH = "Nowak"

# page key -> (who looks, the URL given the subjects)
PAGES = {
    "assistant's home": ("assistant", lambda s: reverse("home")),
    "family list with a search": ("assistant", lambda s: f"{reverse('cases:family-list')}?q={SEARCH}"),
    "family list with a search, manager": ("manager", lambda s: f"{reverse('cases:family-list')}?q={SEARCH}"),
    "family page": ("assistant", lambda s: reverse("cases:family-detail", args=[s["family"]])),
    "case page with its timeline": ("assistant", lambda s: reverse("cases:case-detail", args=[s["case"]])),
    "manager's dashboard": ("manager", lambda s: reverse("reports:dashboard")),
    "half-year report": ("manager", lambda s: reverse("reports:semiannual")),
    "notification list": ("assistant", lambda s: reverse("notifications:list")),
}

_ids = itertools.count(1)


def build(first: int, count: int, *, assistants, manager, social_worker, subject_case=None, visits=2) -> dict:  # noqa: ANN001
    """Families first..first+count-1, each with an active case of one of `assistants` (in turn)
    and everything the key pages show; `visits` visits per case. Returns the first family's ids."""
    today = timezone.localdate()
    period = Period.last_complete_half()
    area = ProblemAreaFactory()
    families = Family.objects.bulk_create(
        Family(
            name="Nowakowie" if n % 2 else "Kowalscy",
            street=f"ul. Piotrkowska {n}",
            postal_code="90-001",
            city="Łódź",
            registered_by=social_worker,
        )
        for n in range(first, first + count)
    )
    members = []
    for n, family in zip(range(first, first + count), families, strict=True):
        born = dt.date(1980, 1, 1) + dt.timedelta(days=n)
        members.append(
            FamilyMember(
                family=family,
                first_name="Anna",
                last_name="Nowak",
                relation=Relation.PARENT,
                birth_date=born,
                sex="F",
            )
        )
        members.append(
            FamilyMember(
                family=family,
                first_name="Jan",
                last_name="Nowak",
                relation=Relation.CHILD,
                birth_date=born + dt.timedelta(days=30 * 365),
                sex="M",
            )
        )
    FamilyMember.objects.bulk_create(members)
    opened = today - dt.timedelta(days=300)
    cases = Case.objects.bulk_create(
        Case(
            family=family,
            assistant=assistants[position % len(assistants)],
            social_worker=social_worker,
            legal_basis=LegalBasis.COURT_ORDER if position % 3 == 0 else LegalBasis.VOLUNTARY,
            status=CaseStatus.ACTIVE,
            opened_on=opened,
            started_on=opened,
        )
        for position, family in enumerate(families)
    )
    # Every other family also had a case that closed in the reporting period (the half-year report).
    closed = Case.objects.bulk_create(
        Case(
            family=family,
            assistant=assistants[0],
            social_worker=social_worker,
            legal_basis=LegalBasis.VOLUNTARY,
            status=CaseStatus.CLOSED,
            opened_on=period.start - dt.timedelta(days=400),
            started_on=period.start - dt.timedelta(days=400),
            closed_on=period.start + dt.timedelta(days=10),
            closure_reason=ClosureReason.GOALS_ACHIEVED,
        )
        for family in families[::2]
    )
    Assignment.objects.bulk_create(
        Assignment(case=case, assistant=case.assistant, started_on=case.opened_on, assigned_by=manager)
        for case in cases + closed
    )
    Referral.objects.bulk_create(
        Referral(
            family=case.family,
            social_worker=social_worker,
            legal_basis=LegalBasis.VOLUNTARY,
            justification="Rodzina wymaga wsparcia.",
            status=ReferralStatus.ASSIGNED,
            submitted_at=timezone.now() - dt.timedelta(days=310),
            decided_at=timezone.now() - dt.timedelta(days=300),
            decided_by=manager,
            case=case,
        )
        for case in cases
        if case.legal_basis == LegalBasis.VOLUNTARY
    )
    Consent.objects.bulk_create(
        Consent(case=case, decision="given", date=opened, recorded_by=case.assistant) for case in cases
    )
    plans = WorkPlan.objects.bulk_create(
        WorkPlan(case=case, version=1, main_goal="Poprawa opieki nad dziećmi.", created_by=case.assistant)
        for case in cases
    )
    goals = Goal.objects.bulk_create(Goal(plan=plan, area=area, description="Szkoła.") for plan in plans)
    PlanAction.objects.bulk_create(
        PlanAction(
            goal=goal,
            description="Plan dnia.",
            responsible="family_member",
            deadline=today + dt.timedelta(days=days),
            expected_effect="Dzieci chodzą do szkoły.",
            status="planned",
        )
        for goal in goals
        for days in (-3, 5)
    )
    Assessment.objects.bulk_create(
        Assessment(
            case=case,
            date=today - dt.timedelta(days=120),
            narrative="Sytuacja się poprawia.",
            recommendation="continue",
            status=AssessmentStatus.SUBMITTED,
            author=case.assistant,
            submitted_at=timezone.now(),
        )
        for case in cases
    )
    visited = [*cases, *([subject_case] * 10 if subject_case else [])]
    Visit.objects.bulk_create(
        Visit(
            case=case,
            date=today - dt.timedelta(days=day),
            start_time=dt.time(10),
            end_time=dt.time(11),
            kind="home_visit",
            place="home",
            topics="Rozmowa o budżecie.",
            status="final",
            finalised_at=timezone.now(),
            next_meeting=today + dt.timedelta(days=2) if day == 0 else None,
            author=case.assistant,
        )
        for case in visited
        for day in range(visits)
    )
    Intervention.objects.bulk_create(
        Intervention(
            case=case,
            date=timezone.now() - dt.timedelta(days=3),
            description="Interwencja.",
            informed_police=True,
            informed_at=timezone.now() - dt.timedelta(days=3),
            author=case.assistant,
        )
        for case in cases[::5]
    )
    CourtRequest.objects.bulk_create(
        CourtRequest(
            case=case,
            court="Sąd Rejonowy",
            division="III Wydział Rodzinny i Nieletnich",
            case_number=f"III Nsm {next(_ids)}/26",
            letter_date=today - dt.timedelta(days=10),
            received_on=today - dt.timedelta(days=8),
            due_date=today + dt.timedelta(days=10),
            request_text="Prośba o opinię.",
            registered_by=case.assistant,
        )
        for case in cases
        if case.legal_basis == LegalBasis.COURT_ORDER
    )
    Notification.objects.bulk_create(
        Notification(
            recipient=user,
            rule="no_contact",
            key=f"test:{next(_ids)}",
            message="Brak kontaktu.",
            url=reverse("cases:case-detail", args=[case.pk]),
            family_id=case.family_id,
            read_at=None if n % 3 else timezone.now(),
        )
        for n, case in enumerate(cases)
        for user in (case.assistant, manager)
    )
    return {"family": families[0].pk, "case": cases[0].pk, "case_object": cases[0]}


def count(clients: dict, subjects: dict) -> dict[str, int]:
    counts = {}
    for page, (role, url_of) in PAGES.items():
        client, url = clients[role], url_of(subjects)
        assert client.get(url).status_code == 200, url  # fills the caches (the centre's row...)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[page] = len(queries)
    return counts


def shown(clients: dict, subjects: dict) -> dict[str, int]:
    """What the pages show, to be sure the larger data set really reached them."""
    families = clients["manager"].get(PAGES["family list with a search, manager"][1](subjects))
    # The timeline is shown a page at a time: every entry, down to its fifth page.
    case = clients["assistant"].get(PAGES["case page with its timeline"][1](subjects) + "?timeline=5")
    return {
        "families found": families.context["page"].paginator.count,
        "timeline rows": len(case.context["work_panel"]["timeline"].rows),
    }


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker):
    """(counts with 10 families, counts with 500, what the pages showed with each)."""
    with (
        django_db_blocker.unblock(),
        override_settings(
            OTP_REQUIRED_FOR_STAFF=False, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
        ),
        transaction.atomic(),
    ):
        assert not Family.objects.exists(), "not an empty test database"
        manager = UserFactory(username="qc-manager", manager=True)
        social_worker = UserFactory(username="qc-social-worker", social_worker=True)
        assistant = UserFactory(username="qc-assistant", assistant=True)
        clients = {"assistant": Client(), "manager": Client()}
        clients["assistant"].force_login(assistant)
        clients["manager"].force_login(manager)
        team = {"manager": manager, "social_worker": social_worker}
        subjects = build(0, SMALL, assistants=[assistant], **team)
        small, small_shown = count(clients, subjects), shown(clients, subjects)
        others = [UserFactory(username=f"qc-assistant-{n}", assistant=True) for n in range(40)]
        # The assistant keeps a full caseload; the other 480 families go to 40 colleagues.
        build(SMALL, 5, assistants=[assistant], subject_case=subjects["case_object"], visits=5, **team)
        build(SMALL + 5, LARGE - SMALL - 5, assistants=others, **team)
        large, large_shown = count(clients, subjects), shown(clients, subjects)
        transaction.set_rollback(True)
    return small, large, small_shown, large_shown


def test_the_larger_data_set_reaches_the_pages(measured):
    _small, _large, small_shown, large_shown = measured
    assert small_shown["families found"] == SMALL
    assert large_shown["families found"] == LARGE
    assert large_shown["timeline rows"] > small_shown["timeline rows"] + 40


@pytest.mark.parametrize("page", list(PAGES))
def test_the_query_count_does_not_grow_with_the_data(measured, page):
    small, large, _small_shown, _large_shown = measured
    assert large[page] == small[page], (
        f"{page}: {small[page]} queries with {SMALL} families, {large[page]} with {LARGE}"
    )
