"""Settings of a benchmark run: production's (DEBUG off), with what a run on loopback needs.

The environment is set before the project's settings are read, because they refuse to start with
DEBUG off and no SECRET_KEY. Two-step login is off (the bench logs in with `force_login`), and
static files are served by name, so no `collectstatic` is needed first.
"""

import os
import secrets

os.environ["DEBUG"] = "false"
if len(os.environ.get("SECRET_KEY", "")) < 32:
    # The gunicorn started by the bench gets this same key, so the sessions made here are valid there.
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ["OTP_REQUIRED_FOR_STAFF"] = "false"
# As in docker-compose.yml: persistent database connections.
os.environ.setdefault("CONN_MAX_AGE", "60")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from asystent.settings import *  # noqa: E402, F403
from asystent.settings import STORAGES  # noqa: E402

ALLOWED_HOSTS = [*ALLOWED_HOSTS, "127.0.0.1", "localhost", "testserver"]  # noqa: F405
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
ROOT_URLCONF = "bench.urls"

import warnings  # noqa: E402

# WhiteNoise notes that STATIC_ROOT is missing until collectstatic runs; the bench does not need it.
warnings.filterwarnings("ignore", "No directory at", UserWarning)
