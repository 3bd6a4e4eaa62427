"""InoLink settings: one module, driven by environment variables.

Unset variables give the embedded default (SQLite in the project folder, Celery
tasks run eagerly in-process, emails printed to the console), so a newcomer can
run the demo with no services. Production sets DATABASE_URL, CELERY_BROKER_URL,
DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random value in production, "
            "or set DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "django-insecure-inolink-local-development-only"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "inolink.apps.InolinkAdminConfig",  # django.contrib.admin on the project's site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "django_celery_beat",
    "import_export",
    "accounts.apps.SignInAttemptsConfig",  # django-axes
    "django_otp",
    "accounts.apps.AuthenticatorDevicesConfig",  # django-otp's TOTP devices
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served as static files (no CDN)
    "inolink",
    "accounts",
    "exports",
    "clusters",
    "agreements",
    "consultations",
    "events",
    "outreach",
    "reports",
    "notifications",
    "api",
]

MIDDLEWARE = [
    # First: the load balancer's probe touches nothing else (see inolink.health).
    "inolink.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.StaffSecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a lockout noticed during the request into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "inolink.urls"

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
                "accounts.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "inolink.wsgi.application"
ASGI_APPLICATION = "inolink.asgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite is the embedded default: wait for a writer rather than failing at once,
    # and take the write lock when a transaction starts, so select_for_update()-style
    # critical sections serialise instead of deadlocking on lock upgrades.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
IS_POSTGRES = DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out person is refused before their password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Lithuanian is the default for anonymous visitors; signed-in users get their own choice.
LANGUAGE_CODE = "lt"
LANGUAGES = [("lt", _("Lithuanian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_supplement"]
FORMAT_MODULE_PATH = ["inolink.formats"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = "Europe/Vilnius"
USE_I18N = True
USE_TZ = True
CURRENCY = "EUR"

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Front-end libraries come from npm (package-lock.json), never copied into the repo.
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("DJANGO_STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# A request's fields, files apart: the largest form people fill (a session outcome, 20,000 characters that could
# take 4 bytes each, percent-encoded) needs about 240 kB. A bigger body is refused before any form sees it, so a page
# never echoes megabytes back in its error.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: printed to the console unless an SMTP host is configured.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
# Seconds an SMTP server may keep us waiting; under a quarter of NOTIFICATIONS_LEASE_SECONDS (see there).
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "sent-emails"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "InoLink <inolink@mita.lt>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Celery: with no broker configured, tasks run eagerly in-process (embedded default).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL or env_bool("CELERY_TASK_ALWAYS_EAGER")
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 180
CELERY_BROKER_CONNECTION_TIMEOUT = 3
# Redis hands a task nobody acknowledged (its worker was killed whole) to another worker after the visibility
# timeout: longer than any task runs (CELERY_TASK_TIME_LIMIT, exports.tasks.EXPORT_SOFT_TIME_LIMIT) plus any
# countdown it waits for (notifications.tasks.SEND_RETRY_HORIZON), or a task would run twice while the first is
# still alive.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 3, "socket_timeout": 5, "visibility_timeout": 900}
# An admin list's export of more rows than this is built by a worker and downloaded from "My exports" (exports app):
# a longer one takes more than the few seconds a page request should (bench: `make bench`, "export").
EXPORT_ROWS_AT_ONCE = int(os.environ.get("EXPORT_ROWS_AT_ONCE", "2000"))
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# One queue name per deployment (tests use their own so they never meet a production worker).
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "inolink")
# acks_late (and reject_on_worker_lost) are switched on per task, only where the task is idempotent; then prefetch
# one at a time.
CELERY_TASK_ACKS_LATE = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A broker that is down must not hold a web request for long: try once more, then the caller logs it
# and the periodic sweep sends the waiting record later.
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Outgoing messages: attempts before a message is marked failed, and the first backoff step.
NOTIFICATIONS_MAX_ATTEMPTS = int(os.environ.get("NOTIFICATIONS_MAX_ATTEMPTS", "5"))
# How long an invitation link works (outreach); staff re-send it for a fresh period.
INVITATION_VALID_DAYS = int(os.environ.get("INVITATION_VALID_DAYS", "7"))
NOTIFICATIONS_RETRY_BASE_SECONDS = int(os.environ.get("NOTIFICATIONS_RETRY_BASE_SECONDS", "60"))
# How long a sender holds the messages it claimed: those of a sender that died are sent again after it. The
# sender starts no hand-over in the lease's last quarter, which must outlast one SMTP hand-over (EMAIL_TIMEOUT).
NOTIFICATIONS_LEASE_SECONDS = int(os.environ.get("NOTIFICATIONS_LEASE_SECONDS", "60"))
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Security: production behind a TLS-terminating proxy that sets X-Forwarded-Proto and appends the
# client's address to X-Forwarded-For. `manage.py check --deploy` must stay clean when DEBUG is off.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Secure cookies whenever DEBUG is off. Only the test run turns them off (pytest.ini), because the browser
# tests talk to a live server over plain http://127.0.0.1; check --deploy fails if production does the same.
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# The cache: throttling of the API and the open data's payloads. Each process keeps its own in memory unless
# DJANGO_CACHE_URL names a Redis database shared by every web process (redis://127.0.0.1:6379/1).
CACHE_URL = os.environ.get("DJANGO_CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL, "KEY_PREFIX": "inolink"}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "inolink"}
    )
}

# The REST API (api/): tokens staff create in the admin (api.authentication), or the browser's session; JSON only;
# every list paginated and filtered; requests throttled per token (per address for the anonymous), in the cache.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.ApiAccess"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["api.filters.FilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "token": os.environ.get("API_THROTTLE_RATE", "1200/hour"),
        "anonymous": os.environ.get("API_ANONYMOUS_THROTTLE_RATE", "120/hour"),
    },
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    "DEFAULT_VERSIONING_CLASS": None,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "InoLink API",
    "DESCRIPTION": (
        "The InoLink programme's data for the agency's and partners' systems. Send a token staff created for you "
        "in the administration as `Authorization: Bearer <token>`; it reads what its owner sees in the browser."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_GENERATE_CHOICE_DESCRIPTION": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
}
# Open data (/open-data/): how long a payload is kept in the cache and may be kept by browsers and proxies.
OPEN_DATA_CACHE_SECONDS = int(os.environ.get("OPEN_DATA_CACHE_SECONDS", "300"))

# Content-Security-Policy (django-csp): everything from our own origin, never inline scripts.
# Bootstrap and the admin's scripts are static files; images may be data: URIs (Bootstrap's icons in CSS).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Sign-in lockout (django-axes): 5 failures for the same email from the same address lock that pair
# out for 30 minutes. Staff unlock people in the admin (Axes: access attempts) or with
# `manage.py axes_reset_username <email>`.
AXES_FAILURE_LIMIT = 5
AXES_VERBOSE = False
AXES_COOLOFF_TIME = datetime.timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# A wrong password during the lockout does not restart the 30 minutes, so the page can promise a time.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_CALLABLE = "accounts.lockout.username_from_request"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
# How many proxies in front of Django append to X-Forwarded-For: the client's address is the one the
# outermost trusted proxy saw. 0 means use the socket's address (no proxy, as in the demo).
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0" if DEBUG else "1"))

# Second factor (django-otp, TOTP) for staff whenever DEBUG is off: a staff session that has not
# entered a code from its authenticator reaches no page but the code page. The embedded demo
# (DEBUG on) lets staff in with the password alone. The test run turns it off (pytest.ini) so
# force_login works; the second-factor tests turn it back on. check --deploy fails if production turns it off.
OTP_REQUIRED_FOR_STAFF = env_bool("DJANGO_OTP_REQUIRED", not DEBUG)
OTP_TOTP_ISSUER = "InoLink"
# The device admin never shows a device's secret or QR code again (enrol with `manage.py enrol_totp`).
OTP_ADMIN_HIDE_SENSITIVE_DATA = not DEBUG

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Consultation rules that staff may tune per deployment.
# The admin shows each record's history but does not restore an old version: a restore writes around the services
# (no lock, no recount, nobody told) and can break a rule a version never broke on its own (a proposal on a
# consultation that has since been confirmed).
SIMPLE_HISTORY_REVERT_DISABLED = True

CONSULTATION_MIN_NOTICE_HOURS = int(os.environ.get("CONSULTATION_MIN_NOTICE_HOURS", "24"))
CONSULTATION_BUFFER_MINUTES = int(os.environ.get("CONSULTATION_BUFFER_MINUTES", "15"))
# Days a cluster has to dispute hours an expert logged over the booked length; after them the hours count.
EXTRA_HOURS_DISPUTE_DAYS = int(os.environ.get("EXTRA_HOURS_DISPUTE_DAYS", "7"))

# How long a write waits for a row another write holds (seconds) before it answers "busy, try again"
# (PostgreSQL's lock_timeout, set for each locking transaction; see inolink.locking).
LOCK_TIMEOUT_SECONDS = float(os.environ.get("LOCK_TIMEOUT_SECONDS", "3"))
