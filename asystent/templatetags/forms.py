"""The one summary of a form's errors (templates/_form_errors.html, the GOV.UK error summary
pattern) and the "Błąd:" in the title of a page that shows one (templates/base.html).

`{% error_summary form formset as summary %}` gathers, from a form and any formsets under it (a
formset, or a list of formsets and forms, as the plan editor's goals and their actions), the
messages that belong to no field (the form's, the formsets' and hidden fields') and, for each
visible field in error, the id its link leads to, its label and its first message.

`{% page_has_form_errors %}` tells whether the page's context holds a bound form (or formset, or
an object listing them in `forms_for_summary`) with errors: the title is rendered before the body,
so it cannot wait for the summary."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django import forms, template
from django.forms import BaseForm, BaseFormSet, BoundField

register = template.Library()

# Widgets of several inputs (radio buttons, check boxes) have no id of their own: the summary's
# link leads to the first of them, as GOV.UK's does.
MULTIPLE_INPUTS = (forms.RadioSelect, forms.CheckboxSelectMultiple)


@dataclass(frozen=True)
class FieldError:
    target: str  # the id the summary's link leads to
    label: str
    message: str


@dataclass
class Summary:
    messages: list[str] = field(default_factory=list)
    fields: list[FieldError] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.messages or self.fields)


def _parts(*sources: Any) -> Iterator[BaseForm | BaseFormSet]:
    """Every form and formset among the sources (formsets, lists of them, editors listing them)."""
    for source in sources:
        if source is None or isinstance(source, str):
            continue
        if isinstance(source, BaseForm | BaseFormSet):
            yield source
        elif hasattr(type(source), "forms_for_summary"):  # the class's: lazy objects stay lazy
            yield from _parts(*source.forms_for_summary())
        elif isinstance(source, list | tuple):
            yield from _parts(*source)


def _target(bound: BoundField) -> str:
    widget = bound.field.widget
    if isinstance(widget, MULTIPLE_INPUTS):
        return f"{bound.auto_id}_0"
    return bound.id_for_label or bound.auto_id


def _collect(part: BaseForm | BaseFormSet, summary: Summary, *, in_rows: bool = False) -> None:
    if isinstance(part, BaseFormSet):
        if not part.is_bound:
            return
        # The formset's own errors (too few rows, too many) lead to its first row, which says
        # them again above the rows.
        first: list[BoundField] = next((f.visible_fields() for f in part.forms if f.visible_fields()), [])
        if first:
            summary.fields.extend(FieldError(_target(first[0]), "", str(m)) for m in part.non_form_errors())
        else:
            summary.messages.extend(str(message) for message in part.non_form_errors())
        for each in part.forms:
            _collect(each, summary, in_rows=True)
        return
    if not part.is_bound:
        return
    visible = part.visible_fields()
    if in_rows and visible:
        # A row of a formset (a family member, a goal): its own errors lead to its first field,
        # the row shows them itself.
        summary.fields.extend(FieldError(_target(visible[0]), "", str(m)) for m in part.non_field_errors())
    else:
        summary.messages.extend(str(message) for message in part.non_field_errors())
    for bound in part.hidden_fields():
        summary.messages.extend(str(message) for message in bound.errors)
    for bound in visible:
        if bound.errors:
            summary.fields.append(FieldError(_target(bound), str(bound.label), str(bound.errors[0])))


@register.simple_tag
def error_summary(*sources: Any) -> Summary:
    summary = Summary()
    for part in _parts(*sources):
        _collect(part, summary)
    return summary


def _has_errors(parts: Iterable[BaseForm | BaseFormSet]) -> bool:
    for part in parts:
        if not part.is_bound:
            continue
        if isinstance(part, BaseFormSet):
            if part.total_error_count():
                return True
        elif part.errors:
            return True
    return False


@register.simple_tag(takes_context=True)
def page_has_form_errors(context: template.Context) -> bool:
    return _has_errors(_parts(*context.flatten().values()))
