"""The links of `cooperation` in the navigation bar (asystent.navigation; called from `ready()`)."""

from django.utils.translation import gettext_lazy as _

from asystent.enums import Role
from asystent.navigation import register_link


def register() -> None:
    register_link(
        "main",
        label=_("Institutions"),
        url_name="cooperation:institution-list",
        roles=(Role.SOCIAL_WORKER, Role.ADMINISTRATOR),
        order=75,
    )
    register_link(
        "management",
        label=_("Institutions"),
        url_name="cooperation:institution-list",
        roles=(Role.MANAGER,),
        order=60,
    )
