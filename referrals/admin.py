"""No admin for intake data: the administrator manages users and dictionaries, never case files.

Interviews, referrals and court orders hold special-category data about families; they are read
and changed only through the application's views, which scope them to the user and audit reads.
"""
