"""Settings for Valuing SEND: one file, driven by environment variables.

With no environment the app runs embedded: SQLite, Celery tasks run in-process
(``task_always_eager``), local-memory cache and email printed to the console. That is what
``make run`` uses. Production reads:

- ``DATABASE_URL``: PostgreSQL, e.g. ``postgres://user:pass@host:5432/valuing_send``
- ``REDIS_URL``: Redis as Celery broker and as the cache
- ``DJANGO_PRODUCTION=1``: secure cookies, HSTS, HTTPS redirect, hashed static files;
  then ``DJANGO_SECRET_KEY`` and ``DJANGO_ALLOWED_HOSTS`` must be set
- ``DJANGO_DEBUG=1``: debug pages (never in production)
- ``DOCUMENTS_ROOT``: the private folder generated PDFs and zips are kept in (shared by the
  web and worker processes; never served as media)
- ``EMAIL_BACKEND`` (a Django email backend path) with ``EMAIL_HOST``/``EMAIL_PORT``/
  ``EMAIL_HOST_USER``/``EMAIL_HOST_PASSWORD``/``EMAIL_USE_TLS`` for SMTP or ``EMAIL_FILE_PATH``
  for files; ``DEFAULT_FROM_EMAIL``; ``SITE_URL`` (the address links in emails point to)
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PRODUCTION = env_bool("DJANGO_PRODUCTION")
DEBUG = env_bool("DJANGO_DEBUG") and not PRODUCTION

# A fixed key is only acceptable for the embedded local mode (demo data, loopback only).
_LOCAL_SECRET_KEY = "local-only-insecure-key-for-make-run-never-used-in-production-0123456789"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "" if PRODUCTION else _LOCAL_SECRET_KEY)
if PRODUCTION and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY (50+ random characters) is required in production."
    )

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver"
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS is required in production.")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")
CSRF_FAILURE_VIEW = "valuing_send.core.errors.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "valuing_send.audit",
    "valuing_send.authorities",
    "valuing_send.indicators",
    "valuing_send.core",
    "assessments",
    "valuing_send.documents",
    "valuing_send.demo",
    "panels",
]

MIDDLEWARE = [
    # Load balancers' health checks are answered before the host check and HTTPS redirect.
    "valuing_send.core.health.HealthCheckMiddleware",
    "valuing_send.core.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "valuing_send.core.security_headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every signed-in session has passed the second factor (sessions without it are ended).
    "valuing_send.authorities.middleware.TwoFactorRequiredMiddleware",
    # Who is acting, for the audit log's events written during the request.
    "valuing_send.audit.context.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication (its page shows who is signed in); it still answers before the CSRF
    # check, which runs in process_view.
    "valuing_send.core.middleware.FormPostsOnly",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # A view that loses the database shows what happened and keeps what was sent.
    "valuing_send.core.database_errors.DatabaseUnavailableMiddleware",
    # Last, as django-axes asks: turns a lockout into the GOV.UK "too many attempts" page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "valuing_send.urls"
WSGI_APPLICATION = "valuing_send.wsgi.application"
AUTH_USER_MODEL = "authorities.User"
# django-axes first: it refuses a locked-out person before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

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
                "valuing_send.core.context_processors.service",
            ],
            "builtins": [
                "valuing_send.core.templatetags.kept_urls",
                "valuing_send.core.templatetags.govuk",
                "assessments.templatetags.assessment_tags",
                "django.contrib.humanize.templatetags.humanize",
            ],
        },
    }
]
FORM_RENDERER = "valuing_send.core.forms.GovukFormRenderer"

# Database: PostgreSQL from DATABASE_URL, else SQLite beside the checkout (or SQLITE_PATH).
if os.environ.get("DATABASE_URL"):
    # Health checks: a kept connection that the server dropped (a restart, a failover) is
    # replaced before the next request uses it, instead of failing that request.
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ["DATABASE_URL"], conn_max_age=60, conn_health_checks=True
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: Celery broker and cache. Without it tasks run in-process and the cache is per process.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # A cache that reads as empty while Redis is down, so pages keep working (core/cache.py).
    CACHES = {
        "default": {
            "BACKEND": "valuing_send.core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker that dies mid-task (killed, out of memory) gives its task back to be run again
# (tasks are idempotent): at once when a pool process dies, else after the visibility timeout.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", str(60 * 60))),
    # A page that queues work must not hang on an unreachable Redis: the outbox keeps it.
    "socket_connect_timeout": 2,
    "socket_timeout": 10,
}
CELERY_TIMEZONE = "Europe/London"
# Celery beat (run with `celery -A valuing_send beat`): the schedule of periodic tasks.
CELERY_BEAT_SCHEDULE = {
    # Work queued while Redis was down, sent when it is back (valuing_send/core/outbox.py).
    "outbox-flush": {"task": "valuing_send.core.tasks.outbox_flush", "schedule": 60.0},
    # Each caseworker's email of what is overdue or due this week, before the working day.
    "panels-deadline-digests": {
        "task": "panels.tasks.deadline_digests_send",
        "schedule": crontab(hour=7, minute=0),
    },
    # The nightly indicator recompute of every authority.
    "indicators-nightly": {
        "task": "valuing_send.indicators.tasks.recompute_every_authority",
        "schedule": crontab(hour=2, minute=30),
    },
}
# Changes to a caseload also queue an indicator recompute, debounced by this many seconds.
INDICATORS_DEBOUNCE_SECONDS = int(os.environ.get("INDICATORS_DEBOUNCE_SECONDS", "60"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "valuing_send.authorities.passwords.MaximumLengthValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
# GOV.UK date style (23 November 2026, 2:05pm), see valuing_send/formats/en_GB.
FORMAT_MODULE_PATH = ["valuing_send.formats"]

STATIC_URL = "/static/"
# collectstatic output, used in production only (elsewhere whitenoise serves from the finders).
STATIC_ROOT = BASE_DIR / "build" / "staticfiles" if PRODUCTION else None
STATICFILES_DIRS = [BASE_DIR / "static"]
# Generated documents (PDFs, zips) hold case data: a private folder, never served as media. Only
# the documents app's authorised download view reads it. On several hosts, point every web and
# worker process at the same folder (a shared volume) or swap the backend for object storage.
DOCUMENTS_ROOT = Path(os.environ.get("DOCUMENTS_ROOT", BASE_DIR / "build" / "documents"))
# Seconds a worker waits before the second and third attempts at a document that failed.
DOCUMENTS_RETRY_PAUSES = [int(s) for s in env_list("DOCUMENTS_RETRY_PAUSES", "5,30")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "documents": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": DOCUMENTS_ROOT, "base_url": None, "file_permissions_mode": 0o600},
    },
    # Hashed names need collectstatic, so only production uses them (they 404 under live_server).
    "staticfiles": {
        "BACKEND": "valuing_send.core.storage.StaticFilesStorage"
        if PRODUCTION
        else "valuing_send.core.storage.DevelopmentStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# Email (Django 6.1 MAILERS): SMTP in production, the console locally; EMAIL_BACKEND overrides.
_EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
if _EMAIL_BACKEND.endswith("smtp.EmailBackend"):
    _EMAIL_OPTIONS = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("EMAIL_PORT", "25")),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS"),
        "timeout": 10,
    }
elif _EMAIL_BACKEND.endswith("filebased.EmailBackend"):
    _EMAIL_OPTIONS = {
        "file_path": os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "build" / "emails"))
    }
else:
    _EMAIL_OPTIONS = {}
MAILERS = {"default": {"BACKEND": _EMAIL_BACKEND, "OPTIONS": _EMAIL_OPTIONS}}
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Valuing SEND <no-reply@valuing-send.local>"
)

SERVICE_NAME = "Valuing SEND"
SERVICE_CONTACT_EMAIL = os.environ.get("SERVICE_CONTACT_EMAIL", "valuing-send-support@example.org")
# Where links in emails point (set-password links); the public address of the service.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# Sign-in: a password, then a code from an authenticator app (TOTP, django-otp) or a one-time
# recovery code. Repeated failures lock out the email address from that address (django-axes)
# for AXES_COOLOFF_TIME; a wrong code counts as a failure too.
OTP_TOTP_ISSUER = "Valuing SEND"
OTP_TOTP_THROTTLE_FACTOR = 1  # seconds, doubled after each wrong code for one device
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "authorities/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
# Behind a proxy: how many proxies add themselves to X-Forwarded-For (0: use REMOTE_ADDR).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "valuing_send.core.client_ip.client_ip"
# How long someone has between the password and the code.
SIGN_IN_PENDING_SECONDS = 5 * 60

# Data retention (docs/retention.md; applied by `manage.py apply_retention`).
RETENTION_CHILD_YEARS_AFTER_BIRTH = int(os.environ.get("RETENTION_CHILD_YEARS_AFTER_BIRTH", "31"))
RETENTION_REPLAY_DAYS = int(os.environ.get("RETENTION_REPLAY_DAYS", "365"))
RETENTION_OUTBOX_DAYS = int(os.environ.get("RETENTION_OUTBOX_DAYS", "30"))
RETENTION_SIGN_IN_RECORDS_DAYS = int(os.environ.get("RETENTION_SIGN_IN_RECORDS_DAYS", "90"))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8  # a working day
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy without 'unsafe-inline': templates carry no inline script or style.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host- cookies are only accepted over HTTPS, for this host, for every path.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^health/"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Logs: JSON lines with the request id in production (LOG_FORMAT=json anywhere), plain text with
# the request id locally. No personal data: see valuing_send/core/logs.py.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json" if PRODUCTION else "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "valuing_send.core.logs.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "valuing_send.core.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # kombu notes that the in-process broker has no host name on every task: not news.
        "kombu.connection": {"level": "ERROR"},
        # WeasyPrint reports each step of every render at INFO; problems come at WARNING.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # One line per sign-in, with the email masked: the audit log records sign-ins instead.
        "axes": {"level": "WARNING"},
    },
}
