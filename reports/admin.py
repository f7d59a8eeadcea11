"""Court requests, opinions and documents are case data: they are not edited in the Django admin
(the administrator manages users, the centre and dictionaries only, see asystent.roles).
The reminder thresholds' admin is in `notifications/admin.py`.
"""
