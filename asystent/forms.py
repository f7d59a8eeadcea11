"""Forms of the asystent app: the centre's details, one's own password."""

from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordChangeForm

from .models import Centre


class CentreForm(forms.ModelForm):
    class Meta:
        model = Centre
        fields = [
            "name",
            "street",
            "postal_code",
            "city",
            "phone",
            "email",
            "logo",
            "caseload_limit",
            "count_monitoring_in_caseload",
            "monitoring_months",
            "assessment_scale_max",
            "assessment_interval_months",
            "retention_years",
        ]
        widgets = {"postal_code": forms.TextInput(attrs={"placeholder": "00-000"})}

    # The version the administrator saw: a save over someone else's newer one is refused.
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("version", self.instance.version)


class OwnPasswordChangeForm(PasswordChangeForm):
    """Changing one's own password ends the duty to change one set by someone else."""

    def save(self, commit: bool = True):  # noqa: ANN201 - Django's signature
        self.user.must_change_password = False
        return super().save(commit=commit)
