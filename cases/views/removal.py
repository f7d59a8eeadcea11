"""No hard delete: removing a family member added by mistake, and the manager's page of removed
records (members and visits) with their restore buttons.

The apps above add their removed records to the page through the "removed-records" slot
(cases.panels), so this app names none of them.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from asystent.audit import AccessAction, log_access, log_accesses
from asystent.enums import Role
from asystent.errors import InvalidTransition
from asystent.http import AuthenticatedHttpRequest
from asystent.roles import role_required

from .. import services
from ..forms.removal import RemovalForm
from ..models import Family, FamilyMember
from ..selectors import get_member_for

# The manager's page shows the most recent removals of each kind.
REMOVED_ROWS = 100


@role_required(Role.SOCIAL_WORKER, Role.ASSISTANT, Role.MANAGER)
@require_http_methods(["GET", "POST"])
def member_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    member = get_member_for(request.user, pk)
    if not request.user.has_perm("cases.remove_member", member):
        raise PermissionDenied
    form = RemovalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.remove_member(member=member, by=request.user, reason=form.cleaned_data["reason"])
        except InvalidTransition as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("The person has been removed from the family. A manager can restore them.")
            )
            return redirect(member.family)
    log_access(request, family_id=member.family_id, obj=member, action=AccessAction.VIEW)
    return render(
        request, "cases/member_remove.html", {"form": form, "member": member, "family": member.family}
    )


def _removed_member(request: AuthenticatedHttpRequest, pk: int) -> FamilyMember:
    return get_object_or_404(
        FamilyMember.all_objects.filter(
            family__in=Family.objects.visible_to(request.user), removed_at__isnull=False
        ),
        pk=pk,
    )


@role_required(Role.MANAGER)
@require_POST
def member_restore(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    member = _removed_member(request, pk)
    try:
        services.restore_member(member=member, by=request.user)
    except InvalidTransition as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s is back in the family's file.") % {"name": member})
    return redirect("cases:removed-records")


@role_required(Role.MANAGER)
@require_GET
def removed_records(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Records removed as added by mistake, newest first, each with its Restore button."""
    visible = Family.objects.visible_to(request.user)
    members = FamilyMember.all_objects.filter(family__in=visible, removed_at__isnull=False)
    shown = list(members.select_related("family", "removed_by").order_by("-removed_at", "-pk")[:REMOVED_ROWS])
    log_accesses(request, [(member.family_id, member) for member in shown], action=AccessAction.VIEW)
    return render(
        request,
        "cases/removed_records.html",
        {
            "members": shown,
            "member_count": members.count(),
            "limit": REMOVED_ROWS,
        },
    )
