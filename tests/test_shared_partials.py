"""The shared partials: one form-errors summary (templates/_form_errors.html) and one pagination
(templates/_pagination.html)."""

import re

import pytest
from django.urls import reverse

from .factories import CaseFactory, FamilyMemberFactory, VisitFactory

pytestmark = pytest.mark.django_db


def test_a_form_sent_with_errors_starts_with_a_summary_linking_to_each_field(client, social_worker):
    case = CaseFactory(family__registered_by=social_worker)
    member = FamilyMemberFactory(family=case.family)
    client.force_login(social_worker)
    page = client.post(reverse("cases:member-remove", args=[member.pk]), {"reason": ""}).content.decode()
    summary = re.search(r'<div class="alert alert-danger"[^>]*data-form-errors[^>]*>(.*?)</div>', page, re.S)
    assert summary is not None and 'tabindex="-1"' in summary.group(0)
    assert 'href="#id_reason"' in summary.group(1)
    # The field keeps its own message too, and the summary comes before the field.
    assert page.index("data-form-errors") < page.index('id="id_reason"')
    assert "invalid-feedback" in page or "is-invalid" in page


def test_a_form_without_errors_has_no_summary(client, social_worker):
    case = CaseFactory(family__registered_by=social_worker)
    member = FamilyMemberFactory(family=case.family)
    client.force_login(social_worker)
    page = client.get(reverse("cases:member-remove", args=[member.pk])).content.decode()
    assert "data-form-errors" not in page


def test_the_visit_log_pages_with_the_shared_pagination(client):
    case = CaseFactory()
    for _ in range(26):
        VisitFactory(case=case)
    client.force_login(case.assistant)
    page = client.get(reverse("visits:case-visits", args=[case.pk])).content.decode()
    nav = page.split('class="pagination"')[1].split("</nav>")[0]
    assert "?page=2" in nav
