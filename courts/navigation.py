"""The links of `courts` in the navigation bar and on the home page (asystent.navigation;
called from the app's `ready()`)."""

from django.utils.translation import gettext_lazy as _

from asystent.enums import Role
from asystent.navigation import register_link

from . import todo


def register() -> None:
    register_link(
        "main",
        label=_("Court requests"),
        url_name="courts:court-request-list",
        roles=(Role.ASSISTANT, Role.MANAGER),
        order=60,
    )
    register_link(
        "home-management",
        label=_("Court requests"),
        url_name="courts:court-request-list",
        roles=(Role.MANAGER,),
        order=30,
    )
    todo.register()
