"""The user's account page: personal access tokens for the API and the calendar feed's address."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from asystent.http import AuthenticatedHttpRequest
from asystent.two_factor import requires_two_factor

from . import calendar, services
from .forms import TokenForm
from .models import AccessToken, CalendarFeed


def _verified(request: AuthenticatedHttpRequest) -> bool:
    return bool(request.user.is_verified())


@require_http_methods(["GET", "POST"])
def account(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    may_create = not (requires_two_factor(user) and not _verified(request))
    form = TokenForm(request.POST or None)
    new_secret = None
    if request.method == "POST":
        if not may_create:
            raise PermissionDenied
        if form.is_valid():
            try:
                token, new_secret = services.create_token(
                    user=user,
                    name=form.cleaned_data["name"],
                    expires_on=form.cleaned_data["expires_on"],
                    scope=form.cleaned_data["scope"],
                    verified=_verified(request),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The token “%(name)s” was created.") % {"name": token.name})
                form = TokenForm()
    return render(
        request,
        "api/account.html",
        {
            "form": form,
            "may_create": may_create,
            "new_secret": new_secret,
            "tokens": AccessToken.objects.filter(user=user),
            "feed": CalendarFeed.objects.filter(user=user).first(),
            "api_root": request.build_absolute_uri("/api/v1/"),
        },
    )


@require_POST
def token_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(AccessToken, pk=pk, user=request.user)
    services.revoke_token(token=token, by=request.user)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("api:account")


@require_POST
def feed_regenerate(request: AuthenticatedHttpRequest) -> HttpResponse:
    secret = services.new_feed_address(user=request.user)
    feed_url = request.build_absolute_uri(reverse("api:calendar-feed", args=[secret]))
    return render(request, "api/feed_address.html", {"feed_url": feed_url})


@login_not_required
@require_GET
def calendar_feed(request: HttpRequest, secret: str) -> HttpResponse:
    """The feed at its secret address (calendar applications send no login); 404 for any other."""
    feed = services.find_feed(secret)
    if feed is None:
        raise Http404
    response = HttpResponse(calendar.feed(feed.user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="asystent.ics"'
    return response
