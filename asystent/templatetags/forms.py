"""`{{ form|fields_in_error }}`: the visible fields of a form that have errors, for the summary at
the top of a form page (templates/_form_errors.html)."""

from django import template
from django.forms import BaseForm, BoundField

register = template.Library()


@register.filter
def fields_in_error(form: BaseForm) -> list[BoundField]:
    return [field for field in form.visible_fields() if field.errors]
