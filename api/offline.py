"""The visit form for use without a connection (a progressive web app, api.pwa).

`offline_visit` is the shell: a page without any family's data, which the service worker keeps so
that it opens without a connection. `offline_cases` gives the assistant's own open cases with
only what choosing the case needs (its number, the family's name, the members' first names); the
page keeps that list in IndexedDB encrypted (static/js/offline.js) and sends the visits saved
without a connection to the API (api.views.VisitListCreate) with an Idempotency-Key each.
"""

from django.db.models import Prefetch
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from asystent.audit import AccessAction, log_accesses
from asystent.enums import Role
from asystent.http import AuthenticatedHttpRequest
from asystent.roles import role_required
from cases.models import Case, FamilyMember
from visits.enums import VisitKind, VisitPlace

WIPE_AFTER_HOURS = 72  # the phone forgets everything 72 hours after the last successful login


@role_required(Role.ASSISTANT)
@require_GET
@never_cache
def offline_visit(request: AuthenticatedHttpRequest):  # noqa: ANN201
    context = {
        "kinds": VisitKind.choices,
        "places": VisitPlace.choices,
        "register_worker": reverse("api:service-worker"),
    }
    return render(request, "api/offline.html", context)


@role_required(Role.ASSISTANT)
@require_GET
@never_cache
def offline_cases(request: AuthenticatedHttpRequest) -> JsonResponse:
    user = request.user
    cases = list(
        Case.objects.filter(assistant=user)
        .open()
        .select_related("family")
        .prefetch_related(
            Prefetch("family__members", queryset=FamilyMember.objects.order_by("birth_date", "pk"))
        )
        .order_by("family__name", "pk")
    )
    log_accesses(request, [(case.family_id, case) for case in cases], action=AccessAction.VIEW)
    last_login = user.last_login.timestamp() if user.last_login else None
    return JsonResponse(
        {
            "user": user.pk,
            "last_login": last_login,
            "wipe_after_hours": WIPE_AFTER_HOURS,
            "csrf_token": get_token(request),
            "cases": [
                {
                    "id": case.pk,
                    "family": case.family.name,
                    "members": [member.first_name for member in case.family.members.all()],
                }
                for case in cases
            ],
        }
    )
