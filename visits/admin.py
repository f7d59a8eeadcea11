"""Nothing of this app is registered in the admin: visits and interventions are case data, and
the administrator manages users and dictionaries, never families' files."""
