"""No hard delete: a visit logged by mistake and a family member added by mistake are marked
removed (who, when, why), drop out of every list, count and reminder, and a manager restores them;
foreign keys protect case data from cascades."""

import datetime as dt

import pytest
from django.db.models import ProtectedError
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from cases import retention as case_retention
from cases import services as case_services
from cases.models import Case, Family, FamilyMember
from cases.timeline import case_timeline
from courts import drafting
from notifications.models import Notification
from notifications.reminders import send_reminders
from reports import dashboard
from visits import retention as visit_retention
from visits import services as visit_services
from visits.models import Visit
from visits.selectors import my_visits_in_week, visits_of_case, week_start

from .factories import CaseFactory, ConsentFactory, FamilyMemberFactory, VisitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def case(assistant, social_worker):
    return CaseFactory(assistant=assistant, family__registered_by=social_worker, family__name="Kowalscy")


@pytest.fixture
def mother(case):
    return FamilyMemberFactory(family=case.family, first_name="Ewa", last_name="Kowalska")


@pytest.fixture
def visit(case, mother):
    visit = VisitFactory(case=case, date=timezone.localdate() - dt.timedelta(days=1))
    visit.participants.set([mother])
    return visit


def remove_url(visit) -> str:  # noqa: ANN001
    return reverse("visits:visit-remove", args=[visit.pk])


# --- visits ----------------------------------------------------------------------------------------


def test_the_assistant_removes_a_visit_with_a_reason(client, assistant, visit):
    client.force_login(assistant)
    assert client.get(remove_url(visit)).status_code == 200

    response = client.post(remove_url(visit), {"reason": "Wpisane w złej rodzinie."})

    assert response.status_code == 302
    assert response.url == reverse("visits:case-visits", args=[visit.case_id])
    removed = Visit.all_objects.get(pk=visit.pk)
    assert removed.removed_by == assistant and removed.removal_reason == "Wpisane w złej rodzinie."
    assert removed.removed_at is not None
    assert not Visit.objects.filter(pk=visit.pk).exists()
    last = removed.history.first()
    assert (last.history_change_reason, last.history_user) == ("removed", assistant)


def test_the_reason_is_required(client, assistant, visit):
    client.force_login(assistant)
    response = client.post(remove_url(visit), {"reason": "   "})
    assert response.status_code == 200
    assert "Give the reason for removal." in response.content.decode()
    assert Visit.objects.filter(pk=visit.pk).exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("social_worker", 403), ("manager", 403), ("other_assistant", 404), ("admin_user", 404)],
)
def test_only_the_author_or_the_cases_assistant_removes(client, request, visit, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(remove_url(visit)).status_code == status
    assert client.post(remove_url(visit), {"reason": "Pomyłka"}).status_code == status
    assert Visit.objects.filter(pk=visit.pk).exists()


def test_the_new_assistant_of_the_case_may_remove_the_previous_ones_visit(assistant, other_assistant, visit):
    case = visit.case
    case.assistant = other_assistant
    case.save()
    visit_services.remove_visit(visit=visit, by=other_assistant, reason="Wpis podwójny.")
    assert not Visit.objects.filter(pk=visit.pk).exists()


def test_a_removed_visit_counts_nowhere(client, assistant, manager, case, visit):
    today = timezone.localdate()
    assert drafting.contacts(case, today).startswith("1 contact")
    visit_services.remove_visit(visit=visit, by=assistant, reason="Pomyłka w rodzinie.")

    assert list(visits_of_case(case)) == []
    assert list(my_visits_in_week(assistant, week_start(None, visit.date))) == []
    assert not [row for row in case_timeline(case) if row.kind == "visit"]
    assert list(case.family.members.get().visits.all()) == []
    assert drafting.contacts(case, today).startswith("No contacts were recorded")
    row = dashboard.annotated_cases(dashboard.Context.load()).get(pk=case.pk)
    assert row.last_visit is None  # type: ignore[attr-defined]  # an annotation of the queryset
    # The no-contact reminder counts from the start of the work, as if the visit never happened.
    send_reminders(today)
    assert Notification.objects.filter(recipient=assistant, rule__startswith="no_contact").exists()
    for who in (assistant, manager):
        client.force_login(who)
        page = client.get(reverse("visits:case-visits", args=[case.pk])).content.decode()
        assert reverse("visits:visit-detail", args=[visit.pk]) not in page
        assert client.get(reverse("visits:visit-detail", args=[visit.pk])).status_code == 404
        assert client.get(reverse("visits:visit-edit", args=[visit.pk])).status_code in (403, 404)


def test_a_visit_still_counts_until_it_is_removed(assistant, case, visit):
    send_reminders(timezone.localdate())
    assert not Notification.objects.filter(recipient=assistant, rule__startswith="no_contact").exists()
    row = dashboard.annotated_cases(dashboard.Context.load()).get(pk=case.pk)
    assert row.last_visit == visit.date  # type: ignore[attr-defined]  # an annotation of the queryset


def test_the_manager_restores_a_visit(client, assistant, manager, visit):
    visit_services.remove_visit(visit=visit, by=assistant, reason="Pomyłka.")
    client.force_login(manager)
    page = client.get(reverse("cases:removed-records")).content.decode()
    assert "Pomyłka." in page and reverse("visits:visit-restore", args=[visit.pk]) in page

    response = client.post(reverse("visits:visit-restore", args=[visit.pk]))

    assert response.status_code == 302 and response.url == reverse("cases:removed-records")
    restored = Visit.objects.get(pk=visit.pk)
    assert (restored.removed_at, restored.removed_by, restored.removal_reason) == (None, None, "")
    reasons = list(restored.history.values_list("history_change_reason", "history_user"))
    assert reasons[:2] == [("restored", manager.pk), ("removed", assistant.pk)]


@pytest.mark.parametrize("who", ["assistant", "social_worker", "admin_user"])
def test_only_a_manager_restores(client, request, assistant, visit, who):
    visit_services.remove_visit(visit=visit, by=assistant, reason="Pomyłka.")
    client.force_login(request.getfixturevalue(who))
    assert client.post(reverse("visits:visit-restore", args=[visit.pk])).status_code == 403
    assert client.get(reverse("cases:removed-records")).status_code == 403
    assert not Visit.objects.filter(pk=visit.pk).exists()


def test_a_visit_that_is_not_removed_is_not_restored(client, manager, visit):
    client.force_login(manager)
    assert client.post(reverse("visits:visit-restore", args=[visit.pk])).status_code == 404
    assert client.get(reverse("visits:visit-restore", args=[visit.pk])).status_code == 405


def test_a_removed_visit_no_longer_holds_the_first_meeting_place(assistant, case, visit):
    """Before consent only the first meeting is logged; a removed mistake does not take its place."""
    case.status = "awaiting_consent"
    case.save()
    assert visit_services.visit_blocker(case) is not None
    visit_services.remove_visit(visit=visit, by=assistant, reason="Pomyłka.")
    assert visit_services.visit_blocker(case) is None


# --- family members --------------------------------------------------------------------------------


def member_remove_url(member) -> str:  # noqa: ANN001
    return reverse("cases:member-remove", args=[member.pk])


def test_the_social_worker_who_registered_the_family_removes_a_member(client, social_worker, mother):
    client.force_login(social_worker)
    assert client.get(member_remove_url(mother)).status_code == 200

    response = client.post(member_remove_url(mother), {"reason": "Dodana do złej rodziny."})

    assert response.status_code == 302 and response.url == mother.family.get_absolute_url()
    page = client.get(response.url).content.decode()
    assert "Ewa" not in page.split('id="h-members"')[1].split("</section>")[0]
    assert client.get(reverse("cases:member-edit", args=[mother.pk])).status_code == 404
    assert not FamilyMember.objects.filter(pk=mother.pk).exists()
    assert FamilyMember.all_objects.get(pk=mother.pk).removed_by == social_worker


def test_the_assistant_of_the_case_removes_a_member(assistant, mother):
    case_services.remove_member(member=mother, by=assistant, reason="Pomyłka.")
    assert not FamilyMember.objects.filter(pk=mother.pk).exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("manager", 403), ("other_social_worker", 404), ("other_assistant", 404), ("admin_user", 403)],
)
def test_others_do_not_remove_members(client, request, mother, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.post(member_remove_url(mother), {"reason": "Pomyłka"}).status_code == status
    assert FamilyMember.objects.filter(pk=mother.pk).exists()


def test_a_manager_who_added_the_member_may_remove_them(client, manager, case):
    client.force_login(manager)
    data = {
        "first_name": "Jan",
        "last_name": "Kowalski",
        "relation": "child",
        "no_pesel": "on",
        "birth_date": "2019-01-01",
        "sex": "M",
        "placement": "home",
    }
    assert client.post(reverse("cases:member-add", args=[case.family.pk]), data).status_code == 302
    added = FamilyMember.objects.get(first_name="Jan")
    assert client.post(member_remove_url(added), {"reason": "Dopisany dwa razy."}).status_code == 302
    assert not FamilyMember.objects.filter(pk=added.pk).exists()


def test_a_member_who_signed_the_consent_is_not_removed(client, social_worker, case, mother):
    ConsentFactory(case=case).signed_by.set([mother])
    client.force_login(social_worker)
    response = client.post(member_remove_url(mother), {"reason": "Pomyłka."})
    assert response.status_code == 200
    assert "signed the family" in response.content.decode()
    assert FamilyMember.objects.filter(pk=mother.pk).exists()


def test_a_removed_member_drops_out_of_forms_and_documents(assistant, case, mother):
    case_services.remove_member(member=mother, by=assistant, reason="Pomyłka.")
    today = timezone.localdate()
    assert mother.first_name not in drafting.composition(case, list(case.family.members.all()), today)
    assert list(case.family.members.all()) == []


def test_the_pesel_of_a_removed_member_cannot_be_registered_again(client, social_worker, assistant, mother):
    case_services.remove_member(member=mother, by=assistant, reason="Pomyłka.")
    client.force_login(social_worker)
    data = {
        "first_name": "Ewa",
        "last_name": "Kowalska",
        "relation": "parent",
        "pesel": mother.pesel,
        "placement": "home",
    }
    response = client.post(reverse("cases:member-add", args=[mother.family.pk]), data)
    assert response.status_code == 200
    assert "removed from a family" in response.content.decode()
    with pytest.raises(Exception, match="removed from a family"):
        case_services.add_member(
            family=mother.family,
            data={
                "first_name": "Ewa",
                "last_name": "Kowalska",
                "relation": "parent",
                "pesel": mother.pesel,
                "birth_date": mother.birth_date,
                "sex": mother.sex,
                "placement": "home",
                "foster_coordinator": "",
            },
            by=social_worker,
        )


def test_the_manager_restores_a_member(client, assistant, manager, mother):
    case_services.remove_member(member=mother, by=assistant, reason="Pomyłka przy wpisie.")
    client.force_login(manager)
    page = client.get(reverse("cases:removed-records")).content.decode()
    assert "Pomyłka przy wpisie." in page

    response = client.post(reverse("cases:member-restore", args=[mother.pk]))

    assert response.status_code == 302
    assert FamilyMember.objects.get(pk=mother.pk).removal_reason == ""
    assert client.post(reverse("cases:member-restore", args=[mother.pk])).status_code == 404


def test_retention_erases_removed_records_too(assistant, case, mother, visit):
    mother_pesel = mother.pesel
    visit_services.remove_visit(visit=visit, by=assistant, reason="Pomyłka u Kowalskich.")
    case_services.remove_member(member=mother, by=assistant, reason="Pomyłka: Ewa Kowalska.")

    case_retention.anonymise([case.family_id])
    visit_retention.anonymise([case.family_id])

    member = FamilyMember.all_objects.get(pk=mother.pk)
    assert (member.pesel, member.first_name, member.removal_reason) == ("", "—", "—")
    assert mother_pesel not in str(list(FamilyMember.all_objects.values()))
    removed_visit = Visit.all_objects.get(pk=visit.pk)
    assert (removed_visit.topics, removed_visit.removal_reason) == ("—", "—")


# --- the links offered on the pages ----------------------------------------------------------------


def render(template: str, **context) -> str:  # noqa: ANN003
    request = RequestFactory().get("/")
    request.user = context.pop("user")
    return Template(template).render(Context({"request": request, **context}))


def test_the_remove_links_are_offered_to_who_may_use_them(
    social_worker, assistant, manager, other_assistant, visit, mother
):
    member_link = '{% include "cases/_member_remove_link.html" %}'
    visit_link = '{% include "visits/_visit_remove_link.html" %}'
    for user, member_offered, visit_offered in [
        (social_worker, True, False),
        (assistant, True, True),
        (manager, False, False),
        (other_assistant, False, False),
    ]:
        assert (member_remove_url(mother) in render(member_link, user=user, member=mother)) is member_offered
        html = render(visit_link, user=user, visit=visit, case=visit.case)
        assert (remove_url(visit) in html) is visit_offered


# --- foreign keys protect case data ---------------------------------------------------------------


def test_deleting_a_family_with_cases_is_refused_by_the_database_rules(case):
    with pytest.raises(ProtectedError):
        Family.objects.filter(pk=case.family_id).delete()
    with pytest.raises(ProtectedError):
        case.family.delete()
    assert Family.objects.filter(pk=case.family_id).exists()


def test_deleting_a_case_with_visits_or_a_member_is_refused(visit, mother):
    with pytest.raises(ProtectedError):
        Case.objects.filter(pk=visit.case_id).delete()
    with pytest.raises(ProtectedError):
        Family.objects.filter(pk=mother.family_id).delete()
    assert Visit.objects.filter(pk=visit.pk).exists()
