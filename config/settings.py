"""ServiceHall settings: everything that differs between machines comes from the environment.

See the README's table of environment variables.
"""

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SERVICEHALL_VAR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# development | test | production
SERVICEHALL_ENV = os.environ.get("SERVICEHALL_ENV", "development")
PRODUCTION = SERVICEHALL_ENV == "production"
DEBUG = env_bool("DJANGO_DEBUG", not PRODUCTION)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set in production.")
    SECRET_KEY = "dev-only-not-secret-servicehall"  # noqa: S105

# The audit chain's HMAC key lives outside the database (docs/deploy.md): AUDIT_KEY, or a file
# named by AUDIT_KEY_FILE that the application can read and the database's user cannot.
AUDIT_KEY = os.environ.get("AUDIT_KEY", "")
if not AUDIT_KEY and os.environ.get("AUDIT_KEY_FILE"):
    AUDIT_KEY = Path(os.environ["AUDIT_KEY_FILE"]).read_text(encoding="utf-8").strip()
if not AUDIT_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("AUDIT_KEY or AUDIT_KEY_FILE must be set in production.")
    AUDIT_KEY = "dev-only-audit-key-servicehall"
# Signed daily anchors of every audit chain's head (manage.py anchor_audit), outside the database.
AUDIT_ANCHOR_DIR = Path(os.environ.get("AUDIT_ANCHOR_DIR", VAR_DIR / "anchors"))

# The demo and test clock (servicehall.core.clock). A production server must run on real time.
SERVICEHALL_CLOCK = os.environ.get("SERVICEHALL_CLOCK", "")
if PRODUCTION and SERVICEHALL_CLOCK:
    raise ImproperlyConfigured(
        "SERVICEHALL_CLOCK is for demos and tests; production refuses to start with it."
    )

ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
CSRF_FAILURE_VIEW = "servicehall.core.errorpages.csrf_failure"  # the product's own 403 page
# The address citizens open the public pages at, without a trailing slash: notices print it
# followed by /q/ (the case look-up). A center with its own address sets Center.public_url.
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "").strip().rstrip("/") or (
    f"https://{ALLOWED_HOSTS[0]}" if PRODUCTION and ALLOWED_HOSTS else "http://127.0.0.1:8000"
)

INSTALLED_APPS = [
    "servicehall.core",
    "servicehall.org",
    "servicehall.workdays",
    "servicehall.catalog",
    "servicehall.public",
    "servicehall.tickets",
    "servicehall.cases",
    "servicehall.parallel",
    "servicehall.complaints",
    "servicehall.ratings",
    "servicehall.duty",
    "servicehall.training",
    "servicehall.assessment",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Only for its Swagger UI files: with the app installed, /api/v1/docs loads them from this
    # server (the pinned django-ninja wheel ships them) instead of a CDN the intranet cannot reach.
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "servicehall.core.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "servicehall.core.auth.PasswordChangeMiddleware",
    "servicehall.core.request_context.ClientIpMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "servicehall.core.context.servicehall",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# Default: one SQLite file under var/. WAL and IMMEDIATE transactions: with Django's default
# DEFERRED mode most concurrent writers fail with "database is locked"; IMMEDIATE takes the
# write lock at BEGIN and waits for it (busy timeout) instead.
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'servicehall.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["ENGINE"] = "servicehall.core.sqlite"  # writers queue: see its base.py
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=20000; "
            "PRAGMA foreign_keys=ON;"
        ),
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "servicehall.core.postgresql"  # fewer round trips: see its base.py
# Connections are kept between requests (both databases): opening one costs more than a
# ticket's whole transaction, and each SQLite opening repeats the PRAGMAs above.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "60"))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts ---------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "servicehall.core.passwords.CharacterClassValidator"},
    {"NAME": "servicehall.core.passwords.SurroundingSpaceValidator"},
    {"NAME": "servicehall.core.passwords.UserAttributeSimilarityValidator"},
    {"NAME": "servicehall.core.passwords.CommonPasswordValidator"},
]
# One lock for every way in: the admin's login page counts failures with the web login and the
# token endpoint (servicehall.core.auth).
AUTHENTICATION_BACKENDS = ["servicehall.core.auth.LockoutBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Sessions end after 30 idle minutes: every request renews the 30-minute cookie.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
LOGIN_FAILURE_LIMIT = 5
LOGIN_LOCK_MINUTES = 30
API_TOKEN_HOURS = int(os.environ.get("API_TOKEN_HOURS", "10"))

# --- Language and time ------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

if PRODUCTION:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # HTTPS is enforced twice: by the proxy (docs/deploy.md) and here, so that a proxy that
    # forwards plain HTTP by mistake still gets a redirect rather than a login over cleartext.
    # /healthz stays reachable over plain HTTP for the machine's own probes.
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    # The browsers' HSTS preload list is for public registrable domains (example.gov.cn), which
    # the hall does not own; an intranet host name cannot be submitted to it.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Hall devices (kiosk, display) without a login: at most COUNT requests per SECONDS each, counted
# in this cache (per process unless a shared cache is configured).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DEVICE_RATE_LIMIT = tuple(int(x) for x in os.environ.get("DEVICE_RATE_LIMIT", "300/60").split("/"))

# Behind a reverse proxy, the client address comes from this header (empty: REMOTE_ADDR), and
# only when the request comes from one of TRUSTED_PROXIES (addresses or networks, comma-
# separated): anyone else who reaches the server directly could write the header themselves.
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "")
TRUSTED_PROXIES = [p.strip() for p in os.environ.get("TRUSTED_PROXIES", "").split(",") if p.strip()]
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {_proxy!r} is not an address or a network.") from None
# Development only: a hall device registered at a loopback address is recognised without its
# token from a connection that really comes from that address (the demo's kiosk and display on
# the same machine). Behind a proxy on the same host every request comes from loopback, so
# production refuses it.
DEVICE_LOOPBACK = env_bool("DEVICE_LOOPBACK", not PRODUCTION)
if PRODUCTION and DEVICE_LOOPBACK:
    raise ImproperlyConfigured("DEVICE_LOOPBACK is for development; in production devices use their tokens.")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
