"""The account page of `api` in the user's menu (asystent.navigation; called from the app's
`ready()`)."""

from django.utils.translation import gettext_lazy as _

from asystent.enums import Role
from asystent.navigation import register_link


def register() -> None:
    register_link(
        "account",
        label=_("Access tokens and calendar"),
        url_name="api:account",
        order=40,
        highlight=False,
    )
    # The visit form that works without a connection, for the assistant in the field.
    register_link(
        "main",
        label=_("Visits without a connection"),
        url_name="api:offline",
        roles=(Role.ASSISTANT,),
        order=55,
    )
