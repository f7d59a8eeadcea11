"""factory-boy factories with named users per role (the healthchecks style: alice, bob...)."""

import datetime as dt
from typing import TYPE_CHECKING, Any, TypeVar, cast

import factory
from django.db import models
from django.utils import timezone
from factory.django import DjangoModelFactory

from asystent.models import User
from cases import pesel as pesel_rules
from cases.enums import CaseStatus, LegalBasis, Relation, Sex
from cases.models import (
    Assessment,
    AssessmentArea,
    AssessmentRating,
    Assignment,
    Case,
    Consent,
    Family,
    FamilyMember,
    Goal,
    LegalBasisPeriod,
    PlanAction,
    ProblemArea,
    WorkPlan,
)
from courts.models import CourtRequest
from referrals.enums import ReferralStatus
from referrals.models import CommunityInterview, CourtOrder, Referral
from visits.models import Intervention, Visit

TEST_PASSWORD = "correct-horse-battery-staple"

M = TypeVar("M", bound=models.Model)


class ModelFactory(DjangoModelFactory[M]):
    """DjangoModelFactory whose call is typed as what it returns: the model instance."""

    class Meta:
        abstract = True

    if TYPE_CHECKING:
        # factory_boy's __new__ returns the created model, but is typed as making the factory.
        def __new__(cls, *args: Any, **kwargs: Any) -> M: ...  # type: ignore[misc]


class UserFactory(ModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="pl_PL")
    last_name = factory.Faker("last_name", locale="pl_PL")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password(TEST_PASSWORD)

    class Params:
        social_worker = factory.Trait(is_social_worker=True)
        assistant = factory.Trait(is_assistant=True, employment_form="employment")
        manager = factory.Trait(is_manager=True)
        administrator = factory.Trait(is_administrator=True)


_faker = pesel_rules.fake(20261129)
_issued: set[str] = set()


def make_pesel(birth_date: dt.date, sex: str) -> str:
    """A PESEL no other factory-made person of this test run has: Faker draws the serial digits
    at random, and two draws for one birth date can repeat."""
    while (pesel := pesel_rules.generate(birth_date, sex, _faker)) in _issued:
        pass
    _issued.add(pesel)
    return pesel


class FamilyFactory(ModelFactory[Family]):
    class Meta:
        model = Family

    name = factory.Faker("last_name", locale="pl_PL")
    street = factory.Faker("street_address", locale="pl_PL")
    postal_code = factory.Sequence(lambda n: f"{(n % 90) + 10:02d}-{n % 1000:03d}")
    city = "Zielona Dolina"
    gmina = "Zielona Dolina"
    registered_by = factory.SubFactory(UserFactory, social_worker=True)


class FamilyMemberFactory(ModelFactory[FamilyMember]):
    class Meta:
        model = FamilyMember

    family = factory.SubFactory(FamilyFactory)
    first_name = factory.Faker("first_name_female", locale="pl_PL")
    last_name = factory.LazyAttribute(lambda m: m.family.name)
    relation = Relation.PARENT
    sex = Sex.FEMALE
    birth_date = dt.date(1988, 4, 12)
    pesel = factory.LazyAttribute(lambda m: make_pesel(m.birth_date, m.sex))

    class Params:
        child = factory.Trait(relation=Relation.CHILD, birth_date=dt.date(2015, 9, 3))
        no_pesel = factory.Trait(pesel="")


class CaseFactory(ModelFactory[Case]):
    class Meta:
        model = Case
        skip_postgeneration_save = True

    family = factory.SubFactory(FamilyFactory)
    assistant = factory.SubFactory(UserFactory, assistant=True)
    social_worker = factory.SelfAttribute("family.registered_by")
    legal_basis = LegalBasis.VOLUNTARY
    status = CaseStatus.ACTIVE
    opened_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=60))
    started_on = factory.SelfAttribute("opened_on")

    class Params:
        awaiting_consent = factory.Trait(status=CaseStatus.AWAITING_CONSENT, started_on=None)
        court_ordered = factory.Trait(legal_basis=LegalBasis.COURT_ORDER)
        closed = factory.Trait(
            status=CaseStatus.CLOSED,
            closed_on=factory.LazyFunction(timezone.localdate),
            closure_reason="goals_achieved",
        )

    @factory.post_generation
    def assignment(self, create, extracted, **kwargs):
        case = cast(Case, self)  # factory_boy passes the created case, not the factory
        if create:
            Assignment.objects.create(
                case=case, assistant=case.assistant, started_on=case.opened_on, assigned_by=case.assistant
            )

    @factory.post_generation
    def basis_period(self, create, extracted, **kwargs):
        """One period of the legal basis, as `open_case` makes (and the migration made for every
        case): from the opening, ended by the closure. `basis_period=False` makes none."""
        case = cast(Case, self)
        if create and extracted is not False:
            ended_on = max(case.closed_on, case.opened_on) if case.closed_on else None
            LegalBasisPeriod.objects.create(
                case=case, basis=case.legal_basis, started_on=case.opened_on, ended_on=ended_on
            )


class ConsentFactory(ModelFactory[Consent]):
    class Meta:
        model = Consent

    case = factory.SubFactory(CaseFactory)
    decision = "given"
    date = factory.LazyFunction(timezone.localdate)
    recorded_by = factory.SelfAttribute("case.assistant")


class CommunityInterviewFactory(ModelFactory[CommunityInterview]):
    class Meta:
        model = CommunityInterview
        skip_postgeneration_save = True

    family = factory.SubFactory(FamilyFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=10))
    social_worker = factory.SelfAttribute("family.registered_by")
    summary = "Rodzina ma trudności w prowadzeniu gospodarstwa domowego."

    @factory.post_generation
    def problem_areas(self, create, extracted, **kwargs):
        if create:
            self.problem_areas.set(extracted or ProblemArea.objects.all()[:2])


class CourtOrderFactory(ModelFactory[CourtOrder]):
    class Meta:
        model = CourtOrder

    family = factory.SubFactory(FamilyFactory)
    court = "Sąd Rejonowy w Zielonej Dolinie"
    division = "III Wydział Rodzinny i Nieletnich"
    case_number = factory.Sequence(lambda n: f"III Nsm {n + 100}/26")
    order_date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=14))
    received_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=7))
    registered_by = factory.SelfAttribute("family.registered_by")


class ReferralFactory(ModelFactory[Referral]):
    class Meta:
        model = Referral

    family = factory.SubFactory(FamilyFactory)
    interview = factory.SubFactory(CommunityInterviewFactory, family=factory.SelfAttribute("..family"))
    social_worker = factory.SelfAttribute("family.registered_by")
    legal_basis = LegalBasis.VOLUNTARY
    justification = "Rodzina wymaga wsparcia w opiece nad dziećmi."
    status = ReferralStatus.DRAFT

    class Params:
        submitted = factory.Trait(
            status=ReferralStatus.SUBMITTED, submitted_at=factory.LazyFunction(timezone.now)
        )
        court_ordered = factory.Trait(
            legal_basis=LegalBasis.COURT_ORDER,
            interview=None,
            court_order=factory.SubFactory(CourtOrderFactory, family=factory.SelfAttribute("..family")),
            status=ReferralStatus.SUBMITTED,
            submitted_at=factory.LazyFunction(timezone.now),
        )


class VisitFactory(ModelFactory[Visit]):
    """A saved home visit last week; `draft=True` for an unfinished one."""

    class Meta:
        model = "visits.Visit"

    case = factory.SubFactory(CaseFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=7))
    start_time = dt.time(10, 0)
    end_time = dt.time(11, 30)
    duration_minutes = 90
    kind = "home_visit"
    place = "home"
    topics = "Rozmowa o organizacji dnia dzieci i o budżecie domowym."
    tasks_agreed = "Pani zapisze wydatki z tygodnia."
    status = "final"
    finalised_at = factory.LazyFunction(timezone.now)
    author = factory.SelfAttribute("case.assistant")

    class Params:
        draft = factory.Trait(status="draft", finalised_at=None, topics="")
        phone = factory.Trait(kind="phone", place="", start_time=None, end_time=None, duration_minutes=15)


class InterventionFactory(ModelFactory[Intervention]):
    class Meta:
        model = "visits.Intervention"

    case = factory.SubFactory(CaseFactory)
    date = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=3))
    description = "Dzieci pozostawione bez opieki; wezwano patrol policji."
    informed_police = True
    informed_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=2))
    reference_numbers = "KPP Zielona Dolina RSD-123/26"
    author = factory.SelfAttribute("case.assistant")


class ProblemAreaFactory(ModelFactory[ProblemArea]):
    """An area of the dictionary; the migration seeds the leaflet's list, transactional tests flush it."""

    class Meta:
        model = ProblemArea
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Obszar problemowy {n}")
    order = factory.Sequence(lambda n: n)


class WorkPlanFactory(ModelFactory[WorkPlan]):
    """A plan version without goals; `plans.save_plan_version` makes complete plans in tests."""

    class Meta:
        model = "cases.WorkPlan"

    case = factory.SubFactory(CaseFactory)
    version = 1
    main_goal = "Poprawa organizacji życia rodziny i opieki nad dziećmi."
    created_by = factory.SelfAttribute("case.assistant")


class GoalFactory(ModelFactory[Goal]):
    class Meta:
        model = "cases.Goal"

    plan = factory.SubFactory(WorkPlanFactory)
    area = factory.SubFactory(ProblemAreaFactory)
    description = "Regularne uczęszczanie dzieci do szkoły."
    order = factory.Sequence(lambda n: n)


class PlanActionFactory(ModelFactory[PlanAction]):
    class Meta:
        model = "cases.PlanAction"

    goal = factory.SubFactory(GoalFactory)
    description = "Ustalenie planu dnia z dziećmi."
    responsible = "family_member"
    responsible_name = "matka"
    deadline = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))
    expected_effect = "Dzieci wstają na czas i chodzą do szkoły."
    status = "planned"


class AssessmentAreaFactory(ModelFactory[AssessmentArea]):
    class Meta:
        model = "cases.AssessmentArea"
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Obszar oceny {n}")
    order = factory.Sequence(lambda n: 100 + n)


class AssessmentFactory(ModelFactory[Assessment]):
    """A draft assessment without ratings; `submitted=True` for one handed to the manager."""

    class Meta:
        model = "cases.Assessment"

    case = factory.SubFactory(CaseFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=1))
    narrative = "Sytuacja rodziny stopniowo się poprawia."
    recommendation = "continue"
    status = "draft"
    author = factory.SelfAttribute("case.assistant")

    class Params:
        submitted = factory.Trait(status="submitted", submitted_at=factory.LazyFunction(timezone.now))


class AssessmentRatingFactory(ModelFactory[AssessmentRating]):
    class Meta:
        model = "cases.AssessmentRating"

    assessment = factory.SubFactory(AssessmentFactory)
    area = factory.SubFactory(AssessmentAreaFactory)
    rating = 3


class CourtRequestFactory(ModelFactory[CourtRequest]):
    """A family court's letter asking for an opinion (courts.CourtRequest), on a court-ordered case."""

    class Meta:
        model = "courts.CourtRequest"

    case = factory.SubFactory(CaseFactory, court_ordered=True)
    court = "Sąd Rejonowy dla Łodzi-Śródmieścia w Łodzi"
    division = "III Wydział Rodzinny i Nieletnich"
    court_address = "ul. Kopcińskiego 56, 90-032 Łódź"
    case_number = factory.Sequence(lambda n: f"III Nsm {n + 200}/26")
    letter_date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=10))
    received_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=7))
    due_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=21))
    request_text = "Sąd zwraca się o opinię o rodzinie i jej członkach."
    registered_by = factory.SelfAttribute("case.assistant")

    class Params:
        answered = factory.Trait(status="answered", answered_on=factory.LazyFunction(timezone.localdate))
