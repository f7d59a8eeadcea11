"""Who may move data in and out of the centre: families and their cases are imported by a manager
(who assigns assistants), users by the administrator (who keeps the accounts); the whole centre
is exported by either."""

import rules

from asystent.permissions import is_administrator, is_manager

rules.add_perm("transfer.import_families", is_manager)
rules.add_perm("transfer.import_users", is_administrator)
rules.add_perm("transfer.export_centre", is_manager | is_administrator)
