"""Interview and referral pages: a social worker records the interview, files, edits, submits and
withdraws a referral; who may see a referral, the audit of reads, the list with its filters."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext

from asystent.models import AccessLog, Centre
from cases.enums import CaseStatus, LegalBasis, Placement
from referrals.enums import ReferralStatus
from referrals.models import CommunityInterview, Referral

from .factories import (
    CaseFactory,
    CommunityInterviewFactory,
    FamilyFactory,
    FamilyMemberFactory,
    ProblemAreaFactory,
    ReferralFactory,
    UserFactory,
)

TODAY = timezone.localdate
# Queries a page makes beyond what every page costs (see page_overhead); the same for 3 or 15 rows.
MAX_QUERIES_DETAIL = 8
MAX_QUERIES_LIST = 2


def page_overhead(client) -> int:  # noqa: ANN001
    """Queries every page costs whatever it shows (session, user, second factor, navigation, footer),
    measured on a 404 of the same app so that a page's bound counts only its own reads."""
    Centre.load()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("referrals:referral-detail", args=[999_999])).status_code == 404
    return len(queries)


def url(name: str, *args: int) -> str:
    return reverse(f"referrals:{name}", args=args)


def assert_field_error(response, field: str, message: str) -> None:  # noqa: ANN001
    """The message is the field's error and is printed next to that field."""
    assert message in response.context["form"].errors[field]
    pattern = rf'id="error_\d+_id_{field}"[^>]*>\s*<strong>{re.escape(escape(message))}</strong>'
    assert re.search(pattern, response.content.decode()), f"{message!r} is not shown next to {field}"


@pytest.fixture
def family(social_worker):
    return FamilyFactory(registered_by=social_worker)


@pytest.fixture
def areas(db):
    return ProblemAreaFactory.create_batch(2)


@pytest.fixture
def interview(family, social_worker, areas):
    return CommunityInterviewFactory(family=family, social_worker=social_worker, problem_areas=areas)


def referral_data(interview, areas, **overrides) -> dict:  # noqa: ANN001
    data = {
        "interview": interview.pk if interview else "",
        "legal_basis": LegalBasis.VOLUNTARY,
        "problem_areas": [a.pk for a in areas],
        "justification": "Matka samotnie wychowuje troje dzieci; zaległości w szkole.",
        "children_in_foster_care": "",
        "blue_card_open": "on",
        "action": "draft",
    }
    data.update(overrides)
    return data


# --- community interview --------------------------------------------------------------------


@pytest.mark.django_db
def test_the_social_worker_records_an_interview(client, social_worker, family, areas):
    client.force_login(social_worker)
    assert client.get(url("interview-create", family.pk)).status_code == 200
    response = client.post(
        url("interview-create", family.pk),
        {
            "date": (TODAY() - dt.timedelta(days=2)).isoformat(),
            "urgent": "on",
            "summary": "Rodzina w kryzysie mieszkaniowym.",
            "problem_areas": [areas[0].pk],
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("cases:family-detail", args=[family.pk])
    interview = CommunityInterview.objects.get(family=family)
    assert interview.social_worker == social_worker
    assert interview.urgent is True
    assert list(interview.problem_areas.all()) == [areas[0]]


@pytest.mark.django_db
def test_an_interview_in_the_future_is_refused_and_the_input_kept(client, social_worker, family, areas):
    client.force_login(social_worker)
    tomorrow = (TODAY() + dt.timedelta(days=1)).isoformat()
    response = client.post(
        url("interview-create", family.pk),
        {"date": tomorrow, "summary": "Opis sytuacji rodziny XYZ.", "problem_areas": []},
    )
    assert response.status_code == 200
    assert_field_error(response, "date", gettext("The interview date cannot be in the future."))
    assert_field_error(response, "problem_areas", gettext("Mark at least one problem area."))
    html = response.content.decode()
    assert f'value="{tomorrow}"' in html
    assert "Opis sytuacji rodziny XYZ." in html
    assert not CommunityInterview.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [("other_social_worker", 404), ("assistant", 403), ("manager", 403), ("admin_user", 403)],
)
def test_only_a_social_worker_who_sees_the_family_records_an_interview(client, request, family, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url("interview-create", family.pk)).status_code == status


@pytest.mark.django_db
def test_the_interview_page_answers_only_get_and_post(client, social_worker, family):
    client.force_login(social_worker)
    assert client.delete(url("interview-create", family.pk)).status_code == 405


# --- filing a referral ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_form_starts_from_the_latest_interview(client, social_worker, family, interview, areas):
    FamilyMemberFactory(family=family, child=True, placement=Placement.FOSTER_FAMILY)
    client.force_login(social_worker)
    response = client.get(url("referral-create", family.pk))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["interview"] == interview.pk
    assert set(form.initial["problem_areas"]) == set(areas)
    assert form.initial["children_in_foster_care"] is True
    # Court orders come through their own form, never as a legal basis chosen here.
    assert LegalBasis.COURT_ORDER not in dict(form.fields["legal_basis"].choices)


@pytest.mark.django_db
def test_the_social_worker_saves_a_draft(client, social_worker, family, interview, areas):
    client.force_login(social_worker)
    response = client.post(url("referral-create", family.pk), referral_data(interview, areas))
    referral = Referral.objects.get(family=family)
    assert response.status_code == 302
    assert response.url == url("referral-detail", referral.pk)
    assert referral.status == ReferralStatus.DRAFT
    assert referral.social_worker == social_worker
    assert referral.interview == interview
    assert referral.blue_card_open is True
    assert set(referral.problem_areas.all()) == set(areas)
    assert referral.submitted_at is None


@pytest.mark.django_db
def test_the_social_worker_submits_at_once(client, social_worker, family, interview, areas):
    client.force_login(social_worker)
    response = client.post(
        url("referral-create", family.pk), referral_data(interview, areas, action="submit"), follow=True
    )
    referral = Referral.objects.get(family=family)
    assert referral.status == ReferralStatus.SUBMITTED
    assert referral.submitted_at is not None
    assert gettext("The referral has been submitted to the manager.") in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("basis", [LegalBasis.VOLUNTARY, LegalBasis.MINOR_PARENT])
def test_a_referral_needs_the_interview_first(client, social_worker, family, areas, basis):
    client.force_login(social_worker)
    response = client.post(
        url("referral-create", family.pk),
        referral_data(None, areas, legal_basis=basis, justification="Uzasadnienie 123"),
    )
    assert response.status_code == 200
    assert_field_error(
        response,
        "interview",
        gettext(
            "Choose the community interview: the law requires the interview before "
            "the referral (art. 11 of the Act). Record the interview first if there is none."
        ),
    )
    html = response.content.decode()
    assert "Uzasadnienie 123" in html
    assert f'value="{basis}"' in html and "checked" in html
    assert reverse("referrals:interview-create", args=[family.pk]) in html
    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_the_court_order_basis_cannot_be_chosen_here(client, social_worker, family, interview, areas):
    client.force_login(social_worker)
    response = client.post(
        url("referral-create", family.pk), referral_data(interview, areas, legal_basis=LegalBasis.COURT_ORDER)
    )
    assert response.status_code == 200
    assert "legal_basis" in response.context["form"].errors
    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_another_familys_interview_cannot_be_chosen(client, social_worker, family, areas):
    elsewhere = CommunityInterviewFactory(family=FamilyFactory(registered_by=social_worker))
    client.force_login(social_worker)
    response = client.post(url("referral-create", family.pk), referral_data(elsewhere, areas))
    assert "interview" in response.context["form"].errors
    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_a_justification_is_required(client, social_worker, family, interview, areas):
    client.force_login(social_worker)
    response = client.post(
        url("referral-create", family.pk), referral_data(interview, areas, justification="")
    )
    assert response.context["form"].errors["justification"]
    assert not Referral.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [("other_social_worker", 404), ("assistant", 403), ("manager", 403), ("admin_user", 403)],
)
def test_only_a_social_worker_who_sees_the_family_files_a_referral(client, request, family, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url("referral-create", family.pk)).status_code == status
    assert client.post(url("referral-create", family.pk), {}).status_code == status


@pytest.mark.django_db
def test_the_referral_form_answers_only_get_and_post(client, social_worker, family):
    client.force_login(social_worker)
    assert client.put(url("referral-create", family.pk)).status_code == 405


# --- editing, submitting, withdrawing -------------------------------------------------------


@pytest.fixture
def draft(family, social_worker, interview):
    return ReferralFactory(family=family, social_worker=social_worker, interview=interview)


@pytest.mark.django_db
def test_the_author_edits_the_draft(client, social_worker, draft, interview, areas):
    client.force_login(social_worker)
    assert client.get(url("referral-edit", draft.pk)).status_code == 200
    response = client.post(
        url("referral-edit", draft.pk),
        referral_data(interview, areas[:1], justification="Poprawione uzasadnienie.", version=draft.version),
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.justification == "Poprawione uzasadnienie."
    assert list(draft.problem_areas.all()) == areas[:1]
    assert draft.version == 2
    assert draft.history.count() >= 2


@pytest.mark.django_db
def test_another_social_worker_who_sees_the_family_cannot_edit(client, other_social_worker, draft):
    # The colleague filed a referral for the same family, so the family is visible to them.
    ReferralFactory(family=draft.family, social_worker=other_social_worker)
    client.force_login(other_social_worker)
    assert client.get(url("referral-detail", draft.pk)).status_code == 200
    assert client.get(url("referral-edit", draft.pk)).status_code == 403
    assert client.post(url("referral-submit", draft.pk)).status_code == 403
    assert client.post(url("referral-withdraw", draft.pk)).status_code == 403
    draft.refresh_from_db()
    assert draft.status == ReferralStatus.DRAFT


@pytest.mark.django_db
def test_a_submitted_referral_is_no_longer_edited(client, social_worker, draft, interview, areas):
    draft.status = ReferralStatus.SUBMITTED
    draft.save()
    client.force_login(social_worker)
    page = client.get(url("referral-edit", draft.pk), follow=True)
    assert page.redirect_chain[-1][0] == url("referral-detail", draft.pk)
    assert gettext("Only a draft referral can be changed.") in page.content.decode()
    # A form opened before the referral was submitted is refused, with what was typed kept.
    response = client.post(
        url("referral-edit", draft.pk),
        referral_data(interview, areas, justification="Zmiana", version=draft.version),
    )
    assert response.status_code == 200
    assert gettext("Only a draft referral can be changed.") in response.content.decode()
    assert response.context["form"]["justification"].value() == "Zmiana"
    draft.refresh_from_db()
    assert draft.justification != "Zmiana"


@pytest.mark.django_db
def test_the_author_submits_the_draft(client, social_worker, draft):
    client.force_login(social_worker)
    response = client.post(url("referral-submit", draft.pk))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == ReferralStatus.SUBMITTED


@pytest.mark.django_db
def test_submitting_twice_explains_the_refusal(client, social_worker, draft):
    client.force_login(social_worker)
    client.post(url("referral-submit", draft.pk))
    response = client.post(url("referral-submit", draft.pk), follow=True)
    html = response.content.decode()
    assert 'class="alert alert-danger"' in html
    draft.refresh_from_db()
    assert draft.status == ReferralStatus.SUBMITTED
    assert draft.version == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "status", [ReferralStatus.DRAFT, ReferralStatus.SUBMITTED, ReferralStatus.WAITLISTED]
)
def test_the_author_withdraws_before_a_decision(client, social_worker, draft, status):
    draft.status = status
    draft.save()
    client.force_login(social_worker)
    response = client.post(url("referral-withdraw", draft.pk), follow=True)
    assert gettext("The referral has been withdrawn.") in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == ReferralStatus.WITHDRAWN


@pytest.mark.django_db
def test_a_decided_referral_cannot_be_withdrawn(client, social_worker, family, interview):
    case = CaseFactory(family=family, awaiting_consent=True)
    referral = ReferralFactory(
        family=family, social_worker=social_worker, status=ReferralStatus.ASSIGNED, case=case
    )
    client.force_login(social_worker)
    response = client.post(url("referral-withdraw", referral.pk), follow=True)
    message = gettext("A referral that is “%(current)s” cannot become “%(new)s”.") % {
        "current": ReferralStatus.ASSIGNED.label,
        "new": ReferralStatus.WITHDRAWN.label,
    }
    assert escape(message) in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ASSIGNED


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["referral-submit", "referral-withdraw"])
def test_submitting_and_withdrawing_answer_only_post(client, social_worker, draft, name):
    client.force_login(social_worker)
    assert client.get(url(name, draft.pk)).status_code == 405
    draft.refresh_from_db()
    assert draft.status == ReferralStatus.DRAFT


@pytest.mark.django_db
def test_the_edit_page_answers_only_get_and_post(client, social_worker, draft):
    client.force_login(social_worker)
    assert client.delete(url("referral-edit", draft.pk)).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["referral-edit", "referral-submit", "referral-withdraw"])
def test_an_outsider_gets_404_and_other_roles_403(
    client, other_social_worker, assistant, manager, draft, name
):
    client.force_login(other_social_worker)
    assert client.post(url(name, draft.pk)).status_code == 404
    for user in (assistant, manager):
        client.force_login(user)
        assert client.post(url(name, draft.pk)).status_code == 403


# --- the referral page ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_referral_page_shows_the_referral_and_is_audited(client, social_worker, draft):
    client.force_login(social_worker)
    response = client.get(url("referral-detail", draft.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert escape(draft.justification) in html
    assert escape(draft.interview.summary) in html
    assert escape(str(ReferralStatus.DRAFT.label)) in html
    assert url("referral-edit", draft.pk) in html
    assert url("referral-withdraw", draft.pk) in html
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.object_type, log.object_id, log.family_id) == (
        social_worker,
        "view",
        "referral",
        draft.pk,
        draft.family_id,
    )


@pytest.mark.django_db
def test_an_assigned_referral_links_to_its_case(client, manager, assistant, other_assistant, social_worker):
    case = CaseFactory(assistant=assistant, status=CaseStatus.AWAITING_CONSENT, started_on=None)
    referral = ReferralFactory(
        family=case.family,
        status=ReferralStatus.ASSIGNED,
        case=case,
        decided_by=manager,
        decided_at=timezone.now(),
        submitted_at=timezone.now(),
    )
    for user in (manager, assistant, case.family.registered_by):
        client.force_login(user)
        response = client.get(url("referral-detail", referral.pk))
        assert response.status_code == 200
        assert reverse("cases:case-detail", args=[case.pk]) in response.content.decode()
    client.force_login(other_assistant)
    assert client.get(url("referral-detail", referral.pk)).status_code == 404
    assert AccessLog.objects.filter(object_id=referral.pk, action="view").count() == 3


@pytest.mark.django_db
def test_who_may_see_a_referral(client, draft, other_social_worker, assistant, admin_user):
    for user, status in ((other_social_worker, 404), (assistant, 404), (admin_user, 403)):
        client.force_login(user)
        assert client.get(url("referral-detail", draft.pk)).status_code == status
    assert not AccessLog.objects.exists()


@pytest.mark.django_db
def test_the_referral_page_answers_only_get(client, social_worker, draft):
    client.force_login(social_worker)
    assert client.post(url("referral-detail", draft.pk)).status_code == 405


@pytest.mark.django_db
def test_the_referral_page_reads_a_bounded_number_of_rows(
    client, social_worker, draft, django_assert_max_num_queries
):
    client.force_login(social_worker)
    with django_assert_max_num_queries(page_overhead(client) + MAX_QUERIES_DETAIL):
        assert client.get(url("referral-detail", draft.pk)).status_code == 200


# --- the list -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_social_worker_lists_only_their_own_referrals(client, social_worker, other_social_worker, family):
    mine = ReferralFactory(family=family, social_worker=social_worker)
    # The colleague's referral for the same (visible) family is theirs, not mine.
    theirs = ReferralFactory(family=family, social_worker=other_social_worker)
    client.force_login(social_worker)
    response = client.get(url("referral-list"))
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [mine]
    client.force_login(other_social_worker)
    assert list(client.get(url("referral-list")).context["page"].object_list) == [theirs]


@pytest.mark.django_db
def test_the_manager_lists_everyones_referrals_and_filters_them(client, manager):
    voluntary = ReferralFactory(submitted=True)
    court = ReferralFactory(court_ordered=True)
    draft = ReferralFactory()
    client.force_login(manager)
    everything = client.get(url("referral-list")).context["page"].object_list
    assert set(everything) == {voluntary, court, draft}
    by_status = client.get(url("referral-list"), {"status": ReferralStatus.SUBMITTED})
    assert set(by_status.context["page"].object_list) == {voluntary, court}
    by_basis = client.get(
        url("referral-list"), {"status": ReferralStatus.SUBMITTED, "legal_basis": LegalBasis.COURT_ORDER}
    )
    assert list(by_basis.context["page"].object_list) == [court]
    by_name = client.get(url("referral-list"), {"family": draft.family.name[:4]})
    assert draft in by_name.context["page"].object_list


@pytest.mark.django_db
def test_the_list_is_paginated_and_keeps_the_filter(client, manager):
    ReferralFactory.create_batch(27, submitted=True)
    client.force_login(manager)
    first = client.get(url("referral-list"), {"status": ReferralStatus.SUBMITTED})
    assert len(first.context["page"].object_list) == 25
    assert "status=submitted&amp;page=2" in first.content.decode()
    second = client.get(url("referral-list"), {"status": ReferralStatus.SUBMITTED, "page": 2})
    assert len(second.context["page"].object_list) == 2


@pytest.mark.django_db
def test_a_bad_filter_value_is_explained_not_fatal(client, manager):
    ReferralFactory()
    client.force_login(manager)
    response = client.get(url("referral-list"), {"status": "nonsense"})
    assert response.status_code == 200
    assert response.context["filter"].form.errors["status"]


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), [("assistant", 403), ("admin_user", 403)])
def test_the_list_is_for_social_workers_and_managers(client, request, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url("referral-list")).status_code == status


@pytest.mark.django_db
def test_the_list_answers_only_get(client, manager):
    client.force_login(manager)
    assert client.post(url("referral-list")).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 15])
def test_the_list_reads_a_bounded_number_of_rows(client, manager, count, django_assert_max_num_queries):
    social_worker = UserFactory(social_worker=True)
    for _ in range(count):
        ReferralFactory(family=FamilyFactory(registered_by=social_worker), social_worker=social_worker)
    client.force_login(manager)
    with django_assert_max_num_queries(page_overhead(client) + MAX_QUERIES_LIST):
        response = client.get(url("referral-list"))
    assert len(response.context["page"].object_list) == count
