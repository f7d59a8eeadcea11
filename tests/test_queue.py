"""The manager's queue and decision: court orders first, days waited, the assistants' loads against
the limit, the refusal at the limit, and the decisions that need a note."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext, ngettext

from asystent.models import AccessLog, Centre
from cases.enums import CaseStatus, LegalBasis
from cases.models import Case
from referrals.enums import Decision, ReferralStatus
from referrals.models import Referral

from .factories import CaseFactory, CommunityInterviewFactory, ReferralFactory, UserFactory

# Queries a page makes beyond what every page costs (see page_overhead); the same for 3 or 15 rows.
MAX_QUERIES_QUEUE = 1
MAX_QUERIES_DECIDE = 11


def page_overhead(client) -> int:  # noqa: ANN001
    """Queries every page costs whatever it shows (session, user, second factor, navigation, footer),
    measured on a 404 of the same app so that a page's bound counts only its own reads."""
    Centre.load()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("referrals:referral-detail", args=[999_999])).status_code == 404
    return len(queries)


def url(name: str, *args: int) -> str:
    return reverse(f"referrals:{name}", args=args)


def submitted(days_ago: int, **kwargs) -> Referral:
    return ReferralFactory(
        status=ReferralStatus.SUBMITTED, submitted_at=timezone.now() - dt.timedelta(days=days_ago), **kwargs
    )


def assert_field_error(response, field: str, message: str) -> None:  # noqa: ANN001
    assert message in response.context["form"].errors[field]
    pattern = rf'id="error_\d+_id_{field}"[^>]*>\s*<strong>{re.escape(escape(message))}</strong>'
    assert re.search(pattern, response.content.decode()), f"{message!r} is not shown next to {field}"


# --- the queue ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_court_orders_come_first_then_the_longest_waiting(client, manager):
    old = submitted(30)
    recent = submitted(2)
    court = ReferralFactory(court_ordered=True)  # submitted today
    ReferralFactory()  # a draft is not in the queue
    ReferralFactory(status=ReferralStatus.WITHDRAWN)
    client.force_login(manager)
    response = client.get(url("queue"))
    assert response.status_code == 200
    assert response.context["submitted"] == [court, old, recent]
    assert response.context["waitlisted"] == []
    html = response.content.decode()
    assert html.index(escape(court.family.name)) < html.index(escape(old.family.name))
    assert court.court_order.case_number in html


@pytest.mark.django_db
def test_the_queue_shows_the_days_waited_and_the_flags(client, manager):
    referral = submitted(9, blue_card_open=True)
    referral.interview.urgent = True
    referral.interview.save()
    client.force_login(manager)
    response = client.get(url("queue"))
    assert response.context["submitted"][0].days_waiting == 9
    html = response.content.decode()
    assert ngettext("%(days)s day", "%(days)s days", 9) % {"days": 9} in html
    assert gettext("urgent interview") in html
    assert gettext("Niebieska Karta") in html
    assert url("referral-decide", referral.pk) in html


@pytest.mark.django_db
def test_the_waiting_list_is_a_section_of_its_own(client, manager):
    waiting = ReferralFactory(
        status=ReferralStatus.WAITLISTED, submitted_at=timezone.now() - dt.timedelta(days=40)
    )
    fresh = submitted(1)
    client.force_login(manager)
    response = client.get(url("queue"))
    assert response.context["submitted"] == [fresh]
    assert response.context["waitlisted"] == [waiting]
    assert response.context["waitlisted"][0].days_waiting == 40


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["social_worker", "assistant", "admin_user"])
def test_the_queue_is_the_managers(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url("queue")).status_code == 403


@pytest.mark.django_db
def test_the_queue_answers_only_get(client, manager):
    client.force_login(manager)
    assert client.post(url("queue")).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 15])
def test_the_queue_reads_a_bounded_number_of_rows(client, manager, count, django_assert_max_num_queries):
    for index in range(count):
        if index % 3 == 0:
            ReferralFactory(court_ordered=True)
        else:
            submitted(index, blue_card_open=True)
    client.force_login(manager)
    with django_assert_max_num_queries(page_overhead(client) + MAX_QUERIES_QUEUE):
        response = client.get(url("queue"))
    assert len(response.context["submitted"]) == count


# --- the decision page --------------------------------------------------------------------------


@pytest.fixture
def limit(db):
    centre = Centre.load()
    centre.caseload_limit = 3
    centre.save()
    return 3


@pytest.fixture
def full_assistant(limit):
    busy = UserFactory(username="pelna", first_name="Paula", last_name="Pełna", assistant=True)
    CaseFactory.create_batch(limit, assistant=busy)
    return busy


@pytest.mark.django_db
def test_the_decision_page_lists_every_active_assistant_with_the_load(
    client, manager, assistant, full_assistant, limit
):
    CaseFactory(assistant=assistant)
    gone = UserFactory(assistant=True, is_active=False)
    referral = submitted(5)
    client.force_login(manager)
    response = client.get(url("referral-decide", referral.pk))
    assert response.status_code == 200
    choices = dict(response.context["form"].fields["assistant"].choices)
    labels = {str(label) for label in choices.values()}
    assert f"{assistant} — 1 / {limit}" in labels
    assert f"{full_assistant} — {limit} / {limit} {gettext('(limit reached)')}" in labels
    assert not any(str(gone) in label for label in labels)
    html = response.content.decode()
    assert escape(f"{full_assistant} — {limit} / {limit} {gettext('(limit reached)')}") in html
    assert escape(referral.justification) in html
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.object_id) == (manager, "view", referral.pk)


@pytest.mark.django_db
def test_assigning_at_the_limit_is_refused_and_another_assistant_works(
    client, manager, assistant, full_assistant, limit
):
    referral = submitted(5)
    client.force_login(manager)
    response = client.post(
        url("referral-decide", referral.pk),
        {"decision": Decision.ASSIGN, "assistant": full_assistant.pk, "note": "Notatka 77"},
    )
    assert response.status_code == 200
    message = gettext(
        "%(assistant)s already works with %(load)d families; the limit is %(limit)d "
        "(art. 15 ust. 4 of the Act). Choose another assistant."
    ) % {"assistant": full_assistant, "load": limit, "limit": limit}
    assert_field_error(response, "assistant", message)
    html = response.content.decode()
    assert re.search(rf'<option value="{full_assistant.pk}"[^>]*selected', html)
    assert "Notatka 77" in html
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    assert Case.objects.filter(assistant=full_assistant).count() == limit

    response = client.post(
        url("referral-decide", referral.pk), {"decision": Decision.ASSIGN, "assistant": assistant.pk}
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ASSIGNED
    assert referral.case.assistant == assistant
    assert referral.case.status == CaseStatus.AWAITING_CONSENT
    assert response.status_code == 302
    assert response.url == reverse("cases:case-detail", args=[referral.case.pk])


@pytest.mark.django_db
def test_a_court_ordered_assignment_starts_active(client, manager, assistant):
    referral = ReferralFactory(court_ordered=True)
    client.force_login(manager)
    client.post(url("referral-decide", referral.pk), {"decision": Decision.ASSIGN, "assistant": assistant.pk})
    referral.refresh_from_db()
    assert referral.case.status == CaseStatus.ACTIVE
    assert referral.case.legal_basis == LegalBasis.COURT_ORDER


@pytest.mark.django_db
def test_assigning_needs_an_assistant(client, manager):
    referral = submitted(1)
    client.force_login(manager)
    response = client.post(url("referral-decide", referral.pk), {"decision": Decision.ASSIGN})
    assert_field_error(response, "assistant", gettext("Choose the assistant."))
    assert 'value="assign"' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("decision", "message", "status"),
    [
        (Decision.REJECT, "Give the reason for the rejection.", ReferralStatus.REJECTED),
        (Decision.REFER, "Name the unit or organisation the family is referred to.", ReferralStatus.REFERRED),
    ],
)
def test_rejecting_or_referring_needs_a_note(client, manager, decision, message, status):
    referral = submitted(1)
    client.force_login(manager)
    response = client.post(url("referral-decide", referral.pk), {"decision": decision, "note": "  "})
    assert_field_error(response, "note", gettext(message))
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED

    response = client.post(
        url("referral-decide", referral.pk), {"decision": decision, "note": "Fundacja Dom, ul. Lipowa 1"}
    )
    assert response.status_code == 302
    assert response.url == url("queue")
    referral.refresh_from_db()
    assert referral.status == status
    assert referral.decision_note == "Fundacja Dom, ul. Lipowa 1"
    assert referral.decided_by == manager


@pytest.mark.django_db
def test_the_waiting_list(client, manager):
    referral = submitted(1)
    client.force_login(manager)
    client.post(url("referral-decide", referral.pk), {"decision": Decision.WAITLIST})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.WAITLISTED
    # Once on the list, "waiting list" is no longer offered.
    response = client.get(url("referral-decide", referral.pk))
    assert Decision.WAITLIST not in dict(response.context["form"].fields["decision"].choices)


@pytest.mark.django_db
def test_a_minor_parent_is_not_offered_rejection_or_the_waiting_list(client, manager):
    referral = submitted(1, legal_basis=LegalBasis.MINOR_PARENT)
    client.force_login(manager)
    response = client.get(url("referral-decide", referral.pk))
    offered = set(dict(response.context["form"].fields["decision"].choices))
    assert offered == {Decision.ASSIGN, Decision.REFER}
    response = client.post(url("referral-decide", referral.pk), {"decision": Decision.REJECT, "note": "x"})
    assert response.context["form"].errors["decision"]
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED


@pytest.mark.django_db
def test_a_refusal_of_the_service_becomes_a_form_error(client, manager, assistant, other_assistant):
    # The family already has a case in progress: the service refuses a second one.
    case = CaseFactory(assistant=other_assistant)
    referral = submitted(1, family=case.family, interview=CommunityInterviewFactory(family=case.family))
    client.force_login(manager)
    response = client.post(
        url("referral-decide", referral.pk), {"decision": Decision.ASSIGN, "assistant": assistant.pk}
    )
    assert response.status_code == 200
    assert gettext("This family already has a case in progress; reassign that case instead.") in (
        response.context["form"].non_field_errors()
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED


@pytest.mark.django_db
@pytest.mark.parametrize("status", [ReferralStatus.DRAFT, ReferralStatus.WITHDRAWN, ReferralStatus.REJECTED])
def test_only_a_referral_awaiting_a_decision_is_decided(client, manager, assistant, status):
    referral = ReferralFactory(status=status)
    client.force_login(manager)
    response = client.post(
        url("referral-decide", referral.pk), {"decision": Decision.ASSIGN, "assistant": assistant.pk}
    )
    assert response.status_code == 302
    assert response.url == url("referral-detail", referral.pk)
    referral.refresh_from_db()
    assert referral.status == status
    assert not Case.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["social_worker", "assistant", "admin_user"])
def test_deciding_is_the_managers(client, request, who, assistant):
    referral = submitted(1, family__registered_by=request.getfixturevalue("social_worker"))
    client.force_login(request.getfixturevalue(who))
    assert client.get(url("referral-decide", referral.pk)).status_code == 403
    response = client.post(
        url("referral-decide", referral.pk), {"decision": Decision.ASSIGN, "assistant": assistant.pk}
    )
    assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED


@pytest.mark.django_db
def test_deciding_an_unknown_referral_is_404(client, manager):
    client.force_login(manager)
    assert client.get(url("referral-decide", 999999)).status_code == 404


@pytest.mark.django_db
def test_the_decision_page_answers_only_get_and_post(client, manager):
    referral = submitted(1)
    client.force_login(manager)
    assert client.put(url("referral-decide", referral.pk)).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 15])
def test_the_decision_page_reads_a_bounded_number_of_rows(
    client, manager, count, django_assert_max_num_queries
):
    for _ in range(count):
        CaseFactory(assistant=UserFactory(assistant=True))
    referral = submitted(3)
    client.force_login(manager)
    with django_assert_max_num_queries(page_overhead(client) + MAX_QUERIES_DECIDE):
        response = client.get(url("referral-decide", referral.pk))
    assert len(response.context["form"].fields["assistant"].choices) == count + 1  # and the empty choice
