"""Settings for the portal, read from the environment.

DATABASE_URL  database (default: a SQLite file in the project)
SECRET_KEY    when unset, a key generated once into SECRET_KEY_FILE (default .secret_key)
DEBUG         off unless set to 1/true/yes/on
ALLOWED_HOSTS comma-separated host names
(staff access, headers, outages and limits: see the block "Security and resilience")
"""

import os
import secrets
import sys
from pathlib import Path

import dj_database_url
from corsheaders.defaults import default_headers as default_cors_headers
from django.core.exceptions import ImproperlyConfigured
from import_export.formats import base_formats

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)


def local_secret_key(path: Path) -> str:
    """The key in an untracked local file, generated on first use (mode 600), so that
    `make run`, `make serve` and every manage.py command on a fresh clone share one.
    The file appears whole or not at all (written aside, then linked into place), so
    processes starting together agree on one key."""
    if not path.exists():
        spare = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        try:
            descriptor = os.open(spare, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "w") as file:
                file.write(secrets.token_urlsafe(64) + "\n")
            try:
                os.link(spare, path)
            except FileExistsError:
                pass  # another process made it first: use theirs
            finally:
                spare.unlink()
        except OSError as error:
            raise ImproperlyConfigured(f"Set SECRET_KEY: cannot write {path} ({error}).") from None
    key = path.read_text().strip()
    if len(key) < 50:
        raise ImproperlyConfigured(f"{path} holds no usable key: delete it or set SECRET_KEY.")
    return key


SECRET_KEY = os.environ.get("SECRET_KEY", "") or local_secret_key(
    Path(os.environ.get("SECRET_KEY_FILE", BASE_DIR / ".secret_key"))
)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "portal.apps.PortalAdminConfig",  # django.contrib.admin with the two-factor admin site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_countries",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "simple_history",
    "import_export",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "portal",
    "countries",
    "frameworks",
    "initiatives",
    "portal.serving",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "portal.security.PermissionsPolicyMiddleware",
    "portal.health.DatabaseOutageMiddleware",
    "portal.limits.FreeTextLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "portal.api.middleware.ApiMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.languages.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "django.template.context_processors.csp",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several connections (the server and a loader) may write at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# English at the URLs the site always had (permanent links and citations), Japanese under
# /ja/ (portal/urls.py); the API and the admin are unprefixed, hence English.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ja", "日本語")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# The text every record is transcribed from; citations are checked against it.
SOURCE_TEXT_PATH = BASE_DIR / "fixtures" / "source.txt"
SOURCE_DOCUMENT_SLUG = "white-paper"

# Production defaults are the safe ones; a deployment behind a TLS proxy keeps them.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# The API is public and read-only: any site may read it from a browser.
CORS_ALLOW_ALL_ORIGINS = True
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_EXPOSE_HEADERS = [
    "ETag",
    "Last-Modified",
    "Retry-After",
    "Link",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
]
CORS_ALLOW_HEADERS = [*default_cors_headers, "if-none-match", "if-modified-since"]
# Proxies in front of the portal that append to X-Forwarded-For; the rate limit trusts
# that many entries from the right, and none by default (REMOTE_ADDR is the client).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

REST_FRAMEWORK = {
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.NamespaceVersioning",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_RENDERER_CLASSES": [
        "portal.api.stored.StoredJSONRenderer",
        "portal.api.renderers.CSVRenderer",
    ],
    "DEFAULT_PAGINATION_CLASS": "portal.api.pagination.PortalPagination",
    "DEFAULT_SCHEMA_CLASS": "portal.api.schema.PortalAutoSchema",
    "EXCEPTION_HANDLER": "portal.api.problems.exception_handler",
    # Counted by portal.api.middleware.ApiMiddleware in the default cache, per client address.
    "DEFAULT_THROTTLE_RATES": {"client": os.environ.get("API_THROTTLE_RATE", "120/minute")},
    "UNAUTHENTICATED_USER": None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "ICT Strategy Portal API",
    "DESCRIPTION": (
        "Japan's international ICT strategy as linked records, each cited to the MIC White "
        "Paper 2025, Part II Chapter 2 Section 8. Read-only; published records only. Dates "
        "are ISO 8601 strings at the precision the source gives."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # OpenAPI links between operations, for clients and schemathesis' stateful phase.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.api.schema.add_links",
        "portal.api.schema.tighten_parameters",
        "portal.api.deprecation.document",
    ],
}

# Admin imports run in one transaction: a file with one bad row changes nothing.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_FORMATS = [base_formats.CSV, base_formats.JSON]

# Shared stores and the whole-response cache (portal/serving/cache.py). Nothing lives in one
# process only, so any number of processes and instances may serve one database.
# REDIS_URL   Redis for the default cache (API throttle counters), the data version,
#             cached responses and cached sessions. Without it: the default cache is a
#             database table (`manage.py createcachetable`), the data version a one-row
#             table, cached responses each process's memory (keyed by that version).
# CACHE_RESPONSES  0 turns the whole-response cache off (on by default).
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHE_RESPONSES = env_bool("CACHE_RESPONSES", True)
RESPONSE_CACHE_SECONDS = int(os.environ.get("RESPONSE_CACHE_SECONDS", "3600"))


def redis_caches(url):
    """The caches when Redis is at url (tests/serve build the same against theirs)."""
    return {
        "default": {"BACKEND": "portal.serving.redis_cache.RedisCache", "LOCATION": url},
        "responses": {
            "BACKEND": "portal.serving.redis_cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "responses",
            "TIMEOUT": RESPONSE_CACHE_SECONDS,
        },
    }


if REDIS_URL:
    CACHES = redis_caches(REDIS_URL)
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "portal_cache",
        },
        "responses": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "responses",
            "TIMEOUT": RESPONSE_CACHE_SECONDS,
            "OPTIONS": {"MAX_ENTRIES": 2000},
        },
    }
# BENCH=1: the site plus the raw-SQL ceiling view `make bench` measures against.
if env_bool("BENCH", False):
    ROOT_URLCONF = "portal.serving.bench_urls"
# Outermost: an entry holds every header the other middleware add (the API's rate limit
# is counted and added per request by the cache itself), so a hit runs nothing else.
MIDDLEWARE.insert(0, "portal.serving.cache.ResponseCacheMiddleware")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}


# ---------------------------------------------------------------------------------------
# Security and resilience (issue 15): staff access, headers, outages, bounded work.
# Code: portal/security.py (admin site, login, headers), portal/health.py (503s, probes),
# portal/limits.py (input caps). Every value below can be set from the environment.
# ---------------------------------------------------------------------------------------
from django.utils.csp import CSP  # noqa: E402

# Staff access. The admin lives at ADMIN_PATH (default "admin/").
ADMIN_PATH = os.environ.get("ADMIN_PATH", "admin/").strip("/") + "/"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out account or address
    "django.contrib.auth.backends.ModelBackend",
]
# django-axes: after AXES_FAILURE_LIMIT wrong passwords for one username, or from one
# address, logins are refused (429) for AXES_COOLOFF_HOURS; an administrator unlocks in the
# admin ("Access attempts") or with `manage.py axes_reset_username NAME` / `axes_reset`.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one locks, on its own
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "portal.security.client_ip"
# Behind N reverse proxies that append to X-Forwarded-For, set TRUSTED_PROXY_COUNT=N.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
OTP_TOTP_ISSUER = "ICT Strategy Portal"
# Sessions end SESSION_HOURS after login and when the browser closes.
SESSION_COOKIE_AGE = int(float(os.environ.get("SESSION_HOURS", "8")) * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"

# Headers on every response (SecurityMiddleware, CSP, PermissionsPolicyMiddleware).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=(), browsing-topics=()"
)
# Load balancers probe over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# Outages: a database that does not answer within DB_CONNECT_TIMEOUT seconds is a 503
# with Retry-After (RETRY_AFTER seconds), never a hung worker or a traceback.
DB_CONNECT_TIMEOUT = int(os.environ.get("DB_CONNECT_TIMEOUT", "2"))
RETRY_AFTER = int(os.environ.get("RETRY_AFTER", "30"))
# Bounded work: a web request's SQL statement may run STATEMENT_TIMEOUT_MS; a management
# command (manage.py other than runserver; pytest, which makes and drops test databases)
# COMMAND_STATEMENT_TIMEOUT_MS (0: no limit).
RUNNING_COMMAND = (
    Path(sys.argv[0]).name == "manage.py" and sys.argv[1:2] != ["runserver"]
) or Path(sys.argv[0]).name in {"pytest", "py.test"}
STATEMENT_TIMEOUT_MS = int(
    os.environ.get(
        "COMMAND_STATEMENT_TIMEOUT_MS" if RUNNING_COMMAND else "STATEMENT_TIMEOUT_MS",
        "600000" if RUNNING_COMMAND else "5000",
    )
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        connect_timeout=DB_CONNECT_TIMEOUT,
        options=f"-c statement_timeout={STATEMENT_TIMEOUT_MS}",
    )
# PostgreSQL plans a query anew each time it receives its text; the list pages' facet
# unions took 5 ms to plan and under 1 ms to run. With server-side binding psycopg prepares
# a statement after DATABASE_PREPARE_THRESHOLD runs on a connection and PostgreSQL reuses
# its plan. A transaction-mode PgBouncer needs max_prepared_statements (1.21 or later);
# before that, or behind another pooler that cannot keep them, set it to 0 (off).
DATABASE_PREPARE_THRESHOLD = int(os.environ.get("DATABASE_PREPARE_THRESHOLD", "5"))
if DATABASE_PREPARE_THRESHOLD and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["OPTIONS"].update(
        server_side_binding=True, prepare_threshold=DATABASE_PREPARE_THRESHOLD
    )
# DATABASE_POOL=N (PostgreSQL): each process keeps a pool of up to N connections
# (psycopg's pool) instead of one persistent connection per thread; a request waits at
# most DB_CONNECT_TIMEOUT seconds for one. Persistent connections are then off, as
# Django requires.
DATABASE_POOL = int(os.environ.get("DATABASE_POOL", "0"))
if DATABASE_POOL and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
    DATABASES["default"]["OPTIONS"]["pool"] = {
        "min_size": 1,
        "max_size": DATABASE_POOL,
        "timeout": DB_CONNECT_TIMEOUT,
    }
if REDIS_URL:
    CACHES["default"].setdefault("OPTIONS", {}).update(
        socket_connect_timeout=DB_CONNECT_TIMEOUT, socket_timeout=DB_CONNECT_TIMEOUT
    )
# Free text (search words, list filters' q): at most this many characters and words.
QUERY_MAX_CHARS = int(os.environ.get("QUERY_MAX_CHARS", "200"))
QUERY_MAX_WORDS = int(os.environ.get("QUERY_MAX_WORDS", "12"))
# The admin names who else opened a record within this many minutes (portal/open_records.py).
OPEN_RECORD_MINUTES = int(os.environ.get("OPEN_RECORD_MINUTES", "10"))

# Read replicas (portal/db_routers.py): with DATABASE_REPLICA_URL, anonymous reads of the
# public records go to the "replica" alias; writes, transactions, staff and the admin,
# sessions and the data version stay on "default". Tests mirror it onto "default".
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
    )
    DATABASES["replica"]["OPTIONS"] = dict(DATABASES["default"].get("OPTIONS", {}))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["portal.db_routers.ReplicaRouter"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("portal.serving.cache.ResponseCacheMiddleware") + 1,
    "portal.db_routers.PrimaryForStaffMiddleware",
)
