"""`{% qualification_warning form %}`: on the pages that assign a family to an assistant, the
active assistants whose qualifications (art. 12 of the Act) are not recorded, and a stronger
warning when the form's chosen assistant is one of them. It warns; it never blocks."""

from typing import Any

from django import template

from asystent.models import User

from ..services import without_qualifications

register = template.Library()


@register.inclusion_tag("staff/_qualification_warning.html")
def qualification_warning(form: Any = None) -> dict[str, Any]:
    missing = list(
        without_qualifications(User.objects.filter(is_assistant=True, is_active=True)).order_by(
            "last_name", "first_name", "pk"
        )
    )
    chosen = None
    if form is not None and form.is_bound and "assistant" in form.fields:
        value = form.data.get(form.add_prefix("assistant"))
        chosen = next((person for person in missing if str(person.pk) == str(value)), None)
    return {"missing": missing, "chosen": chosen}
