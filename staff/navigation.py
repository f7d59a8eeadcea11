"""The links of `staff` in the navigation bar (asystent.navigation; called from the app's
`ready()`): the managers find the staff records under Management, an administrator who is not
a manager in the bar."""

from django.utils.translation import gettext_lazy as _

from asystent.enums import Role
from asystent.navigation import register_link


def register() -> None:
    register_link(
        "management", label=_("Staff records"), url_name="staff:list", roles=(Role.MANAGER,), order=35
    )
    register_link(
        "administration",
        label=_("Staff records"),
        url_name="staff:list",
        roles=(Role.ADMINISTRATOR,),
        predicate=lambda user: not user.is_manager,
        order=105,
        highlight=False,
    )
