"""The notification centre: a user's own notifications, marking them read, the e-mail preference,
and the unread count for the navigation (a context processor)."""

from django import forms
from django.contrib import messages
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from asystent.http import AuthenticatedHttpRequest
from asystent.models import User
from asystent.pagination import paginate

from .enums import kind_label
from .models import Notification

PAGE_SIZE = 25


# --- reads and writes, always of the user's own notifications -----------------------------------


def get_notification_for(user: User, pk: int) -> Notification:
    """The user's own notification; anyone else's is a 404, as if it did not exist."""
    return get_object_or_404(Notification, pk=pk, recipient=user)


def own_notifications(user: User) -> QuerySet[Notification]:
    """Unread first, then newest first."""
    return (
        Notification.objects.filter(recipient=user)
        .alias(
            read=Case(
                When(read_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("read", "-created_at", "-pk")
    )


def unread_count(request: HttpRequest) -> int:
    """One COUNT per request, however many templates ask for it."""
    user = request.user
    if not user.is_authenticated:
        return 0
    if not hasattr(request, "_unread_notifications"):
        request._unread_notifications = Notification.objects.filter(  # type: ignore[attr-defined]
            recipient=user, read_at__isnull=True
        ).count()
    return request._unread_notifications  # type: ignore[attr-defined]


def mark_read(*, notification: Notification) -> None:
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())


def mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


# --- views ---------------------------------------------------------------------------------------


@require_GET
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = paginate(request, own_notifications(request.user), PAGE_SIZE)
    for notification in page.object_list:
        notification.kind_label = kind_label(notification.rule)
    return render(
        request, "notifications/notification_list.html", {"page": page, "unread": unread_count(request)}
    )


@require_POST
def notification_read(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Mark as read, then open what it is about (or go back to the list when asked to stay)."""
    notification = get_notification_for(request.user, pk)
    mark_read(notification=notification)
    target = notification.url
    if request.POST.get("next") == "list" or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect("notifications:list")
    return redirect(target)


@require_POST
def notification_read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    count = mark_all_read(user=request.user)
    messages.success(
        request,
        ngettext("%(count)d notification marked as read.", "%(count)d notifications marked as read.", count)
        % {"count": count},
    )
    return redirect("notifications:list")


class NotificationPreferencesForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["email_notifications"]
        widgets = {"email_notifications": forms.RadioSelect}


@require_http_methods(["GET", "POST"])
def notification_preferences(request: HttpRequest) -> HttpResponse:
    form = NotificationPreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your notification settings have been saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
