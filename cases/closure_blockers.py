"""What keeps a case from being closed, as the apps above know it (courts: a court's request not
yet answered). `cases` does not name those apps: each registers its check in its AppConfig.ready()."""

from collections.abc import Callable

from .models import Case

# A check: the case -> the messages saying what blocks its closure (empty: nothing).
ClosureBlocker = Callable[[Case], list[str]]

_blockers: list[ClosureBlocker] = []


def register_closure_blocker(blocker: ClosureBlocker) -> None:
    """Have `blocker(case)` say what keeps the case from being closed; registered once."""
    if blocker not in _blockers:
        _blockers.append(blocker)


def closure_blockers(case: Case) -> list[str]:
    """Every registered app's reasons why the case cannot be closed now."""
    return [message for blocker in _blockers for message in blocker(case)]
