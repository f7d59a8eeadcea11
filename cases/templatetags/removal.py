"""`{% if member|removable_by:request.user %}`: whether to offer "Remove" next to a family member
(the same rule the view and the service apply: `cases.services.may_remove_member`)."""

from django import template

from cases.services import may_remove_member

register = template.Library()


@register.filter
def removable_by(member, user) -> bool:  # noqa: ANN001
    return bool(user and user.is_authenticated and may_remove_member(user, member))
