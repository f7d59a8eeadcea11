"""Asystent's one settings module: every knob comes from an environment variable (see README).

With no DATABASE_URL the embedded default is SQLite in the project folder; with no REDIS_URL
Celery tasks run in-process and the cache is local memory.
"""

import ipaddress
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# The embedded mode (no DATABASE_URL: SQLite in the project folder) is a developer's or a demo
# machine, so it defaults to DEBUG on; with a real database configured the default is production.
DEBUG = env.bool("DEBUG", default="DATABASE_URL" not in env)

_DEV_SECRET_KEY = "insecure-dev-key-only-for-the-embedded-mode"
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG:
    # Production refuses to start half-configured rather than run with a guessable key.
    if len(SECRET_KEY) < 32 or SECRET_KEY == _DEV_SECRET_KEY or SECRET_KEY.startswith("insecure"):
        raise ImproperlyConfigured("Set SECRET_KEY (at least 32 random characters) when DEBUG is off.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Set ALLOWED_HOSTS when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    "asystent.apps.AsystentAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_filters",
    "django_celery_beat",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "rules",
    "csp",
    "bootstrap",
    "asystent",
    "staff",
    "notifications",
    "cases",
    "referrals",
    "visits",
    "documents",
    "courts",
    "cooperation",
    "reports",
    "timesheets",
    "seals",
    "api",
    "transfer",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    # Outermost: a request the database could not answer gets "try again" (503), not a 500.
    "asystent.error_pages.DatabaseUnavailableMiddleware",
    # First: what the later ones read of X-Forwarded-* comes only from a trusted proxy.
    "asystent.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # The request's address for e-mail links when SITE_URL is not set (asystent.site_url).
    "asystent.site_url.SiteUrlMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Django's LoginRequiredMiddleware, keeping a form sent after the session ended (asystent.drafts).
    "asystent.middleware.DraftKeepingLoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "asystent.two_factor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Who the request's actions notified, for their confirmation (asystent.told).
    "asystent.told.NotifiedMiddleware",
    "asystent.middleware.PasswordChangeRequiredMiddleware",
    "asystent.middleware.DraftRestoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "asystent.middleware.SessionLifetimeMiddleware",
    "asystent.middleware.NoStoreMiddleware",
    "asystent.audit.AuditMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "asystent.urls"
WSGI_APPLICATION = "asystent.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "asystent.context_processors.centre",
                "asystent.context_processors.session",
                "notifications.context_processors.unread_notifications",
            ],
        },
    },
]

# Database: SQLite in the project folder unless DATABASE_URL names another (PostgreSQL in production).
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compilation costs more than it saves on the dashboard's aggregates (measured by make bench).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# A kept connection that died (PostgreSQL restarted) is found before the request uses it and
# replaced: the service recovers by itself (asystent.error_pages answers the requests meanwhile).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: broker and cache when REDIS_URL is set; otherwise in-process tasks and local memory.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions live in the database so that logins survive a Redis outage.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=30 * 60)  # idle limit
SESSION_MAX_LIFETIME = env.int("SESSION_MAX_LIFETIME", default=12 * 60 * 60)  # absolute limit
LOGIN_URL_PATH = "/login/"
# Activity renews the idle limit once a minute (asystent.middleware.SessionLifetimeMiddleware),
# not with a database write on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = 60
# Pages with a form warn this long before the idle limit and offer to renew the session.
SESSION_WARNING_SECONDS = 120
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

AUTH_USER_MODEL = "asystent.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Object permissions: each app's rules (its permissions.py), e.g. "cases.edit_plan" on a case.
    "rules.permissions.ObjectPermissionBackend",
    "asystent.roles.RoleBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# Two-step login (TOTP) is required for managers and administrators.
OTP_REQUIRED_FOR_STAFF = env.bool("OTP_REQUIRED_FOR_STAFF", default=True)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Asystent")
# The admin never shows a device's secret key or QR code.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Login throttling: 5 failed attempts per username lock it for 30 minutes. The database handler
# keeps working when Redis is down; unknown usernames get the same answer as known ones.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# What axes writes to the log names no one: usernames and addresses are masked (its default, kept
# explicit because the log is no place for personal data).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address"]
# Per username on purpose: a centre's staff share one public IP address, so an IP-based lockout
# would lock out the whole office after one person's mistakes.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# PESEL checks (the "already on file?" hint under a PESEL input) per person per hour: enough to
# register families, too few to test the register number by number.
PESEL_CHECK_LIMIT = env.int("PESEL_CHECK_LIMIT", default=60)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Language and time: Polish first, English available.
LANGUAGE_CODE = "pl"
LANGUAGES = [("pl", _("Polish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates written one way everywhere, dd.mm.rrrr (asystent/formats).
FORMAT_MODULE_PATH = ["asystent.formats"]
TIME_ZONE = "Europe/Warsaw"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=DEBUG)
# Uploaded scans hold personal data: kept outside any public path and served only by views
# that check who may see the family.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# `manage.py backup` and `restore` (asystent.backups): where archives go, and the PostgreSQL programs.
BACKUP_DIR = Path(env.str("BACKUP_DIR", default=str(BASE_DIR / "backups")))
PG_DUMP = env.str("PG_DUMP", default="pg_dump")
PG_RESTORE = env.str("PG_RESTORE", default="pg_restore")
MEDIA_URL = None
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Celery: at-least-once delivery, so every task is idempotent.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
# A message whose worker died comes back after this; it must exceed the longest task.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=900),
    "socket_connect_timeout": 2,
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# In development the messages go to a mail log of files, not to the console: the embedded mode
# runs tasks in-process, and `send_reminders` would otherwise print whole e-mails to personal data.
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.filebased.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / "var" / "mail"))
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="asystent@localhost")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# The address people open the application at: links in e-mails are built from it. Unset: the
# request's own address, else runserver's, else the first of ALLOWED_HOSTS (asystent.site_url).
SITE_URL = env.str("SITE_URL", default="")

# The REST API (app `api`): personal access tokens or the session; JSON only; requests counted
# per token in the cache (API_THROTTLE_RATE, e.g. "600/min").
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.AccessTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.TokenScopeAllows"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PerTokenThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": env.str("API_THROTTLE_RATE", default="600/min")},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Asystent API",
    "DESCRIPTION": "Families, cases, visits, plans, assessments, court requests and notifications, "
    "as the token's owner sees them in the application.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its documentation are behind the login, like every page.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "cases.enums.CaseStatus",
        "ActionStatusEnum": "cases.enums.ActionStatus",
        "AssessmentStatusEnum": "cases.enums.AssessmentStatus",
        "VisitStatusEnum": "visits.enums.VisitStatus",
        "CourtRequestStatusEnum": "courts.enums.CourtRequestStatus",
    },
}

# Content-Security-Policy: scripts only from our own static files, never inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Production hardening; relaxed only in the embedded (DEBUG) mode.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Honoured only from the proxies in TRUSTED_PROXIES (addresses or networks, comma-separated):
# asystent.middleware.TrustedProxyMiddleware drops X-Forwarded-* from anyone else.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
try:
    [ipaddress.ip_network(proxy, strict=False) for proxy in TRUSTED_PROXIES]
except ValueError as error:
    raise ImproperlyConfigured(f"TRUSTED_PROXIES: {error}") from error
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG

# With DEBUG on, server errors still show people the normal error page (asystent/error_pages.py);
# the traceback goes to the console log. TECHNICAL_ERROR_PAGES=true brings Django's page back.
TECHNICAL_ERROR_PAGES = env.bool("TECHNICAL_ERROR_PAGES", default=False)
if not TECHNICAL_ERROR_PAGES:
    DEFAULT_EXCEPTION_REPORTER = "asystent.error_pages.PublicErrorReporter"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # No PESEL in the log, whatever the message or traceback quotes (asystent/log_filters.py).
    "filters": {"mask_pesel": {"()": "asystent.log_filters.MaskPesel"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_pesel"]},
        # The development server's request lines quote URLs, query strings included.
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["mask_pesel"],
        },
    },
    "loggers": {"django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# The centre's electronic seal on the PDFs that leave the centre (seals/, README "Sealed PDFs").
# The uploaded key is stored encrypted with a key derived from SEAL_ENCRYPTION_KEY. The embedded
# mode (DEBUG) falls back to SECRET_KEY; production without SEAL_ENCRYPTION_KEY refuses to seal.
SEAL_ENCRYPTION_KEY = env.str("SEAL_ENCRYPTION_KEY", default="")
SEAL_KEY_FROM_SECRET_KEY = DEBUG and not SEAL_ENCRYPTION_KEY
# A timestamping authority (RFC 3161) asked for the time of each seal (PAdES B-T); empty: none.
SEAL_TSA_URL = env.str("SEAL_TSA_URL", default="")
