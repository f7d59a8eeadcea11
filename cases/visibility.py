"""Who sees which families: the reasons the apps above `cases` add to its own.

`Family.objects.visible_to(user)` combines, with UNION, one indexed lookup of family ids per
reason. `cases` knows its own reasons (the assistant of a case, the social worker who registered
the family or looks after its case); an app above adds its reasons in its AppConfig.ready() with
`register_visibility_source`, e.g. referrals: "a social worker sees the families they referred".
"""

from collections.abc import Callable, Iterable

from django.db.models import QuerySet

# user (active, not a manager) -> querysets of family ids (`.values("family_id")`), each one
# indexed lookup; none if the reason does not apply to the user's roles.
VisibilitySource = Callable[..., Iterable[QuerySet]]
_sources: list[VisibilitySource] = []


def register_visibility_source(source: VisibilitySource) -> None:
    """Let `source(user)` add the ids of families `user` may see (once, in registration order)."""
    if source not in _sources:
        _sources.append(source)


def registered_family_ids(user) -> list[QuerySet]:  # noqa: ANN001
    """The family-id querysets of every registered source for `user`."""
    return [ids for source in _sources for ids in source(user)]
