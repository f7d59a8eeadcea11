"""Notifications: the in-application notification centre, the delivery channels (e-mail and its
digests), the reminder settings and the daily reminder sweep whose rules the other apps register."""
