"""The manager's links of `reports` in the navigation bar and on the home page
(asystent.navigation; called from the app's `ready()`)."""

from django.utils.translation import gettext_lazy as _

from asystent.enums import Role
from asystent.navigation import register_link

from . import todo

MANAGER = (Role.MANAGER,)


def register() -> None:
    register_link(
        "management", label=_("Caseload dashboard"), url_name="reports:dashboard", roles=MANAGER, order=10
    )
    register_link("management", label=_("Charts"), url_name="reports:charts", roles=MANAGER, order=20)
    register_link(
        "management", label=_("Semi-annual report"), url_name="reports:semiannual", roles=MANAGER, order=30
    )
    register_link(
        "home-management",
        label=_("Caseload dashboard"),
        url_name="reports:dashboard",
        roles=MANAGER,
        order=20,
    )
    register_link(
        "home-management",
        label=_("Semi-annual report"),
        url_name="reports:semiannual",
        roles=MANAGER,
        order=40,
    )
    todo.register()
