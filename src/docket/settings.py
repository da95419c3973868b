"""Docket's one settings module. Everything that varies between installations is read from
DOCKET_* environment variables; see docs/architecture.md for the list."""

import os
from pathlib import Path

import dj_database_url


def _env(name: str, default: str = "") -> str:
    return os.environ.get(f"DOCKET_{name}", default)


def _env_bool(name: str, default: bool = False) -> bool:
    return _env(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(_env("DATA_DIR", str(Path.cwd() / "data"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = _env_bool("DEBUG")
SECRET_KEY = _env("SECRET_KEY", "docket-insecure-development-key-change-me")
ALLOWED_HOSTS = [h for h in _env("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_htmx",
    "docket.core",
    "docket.access",
    "docket.storage",
    "docket.customers",
    "docket.documents",
    "docket.ingest",
    "docket.search",
    "docket.audit",
    "docket.accounts",
    "docket.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "docket.core.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "docket.web.middleware.LanguageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "docket.accounts.middleware.SessionPolicyMiddleware",
    "docket.audit.context.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "docket.urls"
WSGI_APPLICATION = "docket.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "docket.web.context.navigation",
            ],
        },
    },
]

# SQLite (WAL, see docket.core.apps) under DATA_DIR unless DOCKET_DATABASE_URL names another.
_database_url = _env("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'docket.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Tests use a file too, not shared-cache memory: real WAL locking, visible to subprocesses.
    # One file per test process, so two runs on one machine never share a database.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test-docket-{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Sign-in (docket.accounts; docs/architecture.md, "Authentication and sessions").
# Argon2id for new passwords; older PBKDF2 hashes still work and are rehashed at login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
_validation = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_validation}.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": f"{_validation}.CommonPasswordValidator"},
    {"NAME": f"{_validation}.NumericPasswordValidator"},
    {"NAME": f"{_validation}.UserAttributeSimilarityValidator"},
]
AUTHENTICATION_BACKENDS = ["docket.accounts.backends.LockoutBackend"]
DOCKET_LOGIN_LOCKOUT = (5, 15)  # 5 failures for a username within 15 minutes: locked 15 min
DOCKET_LOGIN_IP_THROTTLE = (20, 15)  # 20 failures from one address within 15 minutes
DOCKET_TOKEN_DEFAULT_DAYS = 90  # API tokens: lifetime when none is asked for
DOCKET_TOKEN_MAX_DAYS = 365
DOCKET_SESSION_IDLE_MINUTES = int(_env("SESSION_IDLE_MINUTES", "30"))
DOCKET_SESSION_MAX_HOURS = int(_env("SESSION_MAX_HOURS", "12"))
DOCKET_HTTPS = _env_bool("HTTPS")  # served over HTTPS: cookies only travel over it
SESSION_COOKIE_AGE = DOCKET_SESSION_MAX_HOURS * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = DOCKET_HTTPS
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = DOCKET_HTTPS
# Security headers (with docket.core.security's Content-Security-Policy). Behind TLS, the
# proxy must send X-Forwarded-Proto; browsers are then told to use HTTPS only (HSTS).
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if DOCKET_HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
OTP_TOTP_ISSUER = "Docket"
# Wrong codes count as failed logins (the lockout above); django-otp's own growing delay per
# device would also refuse a right code typed just after a wrong one, without saying why.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# The UI's catalogues (msgids in English; the models' older labels are Chinese msgids).
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = _env("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"

# Uploads: limit in MB, enforced by the document services (413) and, as a backstop, by Django.
MAX_UPLOAD_MB = int(_env("MAX_UPLOAD_MB", "200"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = None

# Blob store: "local" (a directory under DATA_DIR) or "s3" (any S3-compatible endpoint).
BLOB_STORE = {
    "BACKEND": _env("BLOB_BACKEND", "local"),
    "ROOT": _env("BLOB_ROOT", str(DATA_DIR / "blobs")),
    "S3_BUCKET": _env("S3_BUCKET", "docket"),
    "S3_ENDPOINT_URL": _env("S3_ENDPOINT_URL"),
    "S3_REGION": _env("S3_REGION", "us-east-1"),
    "S3_ACCESS_KEY": _env("S3_ACCESS_KEY"),
    "S3_SECRET_KEY": _env("S3_SECRET_KEY"),
    "S3_PREFIX": _env("S3_PREFIX", "blobs/"),
    # Encryption at rest (storage/crypto.py): set, new blobs are encrypted with it (base64 of
    # 32 bytes, from `docket keys generate`). Old keys (comma-separated) are still accepted for
    # reading until `docket keys rotate` has rewrapped their blobs.
    "ENCRYPTION_KEY": _env("ENCRYPTION_KEY"),
    "ENCRYPTION_OLD_KEYS": _env("ENCRYPTION_OLD_KEYS"),
}

CHECKOUT_DEFAULT_HOURS = int(_env("CHECKOUT_HOURS", "8"))


def parse_admins(text: str) -> list[tuple[str, str]]:
    """DOCKET_ADMINS: who gets the audit alerts, "张伟 <zw@example.com>, it@example.com"."""
    admins = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, address = part.rpartition("<")
        address = address.rstrip(">").strip()
        admins.append((name.strip() or address, address))
    return admins


ADMINS = parse_admins(_env("ADMINS"))
# Mail for the alerts: an SMTP server on the intranet (Django's console backend by default in
# DEBUG, so nothing leaves a developer's machine).
EMAIL_HOST = _env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(_env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = _env("EMAIL_USER")
EMAIL_HOST_PASSWORD = _env("EMAIL_PASSWORD")
EMAIL_USE_TLS = _env_bool("EMAIL_TLS")
SERVER_EMAIL = _env("EMAIL_FROM", "docket@localhost")
EMAIL_SUBJECT_PREFIX = "[Docket] "
if DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Audit alerts (docket.audit.alerts; None turns a rule off): (count, minutes) and working hours
DOCKET_ALERT_DOWNLOADS = (50, 10)
DOCKET_ALERT_FAILED_LOGINS = (5, 15)
DOCKET_ALERT_WORKING_HOURS = ("08:00", "20:00", (0, 1, 2, 3, 4))  # weekdays: 0 = Monday

# Ingestion
INGEST_MAX_PAGES = int(_env("MAX_PAGES", "1000"))  # a longer PDF is refused with a reason
INGEST_STALL_MINUTES = int(_env("STALL_MINUTES", "30"))  # a RUNNING job this quiet is requeued
INGEST_WATCH_DIR = _env("WATCH_DIR")  # scanners drop files here; a subfolder per customer
OCR_ENGINE = _env("OCR_ENGINE", "rapidocr")  # or "tesseract"
# RapidOCR's lines with an unsure Chinese character are re-read by Tesseract chi_tra+chi_sim
# (its dictionary lacks some traditional characters): +1.2 points on mixed pages, see ocr/.
OCR_LINE_FALLBACK = _env_bool("OCR_LINE_FALLBACK", True)
SUGGESTION_THRESHOLD = float(_env("SUGGESTION_THRESHOLD", "0.6"))
IMAP = {
    "HOST": _env("IMAP_HOST"),
    "PORT": int(_env("IMAP_PORT", "993")),
    "USERNAME": _env("IMAP_USERNAME"),
    "PASSWORD": _env("IMAP_PASSWORD"),
    "FOLDER": _env("IMAP_FOLDER", "INBOX"),
    "USE_SSL": _env_bool("IMAP_SSL", True),
}

TASKS = {
    "default": {
        "BACKEND": _env("TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "docket.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "docket.core.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "docket.core.api.exception_handler",
    "DEFAULT_FILTER_BACKENDS": [],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Docket API",
    "DESCRIPTION": "Customer-document management (客户档案管理系统)",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CustomerStatusEnum": "docket.customers.models.Customer.Status",
        "DocumentStatusEnum": "docket.documents.models.Document.Status",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": _env("LOG_LEVEL", "WARNING")},
}
