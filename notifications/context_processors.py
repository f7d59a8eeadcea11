"""The unread count for the navigation, counted only when a template uses it."""

from django.http import HttpRequest

from .views import unread_count


def unread_notifications(request: HttpRequest) -> dict:
    """Context processor: `unread_notifications` is counted only when a template uses it."""
    return {"unread_notifications": lambda: unread_count(request)}
