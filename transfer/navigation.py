"""The links of `transfer` (asystent.navigation; called from the app's `ready()`): the managers
find the import and the export under Management, an administrator who is not a manager in the
bar."""

from django.utils.translation import gettext_lazy as _

from asystent.enums import Role
from asystent.navigation import register_link


def register() -> None:
    register_link(
        "management", label=_("Import"), url_name="transfer:import", roles=(Role.MANAGER,), order=90
    )
    register_link(
        "management",
        label=_("Export of the centre's data"),
        url_name="transfer:export",
        roles=(Role.MANAGER,),
        order=95,
    )
    register_link(
        "administration",
        label=_("Import"),
        url_name="transfer:import",
        roles=(Role.ADMINISTRATOR,),
        predicate=lambda user: not user.is_manager,
        order=115,
        highlight=False,
    )
    register_link(
        "administration",
        label=_("Export of the centre's data"),
        url_name="transfer:export",
        roles=(Role.ADMINISTRATOR,),
        predicate=lambda user: not user.is_manager,
        order=120,
        highlight=False,
    )
