"""The notifications' badge in the navigation bar and their settings in the user's menu
(asystent.navigation; called from `NotificationsConfig.ready()`)."""

from django.utils.translation import gettext_lazy as _

from asystent.navigation import register_block, register_link

from . import todo


def register() -> None:
    register_block("navbar", template="notifications/_badge.html")
    register_link(
        "account",
        label=_("Notification settings"),
        url_name="notifications:preferences",
        order=30,
        highlight=False,
    )
    todo.register()
