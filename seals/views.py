"""The administrator's page of the centre's seal: what certificate is in use (subject, issuer,
validity; never the key), uploading a new one, and switching sealing off."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from asystent.enums import Role
from asystent.http import AuthenticatedHttpRequest
from asystent.roles import role_required

from . import services
from .forms import CertificateForm
from .models import SealCertificate


@sensitive_post_parameters("password")
@role_required(Role.ADMINISTRATOR)
@require_http_methods(["GET", "POST"])
def certificate(request: AuthenticatedHttpRequest) -> HttpResponse:
    ready = services.encryption_ready()
    form = CertificateForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not ready:
            form.is_valid()
            form.add_error(None, _("Sealing is switched off on this server: SEAL_ENCRYPTION_KEY is not set."))
        elif form.is_valid():
            password = form.cleaned_data["password"]
            services.install_certificate(data=form.data_bytes, password=password, by=request.user)
            messages.success(
                request, _("The certificate is in use: documents that leave the centre are now sealed.")
            )
            return redirect("seals:certificate")
    context = {
        "form": form,
        "current": services.current_certificate(),
        "earlier": SealCertificate.objects.filter(active=False).select_related("uploaded_by")[:10],
        "encryption_ready": ready,
        "tsa_url": services.tsa_url(),
    }
    return render(request, "seals/certificate.html", context)


@role_required(Role.ADMINISTRATOR)
@require_POST
def certificate_remove(request: AuthenticatedHttpRequest) -> HttpResponse:
    if services.remove_certificate(by=request.user):
        messages.success(request, _("Sealing is switched off; the key has been erased."))
    else:
        messages.info(request, _("No certificate was in use."))
    return redirect("seals:certificate")
