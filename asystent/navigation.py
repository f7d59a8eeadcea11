"""The links of the navigation bar and of the home page, and the blocks shown around them.

The core app's templates (`base.html`, `_nav_items.html`, `home.html`) name no app above it
(tests/test_floors.py): each app adds its own links in its `AppConfig.ready()` with
`register_link` (menu, label, URL name, who sees it, order, icon) and its blocks with
`register_block`; `{% nav_links "menu" as links %}` and `{% blocks "slot" %}`
(asystent/templatetags/navigation.py) render them for the user asking.

The menus:

- "main": the navigation bar; an entry with `submenu` opens that menu as a dropdown;
- "management": the manager's dropdown of the navigation bar;
- "account": the user's own dropdown (password, two-step login, notification settings);
- "home-social-work", "home-management", "home-administration": the home page's cards.

The block slots: "navbar" (before the user's dropdown: the notifications badge) and "home" (the
top of the home page: the "Do zrobienia" list of asystent.todo, then the assistant's agenda).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django_stubs_ext import StrOrPromise

from .enums import Role
from .models import User

# Who sees a link: `roles` (any of them), and `predicate(user)` if given.
Predicate = Callable[[User], bool]
# Given the page's context, the block's own context; None to show nothing.
BlockContext = Callable[..., dict[str, Any] | None]


@dataclass(frozen=True)
class NavLink:
    menu: str
    key: str
    label: StrOrPromise
    url_name: str
    roles: tuple[Role, ...]
    predicate: Predicate | None
    order: int
    icon: str
    # Marked as the page shown (`aria-current`) when the view is `url_name`.
    highlight: bool
    # The menu this entry opens as a dropdown (then `url_name` is empty).
    submenu: str

    def visible_to(self, user: User) -> bool:
        if self.roles and not user.has_role(*self.roles):
            return False
        return self.predicate is None or self.predicate(user)


@dataclass(frozen=True)
class Block:
    slot: str
    template: str
    context: BlockContext | None
    order: int


_links: dict[str, list[NavLink]] = {}
_blocks: dict[str, list[Block]] = {}


def register_link(
    menu: str,
    *,
    label: StrOrPromise,
    url_name: str = "",
    roles: tuple[Role, ...] = (),
    predicate: Predicate | None = None,
    order: int = 100,
    icon: str = "",
    highlight: bool = True,
    submenu: str = "",
) -> None:
    """Show a link to `url_name` in `menu`, to the users holding one of `roles` (everyone when
    none is given) for whom `predicate` holds, in `order` (then by URL name). `icon`: the CSS
    classes of an icon shown before the label."""
    if bool(url_name) == bool(submenu):
        raise ValueError("a link has either a URL name or a submenu")
    key = url_name or f"menu:{submenu}"
    links = _links.setdefault(menu, [])
    if any(link.key == key for link in links):
        return  # ready() may run twice (tests, management commands): register once
    links.append(
        NavLink(
            menu=menu,
            key=key,
            label=label,
            url_name=url_name,
            roles=tuple(roles),
            predicate=predicate,
            order=order,
            icon=icon,
            highlight=highlight and bool(url_name),
            submenu=submenu,
        )
    )
    links.sort(key=lambda link: (link.order, link.key))


def links_in(menu: str) -> list[NavLink]:
    """Every link of `menu`, in order, whoever sees it."""
    return list(_links.get(menu, ()))


def links_for(menu: str, user: User) -> list[NavLink]:
    """The links of `menu` that `user` sees, in order; a dropdown only when it has some."""
    shown = []
    for link in links_in(menu):
        if not link.visible_to(user):
            continue
        if link.submenu and not links_for(link.submenu, user):
            continue
        shown.append(link)
    return shown


def register_block(
    slot: str, *, template: str, context: BlockContext | None = None, order: int = 100
) -> None:
    """Show `template` in `slot`, with the page's context and what `context(**page_context)` adds."""
    blocks = _blocks.setdefault(slot, [])
    if any(block.template == template for block in blocks):
        return
    blocks.append(Block(slot=slot, template=template, context=context, order=order))
    blocks.sort(key=lambda block: (block.order, block.template))


def blocks_in(slot: str) -> list[Block]:
    return list(_blocks.get(slot, ()))


def register_core_links() -> None:
    """The core app's own links (called from `AsystentConfig.ready()`)."""
    from django.utils.translation import gettext_lazy as _

    from .todo import register_core_todo, todo_block

    register_link("main", label=_("Start"), url_name="home", order=10)
    # The "Do zrobienia" list leads the start page; the apps fill it (asystent.todo).
    register_block("home", template="asystent/_todo.html", context=todo_block, order=0)
    register_core_todo()
    register_link("main", label=_("Management"), submenu="management", roles=(Role.MANAGER,), order=80)
    register_link("main", label=_("Centre"), url_name="centre-edit", roles=(Role.ADMINISTRATOR,), order=90)
    # The administrator's set-up pages fold into one menu, as the manager's do, so that the bar
    # fits a 1280 px screen whatever the apps add.
    register_link(
        "main", label=_("Administration"), submenu="administration", roles=(Role.ADMINISTRATOR,), order=92
    )
    register_link(
        "administration",
        label=_("Users and dictionaries"),
        url_name="admin:index",
        roles=(Role.ADMINISTRATOR,),
        order=100,
        highlight=False,
    )
    # A manager who is also the administrator finds it under Management.
    register_link(
        "administration",
        label=_("Role changes"),
        url_name="role-change-list",
        roles=(Role.ADMINISTRATOR,),
        predicate=lambda user: not user.is_manager,
        order=110,
        highlight=False,
    )
    register_link("management", label=_("Access log"), url_name="access-log", roles=(Role.MANAGER,), order=40)
    register_link(
        "management", label=_("Role changes"), url_name="role-change-list", roles=(Role.MANAGER,), order=50
    )
    register_link(
        "account", label=_("Change password"), url_name="password_change", order=10, highlight=False
    )
    register_link(
        "account", label=_("Two-step login"), url_name="two-factor-setup", order=20, highlight=False
    )
    register_link(
        "home-management", label=_("Access log"), url_name="access-log", roles=(Role.MANAGER,), order=50
    )
    register_link(
        "home-administration",
        label=_("The centre's details and settings"),
        url_name="centre-edit",
        roles=(Role.ADMINISTRATOR,),
        order=10,
    )
    register_link(
        "home-administration",
        label=_("Users, roles and dictionaries"),
        url_name="admin:index",
        roles=(Role.ADMINISTRATOR,),
        order=20,
    )
