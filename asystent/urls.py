"""The project's URLconf: each app mounts its own urls under its prefix."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import access_log, two_factor, views
from .forms import OwnPasswordChangeForm

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("centre/", views.centre_edit, name="centre-edit"),
    path("account/assistants/<int:pk>/limit/", views.assistant_limit, name="assistant-limit"),
    path(
        "login/",
        views.LoginView.as_view(),
        name="login",
    ),
    path("session/keepalive/", views.session_keepalive, name="session-keepalive"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(form_class=OwnPasswordChangeForm),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("families/", include("cases.urls")),
    path("referrals/", include("referrals.urls")),
    path("visits/", include("visits.urls")),
    path("courts/", include("courts.urls")),
    path("cooperation/", include("cooperation.urls")),
    path("documents/", include("documents.urls")),
    path("reports/", include("reports.urls")),
    path("staff/", include("staff.urls")),
    path("timesheets/", include("timesheets.urls")),
    path("", include("api.urls")),
    path("transfer/", include("transfer.urls")),
    path("seal/", include("seals.urls")),
    path("login/verify/", two_factor.verify, name="two-factor-verify"),
    path("account/two-factor/", two_factor.setup, name="two-factor-setup"),
    path("account/recovery-codes/", two_factor.recovery_codes, name="two-factor-recovery"),
    path("account/role-changes/", views.role_change_list, name="role-change-list"),
    path(
        "account/role-changes/<int:pk>/confirm/",
        views.role_change_decide,
        {"confirm": True},
        name="role-change-confirm",
    ),
    path(
        "account/role-changes/<int:pk>/reject/",
        views.role_change_decide,
        {"confirm": False},
        name="role-change-reject",
    ),
    path("access-log/", access_log.access_log, name="access-log"),
    path("access-log/export.csv", access_log.access_log_csv, name="access-log-csv"),
    path("notifications/", include("notifications.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
