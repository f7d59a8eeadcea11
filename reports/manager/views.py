"""The manager's pages: the caseload dashboard, the lists behind its figures, reassignment, charts
and the semi-annual report with its exports.

Figures are aggregates, open to managers and administrators. Lists that name families and the
reassignment are the manager's alone (the administrator manages users and settings, never case
files), and every list is also narrowed to the families the user may see, so a figure never opens
a family its reader could not open elsewhere.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from asystent.audit import AccessAction, log_access
from asystent.enums import Role
from asystent.errors import InvalidTransition
from asystent.http import AuthenticatedHttpRequest
from asystent.models import Centre, User
from asystent.pagination import page_number, paginate
from asystent.roles import role_required
from cases.enums import StatutoryTask
from cases.models import Family
from documents.enums import DocumentKind
from documents.services import request_document

from .. import charts, dashboard, exports, help_points, snapshots
from ..models import AnnualReport
from ..semiannual import documents as report_documents
from ..semiannual import form as report_form
from ..semiannual import sending
from ..statistics import (
    FIGURES,
    Period,
    assistant_rows,
    attach_cases,
    children_of,
    figure_assistants,
    figure_cases,
    figure_costs,
    figure_families,
)
from .filters import CaseFilter, ReferralFilter
from .forms import AnnualTextForm, PeriodForm, YearForm

PAGE_SIZE = 25
# The dashboard's scope: a coordinator's team, or every assistant of the centre.
SCOPE_TEAM, SCOPE_ALL = "team", "all"
# Figures are for managers and administrators; lists naming families are the manager's alone.
_figures_readers = role_required(Role.MANAGER, Role.ADMINISTRATOR)
_managers = role_required(Role.MANAGER)


def _page(request: AuthenticatedHttpRequest, queryset: QuerySet) -> Page:
    return paginate(request, queryset, PAGE_SIZE)


# --- the dashboard ----------------------------------------------------------------------------


@_figures_readers
@require_GET
def dashboard_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The team's totals and panels, and one page of the assistants' table, the most loaded first
    (optionally narrowed to the names matching `q`); only the page's figures are computed."""
    ctx = dashboard.Context.load()
    search = request.GET.get("q", "").strip()[:100]
    number, per_page = page_number(request.GET.get("page")), dashboard.ASSISTANTS_PER_PAGE
    # A coordinator sees their own team first; the whole centre is a click away.
    team_size = dashboard.team_size(request.user)
    scope = request.GET.get("scope")
    if not team_size or scope not in (SCOPE_TEAM, SCOPE_ALL):
        scope = SCOPE_TEAM if team_size else SCOPE_ALL
    team = request.user.pk if scope == SCOPE_TEAM else None
    assistants = dashboard.RankedAssistants(ctx, search, team=team, page=number, per_page=per_page)
    # Paginator only calls count() and slices: RankedAssistants computes just the page's figures.
    paginator: Paginator[User] = Paginator(assistants, per_page)  # type: ignore[arg-type]
    page = paginator.get_page(number)
    return render(
        request,
        "reports/manager/dashboard.html",
        {
            "rows": dashboard.assistant_rows(ctx, page),
            "page": page,
            "search": search,
            "scope": scope,
            "team": team,
            "team_size": team_size,
            "summary": assistants.summary(),
            "panels": dashboard.panels(ctx),
            "limit": ctx.centre.caseload_limit,
            "show_names": request.user.has_perm("reports.see_names_behind_figures"),
            "centre": ctx.centre,  # read already: the layout's context processor need not again
        },
    )


@_managers
@require_GET
def drilldown_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The cases (or referrals) behind a figure of the dashboard, filtered and paginated."""
    metric = request.GET.get("metric", "")
    kind = dashboard.list_kind(metric)
    if kind is None:
        raise Http404
    ctx = dashboard.Context.load()

    def visible(queryset: QuerySet) -> QuerySet:
        # A manager sees every family (`visible_to`): the filter would only make the database
        # match every case against the whole register of families.
        if request.user.is_manager:
            return queryset
        return queryset.filter(family__in=Family.objects.visible_to(request.user))

    if kind == "referrals":
        filterset = ReferralFilter(request.GET, queryset=visible(dashboard.referrals_behind(metric)))
        total = None
        page = _page(request, filterset.qs)
        dashboard.describe_referrals(page, ctx)
    else:
        filterset = CaseFilter(request.GET, queryset=visible(dashboard.cases_behind(metric, ctx)))
        page = _page(request, filterset.qs)
        total = dashboard.total_of(metric, filterset.qs, counted=page.paginator.count)
        dashboard.describe_cases(page, ctx)
    return render(
        request,
        "reports/manager/drilldown.html",
        {
            "metric": metric,
            "kind": kind,
            "title": dashboard.list_label(metric),
            "filter": filterset,
            "page": page,
            "total": total,
            "keep": [("metric", metric)],
        },
    )


# --- charts -----------------------------------------------------------------------------------


@_figures_readers
@require_GET
def charts_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    ctx = dashboard.Context.load()
    rows = [(str(user), load) for user, load in dashboard.team_caseloads(ctx)]
    months, referred, closed = dashboard.monthly_flow(ctx)
    month_labels = [f"{m:%m.%Y}" for m in months]
    reasons = dashboard.closure_reasons(ctx)
    limit = ctx.centre.caseload_limit
    blocks = [
        {
            "id": "chart-caseload",
            "title": _("Families per assistant"),
            "svg": charts.bar_chart(
                chart_id="chart-caseload",
                title=_("Families per assistant"),
                description=_(
                    "Families in each assistant's caseload today; the dashed line is the limit of %(limit)d."
                )
                % {"limit": limit},
                bars=[charts.Bar(name, load) for name, load in rows],
                reference=(limit, _("limit %(limit)d") % {"limit": limit}),
            ),
            "headers": [_("Assistant"), _("Families"), _("Limit")],
            "rows": [[name, load, limit] for name, load in rows],
        },
        {
            "id": "chart-flow",
            "title": _("New referrals and closures per month"),
            "svg": charts.grouped_bar_chart(
                chart_id="chart-flow",
                title=_("New referrals and closures per month"),
                description=_("Referrals submitted and cases closed in each of the last 12 months."),
                categories=month_labels,
                series=[charts.Series(_("New referrals"), referred), charts.Series(_("Closures"), closed)],
            ),
            "headers": [_("Month"), _("New referrals"), _("Closures")],
            "rows": [list(row) for row in zip(month_labels, referred, closed, strict=True)],
        },
        {
            "id": "chart-reasons",
            "title": _("Reasons for closure"),
            "svg": charts.bar_chart(
                chart_id="chart-reasons",
                title=_("Reasons for closure"),
                description=_("Cases closed in the last 12 months, by the reason for closure."),
                bars=[charts.Bar(label, n) for label, n in reasons],
            ),
            "headers": [_("Reason for closure"), _("Cases")],
            "rows": [[label, n] for label, n in reasons],
        },
    ]
    return render(request, "reports/manager/charts.html", {"blocks": blocks, "first_month": months[0]})


# --- the semi-annual report -------------------------------------------------------------------


def _period_from(request: AuthenticatedHttpRequest) -> Period:
    """The `period` parameter (e.g. 2025-H1) of the report's lists and exports; 404 if invalid."""
    try:
        return Period.parse(request.GET.get("period", ""))
    except ValueError:
        raise Http404 from None


@_figures_readers
@require_GET
def semiannual_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if "year" in request.GET or "part" in request.GET:
        form = PeriodForm(request.GET)
        period = form.cleaned_data["period"] if form.is_valid() else None
    else:
        period = Period.last_complete_half()
        form = PeriodForm.for_period(period)
        form.is_valid()
    report = snapshots.report_figures(period) if period else None
    sent = sending.last_sent(period) if period else None
    return render(
        request,
        "reports/manager/semiannual.html",
        {
            "form": form,
            "period": period,
            "figures": report.figures if report else [],
            "rows": sending.compare(report.figures, sent) if report else [],
            "sent": sent,
            "computed_at": report.computed_at if report else None,
            "ongoing": bool(period and period.end >= timezone.localdate()),
            "regulation": report_form.REGULATION,
            "form_title": report_form.FORM_TITLE,
        },
    )


@_managers
@require_GET
def semiannual_drilldown_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    period = _period_from(request)
    key = request.GET.get("figure", "")
    if key not in FIGURES:
        raise Http404
    definition = FIGURES[key]
    visible = Family.objects.visible_to(request.user)
    context = {"period": period, "figure": definition, "keep": [("figure", key), ("period", period.key)]}
    if definition.kind == report_form.ASSISTANTS:
        page = _page(request, figure_assistants(key, period))
        on_rows = assistant_rows(period)
        for person in page:
            person.report_row = FIGURES[on_rows[person.pk]]
        context.update(page=page, total=page.paginator.count, filter=None)
    elif definition.kind in (report_form.MONEY, report_form.HEADCOUNT):
        page = _page(request, figure_costs(key, period).order_by("month", "source"))
        context.update(page=page, total=page.paginator.count, filter=None)
    else:
        filterset = CaseFilter(
            request.GET, queryset=figure_cases(key, period).filter(family__in=visible), with_period=False
        )
        families = figure_families(key, period, cases=filterset.qs).order_by("name", "pk")
        total = children_of(families, period).count() if key == "children" else families.count()
        page = _page(request, families)
        attach_cases(page, filterset.qs, period)
        context.update(page=page, total=total, filter=filterset)
    return render(request, "reports/manager/semiannual_drilldown.html", context)


@_figures_readers
@require_GET
def semiannual_csv_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    period = _period_from(request)
    with translation.override("pl"):
        content = exports.report_csv(period, snapshots.report_figures(period).figures)
    log_access(request, family_id=None, obj=Centre.load(), action=AccessAction.EXPORT)
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(period, "csv")}"'
    return response


@_figures_readers
@require_GET
def semiannual_xlsx_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    period = _period_from(request)
    centre = Centre.load()
    with translation.override("pl"):
        content = exports.report_xlsx(period, snapshots.report_figures(period).figures, centre=centre)
    log_access(request, family_id=None, obj=centre, action=AccessAction.EXPORT)
    response = HttpResponse(content, content_type=exports.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(period, "xlsx")}"'
    return response


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@_managers
@require_POST
def semiannual_send_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Freeze the period's figures as sent to the voivode, by whom and when."""
    period = _period_from(request)
    try:
        sending.send_report(period=period, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The report was recorded as sent; later changes are shown against it."))
    return redirect(f"{reverse('reports:semiannual')}?year={period.year}&part={period.part}")


def _ask_for_pdf(
    request: AuthenticatedHttpRequest, kind: str, obj: object, version: int, back: str
) -> HttpResponse:
    """Ask the worker for the report's PDF (never rendered in this request) and open the
    document's page, which shows that it is being prepared, then the download or why not."""
    try:
        document = request_document(kind=kind, obj=obj, version=version, by=request.user)
    except InvalidTransition as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    log_access(request, family_id=None, obj=Centre.load(), action=AccessAction.EXPORT)
    return redirect(document)


@_figures_readers
@require_POST
def semiannual_pdf_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The PDF of the current figures, or (`version`: a sent report's id) of a version as sent."""
    period = _period_from(request)
    version = request.POST.get("version") or str(report_documents.CURRENT)
    if not version.isdigit() or len(version) > 9:
        raise Http404
    back = f"{reverse('reports:semiannual')}?year={period.year}&part={period.part}"
    return _ask_for_pdf(request, DocumentKind.SEMIANNUAL_REPORT, period, int(version), back)


def _year_from(request: AuthenticatedHttpRequest) -> int:
    form = YearForm(request.GET or {"year": timezone.localdate().year - 1})
    if not form.is_valid():
        raise Http404
    return form.cleaned_data["year"]


@_managers
def annual_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The annual report to the gmina council: the year's figures and the manager's text."""
    year = _year_from(request)
    text = AnnualReport.objects.filter(year=year).first() or AnnualReport(year=year)
    form = AnnualTextForm(request.POST or None, instance=text)
    if request.method == "POST" and form.is_valid():
        sending.save_annual_text(year=year, by=request.user, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect(f"{reverse('reports:annual')}?year={year}")
    period = Period(year, "Y")
    return render(
        request,
        "reports/manager/annual.html",
        {
            "year": year,
            "period": period,
            "form": form,
            "figures": snapshots.report_figures(period).figures,
            "points": help_points.by_point(period),
            "years": list(range(timezone.localdate().year, 2011, -1)),
        },
    )


@_managers
@require_POST
def annual_pdf_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    year = _year_from(request)
    back = f"{reverse('reports:annual')}?year={year}"
    return _ask_for_pdf(request, DocumentKind.ANNUAL_REPORT, year, report_documents.CURRENT, back)


@_managers
@require_GET
def help_point_drilldown_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The visits (`what=visits`) or plan actions (`what=actions`) of one point of art. 15 ust. 1
    (`point`: 3-13, or "none") in a period: the list behind a number of the annual report."""
    period = _period_from(request)
    what = request.GET.get("what", "")
    try:
        point = help_points.parse_point(request.GET.get("point", ""))
    except ValueError:
        raise Http404 from None
    visible = Family.objects.visible_to(request.user)
    items: QuerySet
    if what == "visits":
        items = (
            help_points.point_visits(period, point)
            .filter(case__family__in=visible)
            .select_related("case__family", "author")
            .order_by("date", "pk")
        )
    elif what == "actions":
        items = (
            help_points.point_actions(period, point)
            .filter(goal__plan__case__family__in=visible)
            .select_related("goal__plan__case__family", "goal__area")
            .order_by("deadline", "pk")
        )
    else:
        raise Http404
    label = str(StatutoryTask(point).label) if point else _("areas without a point of the Act")
    page = _page(request, items)
    return render(
        request,
        "reports/manager/help_point_drilldown.html",
        {
            "period": period,
            "what": what,
            "label": label,
            "page": page,
        },
    )
