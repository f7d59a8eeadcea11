"""Court orders under art. 109 § 2 pkt 1 KRO: the centre must provide an assistant, so a court order
is never rejected or referred out and waits only with a reason, the managers reminded every working
day; an order arriving during voluntary work joins the open case as a new period of its legal
basis, after which a withdrawal of consent does not close the case; every court-ordered figure
counts the days the order was in force; the decision and the (re)assignment are notified."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from asystent.errors import InvalidTransition
from cases.enums import CaseStatus, ConsentDecision, LegalBasis
from cases.models import Case, LegalBasisPeriod
from cases.selectors import court_ordered_during
from cases.services import open_case, reassign_case, record_consent
from notifications.enums import NotificationKind
from notifications.models import Notification
from notifications.reminders import send_reminders
from referrals.enums import Decision, ReferralStatus
from referrals.models import Referral
from referrals.reminders import court_order_reminders
from referrals.services import decide_referral, register_court_order
from reports.statistics import Period, figure_families, semiannual_report

from .factories import CaseFactory, ConsentFactory, FamilyFactory, ReferralFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
REFUSED = "cannot be rejected or referred elsewhere"
WAIT_REASON = "Give the reason why the court-ordered family must wait"


@pytest.fixture(autouse=True)
def in_english(settings, client):
    """Assertions read the English source strings: the Polish catalogue may reword them."""
    settings.LANGUAGE_CODE = "en"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def court_referral(social_worker):
    return ReferralFactory(family=FamilyFactory(registered_by=social_worker), court_ordered=True)


def order(family, by, *, received_on=None, number="III Nsm 321/26"):  # noqa: ANN001, ANN201
    received_on = received_on or TODAY() - dt.timedelta(days=2)
    return register_court_order(
        family=family,
        court="Sąd Rejonowy w Zielonej Dolinie",
        division="III Wydział Rodzinny i Nieletnich",
        case_number=number,
        order_date=received_on - dt.timedelta(days=5),
        received_on=received_on,
        by=by,
    )


# --- 1. never rejected or referred out; waits only with a reason ----------------------------------


@pytest.mark.parametrize("decision", [Decision.REJECT, Decision.REFER])
def test_the_service_refuses_to_reject_or_refer_out_a_court_order(court_referral, manager, decision):
    with pytest.raises(InvalidTransition) as refused:
        decide_referral(referral=court_referral, decision=decision, by=manager, note="Brak asystentów.")
    assert REFUSED in refused.value.messages[0]
    court_referral.refresh_from_db()
    assert court_referral.status == ReferralStatus.SUBMITTED
    assert not court_referral.transitions.exists()


@pytest.mark.parametrize("move", ["reject", "refer"])
def test_the_state_machine_itself_refuses_the_refusal(court_referral, manager, move):
    with pytest.raises(InvalidTransition, match=REFUSED):
        getattr(court_referral, move)(by=manager, comment="Brak asystentów.")
    assert court_referral.status == ReferralStatus.SUBMITTED


def test_a_voluntary_referral_may_still_be_rejected(manager, social_worker):
    referral = ReferralFactory(family=FamilyFactory(registered_by=social_worker), submitted=True)
    decided = decide_referral(referral=referral, decision=Decision.REJECT, by=manager, note="Odmowa.")
    assert decided.status == ReferralStatus.REJECTED


def test_a_court_order_waits_only_with_a_reason(court_referral, manager):
    with pytest.raises(InvalidTransition, match=WAIT_REASON):
        decide_referral(referral=court_referral, decision=Decision.WAITLIST, by=manager, note="  ")
    court_referral.refresh_from_db()
    assert court_referral.status == ReferralStatus.SUBMITTED
    decide_referral(
        referral=court_referral, decision=Decision.WAITLIST, by=manager, note="Brak wolnego asystenta."
    )
    court_referral.refresh_from_db()
    assert court_referral.status == ReferralStatus.WAITLISTED
    assert court_referral.decision_note == "Brak wolnego asystenta."


def test_the_decision_page_offers_neither_rejection_nor_referral(client, manager, court_referral):
    client.force_login(manager)
    url = reverse("referrals:referral-decide", args=[court_referral.pk])
    response = client.get(url)
    choices = [value for value, _label in response.context["form"].fields["decision"].choices]
    assert choices == [Decision.ASSIGN, Decision.WAITLIST]
    assert 'id="court-order-rule"' in response.content.decode()
    response = client.post(url, {"decision": "reject", "note": "Brak.", "version": court_referral.version})
    assert response.status_code == 200
    assert "decision" in response.context["form"].errors
    court_referral.refresh_from_db()
    assert court_referral.status == ReferralStatus.SUBMITTED


def test_the_decision_page_asks_for_the_reason_of_the_wait(client, manager, court_referral):
    client.force_login(manager)
    url = reverse("referrals:referral-decide", args=[court_referral.pk])
    response = client.post(url, {"decision": "waitlist", "note": "", "version": court_referral.version})
    assert response.status_code == 200
    assert any(WAIT_REASON in error for error in response.context["form"].errors["note"])
    response = client.post(
        url, {"decision": "waitlist", "note": "Brak wolnego asystenta.", "version": court_referral.version}
    )
    assert response.status_code == 302
    court_referral.refresh_from_db()
    assert court_referral.status == ReferralStatus.WAITLISTED


def test_the_queue_and_the_dashboard_show_the_reason_in_red(client, manager, court_referral):
    decide_referral(
        referral=court_referral, decision=Decision.WAITLIST, by=manager, note="Wszyscy asystenci mają limit."
    )
    client.force_login(manager)
    queue = client.get(reverse("referrals:queue")).content.decode()
    assert (
        '<p class="text-danger small mb-0 court-wait-reason"><strong>Court order waiting:</strong> '
        "Wszyscy asystenci mają limit.</p>" in queue
    )
    dashboard = client.get(reverse("reports:dashboard")).content.decode()
    assert (
        '<span class="text-danger court-wait-reason">Why it waits: Wszyscy asystenci mają limit.</span>'
        in (dashboard)
    )


def _weekday_after(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def test_the_managers_are_reminded_every_working_day_until_it_is_assigned(court_referral, manager, assistant):
    decide_referral(referral=court_referral, decision=Decision.WAITLIST, by=manager, note="Brak asystenta.")
    monday = _weekday_after(dt.date(2027, 3, 1), 0)
    for day in range(5):
        send_reminders(today=monday + dt.timedelta(days=day))
    send_reminders(today=monday + dt.timedelta(days=5))  # Saturday
    send_reminders(today=monday + dt.timedelta(days=6))  # Sunday
    sent = Notification.objects.filter(recipient=manager, rule=NotificationKind.COURT_ORDER_WAITING)
    assert sent.count() == 5
    assert "Brak asystenta." in sent.first().message
    decide_referral(referral=court_referral, decision=Decision.ASSIGN, by=manager, assistant=assistant)
    send_reminders(today=monday + dt.timedelta(days=7))
    assert sent.count() == 5


def test_no_reminder_on_a_polish_public_holiday(court_referral, manager):
    from notifications.reminders import Sweep

    # 11 November 2027 (Independence Day) is a Thursday; 12 November a working Friday.
    assert court_order_reminders(Sweep.load(dt.date(2027, 11, 11))) == []
    [reminder] = court_order_reminders(Sweep.load(dt.date(2027, 11, 12)))
    assert reminder.recipients == frozenset([manager.pk])


# --- 2. attached to open voluntary work: periods of the legal basis -------------------------------


@pytest.fixture
def voluntary_case(assistant, social_worker):
    return CaseFactory(
        family=FamilyFactory(registered_by=social_worker),
        assistant=assistant,
        opened_on=TODAY() - dt.timedelta(days=100),
    )


def test_an_order_during_voluntary_work_is_attached_to_the_open_case(voluntary_case, social_worker):
    received = TODAY() - dt.timedelta(days=10)
    court_order = order(voluntary_case.family, social_worker, received_on=received)
    assert not Referral.objects.filter(family=voluntary_case.family).exists()
    assert Case.objects.filter(family=voluntary_case.family).count() == 1
    voluntary_case.refresh_from_db()
    assert voluntary_case.legal_basis == LegalBasis.COURT_ORDER
    periods = list(voluntary_case.basis_periods.order_by("started_on"))
    assert [(p.basis, p.started_on, p.ended_on) for p in periods] == [
        (LegalBasis.VOLUNTARY, voluntary_case.opened_on, received - dt.timedelta(days=1)),
        (LegalBasis.COURT_ORDER, received, None),
    ]
    assert court_order.basis_period == periods[1]
    assert "III Nsm 321/26" in periods[1].source


def test_an_order_for_a_family_awaiting_consent_starts_the_work(assistant, social_worker):
    case = CaseFactory(
        family=FamilyFactory(registered_by=social_worker), assistant=assistant, awaiting_consent=True
    )
    order(case.family, social_worker, received_on=TODAY())
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE and case.started_on == TODAY()


def test_without_open_work_the_order_goes_to_the_queue(social_worker):
    court_order = order(FamilyFactory(registered_by=social_worker), social_worker)
    assert court_order.basis_period is None
    assert court_order.referral.status == ReferralStatus.SUBMITTED


def test_a_withdrawal_after_the_order_does_not_close_the_case(voluntary_case, social_worker, assistant):
    ConsentFactory(case=voluntary_case, date=voluntary_case.opened_on)
    order(voluntary_case.family, social_worker)
    consent = record_consent(
        case=voluntary_case,
        decision=ConsentDecision.WITHDRAWN,
        date=TODAY(),
        by=assistant,
        reason="Rodzina nie chce współpracy.",
    )
    voluntary_case.refresh_from_db()
    assert consent.decision == ConsentDecision.WITHDRAWN
    assert voluntary_case.status == CaseStatus.ACTIVE and voluntary_case.closed_on is None
    assert voluntary_case.court_notice_needed
    assert voluntary_case.basis_periods.filter(ended_on__isnull=True).count() == 1


def test_a_withdrawal_before_any_order_still_closes_voluntary_work(voluntary_case, assistant):
    ConsentFactory(case=voluntary_case, date=voluntary_case.opened_on)
    record_consent(
        case=voluntary_case, decision=ConsentDecision.WITHDRAWN, date=TODAY(), by=assistant, reason="Koniec."
    )
    voluntary_case.refresh_from_db()
    assert voluntary_case.status == CaseStatus.CLOSED
    assert voluntary_case.basis_periods.get().ended_on == TODAY()


def test_the_manager_records_the_order_and_lands_on_the_case_with_two_periods(
    client, manager, voluntary_case
):
    from .test_court_orders import order_data

    client.force_login(manager)
    received = TODAY() - dt.timedelta(days=3)
    response = client.post(
        reverse("referrals:court-order-create", args=[voluntary_case.family.pk]),
        order_data(
            received_on=received.isoformat(), order_date=(received - dt.timedelta(days=4)).isoformat()
        ),
        follow=True,
    )
    assert response.redirect_chain[-1][0] == voluntary_case.get_absolute_url()
    page = response.content.decode()
    assert "the court order has been attached to the open case" in page
    assert page.count('class="basis-period') == 2
    assert f"voluntary (the family&#x27;s consent): from {voluntary_case.opened_on:%d.%m.%Y} until" in page
    assert f"court order (art. 109 § 2 pkt 1 KRO): from {received:%d.%m.%Y}" in page
    assert "Legal basis from now on: court order (art. 109 § 2 pkt 1 KRO)" in page  # the timeline


def test_the_consent_page_records_a_withdrawal_without_closing(
    client, assistant, voluntary_case, social_worker
):
    ConsentFactory(case=voluntary_case, date=voluntary_case.opened_on)
    order(voluntary_case.family, social_worker)
    client.force_login(assistant)
    response = client.post(
        reverse("cases:consent-create", args=[voluntary_case.pk]),
        {"decision": "withdrawn", "date": TODAY().isoformat(), "reason": "Rodzina nie chce współpracy."},
    )
    assert response.status_code == 302
    voluntary_case.refresh_from_db()
    assert voluntary_case.status == CaseStatus.ACTIVE
    assert "The court must be informed" in client.get(voluntary_case.get_absolute_url()).content.decode()


def test_court_ordered_figures_count_the_days_the_order_was_in_force(assistant, social_worker):
    case = CaseFactory(
        family=FamilyFactory(registered_by=social_worker), assistant=assistant, opened_on=dt.date(2025, 2, 1)
    )
    order(case.family, social_worker, received_on=dt.date(2025, 8, 20))
    h1, h2 = Period(2025, "H1"), Period(2025, "H2")
    assert case in court_ordered_during(h2.start, h2.end)
    assert case not in court_ordered_during(h1.start, h1.end)
    assert case not in court_ordered_during(dt.date(2025, 8, 1), dt.date(2025, 8, 19))
    assert case in court_ordered_during(dt.date(2025, 8, 20), dt.date(2025, 8, 20))
    figures = {figure.key: figure.value for figure in semiannual_report(h1)}
    assert (figures["families"], figures["families-court"]) == (1, 0)
    figures = {figure.key: figure.value for figure in semiannual_report(h2)}
    assert (figures["families"], figures["families-court"]) == (1, 1)
    assert list(figure_families("families-court", h2)) == [case.family]
    assert list(figure_families("families-court", h1)) == []


def test_a_closed_court_ordered_case_stops_counting_after_its_closure(assistant):
    case = CaseFactory(
        assistant=assistant,
        legal_basis=LegalBasis.COURT_ORDER,
        opened_on=dt.date(2025, 1, 10),
        closed=True,
        closed_on=dt.date(2025, 3, 31),
    )
    LegalBasisPeriod.objects.filter(case=case).update(ended_on=None)  # an open period: the closure ends it
    assert case in court_ordered_during(dt.date(2025, 3, 31), dt.date(2025, 3, 31))
    assert case not in court_ordered_during(dt.date(2025, 4, 1), dt.date(2025, 6, 30))


def test_the_dashboard_counts_families_under_a_court_order_today(
    client, manager, voluntary_case, social_worker
):
    CaseFactory(assistant=voluntary_case.assistant)  # voluntary: not counted
    client.force_login(manager)
    assert client.get(reverse("reports:dashboard")).context["panels"].court_ordered == 0
    order(voluntary_case.family, social_worker, received_on=TODAY() + dt.timedelta(days=0))
    response = client.get(reverse("reports:dashboard"))
    assert response.context["panels"].court_ordered == 1
    assert 'id="h-court-ordered"' in response.content.decode()


def test_a_period_cannot_end_before_it_starts(voluntary_case):
    period = voluntary_case.basis_periods.get()
    period.ended_on = period.started_on - dt.timedelta(days=1)
    with pytest.raises(ValidationError):
        period.full_clean()


# --- 4. notices of the decision and of the (re)assignment -----------------------------------------


def test_the_social_worker_learns_the_managers_decision(social_worker, manager, court_referral):
    decide_referral(referral=court_referral, decision=Decision.WAITLIST, by=manager, note="Brak asystenta.")
    [notice] = Notification.objects.filter(recipient=social_worker, rule=NotificationKind.REFERRAL_DECIDED)
    assert court_referral.family.name in notice.message and "Brak asystenta." in notice.message
    assert notice.url == court_referral.get_absolute_url()


def test_the_decision_page_notifies_the_social_worker_by_e_mail(
    client, manager, social_worker, court_referral, mailoutbox, django_capture_on_commit_callbacks
):
    social_worker.email_notifications = "immediate"
    social_worker.save()
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("referrals:referral-decide", args=[court_referral.pk]),
            {"decision": "waitlist", "note": "Brak asystenta.", "version": court_referral.version},
        )
    assert Notification.objects.filter(
        recipient=social_worker, rule=NotificationKind.REFERRAL_DECIDED
    ).exists()
    assert [message.to for message in mailoutbox] == [[social_worker.email]]


def test_the_new_and_the_previous_assistant_are_told_of_a_reassignment(manager, assistant):
    case = open_case(
        family=FamilyFactory(),
        assistant=assistant,
        social_worker=None,
        legal_basis=LegalBasis.VOLUNTARY,
        by=manager,
    )
    assert Notification.objects.filter(recipient=assistant, rule=NotificationKind.CASE_ASSIGNED).count() == 1
    other = UserFactory(username="beata", assistant=True)
    reassign_case(case=case, assistant=other, by=manager, reason="Urlop.")
    assert Notification.objects.filter(recipient=other, rule=NotificationKind.CASE_ASSIGNED).count() == 1
    [handed] = Notification.objects.filter(recipient=assistant, rule=NotificationKind.CASE_HANDED_OVER)
    assert "beata" in handed.message or other.get_full_name() in handed.message
    assert handed.url == ""  # the previous assistant no longer sees the family


def test_the_reassignment_page_notifies_both_assistants(client, manager, assistant):
    case = CaseFactory(assistant=assistant)
    other = UserFactory(username="beata", assistant=True)
    client.force_login(manager)
    response = client.post(
        reverse("cases:case-reassign", args=[case.pk]),
        {"assistant": other.pk, "reason": "Urlop.", "seen_assistant": assistant.pk},
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    assert Notification.objects.filter(recipient=other, rule=NotificationKind.CASE_ASSIGNED).exists()
    assert Notification.objects.filter(recipient=assistant, rule=NotificationKind.CASE_HANDED_OVER).exists()
