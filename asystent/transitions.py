"""One way to change a status: every status field is a state machine of django-fsm-2, and every
move is written to the object's transition log.

A model declares its status as an `FSMField` and each allowed move once, as a method decorated
with `transition` below (sources, target and the conditions the move needs). A service takes the
move on the row it has locked (`select_for_update`), inside its `transaction.atomic()`, and then
saves the object; calling the method:

- refuses an illegal move with `InvalidTransition` (django-fsm's TransitionNotAllowed is turned
  into it here and nowhere else), with the model's message, or the failed condition's;
- runs the method's body (the fields the move sets);
- counts a change of a row with a `version` counter (`asystent.concurrency`);
- writes the log row (a `TransitionLog` of the object's app) and returns it.
"""

from collections.abc import Callable, Sequence
from functools import cache, wraps
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django_fsm import FSMFieldMixin, TransitionNotAllowed, can_proceed
from django_fsm import transition as fsm_transition

from .concurrency import bump_version
from .errors import InvalidTransition
from .models import TransitionLog, User

__all__ = ["Condition", "can_proceed", "log_entries", "log_of", "transition"]


class Condition:
    """What a move needs besides its source status, with the message that refuses it."""

    def __init__(self, test: Callable[[Any], bool], message: str | Promise) -> None:
        self.test = test
        self.message = message

    def __call__(self, instance: models.Model) -> bool:
        return self.test(instance)


# How a model words a refused move: (the object, the target status) -> the message.
Refusal = Callable[[Any, str], str]


def transition(
    *,
    field: FSMFieldMixin | str,
    source: str | Sequence[str],
    target: str,
    conditions: Sequence[Condition] = (),
    refused: Refusal | None = None,
) -> Callable[[Callable[..., None]], Callable[..., TransitionLog]]:
    """Declare one move of `field` from `source` to `target`. The method takes `by` (the user, or
    None for the system) and `comment` (the reason given, logged) besides its own arguments.
    `refused` words an illegal move; by default the model's `transition_refused(target)`."""

    def decorate(method: Callable[..., None]) -> Callable[..., TransitionLog]:
        fsm_method = fsm_transition(field=field, source=source, target=target, conditions=list(conditions))(
            method
        )

        @wraps(method)
        def move(
            instance: models.Model, *args: Any, by: User | None, comment: str = "", **kwargs: Any
        ) -> TransitionLog:
            state_field: FSMFieldMixin = fsm_method._django_fsm.field
            current = state_field.get_state(instance)
            try:
                fsm_method(instance, *args, by=by, comment=comment, **kwargs)
            except TransitionNotAllowed as exc:
                raise InvalidTransition(_refusal(instance, fsm_method, current, target, refused)) from exc
            if any(f.name == "version" for f in instance._meta.concrete_fields):
                # A move is a change: a form opened before it is out of date.
                bump_version(instance)  # type: ignore[arg-type]
            log_model, subject_field = log_of(type(instance))
            return log_model._default_manager.create(
                **{subject_field: instance},
                from_status=current,
                to_status=state_field.get_state(instance),
                by=by,
                comment=comment,
            )

        return move

    return decorate


def _refusal(
    instance: models.Model, fsm_method: Any, current: str, target: str, refused: Refusal | None
) -> str:
    meta = fsm_method._django_fsm
    if meta.has_transition(current):
        # The source is right: a condition failed; the first one that fails says why.
        step = meta.get_transition(current)
        failed = next(c for c in step.conditions if not c(instance))
        return str(getattr(failed, "message", ""))
    if refused is not None:
        return str(refused(instance, target))
    return str(instance.transition_refused(target))  # type: ignore[attr-defined]


@cache
def log_of(model: type[models.Model]) -> tuple[type[TransitionLog], str]:
    """The log model of `model`'s moves and the name of its foreign key to the object."""
    for relation in model._meta.related_objects:
        related = relation.related_model
        if (
            isinstance(related, type)
            and issubclass(related, TransitionLog)
            and relation.field.name == related.subject_field
        ):
            return related, related.subject_field
    raise LookupError(f"{model.__name__} has no transition log")


def log_entries(obj: models.Model) -> models.QuerySet[TransitionLog]:
    """The object's moves, oldest first, with who took them (for its page)."""
    log_model, subject_field = log_of(type(obj))
    return log_model._default_manager.filter(**{subject_field: obj}).select_related("by").order_by("at", "pk")
