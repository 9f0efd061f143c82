"""Settings, read from the environment. `.env.example` documents every variable."""

from __future__ import annotations

import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .env import env_bool, env_duration, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# --- safe defaults (SPEC §13; signin) ------------------------------------------------------
# DEBUG is off unless set (`make run` and the Procfile set it for the embedded demo). With DEBUG
# off the development key is refused, and ALLOWED_HOSTS has no default.
DEBUG = env_bool("DEBUG", False)
DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = env_str("SECRET_KEY") or ""
if not DEBUG and SECRET_KEY in ("", DEV_SECRET_KEY):
    raise ImproperlyConfigured("SECRET_KEY is required when DEBUG=false, and not the development key "
                               "(python -c \"import secrets; print(secrets.token_urlsafe(50))\")")
SECRET_KEY = SECRET_KEY or DEV_SECRET_KEY
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
    "knox",  # hashed, expiring API tokens (signin)
    "axes",  # sign-in lockout per user and address (signin)
    "django_otp",  # TOTP second factor (signin)
    "django_otp.plugins.otp_totp",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "pgtrigger",
    "servicecenter.apps.ServiceCenterConfig",
    "core",
    "customers",
    "clock",
    "complaints",
    "workorders",
    "tickets",  # above complaints and workorders: orders of every kind (SPEC §11)
    "outages",
    "grading",
    "reports",
    "simple_history",  # after our apps: their translations win over its catalog ("Object", "History")
    "audit",  # last: its admin wraps the other apps' admin classes with the history button
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "servicecenter.security.SecureCookiesMiddleware",  # signin: Secure cookies over HTTPS
    "csp.middleware.CSPMiddleware",  # signin: content security policy
    "servicecenter.inputs.BadInputMiddleware",  # badinput: NUL, oversized bodies, before any view
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # signin: request.user.is_verified()
    "servicecenter.security.SecondFactorMiddleware",  # signin: OTP_REQUIRED
    "simple_history.middleware.HistoryRequestMiddleware",  # who changed the configuration (audit app)
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # signin: last, turns a lockout into its answer
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

# --- sign-in protection (SPEC §13; signin: servicecenter/security.py, signin.py) ------------
# Django's validators apply wherever a password is set: admin forms, createstaff.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": env_int("PASSWORD_MIN_LENGTH", 10)}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes: SIGNIN_FAILURE_LIMIT failed passwords for one user from one address lock that pair
# for SIGNIN_LOCKOUT (failures older than that are forgotten), on /login/, /admin/login/ and
# POST /api/v1/auth/token/ (every path calls authenticate(request, ...)).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env_int("SIGNIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_duration("SIGNIN_LOCKOUT", "15 minutes")
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "servicecenter.security.client_ip"
AXES_LOCKOUT_CALLABLE = "servicecenter.security.lockout_response"
AXES_VERBOSE = False
# Reverse proxies in front of the application whose X-Forwarded-For / X-Forwarded-Proto are
# trusted (0: none, the client address is REMOTE_ADDR and no header can claim HTTPS).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# API tokens (django-rest-knox): stored as a digest, expire after this idle time, revocable.
REST_KNOX = {
    "TOKEN_TTL": env_duration("API_TOKEN_IDLE_TIME", "8 hours"),
    "AUTO_REFRESH": True,
    "MIN_REFRESH_INTERVAL": 60,
    "AUTH_HEADER_PREFIX": "Token",
}
# API throttles (servicecenter/throttling.py), "N/second|minute|hour|day"; "off" disables one.
THROTTLE_RATES = {
    scope: (None if (rate or "").strip().lower() in ("", "off", "none") else rate.strip())
    for scope, rate in {
        "user": env_str("THROTTLE_RATE_USER", "600/minute"),  # per signed-in user
        "address": env_str("THROTTLE_RATE_ADDRESS", "1200/minute"),  # per client address, every API request
        "token": env_str("THROTTLE_RATE_TOKEN", "10/minute"),  # POST /api/v1/auth/token/, per address
        "public": env_str("THROTTLE_RATE_PUBLIC", "60/minute"),  # endpoints without sign-in, per address
    }.items()
}
for _scope, _rate in THROTTLE_RATES.items():
    if _rate is not None and not re.fullmatch(r"\d+/(s|sec|second|m|min|minute|h|hour|d|day)", _rate):
        raise ImproperlyConfigured(f"THROTTLE_RATE_{_scope.upper()} must look like 600/minute, not {_rate!r}")
# TOTP second factor (django-otp): administrators and managers may enrol at /account/two-factor/;
# OTP_REQUIRED=true makes it compulsory for them (pages and the token endpoint).
OTP_REQUIRED = env_bool("OTP_REQUIRED", False)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Service center")

# --- HTTPS, cookies, HSTS, CSP (SPEC §13; signin) ------------------------------------------
# HTTPS=true: the site is served over HTTPS (directly or behind TRUSTED_PROXY_COUNT proxies):
# cookies are Secure and plain HTTP is redirected (health checks excepted). Cookies are also
# marked Secure on any request that came over HTTPS (servicecenter.security.SecureCookiesMiddleware).
HTTPS = env_bool("HTTPS", False)
if TRUSTED_PROXY_COUNT > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz/$", r"^health/$", r"^metrics$"]
# Strict-Transport-Security (sent on HTTPS responses only)
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", False)
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content security policy (django-csp): no inline script or style anywhere (templates keep
# theirs in static/); images may be data: URIs (the enrolment QR code, Swagger UI).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

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
# Apache ECharts' release files come from its npm package (package.json; `make install` runs
# `npm ci`): served as static/echarts/echarts.min.js, never from a CDN, never copied in here.
ECHARTS_DIST = BASE_DIR / "node_modules" / "echarts" / "dist"
STATICFILES_DIRS = [BASE_DIR / "static"] + ([("echarts", ECHARTS_DIST)] if ECHARTS_DIST.is_dir() else [])
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# `manage.py backup` (servicecenter/backup.py): where backups go and how many stay
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(VAR_DIR / "backups")))
BACKUP_KEEP = env_int("BACKUP_KEEP", 14)
STORAGES = {
    "default": {"BACKEND": env_str("DEFAULT_FILE_STORAGE", "django.core.files.storage.FileSystemStorage")},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- e-mail (console by default) ------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "servicecenter@localhost")
SMS_BACKEND = env_str("SMS_BACKEND", "core.sms.ConsoleSmsBackend")

# --- REST framework -----------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "servicecenter.authentication.TokenAuthentication",  # knox's, with the staff profile in the same query
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # signin: per user, per address, and per address for views with a throttle_scope
    "DEFAULT_THROTTLE_CLASSES": ["servicecenter.throttling.UserThrottle", "servicecenter.throttling.AddressThrottle",
                                 "servicecenter.throttling.ScopedAddressThrottle"],
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "servicecenter.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "servicecenter.schema.AutoSchema",  # nullable/blank read-only fields told
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
    # every operation lists the error answers it can give (servicecenter/schema.py)
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "servicecenter.schema.postprocess_error_responses"],
    # the outages' choice sets under names of their own (their fields share names with others)
    "ENUM_NAME_OVERRIDES": {"OutageKindEnum": "outages.choices.OutageKind",
                            "OutageStatusEnum": "outages.choices.OutageStatus",
                            "OutageLinkSubjectEnum": "outages.choices.LinkSubject",
                            # the escalations' deadline kinds (with the outages' notice): a stable name
                            "DeadlineKindEnum": "complaints.choices.DeadlineKind"},
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
}
# Notification delivery (core/delivery.py): a claimed row is re-claimed after the lease
# (worker killed mid-delivery); a failing row is retried with backoff, then given up as failed.
NOTIFICATION_LEASE = env_duration("NOTIFICATION_LEASE", "10 minutes")
NOTIFICATION_MAX_ATTEMPTS = env_int("NOTIFICATION_MAX_ATTEMPTS", 8)
# A pending grade run not sent to a worker for this long is sent again (grading.requeue_stuck_runs).
GRADE_RUN_REQUEUE_AFTER = env_duration("GRADE_RUN_REQUEUE_AFTER", "3 minutes")

# --- product settings ---------------------------------------------------------------------
REPEAT_WINDOW = env_duration("REPEAT_WINDOW", "30 days")
# Bad input (servicecenter/inputs.py): a phone call or letter received at most this long ago; a
# request body longer than MAX_REQUEST_BYTES is refused by its length, before it is read; a photo
# of more pixels than PHOTO_MAX_PIXELS is refused when decoded.
RECEIVED_AT_MAX_AGE = env_duration("RECEIVED_AT_MAX_AGE", "365 days")
MAX_REQUEST_BYTES = env_int("MAX_REQUEST_BYTES", 12 * 1024 * 1024)
PHOTO_MAX_PIXELS = env_int("PHOTO_MAX_PIXELS", 50_000_000)
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
        "core.delivery": {"level": "WARNING"},
    },
}
