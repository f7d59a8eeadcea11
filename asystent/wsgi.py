"""WSGI entry point (gunicorn asystent.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asystent.settings")
application = get_wsgi_application()
