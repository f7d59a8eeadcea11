"""`{{ form|fields_in_error:formset }}`: the visible fields of a form (and of the forms of a
formset, when given) that have errors, for the summary at the top of a form page
(templates/_form_errors.html)."""

from django import template
from django.forms import BaseForm, BaseFormSet, BoundField

register = template.Library()


@register.filter
def fields_in_error(
    form: BaseForm | None, formset: "BaseFormSet[BaseForm] | None" = None
) -> list[BoundField]:
    forms = [form] if form else []
    if formset:
        forms += list(formset)
    return [field for each in forms for field in each.visible_fields() if field.errors]
