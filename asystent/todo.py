"""The "Do zrobienia" list at the top of the start page: what each person should do next, the most
urgent first, each item a link to the page where it is done.

The core app names no app above it (style.md, "Apps are rooms"): each app registers, in its
`AppConfig.ready()`, the sources of the items it knows about (`register_todo`), with the roles
that see them. A source takes the user and today's date and returns its items in a constant
number of queries (one, as a rule), scoped to what the user may see; the start page calls only
the sources of the user's roles, so the list costs a fixed number of queries whatever the number
of families (tests/test_todo.py counts them).
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_stubs_ext import StrOrPromise

from .enums import Role, RoleChangeStatus
from .meta import concrete_field
from .models import Centre, RoleChangeRequest, User

# The most items shown; the rest are counted ("and N more").
SHOWN_ITEMS = 25


@dataclass(frozen=True)
class TodoItem:
    """One thing to do: `label` says what, `subject` for whom (a family told apart by its street
    or case number), `url` where it is done; `due` its deadline, if it has one. `rank` orders the
    items of the same urgency and deadline (the source's weight: court matters first)."""

    label: StrOrPromise
    url: str
    subject: str = ""
    due: dt.date | None = None
    rank: int = 100
    # For items without a deadline: since when they wait (the longest waiting first).
    since: dt.date | None = None
    # Past its deadline without one date to show (a count of overdue records).
    overdue: bool = False

    def urgency(self, today: dt.date) -> int:
        """0 past the deadline, 1 due today, 2 due later, 3 without a deadline."""
        if self.overdue:
            return 0
        if self.due is None:
            return 3
        if self.due < today:
            return 0
        return 1 if self.due == today else 2

    def sort_key(self, today: dt.date) -> tuple[int, dt.date, int, dt.date, str]:
        return (
            self.urgency(today),
            self.due or dt.date.max,
            self.rank,
            self.since or dt.date.max,
            str(self.label),
        )


TodoSource = Callable[[User, dt.date], Iterable[TodoItem]]


@dataclass(frozen=True)
class Source:
    key: str
    roles: tuple[Role, ...]
    items: TodoSource


_sources: list[Source] = []


def register_todo(key: str, *, roles: tuple[Role, ...], items: TodoSource) -> None:
    """Add the items of `items(user, today)` to the list of the users holding one of `roles`."""
    if any(source.key == key for source in _sources):
        return  # ready() may run twice (tests, management commands): register once
    _sources.append(Source(key=key, roles=tuple(roles), items=items))


def sources() -> list[Source]:
    return list(_sources)


@dataclass(frozen=True)
class TodoRow:
    item: TodoItem
    urgency: int


@dataclass(frozen=True)
class TodoList:
    today: dt.date
    rows: list[TodoRow]
    more: int

    @property
    def items(self) -> list[TodoItem]:
        return [row.item for row in self.rows]

    @property
    def total(self) -> int:
        return len(self.rows) + self.more


def todo_for(user: User, today: dt.date) -> TodoList:
    """The user's items from the sources of their roles, the most urgent first."""
    items: list[TodoItem] = []
    for source in _sources:
        if user.has_role(*source.roles):
            items.extend(source.items(user, today))
    items.sort(key=lambda item: item.sort_key(today))
    rows = [TodoRow(item=item, urgency=item.urgency(today)) for item in items[:SHOWN_ITEMS]]
    return TodoList(today=today, rows=rows, more=max(0, len(items) - SHOWN_ITEMS))


def todo_block(**page: Any) -> dict[str, Any] | None:
    """The start page's block (asystent.navigation): the list of the user asking."""
    user = getattr(page.get("request"), "user", None) or page.get("user")
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return {"todo": todo_for(user, timezone.localdate())}


def users_without_role(user: User, today: dt.date) -> Iterable[TodoItem]:
    """Active accounts with no role: they can log in but see nothing until given one. An account
    whose roles were asked for waits for the second person's confirmation (`role_changes_to_decide`),
    not for the administrator."""
    people = (
        User.objects.filter(
            is_active=True,
            is_social_worker=False,
            is_assistant=False,
            is_manager=False,
            is_administrator=False,
        )
        .exclude(role_change_requests__status=RoleChangeStatus.PENDING)
        .order_by("date_joined", "pk")[:SHOWN_ITEMS]
    )
    for person in people:
        yield TodoItem(
            label=_("Give a role to %(name)s") % {"name": person},
            url=reverse("admin:asystent_user_change", args=[person.pk]),
            since=timezone.localdate(person.date_joined),
            rank=10,
        )


def role_changes_to_decide(user: User, today: dt.date) -> Iterable[TodoItem]:
    """Requests to change someone's roles that wait for this user, the second person (a manager
    confirms an administrator's request and the other way round)."""
    pending = RoleChangeRequest.objects.filter(status=RoleChangeStatus.PENDING).select_related("user")
    for change in pending.order_by("requested_at", "pk")[:SHOWN_ITEMS]:
        if user.has_perm("asystent.decide_role_change", change):
            yield TodoItem(
                label=_("Confirm or reject the roles of %(name)s") % {"name": change.user},
                url=reverse("role-change-list"),
                since=timezone.localdate(change.requested_at),
                rank=5,
            )


# The centre's details its letters and PDFs need (the letterhead).
CENTRE_DETAILS = ("street", "postal_code", "city", "phone", "email", "logo")


def centre_incomplete(user: User, today: dt.date) -> Iterable[TodoItem]:
    """The centre's details left empty, which the letterhead of every document needs."""
    centre = Centre.load()
    missing = [
        str(concrete_field(Centre, name).verbose_name) for name in CENTRE_DETAILS if not getattr(centre, name)
    ]
    if missing:
        yield TodoItem(
            label=_("Complete the centre's details: %(fields)s") % {"fields": ", ".join(missing)},
            url=reverse("centre-edit"),
            rank=20,
        )


def register_core_todo() -> None:
    """The administrator's items of the core app (called from `register_core_links`)."""
    register_todo("asystent-users-without-role", roles=(Role.ADMINISTRATOR,), items=users_without_role)
    register_todo("asystent-centre-incomplete", roles=(Role.ADMINISTRATOR,), items=centre_incomplete)
    register_todo(
        "asystent-role-changes", roles=(Role.MANAGER, Role.ADMINISTRATOR), items=role_changes_to_decide
    )
