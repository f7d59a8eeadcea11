"""`{% assistant_agenda %}`: the assistant's agenda on the home page, computed where it is shown."""

from django import template
from django.utils import timezone

from cases.agenda import assistant_agenda as build_agenda

register = template.Library()


@register.inclusion_tag("home_assistant.html", takes_context=True)
def assistant_agenda(context: template.Context) -> dict:
    """Renders nothing for a user who is not a family assistant."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None or not getattr(user, "is_assistant", False) or not user.is_active:
        return {"agenda": None}
    return {"agenda": build_agenda(user, timezone.localdate()), "request": request, "user": user}
