"""gunicorn's settings, read from the working directory (/app in the image) by default.

The access log keeps the path but not the query string or the referrer: both can hold personal
data (a PESEL typed into the duplicate check, a surname searched for in the family list)."""

access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(L)s'
