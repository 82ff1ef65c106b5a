"""Settings, read from environment variables.

DATABASE_URL, DATABASE_REPLICA_URL, SECRET_KEY, REDIS_URL, DEBUG, ALLOWED_HOSTS, TIME_ZONE,
LANGUAGE_CODE, SIWEI_VAR_DIR. With DEBUG off (production), SECRET_KEY must come from the
environment.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PACKAGE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = PACKAGE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("SIWEI_VAR_DIR") or PROJECT_DIR / "var")

DEBUG = env_bool("DEBUG")


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY", "")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set in the environment when DEBUG is off.")
    # Development and demo: a random key generated once for this installation.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

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
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "siwei.core",
    "siwei.crm",
    "siwei.sales",
    "siwei.parts",
    "siwei.service",
    "siwei.finance",
    "siwei.care",
    "siwei.reports",
    "siwei.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "siwei.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "siwei.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "siwei.core.middleware.ActiveStoreMiddleware",
    "axes.middleware.AxesMiddleware",
]

# The benchmark (bench/) counts the SQL queries of each request; never set in production.
SIWEI_BENCH = env_bool("SIWEI_BENCH")
if SIWEI_BENCH:
    MIDDLEWARE.insert(0, "siwei.core.middleware.QueryCountMiddleware")

ROOT_URLCONF = "siwei.config.urls"
WSGI_APPLICATION = "siwei.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "siwei.core.context_processors.shell",
            ],
        },
    },
]


def _database() -> dict:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{VAR_DIR / 'siwei.sqlite3'}"
    config = dj_database_url.parse(url, conn_max_age=0 if url.startswith("sqlite") else 60)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # IMMEDIATE transactions serialise writers instead of failing on lock upgrade;
        # WAL lets readers continue while one writer works.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    else:
        _postgres_options(config)
    return config


def _postgres_options(config: dict) -> None:
    """PostgreSQL's JIT compiler spends hundreds of milliseconds compiling the report
    queries, more than it saves on them: it is off for the application's connections
    unless the URL sets ``?options=...`` itself (docs/operations.md)."""
    config.setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")


def _replica_database() -> dict | None:
    """``DATABASE_REPLICA_URL``: a streaming replica of the primary that report reads may use
    (``siwei.core.db_router``); tests read the primary in its place."""
    url = os.environ.get("DATABASE_REPLICA_URL", "")
    if not url:
        return None
    config = dj_database_url.parse(url, conn_max_age=60)
    _postgres_options(config)
    config["TEST"] = {"MIRROR": "default"}
    return config


DATABASES = {"default": _database()}
DATABASE_ROUTERS: list[str] = []
if replica := _replica_database():
    DATABASES["replica"] = replica
    DATABASE_ROUTERS = ["siwei.core.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "siwei.core.permissions.StoreRoleBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login lockout (django-axes): five failures for one username from one address lock it
# for fifteen minutes; the page and the API answer 429.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False

SESSION_COOKIE_AGE = 60 * 60 * 10  # one working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
NODE_MODULES = PROJECT_DIR / "node_modules"
STATICFILES_DIRS = [
    PACKAGE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "siwei.core.api.authentication.StaffTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "siwei.core.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "siwei.core.api.schema.SiweiAutoSchema",
    "EXCEPTION_HANDLER": "siwei.core.api.errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"token": os.environ.get("TOKEN_THROTTLE_RATE", "20/min")},
    "COERCE_DECIMAL_TO_STRING": True,
    "DATETIME_FORMAT": "iso-8601",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Siwei DMS API",
    "DESCRIPTION": "REST API of Siwei, the open dealer management system. "
    "Send `Authorization: Token <token>` and, for users of several stores, `X-Store: <code>`.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "LossReasonEnum": "siwei.crm.models.LossReason",
        "CustomerCategoryEnum": "siwei.crm.models.CustomerCategory",
        "ROCategoryEnum": "siwei.service.models.ROCategory",
        "FeedbackKindEnum": "siwei.care.models.FeedbackKind",
        "ActionKindEnum": "siwei.care.models.ActionKind",
        "FeedbackCategoryEnum": "siwei.care.models.FeedbackCategory",
        "MessageChannelEnum": "siwei.care.models.MessageChannel",
        "CampaignStatusEnum": "siwei.care.models.CampaignStatus",
        "MessageStatusEnum": "siwei.care.models.MessageStatus",
        "SkipReasonEnum": "siwei.care.models.SkipReason",
        "RepairOrderStatusEnum": "siwei.service.models.ROStatus",
        "JobStatusEnum": "siwei.service.models.JobStatus",
        "StocktakeStatusEnum": "siwei.parts.models.StocktakeStatus",
    },
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSP_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "
    "form-action 'self'; base-uri 'self'"
)
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # /healthz and /readyz are probed over plain HTTP by load balancers.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Messaging, documents and other app settings join here as the apps land.
SIWEI_APP_NAME = _("Siwei DMS")
# The global search box on every page (CS-5): its page and who sees it.
SIWEI_SEARCH_URL_NAME = "crm:search"
SIWEI_SEARCH_PERMISSION = "crm.view_customer"
# A trial installation may live some days ahead to watch reminders and escalations
# appear (DEBUG only; see docs/care.md "Trying the scheduler").
SIWEI_CLOCK_OFFSET_DAYS = float(os.environ.get("SIWEI_CLOCK_OFFSET_DAYS", "0") or 0)
# CS-4: an owner with no service visit for this many months is churned (流失).
SIWEI_CHURN_MONTHS = int(os.environ.get("SIWEI_CHURN_MONTHS", "12"))
# CR-12 messaging: which backend sends SMS/WeChat messages (console | webhook | sms), its
# endpoint and credentials, and the shared secret of the inbound reply endpoint.
SIWEI_MESSAGING = {
    "BACKEND": os.environ.get("SIWEI_SMS_BACKEND", "console"),
    "TIMEOUT": float(os.environ.get("SIWEI_MESSAGING_TIMEOUT", "10")),
    "INBOUND_SECRET": os.environ.get("SIWEI_INBOUND_SECRET", ""),
    "WEBHOOK": {"URL": os.environ.get("SIWEI_WEBHOOK_URL", ""),
                "SECRET": os.environ.get("SIWEI_WEBHOOK_SECRET", "")},
    "SMS": {"URL": os.environ.get("SIWEI_SMS_URL", ""),
            "KEY_ID": os.environ.get("SIWEI_SMS_KEY_ID", ""),
            "SECRET": os.environ.get("SIWEI_SMS_SECRET", ""),
            "SIGN_NAME": os.environ.get("SIWEI_SMS_SIGN_NAME", ""),
            "TEMPLATE_CODE": os.environ.get("SIWEI_SMS_TEMPLATE_CODE", "")},
}
