"""The links of `referrals` in the navigation bar and on the home page (asystent.navigation;
called from `ReferralsConfig.ready()`)."""

from django.utils.translation import gettext_lazy as _

from asystent.enums import Role
from asystent.navigation import register_block, register_link

from . import todo
from .panels import home_deadlines


def register() -> None:
    register_link(
        "main",
        label=_("Referrals"),
        url_name="referrals:referral-list",
        roles=(Role.SOCIAL_WORKER, Role.MANAGER),
        order=40,
    )
    register_link(
        "main", label=_("Referral queue"), url_name="referrals:queue", roles=(Role.MANAGER,), order=70
    )
    register_link(
        "home-social-work",
        label=_("My referrals"),
        url_name="referrals:referral-list",
        roles=(Role.SOCIAL_WORKER,),
        order=30,
    )
    register_link(
        "home-management",
        label=_("Referrals awaiting a decision"),
        url_name="referrals:queue",
        roles=(Role.MANAGER,),
        order=10,
    )
    # The social worker's community interviews due after reports, on the start page.
    register_block("home", template="referrals/_home_deadlines.html", context=home_deadlines, order=110)
    todo.register()
