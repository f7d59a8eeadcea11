"""The reason a record added by mistake is removed: the same form for every kind of record."""

from django import forms
from django.utils.translation import gettext_lazy

from asystent import limits


class RemovalForm(forms.Form):
    """Why a record added by mistake is removed (kept with it; a manager may restore it)."""

    reason = forms.CharField(
        label=gettext_lazy("Reason for removal"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=limits.REASON,
        error_messages={"required": gettext_lazy("Give the reason for removal.")},
    )
