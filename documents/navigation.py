"""The links of `documents` in the navigation bar (asystent.navigation; called from the app's
`ready()`): the assistants' monthly reports."""

from django.utils.translation import gettext_lazy as _

from asystent.enums import Role
from asystent.navigation import register_link


def register() -> None:
    register_link(
        "main",
        label=_("Monthly reports"),
        url_name="documents:monthly-reports",
        roles=(Role.ASSISTANT,),
        order=65,
    )
    register_link(
        "management",
        label=_("Assistants' monthly reports"),
        url_name="documents:monthly-reports",
        roles=(Role.MANAGER,),
        order=32,
    )
