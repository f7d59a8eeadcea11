"""The administrator's screens: users and roles, the centre's details, dictionaries."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin as BaseTOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Centre, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "last_name", "role_labels", "is_active")
    list_filter = ("is_social_worker", "is_assistant", "is_manager", "is_administrator", "is_active")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email", "phone")}),
        (
            _("Roles"),
            {
                "fields": (
                    "is_social_worker",
                    "is_assistant",
                    "is_manager",
                    "is_administrator",
                    "employment_form",
                    "coordinator",
                )
            },
        ),
        (_("Status"), {"fields": ("is_active", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "first_name",
                    "last_name",
                    "password1",
                    "password2",
                    "is_social_worker",
                    "is_assistant",
                    "is_manager",
                    "is_administrator",
                ),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined")

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # Staff records are referenced by case history: deactivate instead of deleting.
        return False

    @admin.display(description=_("roles"))
    def role_labels(self, obj: User) -> str:
        return obj.role_labels


@admin.register(Centre)
class CentreAdmin(admin.ModelAdmin):
    list_display = ("name", "city", "caseload_limit")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not Centre.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(BaseTOTPDeviceAdmin):
    """django-otp's own admin, except that its key and QR-code pages fetch the device with
    `.get()`: an unknown id there was a server error instead of 404 (checked after the rights)."""

    def _device_or_404(self, request: HttpRequest, pk: int) -> None:
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        get_object_or_404(self.get_queryset(request), pk=pk)

    def config_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        self._device_or_404(request, pk)
        return super().config_view(request, pk)

    def qrcode_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        self._device_or_404(request, pk)
        return super().qrcode_view(request, pk)
