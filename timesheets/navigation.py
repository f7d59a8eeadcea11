"""The links of `timesheets` in the navigation bar (asystent.navigation; called from the app's
`ready()`): the assistant's own month, the managers' months to decide."""

from django.utils.translation import gettext_lazy as _

from asystent.enums import Role
from asystent.navigation import register_link


def register() -> None:
    register_link(
        "main",
        label=_("Time sheet and mileage"),
        url_name="timesheets:index",
        roles=(Role.ASSISTANT,),
        order=65,
    )
    register_link(
        "management",
        label=_("Time sheets and mileage logs"),
        url_name="timesheets:index",
        roles=(Role.MANAGER,),
        order=36,
    )
