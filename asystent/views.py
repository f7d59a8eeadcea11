"""Views of the asystent app: home, health check, login and session renewal, the centre's details,
role confirmations."""

import time

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .concurrency import bump_version
from .drafts import last_user_id
from .enums import Role
from .forms import CentreForm, PersonalLimitForm
from .health import broker_state, database_state
from .http import AuthenticatedHttpRequest
from .middleware import SESSION_TOUCHED_KEY, session_remaining
from .models import Centre, RoleChangeRequest, User
from .role_changes import decidable_by, decide_role_change
from .roles import role_required


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    database, pending = database_state()
    body = {"database": database, "broker": broker_state(), "pending_migrations": pending}
    return JsonResponse(body, status=200 if database == "ok" else 503)


class LoginView(auth_views.LoginView):
    """Django's login page, saying when the person is there because their session ended (the
    browser still names the account that did not log out, asystent.drafts)."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):  # noqa: ANN003, ANN201
        context = super().get_context_data(**kwargs)
        context["session_expired"] = last_user_id(self.request) is not None
        return context

    def form_valid(self, form):  # noqa: ANN001, ANN201
        previous = last_user_id(self.request)
        response = super().form_valid(form)
        if previous is not None and previous != getattr(self.request.user, "pk", None):
            # Another person logs in on this browser: what the previous one kept for offline use
            # (static/js/offline.js) is wiped by the browser itself.
            response["Clear-Site-Data"] = CLEAR_SITE_DATA
        return response


# What a browser wipes when told (the offline visit form's IndexedDB, the service worker and its
# cache): at logout and when another person logs in. The page's script wipes too (offline.js).
CLEAR_SITE_DATA = '"cache", "storage"'


class LogoutView(auth_views.LogoutView):
    """Django's logout, which also wipes what the phone kept for offline use."""

    def post(self, request, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN201
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = CLEAR_SITE_DATA
        return response


@require_POST
@never_cache
def session_keepalive(request: HttpRequest) -> JsonResponse:
    """The "stay logged in" button: renews the idle limit; answers the seconds the session now has left."""
    request.session[SESSION_TOUCHED_KEY] = int(time.time())
    return JsonResponse({"remaining": session_remaining(request)})


@role_required(Role.ADMINISTRATOR)
@require_http_methods(["GET", "POST"])
def centre_edit(request: HttpRequest) -> HttpResponse:
    centre = Centre.load()
    form = CentreForm(request.POST or None, request.FILES or None, instance=centre)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            on_file = Centre.objects.select_for_update().get(pk=centre.pk)
            try:
                bump_version(
                    on_file,
                    expected=form.cleaned_data["version"],
                    message=_(
                        "Someone else changed the centre's settings while you were editing them. "
                        "Your changes have not been saved."
                    ),
                )
            except ValidationError as stale:
                form.add_error(None, stale)
            else:
                form.instance.version = on_file.version
                form.save()
                messages.success(request, _("The centre's details have been saved."))
                return redirect("centre-edit")
    return render(request, "asystent/centre_form.html", {"form": form})


@role_required(Role.MANAGER, Role.ADMINISTRATOR)
@require_GET
def role_change_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The role changes this person may confirm or reject."""
    return render(request, "asystent/role_changes.html", {"changes": decidable_by(request.user)})


@role_required(Role.MANAGER, Role.ADMINISTRATOR)
@require_POST
def role_change_decide(request: AuthenticatedHttpRequest, pk: int, confirm: bool) -> HttpResponse:
    change = get_object_or_404(RoleChangeRequest, pk=pk)
    if not request.user.has_perm("asystent.decide_role_change", change):
        raise PermissionDenied
    try:
        decide_role_change(request=request, change=change, by=request.user, confirm=confirm)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The role change has been confirmed.") if confirm else _("The role change has been rejected."),
        )
    return redirect("role-change-list")


@role_required(Role.MANAGER, Role.ADMINISTRATOR)
@require_http_methods(["GET", "POST"])
def assistant_limit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A manager or the administrator sets an assistant's personal limit of families; assignment
    then respects the lower of it and the centre's (`cases.services`)."""
    assistant = get_object_or_404(User, pk=pk, is_assistant=True, is_active=True)
    centre = Centre.load()
    form = PersonalLimitForm(request.POST or None, instance=assistant, centre_limit=centre.caseload_limit)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            # The same row lock as assignment: a limit never changes under a running assignment.
            User.objects.select_for_update().filter(pk=assistant.pk).first()
            form.save()
        messages.success(request, _("The personal limit of %(name)s has been saved.") % {"name": assistant})
        return redirect("assistant-limit", pk=assistant.pk)
    context = {"form": form, "assistant": assistant, "centre_limit": centre.caseload_limit}
    return render(request, "asystent/assistant_limit.html", context)
