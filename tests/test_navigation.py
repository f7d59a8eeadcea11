"""The navigation registry (asystent.navigation): each app's links in the navigation bar, the
user's menu and the home page, shown by role, in order, from what the apps register."""

import re

import pytest
from django.urls import reverse

from asystent.enums import Role
from asystent.navigation import links_for, links_in, register_link

pytestmark = pytest.mark.django_db

MANAGEMENT = [
    "reports:dashboard",
    "reports:charts",
    "reports:semiannual",
    "documents:monthly-reports",
    "staff:list",
    "timesheets:index",
    "access-log",
    "role-change-list",
    "cases:retention",
    "cooperation:institution-list",
    "cases:removed-records",
    "transfer:import",
    "transfer:export",
]
# The navigation bar of each role, in order; the manager's menu opens after the referral queue.
MAIN = {
    "social_worker": [
        "home",
        "cases:family-list",
        "cases:family-create",
        "referrals:referral-list",
        "cooperation:institution-list",
    ],
    "assistant": [
        "home",
        "cases:family-list",
        "visits:my-week",
        "api:offline",
        "courts:court-request-list",
        "documents:monthly-reports",
        "timesheets:index",
    ],
    "manager": [
        "home",
        "cases:family-list",
        "referrals:referral-list",
        "courts:court-request-list",
        "referrals:queue",
        *MANAGEMENT,
    ],
    "admin_user": [
        "home",
        "cooperation:institution-list",
        "centre-edit",
        "seals:certificate",
        "admin:index",
        "staff:list",
        "role-change-list",
        "transfer:import",
        "transfer:export",
    ],
}
HOME_CARDS = {
    "social_worker": ["cases:family-create", "cases:family-list", "referrals:referral-list"],
    "assistant": [],
    "manager": [
        "referrals:queue",
        "reports:dashboard",
        "courts:court-request-list",
        "reports:semiannual",
        "access-log",
    ],
    "admin_user": ["centre-edit", "admin:index"],
}
ACCOUNT = ["password_change", "two-factor-setup", "notifications:preferences", "api:account"]


def hrefs(html: str) -> list[str]:
    return re.findall(r'<a class="(?:nav-link|dropdown-item)[^"]*"[^>]*href="([^"]+)"', html)


@pytest.mark.parametrize("who", sorted(MAIN))
def test_the_navigation_bar_shows_each_role_its_links_in_order(client, role_users, who, request):
    client.force_login(request.getfixturevalue(who))
    page = client.get(reverse("home")).content.decode()
    bar = page.split('<ul class="navbar-nav me-auto">', 1)[1].split('<ul class="navbar-nav">', 1)[0]
    assert hrefs(bar) == [reverse(name) for name in MAIN[who]]
    account = page.split('<ul class="dropdown-menu dropdown-menu-end">', 1)[1].split("</ul>", 1)[0]
    assert hrefs(account) == [reverse(name) for name in ACCOUNT]


@pytest.mark.parametrize("who", sorted(HOME_CARDS))
def test_the_home_page_cards_show_each_role_its_links(client, role_users, who, request):
    client.force_login(request.getfixturevalue(who))
    page = client.get(reverse("home")).content.decode()
    cards = page.split('<div class="row g-3 mt-1">', 1)[1]
    assert re.findall(r'<li><a href="([^"]+)"', cards) == [reverse(name) for name in HOME_CARDS[who]]


def test_the_page_shown_is_marked_in_the_bar(client, manager):
    client.force_login(manager)
    page = client.get(reverse("cases:family-list")).content.decode()
    families = reverse("cases:family-list")
    assert f'<a class="nav-link active" aria-current="page" href="{families}">' in page
    assert page.count('aria-current="page"') == 1


def test_a_link_is_registered_once_and_a_dropdown_needs_links_for_the_user(manager, social_worker):
    before = len(links_in("main"))
    register_link("main", label="Rodziny", url_name="cases:family-list", roles=(Role.MANAGER,))
    assert len(links_in("main")) == before
    assert [link.submenu for link in links_for("main", manager) if link.submenu] == ["management"]
    assert not [link for link in links_for("main", social_worker) if link.submenu]


def test_a_link_has_a_url_name_or_a_submenu():
    with pytest.raises(ValueError, match="either"):
        register_link("main", label="?", url_name="home", submenu="management")
