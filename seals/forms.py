"""The administrator's form for the seal: the PKCS#12 file and its password."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import MAX_PKCS12_BYTES, Loaded, load_pkcs12


class CertificateForm(forms.Form):
    """Reads the file with the password when it is checked: a wrong password or a file that is not
    a certificate with its key is answered at the field, in plain words. Neither the file nor the
    password is ever shown again (the password field is not filled back in)."""

    file = forms.FileField(
        label=_("Certificate file with its key (.p12 or .pfx)"),
        help_text=_(
            "The PKCS#12 file exported from the qualified seal's provider or your own certificate authority."
        ),
        widget=forms.FileInput(attrs={"accept": ".p12,.pfx,application/x-pkcs12"}),
    )
    password = forms.CharField(
        label=_("The file's password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.data_bytes = b""
        self.loaded: Loaded | None = None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("file")
        if upload is None:
            return cleaned
        if upload.size > MAX_PKCS12_BYTES:
            self.add_error("file", _("The file is too large for a certificate file."))
            return cleaned
        self.data_bytes = upload.read()
        try:
            self.loaded = load_pkcs12(self.data_bytes, cleaned.get("password") or "")
        except forms.ValidationError as error:
            # A wrong password and a damaged file look the same to the library: the message says both.
            self.add_error("password" if error.code == "unreadable" else "file", error)
        return cleaned
