"""Court requests and opinions are case data: they are not edited in the Django admin (the
administrator manages users, the centre and dictionaries only, see asystent.roles)."""
