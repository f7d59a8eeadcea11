"""The access log for managers: search who opened which family file, and export it as CSV."""

import csv

import django_filters
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from .audit import AccessAction, log_access
from .enums import Role
from .http import AuthenticatedHttpRequest
from .models import AccessLog, User
from .pagination import paginate
from .roles import role_required


class AccessLogFilter(django_filters.FilterSet):
    user = django_filters.ModelChoiceFilter(queryset=User.objects.all(), label=gettext_lazy("user"))
    family_id = django_filters.NumberFilter(label=gettext_lazy("family number"))
    action = django_filters.ChoiceFilter(choices=AccessAction.choices, label=gettext_lazy("action"))
    since = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label=gettext_lazy("from"))
    until = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label=gettext_lazy("until"))

    class Meta:
        model = AccessLog
        fields = ["user", "family_id", "action", "since", "until"]


def _filtered(request: HttpRequest) -> AccessLogFilter:
    return AccessLogFilter(request.GET, queryset=AccessLog.objects.select_related("user"))


@role_required(Role.MANAGER)
@require_GET
def access_log(request: HttpRequest) -> HttpResponse:
    filterset = _filtered(request)
    page = paginate(request, filterset.qs, 50)
    return render(request, "asystent/access_log.html", {"filter": filterset, "page": page})


@role_required(Role.MANAGER)
@require_GET
def access_log_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    log_access(request, family_id=None, obj=request.user, action=AccessAction.EXPORT)
    filterset = _filtered(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="rejestr-dostepu-{stamp}.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 with Polish letters only with the BOM
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            _("time"),
            _("user"),
            _("roles"),
            _("family number"),
            _("object"),
            _("object id"),
            _("action"),
            _("IP address"),
        ]
    )
    for row in filterset.qs.iterator(chunk_size=2000):
        writer.writerow(
            [
                timezone.localtime(row.at).isoformat(timespec="seconds"),
                row.user.username,
                row.roles,
                row.family_id or "",
                row.object_type,
                row.object_id or "",
                row.action,
                row.ip_address or "",
            ]
        )
    return response
