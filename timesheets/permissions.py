"""Who sees and acts on an assistant's monthly records: the assistant their own, the managers all;
a manager decides another person's month, never their own."""

from typing import Any

import rules

from asystent.permissions import is_assistant, is_manager


@rules.predicate
def is_owner(user: Any, record: Any) -> bool:
    return record is not None and record.assistant_id == user.pk


@rules.predicate
def is_editable(user: Any, record: Any) -> bool:
    return record is not None and bool(record.is_editable)


rules.add_perm("timesheets.use", is_assistant | is_manager)
rules.add_perm("timesheets.keep_own", is_assistant)
rules.add_perm("timesheets.view_month", is_owner | is_manager)
rules.add_perm("timesheets.edit_month", is_owner & is_editable)
rules.add_perm("timesheets.decide_month", is_manager & ~is_owner)
rules.add_perm("timesheets.set_allowance", is_manager)
