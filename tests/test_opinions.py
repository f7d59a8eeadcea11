"""Court opinions: the draft pre-filled from the case (visit log, plan, children), the transitions
table (allowed and refused), the frozen version rule, notifications, and access on every route."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from asystent.errors import InvalidTransition
from asystent.models import AccessLog, Centre
from cases.models import Goal, PlanAction, ProblemArea, WorkPlan
from courts import services
from courts.enums import OpinionStatus
from courts.models import CourtOpinion, OpinionTransition, OpinionVersion
from documents.enums import DocumentStatus
from documents.models import RenderedDocument
from notifications.models import Notification

from .factories import CourtRequestFactory, FamilyMemberFactory, UserFactory, VisitFactory
from .helpers import assert_error_summary

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english(settings, client):
    """Assertions read the English source strings: the Polish catalogue may reword them."""
    settings.LANGUAGE_CODE = "en"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


COMPLETE = {
    "attitude": "Rodzina współpracuje chętnie.",
    "conclusions": "Wnioskuję o kontynuację pracy z rodziną.",
}


@pytest.fixture
def court_request(assistant, social_worker):
    today = timezone.localdate()
    request = CourtRequestFactory(
        case__assistant=assistant,
        case__family__registered_by=social_worker,
        case__family__name="Wiśniewscy",
        case__family__city="Łódź",
        case__opened_on=today - dt.timedelta(days=100),
        case__started_on=today - dt.timedelta(days=100),
    )
    family = request.case.family
    FamilyMemberFactory(
        family=family, first_name="Ewa", last_name="Wiśniewska", birth_date=dt.date(1988, 4, 12)
    )
    FamilyMemberFactory(
        family=family, child=True, first_name="Zofia", last_name="Wiśniewska", birth_date=dt.date(2015, 9, 3)
    )
    return request


@pytest.fixture
def case(court_request):
    return court_request.case


def draft(court_request, **sections):
    opinion = services.draft_opinion(request=court_request, by=court_request.case.assistant)
    version = opinion.current_version()
    if sections:
        version = services.save_opinion(opinion=opinion, by=court_request.case.assistant, sections=sections)
    return opinion, version


def approved(court_request, manager):
    opinion, version = draft(court_request, **COMPLETE)
    services.submit_opinion(version=version, by=court_request.case.assistant)
    services.approve_opinion(version=version, by=manager)
    version.refresh_from_db()
    return opinion, version


# --- the pre-filled draft ------------------------------------------------------------------------


def test_the_draft_counts_the_saved_contacts_of_the_visit_log(court_request, case):
    today = timezone.localdate()
    for days_ago in (90, 70, 50, 30):
        VisitFactory(case=case, date=today - dt.timedelta(days=days_ago))
    VisitFactory(case=case, phone=True, date=today - dt.timedelta(days=10))
    VisitFactory(case=case, draft=True, date=today - dt.timedelta(days=2))  # a draft is not evidence
    _opinion, version = draft(court_request)
    # 5 saved contacts in 100 days: on average every 20 days; 4 of them at home.
    assert "5 contacts in the period" in version.contacts
    assert "on average every 20.0 days" in version.contacts
    assert "of which home visits: 4" in version.contacts
    assert (today - dt.timedelta(days=100)).strftime("%d.%m.%Y") in version.contacts
    assert (today - dt.timedelta(days=10)).strftime("%d.%m.%Y") in version.contacts  # the last one


def test_the_draft_gives_no_frequency_over_a_period_too_short_to_mean_anything(court_request, case):
    today = timezone.localdate()
    case.started_on = today - dt.timedelta(days=5)
    case.save(update_fields=["started_on"])
    for _ in range(3):
        VisitFactory(case=case, date=today - dt.timedelta(days=1))
    _opinion, version = draft(court_request)
    assert "3 contacts in the period" in version.contacts
    assert "on average" not in version.contacts
    assert "too short" in version.contacts


def test_the_draft_says_when_there_were_no_contacts(court_request):
    _opinion, version = draft(court_request)
    assert "No contacts were recorded" in version.contacts


def test_the_draft_reports_each_goal_of_the_current_plan(court_request, case):
    old = WorkPlan.objects.create(case=case, version=1, main_goal="Stary cel", created_by=case.assistant)
    Goal.objects.create(plan=old, area=ProblemArea.objects.first(), description="Nieaktualny cel")
    plan = WorkPlan.objects.create(
        case=case, version=2, main_goal="Samodzielność rodziny", created_by=case.assistant
    )
    school = Goal.objects.create(plan=plan, area=ProblemArea.objects.first(), description="Szkoła codziennie")
    budget = Goal.objects.create(
        plan=plan, area=ProblemArea.objects.last(), description="Budżet domowy", order=1
    )
    deadline = timezone.localdate()
    for status in ("done", "in_progress"):
        PlanAction.objects.create(
            goal=school,
            description="x",
            responsible="assistant",
            deadline=deadline,
            expected_effect="y",
            status=status,
        )
    PlanAction.objects.create(
        goal=budget,
        description="x",
        responsible="assistant",
        deadline=deadline,
        expected_effect="y",
        status="not_done",
    )
    _opinion, version = draft(court_request)
    assert (
        "Work plan version 2" in version.goals_progress and "Samodzielność rodziny" in version.goals_progress
    )
    assert "Szkoła codziennie – actions done: 1 of 2" in version.goals_progress
    assert "Budżet domowy – actions done: 0 of 1 (not done: 1)" in version.goals_progress
    assert "Nieaktualny cel" not in version.goals_progress


def test_the_draft_describes_the_family_and_each_child(court_request):
    _opinion, version = draft(court_request)
    assert "Ewa Wiśniewska" in version.composition and "Zofia Wiśniewska" in version.composition
    assert "Zofia Wiśniewska" in version.care_per_child and "Ewa" not in version.care_per_child
    age = timezone.localdate().year - 2015 - ((timezone.localdate().month, timezone.localdate().day) < (9, 3))
    assert f"{age} years old (born 03.09.2015)" in version.care_per_child
    assert "court order" in version.period_and_basis
    assert version.conclusions == "" and version.attitude == ""


def test_drafting_twice_returns_the_same_opinion(court_request):
    first, _ = draft(court_request)
    again = services.draft_opinion(request=court_request, by=court_request.case.assistant)
    assert first.pk == again.pk and OpinionVersion.objects.count() == 1


def test_only_the_case_assistant_drafts(court_request, manager, other_assistant):
    for user in (manager, other_assistant):
        with pytest.raises(PermissionDenied):
            services.draft_opinion(request=court_request, by=user)
    assert not CourtOpinion.objects.exists()


# --- the transitions table -----------------------------------------------------------------------

STEPS = {
    "submit": lambda v, ctx: services.submit_opinion(version=v, by=ctx["assistant"]),
    "approve": lambda v, ctx: services.approve_opinion(version=v, by=ctx["manager"]),
    "return": lambda v, ctx: services.return_opinion(version=v, by=ctx["manager"], comment="Popraw wnioski."),
    "mark_sent": lambda v, ctx: services.mark_opinion_sent(
        version=v, by=ctx["assistant"], sent_on=timezone.localdate(), method="post", reference="RR123"
    ),
}
ALLOWED = {
    ("draft", "submit"): "submitted",
    ("submitted", "approve"): "approved",
    ("submitted", "return"): "draft",
    ("approved", "mark_sent"): "sent",
}


def bring_to(status, court_request, manager):
    opinion, version = draft(court_request, **COMPLETE)
    assistant = court_request.case.assistant
    if status in ("submitted", "approved", "sent"):
        services.submit_opinion(version=version, by=assistant)
    if status in ("approved", "sent"):
        services.approve_opinion(version=version, by=manager)
    if status == "sent":
        services.mark_opinion_sent(
            version=version, by=assistant, sent_on=timezone.localdate(), method="epuap"
        )
    version.refresh_from_db()
    assert version.status == status
    return version


@pytest.mark.parametrize("status", ["draft", "submitted", "approved", "sent"])
@pytest.mark.parametrize("step", list(STEPS))
def test_the_transitions_table(court_request, manager, assistant, status, step):
    version = bring_to(status, court_request, manager)
    context = {"assistant": assistant, "manager": manager}
    if (status, step) in ALLOWED:
        STEPS[step](version, context)
        version.refresh_from_db()
        assert version.status == ALLOWED[(status, step)]
        record = OpinionTransition.objects.latest("pk")
        assert (record.from_status, record.to_status, record.version_id) == (
            status,
            version.status,
            version.pk,
        )
    else:
        with pytest.raises(InvalidTransition):
            STEPS[step](version, context)
        version.refresh_from_db()
        assert version.status == status


@pytest.mark.parametrize(
    ("step", "who"),
    [("submit", "manager"), ("submit", "other_assistant"), ("approve", "assistant"), ("return", "assistant")],
)
def test_the_wrong_person_is_refused(court_request, manager, assistant, other_assistant, step, who):
    status = "draft" if step == "submit" else "submitted"
    version = bring_to(status, court_request, manager)
    people = {"assistant": assistant, "manager": manager, "other_assistant": other_assistant}
    context = {"assistant": people[who], "manager": people[who]}
    with pytest.raises(PermissionDenied):
        STEPS[step](version, context)
    version.refresh_from_db()
    assert version.status == status


def test_a_manager_does_not_approve_own_opinion(court_request, case):
    both = UserFactory(username="ola", assistant=True, manager=True)
    case.assistant = both
    case.save()
    _opinion, version = draft(court_request, **COMPLETE)
    services.submit_opinion(version=version, by=both)
    with pytest.raises(PermissionDenied):
        services.approve_opinion(version=version, by=both)
    assert "approve" not in services.allowed_steps(version, both)


def test_submitting_needs_the_required_sections(court_request, assistant):
    _opinion, version = draft(court_request)  # attitude and conclusions are still empty
    with pytest.raises(InvalidTransition, match="conclusions"):
        services.submit_opinion(version=version, by=assistant)


def test_returning_needs_a_comment(court_request, manager):
    version = bring_to("submitted", court_request, manager)
    with pytest.raises(InvalidTransition):
        services.return_opinion(version=version, by=manager, comment="  ")


def test_sending_records_the_dispatch_and_answers_the_request(court_request, manager, assistant):
    version = bring_to("approved", court_request, manager)
    with pytest.raises(InvalidTransition):
        services.mark_opinion_sent(
            version=version, by=assistant, sent_on=timezone.localdate() + dt.timedelta(days=1), method="post"
        )
    services.mark_opinion_sent(
        version=version, by=assistant, sent_on=timezone.localdate(), method="epuap", reference="UPO-77"
    )
    version.refresh_from_db()
    court_request.refresh_from_db()
    assert (version.sent_method, version.sent_reference) == ("epuap", "UPO-77")
    assert court_request.status == "answered" and court_request.answered_on == timezone.localdate()


def test_the_database_refuses_a_sent_version_without_dispatch(court_request, manager):
    version = bring_to("approved", court_request, manager)
    with pytest.raises(IntegrityError), transaction.atomic():
        OpinionVersion.objects.filter(pk=version.pk).update(status=OpinionStatus.SENT)


def test_submitting_and_deciding_notify(court_request, manager, assistant):
    version = bring_to("submitted", court_request, manager)
    note = Notification.objects.get(recipient=manager)
    assert note.rule == "opinion_submitted" and "Wiśniewscy" in note.message
    assert note.url == reverse("courts:opinion-version", args=[version.pk])
    services.return_opinion(version=version, by=manager, comment="Uzupełnij opis postawy.")
    assert Notification.objects.filter(recipient=assistant, rule="opinion_returned").count() == 1
    services.submit_opinion(version=version, by=assistant)
    assert Notification.objects.filter(recipient=manager, rule="opinion_submitted").count() == 2
    services.approve_opinion(version=version, by=manager)
    assert Notification.objects.filter(recipient=assistant, rule="opinion_approved").count() == 1


def test_approval_asks_for_the_pdf(court_request, manager):
    opinion, version = approved(court_request, manager)
    document = RenderedDocument.objects.get()
    assert (document.kind, document.object_id, document.version) == ("opinion", opinion.pk, 1)
    assert document.case == court_request.case and document.status == DocumentStatus.PENDING


# --- the frozen version rule ---------------------------------------------------------------------


def test_an_approved_version_is_frozen_and_editing_makes_version_2(court_request, manager, assistant):
    opinion, v1 = approved(court_request, manager)
    before = {name: getattr(v1, name) for name in ("conclusions", "attitude", "status", "updated_at")}
    v2 = services.save_opinion(opinion=opinion, by=assistant, sections={"conclusions": "Nowe wnioski."})
    v1.refresh_from_db()
    assert (v2.number, v2.status, v2.based_on_id) == (2, "draft", v1.pk)
    assert v2.conclusions == "Nowe wnioski." and v2.attitude == v1.attitude
    assert {name: getattr(v1, name) for name in before} == before
    # Saving again edits version 2 in place; version 1 still does not change.
    services.save_opinion(opinion=opinion, by=assistant, sections={"conclusions": "Jeszcze inne."})
    v1.refresh_from_db()
    assert opinion.versions.count() == 2 and v1.conclusions == COMPLETE["conclusions"]
    # The earlier version leaves the workflow.
    with pytest.raises(InvalidTransition):
        services.mark_opinion_sent(version=v1, by=assistant, sent_on=timezone.localdate(), method="post")


def test_a_submitted_version_cannot_be_edited(court_request, manager, assistant):
    version = bring_to("submitted", court_request, manager)
    with pytest.raises(InvalidTransition):
        services.save_opinion(opinion=version.opinion, by=assistant, sections={"conclusions": "x"})


def test_only_one_version_in_preparation(court_request, manager):
    opinion, v1 = draft(court_request)
    with pytest.raises(IntegrityError), transaction.atomic():
        OpinionVersion.objects.create(opinion=opinion, number=2, author=v1.author)


def test_editing_through_the_page_makes_version_2_and_keeps_version_1(
    client, court_request, manager, assistant
):
    opinion, v1 = approved(court_request, manager)
    client.force_login(assistant)
    url = reverse("courts:opinion-edit", args=[opinion.pk])
    page = client.get(url)
    assert "creates version 2" in page.content.decode()
    data = {name: getattr(v1, name) for name, _label, _text in v1.sections()} | {"conclusions": "Poprawione."}
    response = client.post(url, data | {"action": "save"}, follow=True)
    assert "Version 2 has been saved" in response.content.decode()
    v1.refresh_from_db()
    assert v1.conclusions == COMPLETE["conclusions"] and v1.status == "approved"
    v2 = opinion.versions.get(number=2)
    assert v2.conclusions == "Poprawione." and v2.status == "draft"
    old_page = client.get(reverse("courts:opinion-version", args=[v1.pk]))
    assert COMPLETE["conclusions"] in old_page.content.decode()
    assert "This is an earlier version" in old_page.content.decode()


def test_save_and_submit_from_the_page(client, court_request, assistant):
    opinion, version = draft(court_request)
    client.force_login(assistant)
    data = {name: getattr(version, name) for name, _label, _text in version.sections()}
    response = client.post(reverse("courts:opinion-edit", args=[opinion.pk]), data | {"action": "submit"})
    # Conclusions missing: the text is kept as a draft and the page, opened afresh (a reload sends
    # nothing again), says why once, in the error summary, with a link to the section
    # (tests/helpers.assert_error_summary).
    assert response.status_code == 302
    response = client.get(response["Location"])
    summary = assert_error_summary(response, ["conclusions"])
    assert "saved but not submitted" in summary.text_content()
    version.refresh_from_db()
    assert version.status == "draft"
    response = client.post(
        reverse("courts:opinion-edit", args=[opinion.pk]), data | COMPLETE | {"action": "submit"}
    )
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.status == "submitted" and version.conclusions == COMPLETE["conclusions"]


def test_the_returned_comment_is_shown_above_the_draft(client, court_request, manager, assistant):
    version = bring_to("submitted", court_request, manager)
    client.force_login(manager)
    response = client.post(
        reverse("courts:opinion-return", args=[version.pk]), {"comment": "Uzupełnij opis szkoły."}
    )
    assert response.status_code == 302
    client.force_login(assistant)
    page = client.get(reverse("courts:opinion-edit", args=[version.opinion_id]))
    assert "Uzupełnij opis szkoły." in page.content.decode()


def test_approve_and_mark_sent_through_the_pages(client, court_request, manager, assistant):
    version = bring_to("submitted", court_request, manager)
    client.force_login(manager)
    page = client.get(reverse("courts:opinion-version", args=[version.pk]))
    assert reverse("courts:opinion-approve", args=[version.pk]) in page.content.decode()
    assert client.post(reverse("courts:opinion-approve", args=[version.pk])).status_code == 302
    client.force_login(assistant)
    response = client.post(
        reverse("courts:opinion-mark-sent", args=[version.pk]),
        {"sent_on": timezone.localdate().isoformat(), "method": "in_person", "reference": ""},
    )
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.status == "sent" and version.sent_method == "in_person"
    again = client.post(reverse("courts:opinion-approve", args=[version.pk]))
    assert again.status_code == 403  # an assistant does not approve


def test_a_refused_step_is_explained(client, court_request, manager):
    version = bring_to("approved", court_request, manager)
    client.force_login(manager)
    response = client.post(reverse("courts:opinion-approve", args=[version.pk]), follow=True)
    assert "this step is not possible now" in response.content.decode()


# --- access on every route -----------------------------------------------------------------------


def route(name, obj):
    return reverse(f"courts:{name}", args=[obj.pk])


# (route, object, method, {role: expected status})
ACCESS = [
    (
        "opinion-create",
        "request",
        "post",
        {"assistant": 302, "manager": 403, "social_worker": 403, "outsider": 404},
    ),
    (
        "opinion-edit",
        "opinion",
        "get",
        {"assistant": 200, "manager": 403, "social_worker": 403, "outsider": 404},
    ),
    (
        "opinion-versions",
        "opinion",
        "get",
        {"assistant": 200, "manager": 200, "social_worker": 200, "outsider": 404},
    ),
    (
        "opinion-version",
        "version",
        "get",
        {"assistant": 200, "manager": 200, "social_worker": 200, "outsider": 404},
    ),
    (
        "opinion-submit",
        "version",
        "post",
        {"assistant": 302, "manager": 403, "social_worker": 403, "outsider": 404},
    ),
    (
        "opinion-approve",
        "version",
        "post",
        {"assistant": 403, "manager": 302, "social_worker": 403, "outsider": 403},
    ),
    (
        "opinion-return",
        "version",
        "get",
        {"assistant": 403, "manager": 200, "social_worker": 403, "outsider": 403},
    ),
    (
        "opinion-mark-sent",
        "version",
        "get",
        {"assistant": 200, "manager": 200, "social_worker": 403, "outsider": 404},
    ),
    (
        "opinion-pdf",
        "version",
        "post",
        {"assistant": 302, "manager": 302, "social_worker": 403, "outsider": 404},
    ),
]
WRONG_METHOD = {"get": "put", "post": "get"}


@pytest.fixture
def objects(court_request):
    opinion, version = draft(court_request, **COMPLETE)
    return {"request": court_request, "opinion": opinion, "version": version}


@pytest.mark.parametrize(("name", "target", "method", "expected"), ACCESS, ids=[a[0] for a in ACCESS])
@pytest.mark.parametrize("role", ["assistant", "manager", "social_worker", "outsider"])
def test_access(
    client, objects, assistant, manager, social_worker, other_assistant, name, target, method, expected, role
):
    users = {
        "assistant": assistant,
        "manager": manager,
        "social_worker": social_worker,
        "outsider": other_assistant,
    }
    if name == "opinion-create":
        objects["request"] = CourtRequestFactory(
            case=objects["request"].case, case_number="III Nsm 1/27"
        )  # a request with no opinion yet
    if name == "opinion-approve" and role in ("manager",):
        services.submit_opinion(version=objects["version"], by=assistant)
    if name == "opinion-pdf":
        services.submit_opinion(version=objects["version"], by=assistant)
        services.approve_opinion(version=objects["version"], by=manager)
    client.force_login(users[role])
    url = route(name, objects[target])
    response = getattr(client, method)(url)
    assert response.status_code == expected[role]
    client.force_login(assistant if expected["assistant"] != 403 else manager)
    assert getattr(client, WRONG_METHOD[method])(url).status_code == 405


def test_reading_a_version_is_audited(client, objects, social_worker):
    client.force_login(social_worker)
    client.get(route("opinion-version", objects["version"]))
    log = AccessLog.objects.get()
    assert (log.user, log.object_type, log.action) == (social_worker, "opinionversion", "view")


def test_the_versions_list_reads_a_bounded_number_of_rows(
    client, court_request, manager, assistant, django_assert_max_num_queries
):
    opinion, _v1 = approved(court_request, manager)
    for number in range(2, 6):
        version = services.save_opinion(
            opinion=opinion, by=assistant, sections={"conclusions": f"Wersja {number}"}
        )
        services.submit_opinion(version=version, by=assistant)
        services.approve_opinion(version=version, by=manager)
    client.force_login(manager)
    Centre.load()
    # Session, user, two-step devices, notifications badge, centre: 8; the page itself: 3; the
    # access record: 3 (its insert in a savepoint, as the test runs in a transaction).
    with django_assert_max_num_queries(15):
        response = client.get(reverse("courts:opinion-versions", args=[opinion.pk]))
    assert [v.number for v in response.context["versions"]] == [5, 4, 3, 2, 1]
