"""Widgets and checks the forms of the cases app share."""

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def not_in_future(value: dt.date | None) -> None:
    if value and value > timezone.localdate():
        raise ValidationError(_("This date cannot be in the future."), code="future")


def blank_first(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", "---------"), *choices]
