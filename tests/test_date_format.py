"""Dates are written one way everywhere: dd.mm.rrrr (asystent/formats, `{{ value|day }}`).

The rule, precisely: in the text a person reads on a page (not in attributes such as
`<time datetime="2026-12-07">` or a date field's value, which are for machines), no date appears
as ISO ("2026-12-07"), with dashes the other way round ("07-12-2026"), or with the month's name
("7 grudnia 2026", "Dec. 7, 2026"). A month alone ("12.2026", "grudzień 2026") is not a date.
The main pages of every role are read in Polish, on the route matrix's world, where every kind
of record exists.
"""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from . import route_world

pytestmark = pytest.mark.django_db

MONTHS = (
    "stycznia|lutego|marca|kwietnia|maja|czerwca|lipca|sierpnia|września|października|listopada|grudnia"
    "|Jan|Feb|Mar|Apr|May|June|July|Aug|Sept|Oct|Nov|Dec|January|February|March|April|August|September"
    "|October|November|December"
)
OTHER_FORMATS = re.compile(
    "|".join(
        [
            r"\b\d{4}-\d{2}-\d{2}\b",  # 2026-12-07
            r"\b\d{2}-\d{2}-\d{4}\b",  # 07-12-2026
            rf"\b\d{{1,2}}\.? ({MONTHS})\.? \d{{4}}\b",  # 7 grudnia 2026
            rf"\b({MONTHS})\.? \d{{1,2}}, \d{{4}}\b",  # Dec. 7, 2026
        ]
    )
)
ONE_WAY = re.compile(r"\b\d{2}\.\d{2}\.\d{4}\b")


class _Text(HTMLParser):
    """The text nodes of a page, without its scripts and styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:  # noqa: ARG002
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def test_the_rule_finds_what_it_should():
    assert OTHER_FORMATS.search("Termin: 2026-12-07")
    assert OTHER_FORMATS.search("dnia 7 grudnia 2026 r.")
    assert OTHER_FORMATS.search("07-12-2026 10:00")
    assert OTHER_FORMATS.search("Dec. 7, 2026")
    assert not OTHER_FORMATS.search("07.12.2026 10:00, 12.2026, III Nsm 123/26, tel. 123-456-789")
    assert (
        visible_text('<time datetime="2026-12-07">07.12.2026</time><script>"2026-12-07"</script>')
        == "07.12.2026"
    )


def _pages(world) -> dict[str, list[str]]:  # noqa: ANN001
    a = world.a
    common = [reverse("home"), reverse("notifications:list"), reverse("api:account")]
    return {
        "social_worker": [
            *common,
            reverse("cases:family-list"),
            reverse("cases:family-detail", args=[a.family.pk]),
            a.referral.get_absolute_url(),
            reverse("referrals:referral-list"),
        ],
        "assistant": [
            *common,
            reverse("visits:my-week"),
            reverse("cases:case-detail", args=[a.case.pk]),
            reverse("visits:case-visits", args=[a.case.pk]),
            reverse("cases:plan-detail", args=[a.plan.pk]),
            reverse("cases:assessment-detail", args=[a.assessment.pk]),
            reverse("courts:court-request-list"),
            a.court_request.get_absolute_url(),
        ],
        "manager": [
            *common,
            reverse("referrals:queue"),
            reverse("reports:dashboard"),
            f"{reverse('reports:dashboard-drilldown')}?metric=caseload",
            reverse("courts:court-request-list"),
            a.opinion_version.get_absolute_url(),
            reverse("access-log"),
            reverse("role-change-list"),
            a.referral.get_absolute_url(),
        ],
        "administrator": [*common, reverse("centre-edit"), reverse("role-change-list")],
    }


def test_no_page_writes_a_date_another_way(client, settings):
    settings.LANGUAGE_CODE = "pl"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "pl"
    world = route_world.build()
    today = timezone.localdate().strftime("%d.%m.%Y")
    seen_one_way = 0
    for role, urls in _pages(world).items():
        client.force_login(getattr(world.users, role))
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (role, url, response.status_code)
            text = visible_text(response.content.decode())
            found = OTHER_FORMATS.search(text)
            assert found is None, f"{role} {url}: {text[max(0, found.start() - 80) : found.end() + 40]!r}"
            seen_one_way += len(ONE_WAY.findall(text))
    # The pages do show dates (today's among them), all of them written dd.mm.rrrr.
    assert seen_one_way > 50
    client.force_login(world.users.assistant)
    assert today in visible_text(client.get(reverse("visits:my-week")).content.decode())
