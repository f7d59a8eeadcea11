"""Forms of the asystent app: the centre's details, one's own password."""

from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from .models import Centre, User


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
            "dpo_name",
            "dpo_email",
            "dpo_address",
        ]
        widgets = {
            "postal_code": forms.TextInput(attrs={"placeholder": "00-000"}),
            # The logo is a private file with no URL: the clearable widget would link to it (500).
            "logo": forms.FileInput,
        }

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


class PersonalLimitForm(forms.ModelForm):
    """An assistant's personal limit of families (part-time work, a service contract)."""

    class Meta:
        model = User
        fields = ["personal_caseload_limit"]
        widgets = {"personal_caseload_limit": forms.NumberInput(attrs={"min": 1, "max": 15})}

    def __init__(self, *args: Any, centre_limit: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["personal_caseload_limit"]
        field.error_messages["min_value"] = _("Give a number of families from 1 to 15.")
        field.error_messages["max_value"] = _("Give a number of families from 1 to 15.")
        field.error_messages["invalid"] = _("Give a whole number of families from 1 to 15.")
        field.help_text = _(
            "The centre's limit is %(limit)d; the lower of the two applies. "
            "Leave empty for the centre's limit."
        ) % {"limit": centre_limit}
