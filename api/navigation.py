"""The account page of `api` in the user's menu (asystent.navigation; called from the app's
`ready()`)."""

from django.utils.translation import gettext_lazy as _

from asystent.navigation import register_link


def register() -> None:
    register_link(
        "account",
        label=_("Access tokens and calendar"),
        url_name="api:account",
        order=40,
        highlight=False,
    )
