"""The links of `cases` in the navigation bar and on the home page, and the assistant's agenda
on the home page (asystent.navigation; called from `CasesConfig.ready()`)."""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from asystent.enums import Role
from asystent.navigation import register_block, register_link

from . import todo
from .agenda import assistant_agenda

CASE_ROLES = (Role.SOCIAL_WORKER, Role.ASSISTANT, Role.MANAGER)


def agenda_block(**page: Any) -> dict[str, Any] | None:
    """The agenda of the family assistant who opened the home page; nothing for anyone else."""
    user = getattr(page.get("request"), "user", None) or page.get("user")
    if user is None or not getattr(user, "is_assistant", False) or not user.is_active:
        return None
    return {"agenda": assistant_agenda(user, timezone.localdate())}


def register() -> None:
    register_link("main", label=_("Families"), url_name="cases:family-list", roles=CASE_ROLES, order=20)
    register_link(
        "main",
        label=_("Register a family"),
        url_name="cases:family-create",
        roles=(Role.SOCIAL_WORKER,),
        order=30,
        highlight=False,
    )
    register_link(
        "management",
        label=_("Retention of files"),
        url_name="cases:retention",
        roles=(Role.MANAGER,),
        order=60,
    )
    register_link(
        "management",
        label=_("Removed records"),
        url_name="cases:removed-records",
        roles=(Role.MANAGER,),
        order=70,
    )
    register_link(
        "home-social-work",
        label=_("Register a family after a community interview"),
        url_name="cases:family-create",
        roles=(Role.SOCIAL_WORKER,),
        order=10,
    )
    register_link(
        "home-social-work",
        label=_("My families"),
        url_name="cases:family-list",
        roles=(Role.SOCIAL_WORKER,),
        order=20,
    )
    register_block("home", template="cases/_home_agenda.html", context=agenda_block)
    todo.register()
