"""Views of the asystent app: home, health check, the centre's details."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db import transaction
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
        with transaction.atomic():
            on_file = Centre.objects.select_for_update().get(pk=centre.pk)
            if on_file.version == form.cleaned_data["version"]:
                form.instance.version = on_file.version + 1
                form.save()
                messages.success(request, _("The centre's details have been saved."))
                return redirect("centre-edit")
        form.add_error(
            None,
            ValidationError(
                _(
                    "Someone else changed the centre's settings while you were editing them. "
                    "Your changes have not been saved."
                ),
                code="stale_version",
            ),
        )
    return render(request, "asystent/centre_form.html", {"form": form})
