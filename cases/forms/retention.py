"""The manager's confirmation before a destruction protocol erases the personal data."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ConfirmErasureForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I confirm that the personal data of these cases is to be erased. This cannot be undone."),
        error_messages={"required": _("Tick the confirmation to erase the data.")},
    )
