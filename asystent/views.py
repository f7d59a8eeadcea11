"""Views of the asystent app: home, health check, the centre's details."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from .enums import Role
from .forms import CentreForm
from .health import broker_state, database_state
from .models import Centre
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


@role_required(Role.ADMINISTRATOR)
@require_http_methods(["GET", "POST"])
def centre_edit(request: HttpRequest) -> HttpResponse:
    centre = Centre.load()
    form = CentreForm(request.POST or None, request.FILES or None, instance=centre)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The centre's details have been saved."))
        return redirect("centre-edit")
    return render(request, "asystent/centre_form.html", {"form": form})
