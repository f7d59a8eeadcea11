"""Who sees which family: the family page, its audit and history, and every cases route for each
role (an outsider gets 404, a wrong role 403)."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from asystent.history import HistorySource, history_rows
from asystent.models import AccessLog
from cases.enums import CaseStatus, Relation, Sex
from cases.models import Family, FamilyMember

from .factories import (
    CaseFactory,
    CommunityInterviewFactory,
    ConsentFactory,
    CourtOrderFactory,
    FamilyFactory,
    FamilyMemberFactory,
    ReferralFactory,
    make_pesel,
)

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def world(social_worker, assistant):
    """A family registered and referred by `social_worker`, with a case of `assistant` and a
    consent with its scan."""
    family = FamilyFactory(name="Kowalscy", registered_by=social_worker)
    member = FamilyMemberFactory(family=family, first_name="Anna")
    referral = ReferralFactory(family=family, submitted=True)
    case = CaseFactory(family=family, assistant=assistant, social_worker=social_worker)
    consent = ConsentFactory(case=case)
    consent.scan.save("zgoda.png", ContentFile(PNG))
    return {"family": family, "member": member, "referral": referral, "case": case, "consent": consent}


def routes(world) -> dict[str, str]:
    family, case = world["family"], world["case"]
    return {
        "family-detail": reverse("cases:family-detail", args=[family.pk]),
        "family-edit": reverse("cases:family-edit", args=[family.pk]),
        "member-add": reverse("cases:member-add", args=[family.pk]),
        "member-edit": reverse("cases:member-edit", args=[world["member"].pk]),
        "case-detail": reverse("cases:case-detail", args=[case.pk]),
        "consent-create": reverse("cases:consent-create", args=[case.pk]),
        "case-reassign": reverse("cases:case-reassign", args=[case.pk]),
        "consent-scan": reverse("cases:consent-scan", args=[world["consent"].pk]),
    }


# What each person gets on each route of the family in `world`.
EXPECTED = {
    #                  family-  family- member- member- case-   consent- case-     consent-
    #                  detail   edit    add     edit    detail  create   reassign  scan
    "social_worker": (200, 200, 200, 200, 200, 403, 403, 200),
    "other_social_worker": (404, 404, 404, 404, 404, 403, 403, 404),
    "assistant": (200, 403, 403, 403, 200, 200, 403, 200),
    "other_assistant": (404, 403, 403, 403, 404, 404, 403, 404),
    "manager": (200, 200, 200, 200, 200, 200, 200, 200),
    "admin_user": (403, 403, 403, 403, 403, 403, 403, 403),
}


@pytest.mark.parametrize("who", EXPECTED)
def test_access_to_every_route_by_role(client, request, world, who):
    client.force_login(request.getfixturevalue(who))
    got = tuple(client.get(url).status_code for url in routes(world).values())
    assert dict(zip(routes(world), got, strict=True)) == dict(zip(routes(world), EXPECTED[who], strict=True))


def test_social_worker_sees_a_family_they_referred_or_look_after(client, social_worker, other_social_worker):
    referred = ReferralFactory(family__registered_by=other_social_worker, social_worker=social_worker).family
    looked_after = CaseFactory(family__registered_by=other_social_worker, social_worker=social_worker).family
    client.force_login(social_worker)
    for family in (referred, looked_after):
        assert client.get(reverse("cases:family-detail", args=[family.pk])).status_code == 200
    listed = client.get(reverse("cases:family-list")).context["page"].object_list
    assert {f.pk for f in listed} == {referred.pk, looked_after.pk}


def test_assistant_lists_only_the_families_of_their_cases(client, world, assistant, other_assistant):
    CaseFactory(assistant=other_assistant, family__name="Nowakowie")
    client.force_login(assistant)
    assert [f.name for f in client.get(reverse("cases:family-list")).context["page"].object_list] == [
        "Kowalscy"
    ]


def test_unknown_family_is_404(client, manager):
    client.force_login(manager)
    assert client.get(reverse("cases:family-detail", args=[999999])).status_code == 404


def test_family_page_refuses_post(client, world, social_worker):
    client.force_login(social_worker)
    assert client.post(reverse("cases:family-detail", args=[world["family"].pk])).status_code == 405


# The family page


def test_family_page_shows_the_file_with_the_pesel_masked(client, world, social_worker):
    court_order = CourtOrderFactory(family=world["family"])
    interview = world["referral"].interview
    client.force_login(social_worker)

    response = client.get(reverse("cases:family-detail", args=[world["family"].pk]))

    html = response.content.decode()
    member = world["member"]
    assert member.pesel not in html and member.masked_pesel in html
    assert reverse("referrals:referral-detail", args=[world["referral"].pk]) in html
    assert reverse("cases:case-detail", args=[world["case"].pk]) in html
    assert reverse("cases:consent-scan", args=[world["consent"].pk]) in html
    assert court_order.case_number in html
    assert interview.date.strftime("%d.%m.%Y") in html
    assert str(world["case"].assistant) in html


def test_family_page_writes_the_access_log(client, world, assistant):
    client.force_login(assistant)
    client.get(reverse("cases:family-detail", args=[world["family"].pk]))
    log = AccessLog.objects.get()
    assert (log.user, log.family_id, log.object_type, log.object_id, log.action) == (
        assistant,
        world["family"].pk,
        "family",
        world["family"].pk,
        "view",
    )


def test_outsider_gets_no_access_log_row_and_no_content(client, world, other_assistant):
    client.force_login(other_assistant)
    response = client.get(reverse("cases:family-detail", args=[world["family"].pk]))
    assert response.status_code == 404 and b"Kowalscy" not in response.content
    assert not AccessLog.objects.exists()


def test_buttons_follow_the_role(client, world, social_worker, assistant, manager):
    family = world["family"]
    interview = reverse("referrals:interview-create", args=[family.pk])
    referral = reverse("referrals:referral-create", args=[family.pk])
    court_order = reverse("referrals:court-order-create", args=[family.pk])
    url = reverse("cases:family-detail", args=[family.pk])

    client.force_login(social_worker)
    html = client.get(url).content.decode()
    assert interview in html and referral in html and court_order in html
    client.force_login(manager)
    html = client.get(url).content.decode()
    assert court_order in html and interview not in html and referral not in html
    client.force_login(assistant)
    html = client.get(url).content.decode()
    assert court_order not in html and interview not in html
    assert reverse("cases:family-edit", args=[family.pk]) not in html


def test_family_page_query_count_does_not_grow_with_members_and_referrals(
    client, manager, django_assert_max_num_queries
):
    def build(size: int) -> Family:
        family = FamilyFactory()
        for _ in range(size):
            FamilyMemberFactory(family=family, child=True)
            ReferralFactory(family=family, interview=CommunityInterviewFactory(family=family))
            CourtOrderFactory(family=family)
        case = CaseFactory(family=family)
        for member in family.members.all()[:size]:
            ConsentFactory(case=case).signed_by.add(member)
        return family

    def load(family: Family) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("cases:family-detail", args=[family.pk])).status_code == 200
        return len(queries)

    client.force_login(manager)
    small, large = build(2), build(10)
    load(small)  # the first page of a session also creates the centre's row
    assert load(small) == load(large)
    with django_assert_max_num_queries(30):
        client.get(reverse("cases:family-detail", args=[large.pk]))


# History


def test_history_shows_who_changed_what(client, world, social_worker, manager):
    family = world["family"]
    client.force_login(manager)
    client.post(
        reverse("cases:family-edit", args=[family.pk]),
        {
            "name": family.name,
            "street": "ul. Nowa 1",
            "postal_code": family.postal_code,
            "city": family.city,
            "gmina": family.gmina,
            "teryt": "",
            "phone": "",
            "version": family.version,
        },
    )
    old_street = family.street
    client.force_login(social_worker)

    response = client.get(reverse("cases:family-detail", args=[family.pk]))

    history = response.context["history"]
    newest = history[0]
    assert newest.who == manager and newest.kind == "~"
    street = [c for c in newest.changes if c.field == str(Family._meta.get_field("street").verbose_name)]
    assert street and (street[0].old, street[0].new) == (old_street, "ul. Nowa 1")
    assert "ul. Nowa 1" in response.content.decode()
    labels = " ".join(row.label for row in history)
    assert "Kowalscy" in labels and "Anna" in labels  # the family and its member were created


def test_history_is_newest_first_and_at_most_50_rows(world):
    family = world["family"]
    for i in range(60):
        FamilyMember.objects.create(
            family=family,
            first_name=f"Dziecko{i}",
            last_name="Kowalski",
            relation=Relation.CHILD,
            birth_date=dt.date(2015, 1, 1),
            sex=Sex.MALE,
        )
    rows = history_rows(
        [HistorySource(FamilyMember.history.filter(family_id=family.pk)), HistorySource(Family.history.all())]
    )
    assert len(rows) == 50
    assert [r.when for r in rows] == sorted((r.when for r in rows), reverse=True)
    assert rows[0].label.startswith(str(FamilyMember._meta.verbose_name).capitalize())


def test_history_shows_choice_labels_and_names_of_people(world, assistant, other_assistant, manager):
    case = world["case"]
    case.assistant = other_assistant
    case.status = "closed"
    case.closure_reason = "moved_away"
    case._history_user = manager
    case.save()
    rows = history_rows([HistorySource(type(case).history.filter(id=case.pk), label=lambda r: "case")])
    changes = {c.field: (c.old, c.new) for c in rows[0].changes}
    field = {name: str(type(case)._meta.get_field(name).verbose_name) for name in ("assistant", "status")}
    assert changes[field["assistant"]] == (str(assistant), str(other_assistant))
    assert changes[field["status"]] == (str(CaseStatus.ACTIVE.label), str(CaseStatus.CLOSED.label))
    assert rows[0].who == manager


@pytest.mark.parametrize("role", ["assistant", "social_worker", "manager"])
def test_history_shows_a_changed_pesel_masked_as_the_page_does(client, world, role_users, role):
    member = FamilyMemberFactory(family=world["family"], first_name="Ewa")
    old_pesel = member.pesel
    member.pesel = make_pesel(dt.date(2001, 2, 3), member.sex)
    member.save()
    client.force_login(role_users[role])

    response = client.get(reverse("cases:family-detail", args=[world["family"].pk]))

    html = response.content.decode()
    assert old_pesel not in html and member.pesel not in html
    changes = [c for row in response.context["history"] for c in row.changes]
    (change,) = [c for c in changes if c.old.endswith(old_pesel[-4:])]
    assert change.old == member_mask(old_pesel) and change.new == member_mask(member.pesel)


def member_mask(pesel: str) -> str:
    return FamilyMember(pesel=pesel).masked_pesel


def test_history_hides_identifiers_of_a_source_that_says_nothing(world):
    member = FamilyMemberFactory(family=world["family"])
    old_pesel = member.pesel
    member.pesel = make_pesel(dt.date(2001, 2, 3), member.sex)
    member.save()
    rows = history_rows([HistorySource(FamilyMember.history.filter(pk=member.pk))])
    shown = " ".join(f"{c.old} {c.new}" for row in rows for c in row.changes)
    assert old_pesel not in shown and member.pesel not in shown
