"""The REST API under /api/v1/ (token or session), its schema and documentation (behind the
login), the account page, and the calendar feed at its secret address."""

from collections.abc import Callable

from django.contrib.auth.decorators import login_not_required, login_required
from django.http import HttpResponseBase
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.views import APIView

from . import account, offline, pwa, views

app_name = "api"


def _api(view_class: type[APIView]) -> Callable[..., HttpResponseBase]:
    """A view of the API: it authenticates by itself (a token or the session), so the login
    middleware lets it through and DRF answers 401 without credentials."""
    return login_not_required(view_class.as_view())


urlpatterns = [
    path("api/v1/families/", _api(views.FamilyList), name="family-list"),
    path("api/v1/families/<int:pk>/", _api(views.FamilyDetail), name="family-detail"),
    path("api/v1/members/<int:pk>/", _api(views.MemberDetail), name="member-detail"),
    path("api/v1/cases/", _api(views.CaseList), name="case-list"),
    path("api/v1/cases/<int:pk>/", _api(views.CaseDetail), name="case-detail"),
    path("api/v1/visits/", _api(views.VisitListCreate), name="visit-list"),
    path("api/v1/visits/<int:pk>/", _api(views.VisitDetail), name="visit-detail"),
    path("api/v1/plans/", _api(views.PlanList), name="plan-list"),
    path("api/v1/plans/<int:pk>/", _api(views.PlanDetail), name="plan-detail"),
    path("api/v1/assessments/", _api(views.AssessmentList), name="assessment-list"),
    path("api/v1/assessments/<int:pk>/", _api(views.AssessmentDetail), name="assessment-detail"),
    path("api/v1/court-requests/", _api(views.CourtRequestList), name="court-request-list"),
    path("api/v1/court-requests/<int:pk>/", _api(views.CourtRequestDetail), name="court-request-detail"),
    path("api/v1/notifications/", _api(views.NotificationList), name="notification-list"),
    path("api/v1/notifications/<int:pk>/read/", _api(views.NotificationRead), name="notification-read"),
    path("api/v1/reports/semiannual/", _api(views.SemiannualReport), name="report-semiannual"),
    # Behind the login like every page: without a session, to the login page.
    path("api/schema/", login_required(SpectacularAPIView.as_view()), name="schema"),
    path(
        "api/docs/", login_required(SpectacularSwaggerSplitView.as_view(url_name="api:schema")), name="docs"
    ),
    path("account/", account.account, name="account"),
    path("account/tokens/<int:pk>/revoke/", account.token_revoke, name="token-revoke"),
    path("account/calendar/", account.feed_regenerate, name="feed-regenerate"),
    path("calendar/<str:secret>.ics", account.calendar_feed, name="calendar-feed"),
    # The app on a phone: the worker and the manifest at the site root, the offline visit form.
    path("sw.js", pwa.service_worker, name="service-worker"),
    path("manifest.webmanifest", pwa.manifest, name="web-manifest"),
    path("offline/", offline.offline_visit, name="offline"),
    path("offline/cases.json", offline.offline_cases, name="offline-cases"),
]
