"""A model's concrete field by name, typed as a field.

`Model._meta.get_field()` may also return a reverse relation (which has no column, label or
choices), so its result needs narrowing before those are read; the names passed here are always
the model's own columns.
"""

from typing import Any

from django.db import models
from django_stubs_ext import StrOrPromise


def concrete_field(model: type[models.Model] | models.Model, name: str) -> "models.Field[Any, Any]":
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{name} is a relation of {model._meta.label}, not a column")
    return field


def field_label(model: type[models.Model] | models.Model, name: str) -> StrOrPromise:
    """The field's verbose name (its label on pages and in documents)."""
    return concrete_field(model, name).verbose_name


def column(model: type[models.Model] | models.Model, name: str) -> str:
    """The database column of the field `name`."""
    return concrete_field(model, name).column or name
