"""The manager's retention pages: cases past the retention period and destruction protocols."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from asystent.audit import AccessAction, log_accesses
from asystent.enums import Role
from asystent.errors import InvalidTransition
from asystent.http import AuthenticatedHttpRequest
from asystent.models import Centre
from asystent.pagination import paginate
from asystent.roles import role_required

from .. import retention
from ..forms.retention import ConfirmErasureForm
from ..models import Case, DestructionProtocol


@role_required(Role.MANAGER)
@require_GET
def retention_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    cases = retention.cases_past_retention()
    page = paginate(request, cases, 50)
    # Each case the page shows names its family: one access record per case.
    log_accesses(request, [(case.family_id, case) for case in page.object_list], action=AccessAction.VIEW)
    return render(
        request,
        "cases/retention/list.html",
        {
            "page": page,
            "total": page.paginator.count,
            "held_back": retention.held_back_cases(),
            "centre": Centre.load(),
            "protocols": DestructionProtocol.objects.select_related("prepared_by", "approved_by")[:20],
        },
    )


@role_required(Role.MANAGER)
@require_POST
def protocol_prepare(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        protocol = retention.prepare_protocol(by=request.user)
    except InvalidTransition as error:
        messages.error(request, error.message)
        return redirect("cases:retention")
    return redirect(protocol)


@role_required(Role.MANAGER)
@require_http_methods(["GET", "POST"])
def protocol_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    protocol = get_object_or_404(DestructionProtocol, pk=pk)
    form = ConfirmErasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            protocol = retention.execute_protocol(protocol=protocol, by=request.user)
        except InvalidTransition as error:
            messages.error(request, error.message)
        else:
            if protocol.failures:
                messages.warning(
                    request, _("The data of some families could not be erased; they are listed below.")
                )
            else:
                messages.success(
                    request, _("The personal data of the cases on the protocol has been erased.")
                )
        return redirect(protocol)
    cases = Case.objects.filter(pk__in=protocol.case_ids).select_related("family").order_by("pk")
    log_accesses(request, [(case.family_id, case) for case in cases], action=AccessAction.VIEW)
    return render(
        request, "cases/retention/protocol.html", {"protocol": protocol, "cases": cases, "form": form}
    )
