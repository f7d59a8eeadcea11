"""Court requests, opinions and documents are case data: they are not edited in the Django admin
(the administrator manages users, the centre and dictionaries only, see asystent.roles).

The reminder thresholds are the administrator's: their admin lives in `reminder_admin.py`, and is
imported here because Django's autodiscovery reads only this module.
"""

from . import reminder_admin  # noqa: F401
