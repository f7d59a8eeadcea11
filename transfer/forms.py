"""The upload form of an import."""

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from asystent.models import User

from .models import ImportKind

KIND_PERMISSIONS = {
    ImportKind.FAMILIES: "transfer.import_families",
    ImportKind.USERS: "transfer.import_users",
}


def kinds_for(user: User) -> list[tuple[str, Any]]:
    return [(kind.value, kind.label) for kind, perm in KIND_PERMISSIONS.items() if user.has_perm(perm)]


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=())
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_("Fill in the template below; CSV in UTF-8, separated by semicolons or commas."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["kind"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = kinds_for(user)

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if upload.size is not None and upload.size > settings.UPLOAD_MAX_BYTES:
            raise ValidationError(
                _("The file is too large (at most %(mb)d MB)."),
                params={"mb": max(settings.UPLOAD_MAX_BYTES // (1024 * 1024), 1)},
                code="file_too_large",
            )
        return upload
