"""Settings, read from the environment. `.env.example` documents every variable."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .env import env_bool, env_duration, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG=false")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["*"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required when DEBUG=false")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "servicecenter.apps.ServiceCenterConfig",
    "customers",
    "complaints",
    "workorders",
    "grading",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "servicecenter.urls"
WSGI_APPLICATION = "servicecenter.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "servicecenter.context_processors.roles",
            ],
        },
    },
]

# --- database -----------------------------------------------------------------------------
# Default: a SQLite file under var/ (WAL mode, so the web server and the Celery worker can
# share it). Production: DATABASE_URL=postgres://user:pass@host:5432/name
DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'servicecenter.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
    }
    # Tests on the embedded default use a file (not :memory:) so a real worker process can
    # see the same test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test_servicecenter.sqlite3")}
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DB_IS_POSTGRES = DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- caches & sessions (database-backed by default: the web tier stays stateless) ---------
REDIS_CACHE_URL = env_str("CACHE_URL")
if REDIS_CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_CACHE_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- i18n / time --------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static & media (media through the storage API: S3-compatible is a setting away) ------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": env_str("DEFAULT_FILE_STORAGE", "django.core.files.storage.FileSystemStorage")},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- e-mail (console by default) ------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "servicecenter@localhost")
SMS_BACKEND = env_str("SMS_BACKEND", "customers.sms.ConsoleSmsBackend")

# --- REST framework -----------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "servicecenter.authentication.TokenAuthentication",  # DRF's, with the staff profile in the same query
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "servicecenter.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "servicecenter.api.exception_handler",
    "DATETIME_FORMAT": "iso-8601",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Service center API",
    "DESCRIPTION": "Power-supply customer service center: customers, complaints, work orders, grading.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Celery -------------------------------------------------------------------------------
# Default: kombu's file-system transport under var/broker/ (no server needed).
# Production: CELERY_BROKER_URL=redis://host:6379/0
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or "filesystem://"
BROKER_DIR = VAR_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    for sub in ("out", "processed", "control"):
        (BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "out"),
        "data_folder_out": str(BROKER_DIR / "out"),
        "processed_folder": str(BROKER_DIR / "processed"),
        # exchange/queue bindings (kombu's default is ./control in the working directory)
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 600)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 540)
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# One queue per kind of work (the Procfile worker listens on all; a busy site runs one worker
# per queue so a long grade run never delays the minute sweep). Unlisted tasks go to "default".
CELERY_TASK_ROUTES = {
    "complaints.enforce_sla": {"queue": "sla"},
    "customers.send_notifications": {"queue": "notifications"},
    "grading.*": {"queue": "grading"},
    "reports.*": {"queue": "reports"},
    "complaints.build_reports": {"queue": "reports"},
}
# Notification delivery (customers/delivery.py): a claimed row is re-claimed after the lease
# (worker killed mid-delivery); a failing row is retried with backoff, then given up as failed.
NOTIFICATION_LEASE = env_duration("NOTIFICATION_LEASE", "10 minutes")
NOTIFICATION_MAX_ATTEMPTS = env_int("NOTIFICATION_MAX_ATTEMPTS", 8)

# --- product settings ---------------------------------------------------------------------
REPEAT_WINDOW = env_duration("REPEAT_WINDOW", "30 days")
QUIET_HOURS = env_str("QUIET_HOURS", "22:00-07:30")

# =================================================================================================
# Operations (issue 17 items 1-3, app `ops/`): health, metrics, JSON logs, database outages.
# Kept in one block; README "Operations" explains each setting.
# =================================================================================================
INSTALLED_APPS += ["ops"]
MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",  # request counts and latencies
    "ops.middleware.RequestContextMiddleware",  # request id (X-Request-ID), access line
    "ops.middleware.DatabaseUnavailableMiddleware",  # database refuses a connection -> 503 + Retry-After
    *MIDDLEWARE,
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

# Database queries counted by django-prometheus's wrapper of the same backend (vendor unchanged).
METRICS_DATABASE_QUERIES = env_bool("METRICS_DATABASE_QUERIES", True)
_INSTRUMENTED = {"django.db.backends.postgresql": "django_prometheus.db.backends.postgresql",
                 "django.db.backends.sqlite3": "django_prometheus.db.backends.sqlite3"}
if METRICS_DATABASE_QUERIES and DATABASES["default"]["ENGINE"] in _INSTRUMENTED:
    DATABASES["default"]["ENGINE"] = _INSTRUMENTED[DATABASES["default"]["ENGINE"]]
# Connections: each web process opens at most one per thread (gunicorn workers x threads per
# host), kept DB_CONN_MAX_AGE seconds. An unreachable server fails after DB_CONNECT_TIMEOUT
# seconds (then 503). Behind PgBouncer in transaction mode: DB_DISABLE_SERVER_SIDE_CURSORS=true.
if DB_IS_POSTGRES:
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", env_int("DB_CONNECT_TIMEOUT", 5))
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool("DB_DISABLE_SERVER_SIDE_CURSORS", False)
DATABASE_UNAVAILABLE_RETRY_AFTER = 30  # seconds, in the 503's Retry-After

# /health/ limits (critical checks turn it 503; the calendar only warns)
HEALTH_SWEEP_MAX_AGE = env_duration("HEALTH_SWEEP_MAX_AGE", "3 minutes")
HEALTH_OUTBOX_MAX_AGE = env_duration("HEALTH_OUTBOX_MAX_AGE", "15 minutes")
HEALTH_CALENDAR_MIN_DAYS = env_int("HEALTH_CALENDAR_MIN_DAYS", 60)
# /metrics answers these addresses or networks only (REMOTE_ADDR)
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", ["127.0.0.1", "::1"])

# kombu warns "No hostname was supplied" for a bare filesystem:// URL: name the (unused) host
if CELERY_BROKER_URL.rstrip("/") == "filesystem:":
    CELERY_BROKER_URL = "filesystem://localhost/"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # workers log through LOGGING below (ops.celery_signals)

# Logs: JSON lines on stderr, timestamps in UTC, with request_id / user_id (and task_name /
# task_id in workers). LOG_FORMAT=plain for a terminal (same fields, UTC too).
LOG_FORMAT = env_str("LOG_FORMAT", "json")
if LOG_FORMAT not in ("json", "plain"):
    raise ImproperlyConfigured("LOG_FORMAT must be json or plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "context": {"()": "ops.context.LogContextFilter"},
        "quiet_client_errors": {"()": "ops.context.QuietClientErrorFilter"},
    },
    "formatters": {
        "json": {"()": "ops.logformat.JsonFormatter"},
        "plain": {"()": "ops.logformat.PlainFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT,
                             "filters": ["context", "quiet_client_errors"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own handlers (plain text, DEBUG-only console, mail_admins) are replaced: one format
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "ERROR", "propagate": True},  # ops logs each request
        "django.db.backends": {"level": "WARNING"},
        # their INFO summary repeats what the task wrappers log with fields (ops.records: "event":
        # "sweep" / "delivery"); their warnings and errors still show
        "complaints.sweep": {"level": "WARNING"},
        "customers.delivery": {"level": "WARNING"},
        "core.delivery": {"level": "WARNING"},
    },
}
