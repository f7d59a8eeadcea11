"""The link of `seals` in the navigation bar (asystent.navigation; called from the app's `ready()`)."""

from django.utils.translation import gettext_lazy as _

from asystent.enums import Role
from asystent.navigation import register_link


def register() -> None:
    register_link(
        "administration",
        label=_("Electronic seal"),
        url_name="seals:certificate",
        roles=(Role.ADMINISTRATOR,),
        order=95,
    )
