"""The administrator's screens: users and roles, the centre's details, dictionaries."""

from typing import cast

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin as BaseTOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Centre, RoleChangeRequest, User
from .role_changes import ACCESS_FIELDS, access_of, request_role_change

# The fields an administrator never changes on their own record.
OWN_ROLE_FIELDS = ("is_social_worker", "is_assistant", "is_manager", "is_administrator", "coordinator")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "last_name", "role_labels", "is_active")
    list_filter = ("is_social_worker", "is_assistant", "is_manager", "is_administrator", "is_active")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "job_title", "email", "phone")}),
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
                    "personal_caseload_limit",
                )
            },
        ),
        (_("Status"), {"fields": ("is_active", "must_change_password", "last_login", "date_joined")}),
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
    readonly_fields = ("last_login", "date_joined", "must_change_password")

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> tuple[str, ...]:
        fields = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk == request.user.pk:
            return fields + OWN_ROLE_FIELDS  # an administrator never changes their own roles
        return fields

    def save_model(self, request: HttpRequest, obj: User, form, change: bool) -> None:  # noqa: ANN001
        """Roles that open case data are not saved here: they become a request that a manager
        confirms (asystent/role_changes.py). A password typed here is the administrator's, so
        its owner must change it at the next login."""
        wanted = {name: form.cleaned_data[name] for name in ACCESS_FIELDS if name in form.cleaned_data}
        on_file = User.objects.get(pk=obj.pk) if change else User()
        for name, value in access_of(on_file).items():
            setattr(obj, name, value)
        if not change:
            obj.must_change_password = True
        super().save_model(request, obj, form, change)
        if (
            wanted
            and obj.pk != request.user.pk
            and request_role_change(request=request, user=obj, by=cast(User, request.user), access=wanted)
            is not None
        ):
            messages.warning(request, _("The change of roles awaits confirmation by a manager."))

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:  # noqa: A002
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302 and str(request.user.pk) != str(id):
            # Set by someone else: only its owner should know it.
            User.objects.filter(pk=id).update(must_change_password=True)
        return response

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # Staff records are referenced by case history: deactivate instead of deleting.
        return False

    @admin.display(description=_("roles"))
    def role_labels(self, obj: User) -> str:
        return obj.role_labels


@admin.register(RoleChangeRequest)
class RoleChangeRequestAdmin(admin.ModelAdmin):
    """Read-only history of role changes; they are decided on the confirmation page."""

    list_display = (
        "user",
        "roles_label",
        "requested_by",
        "requested_at",
        "status",
        "decided_by",
        "decided_at",
    )
    list_filter = ("status",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


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
