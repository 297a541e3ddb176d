"""ParkOps settings, driven by environment variables.

Development needs none of them: SQLite in WAL mode under ``var/`` and a secret
key generated on first run. A deployment sets at least ``DATABASE_URL``,
``PARKOPS_ALLOWED_HOSTS`` and ``PARKOPS_DEBUG=0``.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PARKOPS_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def load_or_create_secret_key(path: Path) -> str:
    """Return the key stored at ``path``, creating it (mode 0600) on first run.

    The key never lives in the repository: each installation makes its own.
    """
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(64))
    return path.read_text().strip()


# PARKOPS_ENV=production switches on the production checks and settings below.
PRODUCTION = os.environ.get("PARKOPS_ENV", "development") == "production"
DEBUG = env_bool("PARKOPS_DEBUG", not PRODUCTION)
# Django's technical 404/500 pages (URL patterns, tracebacks) instead of the
# product's error pages; for developers only, and only while DEBUG is on.
PARKOPS_DEBUG_PAGES = env_bool("PARKOPS_DEBUG_PAGES", False)
SECRET_KEY = os.environ.get("PARKOPS_SECRET_KEY") or load_or_create_secret_key(
    VAR_DIR / "secret_key"
)
ALLOWED_HOSTS = env_list("PARKOPS_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
# The demo flag marks an installation loaded with the demo data set.
DEMO_MODE = env_bool("PARKOPS_DEMO", not PRODUCTION)

if PRODUCTION:
    # Refuse to start rather than run a production server insecurely.
    if DEBUG:
        raise ImproperlyConfigured("PARKOPS_DEBUG must be off in production.")
    if "PARKOPS_ALLOWED_HOSTS" not in os.environ:
        raise ImproperlyConfigured("Set PARKOPS_ALLOWED_HOSTS (comma-separated) in production.")
    if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure") or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured("The secret key is too weak for production.")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "csp",
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "parkops.core",
    "parkops.accounts",
    "parkops.enterprises",
    "parkops.promotion",
    "parkops.projects",
    "parkops.workdays",
    "parkops.reports",
    "parkops.demo",
    "parkops.bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "parkops.core.middleware.RequestContextMiddleware",
    "parkops.core.middleware.ChinaTimeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "parkops.accounts.middleware.SessionSecurityMiddleware",
    "parkops.accounts.middleware.UserPreferencesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    # Innermost, so that every middleware above sees its 404 and 500 answers.
    "parkops.core.middleware.ErrorPageMiddleware",
]

ROOT_URLCONF = "parkops.urls"
WSGI_APPLICATION = "parkops.wsgi.application"

# Django's renderer, drawing plain inputs and selects without their templates.
FORM_RENDERER = "parkops.core.widget_render.WidgetRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "parkops" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "parkops.core.context_processors.shell",
            ],
        },
    },
]

# SQLite in WAL mode is the embedded default; DATABASE_URL selects PostgreSQL.
SQLITE_PATH = VAR_DIR / "parkops.sqlite3"
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{SQLITE_PATH}", conn_max_age=60, conn_health_checks=True
    )
}
# Connections persist (a minute, checked before reuse) on both databases: opening
# one per request, with its PRAGMAs on SQLite, cost more than the page's queries.
# A writer waiting for SQLite's lock gives up after busy_timeout: 15 s, so that
# a colleague's write waits out a burst of load instead of failing with
# "database is locked" (a long import writes in short transactions with a
# pause after each, exchange.bulk.Pace: the wait itself stays short).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=15000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Security policy (等保2.0 level 3 defaults; each value can be changed here or by
# environment). PARKOPS_PASSWORD_POLICY=asvs switches to OWASP ASVS 5: longer
# passwords, no composition rule, no forced rotation.
PASSWORD_POLICY = os.environ.get("PARKOPS_PASSWORD_POLICY", "dengbao")
_ASVS = PASSWORD_POLICY == "asvs"  # noqa: S105 - a policy name, not a password
PASSWORD_MIN_LENGTH = int(os.environ.get("PARKOPS_PASSWORD_MIN_LENGTH", 15 if _ASVS else 10))
PASSWORD_MAX_AGE_DAYS = int(os.environ.get("PARKOPS_PASSWORD_MAX_AGE_DAYS", 0 if _ASVS else 90))
PASSWORD_HISTORY = int(os.environ.get("PARKOPS_PASSWORD_HISTORY", 5))
LOCKOUT_FAILURES = int(os.environ.get("PARKOPS_LOCKOUT_FAILURES", 5))
LOCKOUT_WINDOW_MINUTES = int(os.environ.get("PARKOPS_LOCKOUT_WINDOW_MINUTES", 15))
LOCKOUT_MINUTES = int(os.environ.get("PARKOPS_LOCKOUT_MINUTES", 30))
# A client address is not locked (a whole office may sit behind one NAT address):
# past this many failures within the window it is slowed down for LOCKOUT_MINUTES,
# each further failure from it answered only after the delay.
LOCKOUT_ADDRESS_FAILURES = int(os.environ.get("PARKOPS_LOCKOUT_ADDRESS_FAILURES", 50))
LOCKOUT_ADDRESS_WINDOW_MINUTES = int(os.environ.get("PARKOPS_LOCKOUT_ADDRESS_WINDOW_MINUTES", 60))
LOCKOUT_ADDRESS_DELAY_SECONDS = float(os.environ.get("PARKOPS_LOCKOUT_ADDRESS_DELAY_SECONDS", 3))
SESSION_IDLE_MINUTES = int(os.environ.get("PARKOPS_SESSION_IDLE_MINUTES", 30))
SESSION_MAX_HOURS = int(os.environ.get("PARKOPS_SESSION_MAX_HOURS", 12))
INACTIVE_ACCOUNT_DAYS = int(os.environ.get("PARKOPS_INACTIVE_ACCOUNT_DAYS", 90))
AUTO_DISABLE_INACTIVE = env_bool("PARKOPS_AUTO_DISABLE_INACTIVE", False)
PARKOPS_AUDIT_RETENTION_DAYS = int(os.environ.get("PARKOPS_AUDIT_RETENTION_DAYS", 180))
# Audit chain MACs: "hmac-sha256" or "hmac-sm3" (国密 SM3, GB/T 32905-2016) for new
# entries (and for the other seals the server keeps: an import preview's
# validated rows); older seals keep verifying under the algorithm named in each.
# The key is PARKOPS_AUDIT_KEY or var/audit_key (see parkops/core/audit_seal.py).
PARKOPS_AUDIT_MAC = os.environ.get("PARKOPS_AUDIT_MAC", "hmac-sha256")
if PARKOPS_AUDIT_MAC not in ("hmac-sha256", "hmac-sm3"):
    raise ImproperlyConfigured("PARKOPS_AUDIT_MAC must be hmac-sha256 or hmac-sm3.")
# Personal data at rest: "aes-256-gcm" or "sm4-gcm" (国密 SM4) for new values; stored
# values name their cipher and keep decrypting after a change (parkops/core/crypto.py).
PARKOPS_DATA_CIPHER = os.environ.get("PARKOPS_DATA_CIPHER", "aes-256-gcm")
if PARKOPS_DATA_CIPHER not in ("aes-256-gcm", "sm4-gcm"):
    raise ImproperlyConfigured("PARKOPS_DATA_CIPHER must be aes-256-gcm or sm4-gcm.")
# Anchors: the chain head, MAC'd, appended here (and logged) by `anchor_audit` and
# automatically every N entries (0: only by the command). Ship the file elsewhere.
PARKOPS_AUDIT_ANCHOR_FILE = Path(
    os.environ.get("PARKOPS_AUDIT_ANCHOR_FILE", VAR_DIR / "audit_anchors.log")
)
PARKOPS_AUDIT_ANCHOR_EVERY = int(os.environ.get("PARKOPS_AUDIT_ANCHOR_EVERY", 1000))
TWO_FACTOR_REQUIRED_ROLES = env_list(
    "PARKOPS_2FA_REQUIRED_ROLES", "system_admin,security_admin,audit_admin,park_admin"
)


def password_validators(policy: str, min_length: int, history: int) -> list[dict]:
    """Django's validators plus ours; the 等保 policy adds the composition rule."""
    validators = [
        {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
        {
            "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
            "OPTIONS": {"min_length": min_length},
        },
        {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
        {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
        {"NAME": "parkops.accounts.passwords.UsernameNotContainedValidator"},
        {"NAME": "parkops.accounts.passwords.HistoryValidator", "OPTIONS": {"count": history}},
    ]
    if policy != "asvs":
        validators.append(
            {
                "NAME": "parkops.accounts.passwords.CharacterClassValidator",
                "OPTIONS": {"classes": 3},
            }
        )
    return validators


AUTH_PASSWORD_VALIDATORS = password_validators(
    PASSWORD_POLICY, PASSWORD_MIN_LENGTH, PASSWORD_HISTORY
)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "parkops" / "locale"]
# The server's zone; what users see is always China Standard Time
# (parkops.core.text.CHINA_TIME, activated per request by ChinaTimeMiddleware).
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# Dates read 2023-06-17 in every language (tables, detail pages, templates).
FORMAT_MODULE_PATH = ["parkops.core.formats"]

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
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
WHITENOISE_USE_FINDERS = DEBUG

SESSION_COOKIE_HTTPONLY = True
# The session is saved only when its data changes. The idle timeout
# (SESSION_IDLE_MINUTES) is enforced from UserSession.last_seen_at, kept to the
# minute by parkops.accounts.middleware; the cookie and the stored session last
# as long as the longest session may (SESSION_MAX_HOURS).
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600
# Django's database sessions and ModelBackend, each reading its row on every
# request with a statement written once rather than an ORM query (issue #15).
SESSION_ENGINE = "parkops.accounts.sessions"
AUTHENTICATION_BACKENDS = ["parkops.accounts.backends.ModelBackend"]
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Uploads: requests above these are refused before any view runs.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# A project document's upload is not read past its size limit (the page's and
# the API's); other uploads go to Django's handlers unchanged.
FILE_UPLOAD_HANDLERS = [
    "parkops.projects.documents.DocumentUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
if PRODUCTION:
    # TLS is terminated in front of ParkOps (or by it); the proxy sets the header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("PARKOPS_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = env_bool("PARKOPS_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_HSTS_SECONDS = int(os.environ.get("PARKOPS_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("PARKOPS_HSTS_PRELOAD", True)

# A strict Content-Security-Policy: no inline script or style anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

FILTERS_EMPTY_CHOICE_LABEL = _("All")
# Background work (large imports) through django-tasks with its database
# backend: no extra server; `manage.py run_worker` runs the queue (make run/serve
# start it).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# 1,000: a commit writes in paced short transactions (bulk.Pace), so a few
# thousand rows take seconds, too long for a page to wait without progress.
PARKOPS_IMPORT_BACKGROUND_ROWS = int(os.environ.get("PARKOPS_IMPORT_BACKGROUND_ROWS", 1000))
# Reverse proxies whose X-Forwarded-For is believed (comma-separated addresses);
# empty: the socket address is the client's.
PARKOPS_TRUSTED_PROXIES = frozenset(
    a.strip() for a in os.environ.get("PARKOPS_TRUSTED_PROXIES", "").split(",") if a.strip()
)
# Spreadsheet uploads: larger files or longer sheets are refused before reading.
PARKOPS_IMPORT_MAX_BYTES = int(os.environ.get("PARKOPS_IMPORT_MAX_BYTES", 20 * 1024 * 1024))
PARKOPS_IMPORT_MAX_ROWS = int(os.environ.get("PARKOPS_IMPORT_MAX_ROWS", 200_000))
# Project documents (signed agreements): kept outside the static files and the
# web root, never served by path (parkops/projects/documents.py); larger files
# are refused.
PARKOPS_DOCUMENTS_DIR = Path(os.environ.get("PARKOPS_DOCUMENTS_DIR", VAR_DIR / "documents"))
PARKOPS_DOCUMENT_MAX_BYTES = int(os.environ.get("PARKOPS_DOCUMENT_MAX_BYTES", 20 * 1024 * 1024))

# Office hours on working days (comma-separated intervals): what a "working
# day" and a working hour of a deadline mean. The default is seven hours, so
# "0.5 working day" is three and a half of them.
PARKOPS_OFFICE_HOURS = os.environ.get("PARKOPS_OFFICE_HOURS", "09:00-12:00,13:30-17:30")

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"
DJANGO_TABLES2_PAGE_RANGE = 8
PAGE_SIZE = 25

NINJA_PAGINATION_PER_PAGE = 25
NINJA_PAGINATION_MAX_LIMIT = 200

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PARKOPS_LOG_LEVEL", "WARNING")},
    # Audit anchors are written at INFO so that they reach the log whatever the root level.
    "loggers": {"parkops.audit": {"level": "INFO"}},
}
