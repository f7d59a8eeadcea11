"""The link of `visits` in the navigation bar (asystent.navigation; called from
`VisitsConfig.ready()`)."""

from django.utils.translation import gettext_lazy as _

from asystent.enums import Role
from asystent.navigation import register_link

from . import todo


def register() -> None:
    register_link("main", label=_("My week"), url_name="visits:my-week", roles=(Role.ASSISTANT,), order=50)
    todo.register()
