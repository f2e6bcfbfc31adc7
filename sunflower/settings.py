"""Sunflower settings: everything that differs between machines comes from the environment.

See docs/configuration.md for every variable. The embedded default (no variables at all) is a
SQLite file under var/, background jobs run in-process, e-mail goes to the console.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("SUNFLOWER_VAR_DIR", PROJECT_DIR / "var"))

# The demo key is public: it exists only so that `make run` works with no configuration.
DEMO_SECRET_KEY = "sunflower-demo-secret-key-not-for-production"  # noqa: S105


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# "development" (the embedded default), "test" or "production".
SUNFLOWER_ENV = os.environ.get("SUNFLOWER_ENV", "development").strip().lower()
if SUNFLOWER_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(
        f"SUNFLOWER_ENV must be development, test or production, not {SUNFLOWER_ENV!r}"
    )
PRODUCTION = SUNFLOWER_ENV == "production"

SECRET_KEY = os.environ.get("SECRET_KEY", "" if PRODUCTION else DEMO_SECRET_KEY)
DEBUG = env_bool("DEBUG", default=SUNFLOWER_ENV == "development")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

if PRODUCTION:
    if not SECRET_KEY or SECRET_KEY == DEMO_SECRET_KEY or len(SECRET_KEY) < 32:
        raise ImproperlyConfigured(
            "Production refuses to start without its own SECRET_KEY (at least 32 characters, "
            "not the demo key). Set SECRET_KEY in the environment."
        )
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off in production.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Set ALLOWED_HOSTS (comma-separated host names) in production.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "auditlog",
    # Sunflower apps, lowest floor first (see docs/architecture.md).
    "sunflower.core",
    "sunflower.audit",
    "sunflower.geo",
    "sunflower.hmis",
    "sunflower.accounts",
    "sunflower.interchange",
    "sunflower.dedup",
    "sunflower.documents",
    "sunflower.consent",
    "sunflower.chronic",
    "sunflower.ces",
    "sunflower.reports",
    "sunflower.portal",
    "sunflower.training",
    "sunflower.helpdesk",
    "sunflower.governance",
    "sunflower.datarequests",
    "sunflower.outreach",
]

MIDDLEWARE = [
    # First: /practice/ is the whole application on the training database (docs/training.md).
    "sunflower.training.environment.PracticeEnvironmentMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "sunflower.core.middleware.LoginRequiredMiddleware",
    "sunflower.audit.middleware.RequestContextMiddleware",
    "sunflower.portal.middleware.AgreementRequiredMiddleware",
    # Axes last: it needs the request to be fully set up to record the login attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sunflower.urls"
WSGI_APPLICATION = "sunflower.wsgi.application"

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
                "sunflower.accounts.context_processors.navigation",
                "sunflower.training.context_processors.practice",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
_default_sqlite = f"sqlite:///{VAR_DIR / 'sunflower.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or _default_sqlite,
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# WAL lets the in-process job runner write while pages read.
_SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;",
    "transaction_mode": "IMMEDIATE",
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = dict(_SQLITE_OPTIONS)
    DATABASES["default"]["CONN_MAX_AGE"] = 0


def _training_database() -> dict:
    """The training environment's database (docs/training.md): synthetic data only. By default
    beside the live one: var/training.sqlite3, or the live PostgreSQL name + "_training"."""
    url = os.environ.get("TRAINING_DATABASE_URL")
    if url:
        training = dj_database_url.parse(url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"])
    else:
        training = {**DATABASES["default"], "TEST": {}}
        if training["ENGINE"] == "django.db.backends.sqlite3":
            training["NAME"] = str(VAR_DIR / "training.sqlite3")
        else:
            training["NAME"] = f"{training['NAME']}_training"
    if training["ENGINE"] == "django.db.backends.sqlite3":
        training["OPTIONS"] = dict(_SQLITE_OPTIONS)
        training["CONN_MAX_AGE"] = 0
    live = DATABASES["default"]
    if (training["ENGINE"], training.get("HOST"), training.get("PORT"), training["NAME"]) == (
        live["ENGINE"], live.get("HOST"), live.get("PORT"), live["NAME"]
    ):
        raise ImproperlyConfigured(
            "TRAINING_DATABASE_URL names the live database: the training environment needs a "
            "database of its own."
        )
    return training


DATABASES["training"] = _training_database()
DATABASE_ROUTERS = ["sunflower.training.environment.TrainingEnvironmentRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, jobs ----------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The training environment's cache keys never meet the live site's.
CACHES["default"]["KEY_FUNCTION"] = "sunflower.training.environment.cache_key"

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
# Without Redis every task runs in the calling process, so the embedded default needs nothing.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]

# Coordinated Entry referral deadlines (docs/ces-participation.md): an agency decides a referral
# within CES_REFERRAL_DECISION_DAYS; a reminder goes CES_REFERRAL_REMINDER_HOURS before the
# deadline; beat checks every 15 minutes (`sunflower ces_deadlines` does the same by hand).
CES_REFERRAL_DECISION_DAYS = int(os.environ.get("CES_REFERRAL_DECISION_DAYS", "3"))
CES_REFERRAL_REMINDER_HOURS = int(os.environ.get("CES_REFERRAL_REMINDER_HOURS", "24"))
# Put in front of the links in notification e-mails (the in-app notification links alone).
SITE_URL = os.environ.get("SITE_URL", "")
# The HMIS Lead's contact details on the public portal (docs/portal.md).
HMIS_LEAD_NAME = os.environ.get("HMIS_LEAD_NAME", "Kansas Statewide Homeless Coalition — HMIS team")
HMIS_HELP_EMAIL = os.environ.get("HMIS_HELP_EMAIL", "hmis@localhost")
HMIS_HELP_PHONE = os.environ.get("HMIS_HELP_PHONE", "")
# Help desk: (first response, resolution) targets in hours per priority (docs/helpdesk.md).
HELPDESK_TARGET_HOURS = {
    "urgent": (2, 24),
    "high": (8, 72),
    "normal": (24, 120),
    "low": (48, 240),
}
CELERY_BEAT_SCHEDULE = {
    "ces-referral-deadlines": {
        "task": "sunflower.ces.check_referral_deadlines",
        "schedule": 15 * 60,  # seconds
    },
    "ces-recompute-lists": {
        "task": "sunflower.ces.recompute_lists",
        "schedule": 24 * 60 * 60,  # daily: households without contact become inactive
    },
}

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked-out users before the password check
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lock-out: django-axes counts failures per user name and address.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.5"))  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = env_bool("AXES_ENABLED", default=True)

# Session time-out: HUD's security standard asks for automatic log-off after inactivity.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_TIMEOUT_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True  # sliding window: the clock restarts on every request
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Preloading is a commitment for the whole domain; the operator opts in.
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

# --- E-mail (console by default: password-reset links appear in the server's output) ----------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Sunflower HMIS <hmis@localhost>")

# --- Language, time -------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "America/Chicago")
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [PROJECT_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
from sunflower.documents.storage import storage_settings as _documents_storage_settings  # noqa: E402

MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Attached client documents: private storage of their own (sunflower/documents/storage.py).
STORAGES["documents"] = _documents_storage_settings(os.environ, VAR_DIR)
# The training environment's uploads (docs/training.md): kept apart from live documents.
STORAGES["training_documents"] = _documents_storage_settings(
    os.environ, VAR_DIR, prefix="TRAINING_DOCUMENTS", folder="training_documents"
)
# Finished report runs (tables and the clients behind each cell): private, like documents, and
# shared by every web and worker machine when it is S3 (sunflower/reports/results.py).
STORAGES["reports"] = _documents_storage_settings(
    os.environ, VAR_DIR, prefix="REPORTS", folder="report_runs"
)
# The resource center's files (public once published; sunflower/portal/models.py).
STORAGES["portal"] = _documents_storage_settings(os.environ, VAR_DIR, prefix="PORTAL", folder="portal_files")
DOCUMENTS_MAX_BYTES = int(os.environ.get("DOCUMENTS_MAX_MB", "20")) * 1024 * 1024
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    # The embedded default keeps its database and collected files here.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# --- Audit ----------------------------------------------------------------------------------
AUDITLOG_INCLUDE_ALL_MODELS = False  # models register themselves in sunflower.audit.registry
AUDITLOG_DISABLE_REMOTE_ADDR = False

# --- Logging: no personal data in logs; request paths carry no client identifiers. -----------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- Street outreach map (docs/outreach.md) ---------------------------------------------------
# No tile server by default: the base map is the Kansas county outlines Sunflower serves
# itself. A tile server the HMIS Lead runs or trusts can be set (its URL template, e.g.
# https://tiles.example.org/{z}/{x}/{y}.png); browsers then fetch tiles from it.
OUTREACH_TILE_URL = os.environ.get("OUTREACH_TILE_URL", "")
OUTREACH_TILE_ATTRIBUTION = os.environ.get("OUTREACH_TILE_ATTRIBUTION", "")
OUTREACH_MAP_DEFAULT_DAYS = int(os.environ.get("OUTREACH_MAP_DEFAULT_DAYS", "30"))
# The county counts shown to roles without the map: counts from 1 to this minus one are "<N".
# The most contact points one map view draws (the newest); the rest are in the county counts.
OUTREACH_MAP_MAX_POINTS = int(os.environ.get("OUTREACH_MAP_MAX_POINTS", "5000"))
OUTREACH_SUPPRESS_BELOW = int(os.environ.get("OUTREACH_SUPPRESS_BELOW", "11"))

# --- Data requests (docs/data-requests.md) ---------------------------------------------------
# Counts from 1 to this minus one are shown as "<N" in extracts (small-cell suppression).
DATA_REQUEST_SUPPRESS_BELOW = int(os.environ.get("DATA_REQUEST_SUPPRESS_BELOW", "11"))
# Days an extract's download link lasts.
DATA_REQUEST_LINK_DAYS = int(os.environ.get("DATA_REQUEST_LINK_DAYS", "30"))
# Target days from submission of each step shown to the requester (calendar days).
DATA_REQUEST_TARGET_DAYS = {"acknowledged": 5, "khrc": 30, "committee": 60, "fulfilment": 90, "latest": 120}
# Delivered extracts: private storage, like documents (DATAREQUESTS_STORAGE, _ROOT, _S3_*).
STORAGES["datarequests"] = _documents_storage_settings(
    os.environ, VAR_DIR, prefix="DATAREQUESTS", folder="data_extracts"
)
