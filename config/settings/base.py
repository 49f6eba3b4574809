"""The site itself: apps, middleware, templates, database, accounts, languages, static files, the API, the
rules of each app (tokens, reviews, exports, invitations), the site URL and logging."""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str, required

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("VERNISSAGE_VAR_DIR") or BASE_DIR / "var")

DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = required(
    "DJANGO_SECRET_KEY", when=not DEBUG, fallback="insecure-local-development-key-only-for-debug-mode-0123456789"
)
# Former keys while the secret key is rotated: sessions and reset links they signed stay valid (README: Operating).
SECRET_KEY_FALLBACKS = env_list("DJANGO_SECRET_KEY_FALLBACKS")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS is required when DJANGO_DEBUG=0.")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
CSRF_FAILURE_VIEW = "core.error_views.csrf_failure"  # the styled 403 page, DEBUG or not

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
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_prometheus",  # HTTP and database metrics (ops serves them at /metrics)
    # The site's apps, lowest layer first: each imports only those above it in this list.
    "core",
    "accounts",
    "generation",
    "provenance",  # the watermark table and traces: reads generation's jobs
    "approvals",
    "conversations",  # a thread on each clip; contests and artists (its export) sit above it
    "contests",
    "artists",
    "evaluation",  # above artists: it pays through the ledger and reads the consent terms
    "webhooks",  # above contests and artists: it hears of their events through their signals
    "ops",  # metrics and readiness: reads every app's tables
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",  # first: times the whole request
    "core.logs.RequestIdMiddleware",  # first: every log line of the request carries its id (X-Request-ID)
    "core.bodylimit.RequestBodyLimitMiddleware",  # refuses an oversized body before anything reads it
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",  # the language: cookie, then Accept-Language
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified()
    "accounts.preferences.ViewerPreferencesMiddleware",  # the account's language and the viewer's time zone
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.StaffIdleTimeoutMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.api.errors.ApiJsonErrorsMiddleware",
    "axes.middleware.AxesMiddleware",  # turns a lockout into the login page's message
    "django_prometheus.middleware.PrometheusAfterMiddleware",  # last: counts the response
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
                "accounts.context_processors.roles",
                "config.navigation.navigation",
            ],
        },
    },
]

# Database: SQLite in var/ by default; DATABASE_URL (postgres://...) in production and CI. A connection is
# kept open for DB_CONN_MAX_AGE seconds by the thread that opened it and checked before reuse, so a web
# tier of a fixed number of threads (config/gunicorn.py) holds at most one connection per thread.
DATABASE_URL = env_str("DATABASE_URL")
DB_CONN_MAX_AGE = env_int("VERNISSAGE_DB_CONN_MAX_AGE", 60, minimum=0)
if DATABASE_URL:
    try:
        DATABASES = {
            "default": dj_database_url.parse(DATABASE_URL, conn_max_age=DB_CONN_MAX_AGE, conn_health_checks=True)
        }
    except (ValueError, KeyError) as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("VERNISSAGE_SQLITE_PATH", str(VAR_DIR / "vernissage.sqlite3")),
            # WAL lets the web server read while a worker writes; IMMEDIATE serialises writers.
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            "TEST": {"NAME": env_str("VERNISSAGE_TEST_SQLITE", str(VAR_DIR / "test.sqlite3"))},
        }
    }

# Every database query is counted and timed for /metrics: django-prometheus' wrappers of the same backends.
DATABASES["default"]["ENGINE"] = {
    "django.db.backends.sqlite3": "django_prometheus.db.backends.sqlite3",
    "django.db.backends.postgresql": "django_prometheus.db.backends.postgresql",
}.get(DATABASES["default"]["ENGINE"], DATABASES["default"]["ENGINE"])

# The shared cache (rate limits, throttles): local memory by default, which is per process;
# VERNISSAGE_CACHE_URL=redis://host:6379/1 in production so every web process counts together.
CACHE_URL = env_str("VERNISSAGE_CACHE_URL")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
elif CACHE_URL.startswith("file://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": CACHE_URL[7:]}}
elif CACHE_URL in ("", "locmem://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "vernissage"}}
else:
    raise ImproperlyConfigured(
        f"VERNISSAGE_CACHE_URL must start with redis://, rediss://, unix://, file:// or locmem://, not {CACHE_URL!r}."
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses a locked-out login before any password is checked.
# RoleBackend: ModelBackend with a user's permissions in one query (accounts.backends).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "accounts.backends.RoleBackend"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("de", "Deutsch")]  # each named in its own language, for the switch
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]  # dates per language: ISO in English, 03.12.2026 in German
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]

# Parsers (JSON depth and size limits) and throttles are added in config/settings/edge.py.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api_auth.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated", "accounts.api_auth.HasScope"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 24,
    "EXCEPTION_HANDLER": "core.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Vernissage API",
    "DESCRIPTION": "Personal tokens: `Authorization: Bearer vrn_...`. Every error is `{detail, code, errors?}`.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",  # served from the installed package: the docs work offline
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "core.api.schema.add_error_responses"],
    "ENUM_NAME_OVERRIDES": {
        "PhaseEnum": "contests.models.Phase",  # `phase` and `contest_phase`: one enum
        "InvitationStateEnum": ["pending", "accepted", "expired"],
        "RoundStatusEnum": "evaluation.models.RoundStatus",  # a round's and its next pair's `status`
        "PairSideEnum": ["left", "right"],
        "PairChoiceEnum": ["left", "right", "tie"],
        "FeedbackKindEnum": "artists.models.FeedbackKind",  # feedback's `kind`
        "ThreadItemKindEnum": ["message", "requested", "appeal", "decision", "withdrawn"],  # a thread item's
    },
}

# Accounts: invitations, token lifetime and leak detection.
INVITATION_TTL_DAYS = env_int("VERNISSAGE_INVITATION_TTL_DAYS", 7, minimum=1)
API_TOKEN_TTL_DAYS = env_int("VERNISSAGE_TOKEN_TTL_DAYS", 90, minimum=1)
LEAK_WINDOW_S = env_int("VERNISSAGE_LEAK_WINDOW_S", 600, minimum=1)
LEAK_MAX_IPS = env_int("VERNISSAGE_LEAK_MAX_IPS", 5, minimum=1)  # more distinct addresses suspends the token
LEAK_MAX_CLIENTS = env_int("VERNISSAGE_LEAK_MAX_CLIENTS", 3, minimum=1)  # more distinct User-Agents suspends it

# Approvals: review target and claim length.
REVIEW_TARGET_HOURS = env_int("VERNISSAGE_REVIEW_TARGET_HOURS", 48, minimum=1)
REVIEW_CLAIM_MINUTES = env_int("VERNISSAGE_REVIEW_CLAIM_MINUTES", 15, minimum=1)
# What may keep an approved clip out of the gallery for now (approvals.holds): contests awaiting results.
PUBLICATION_HOLDS = ["contests.holds.clip_is_held"]
# What may refuse an artist's deletion of a clip (generation.jobs.iterate): on its way to publication, in a contest.
# Live counts in the header, polled with the studio's feed (generation.live).
LIVE_COUNTS = {"notifications": "approvals.live.unread_count", "review_queue": "approvals.live.review_queue_version"}
CLIP_DELETE_GUARDS = ["approvals.gate.delete_refusal", "contests.holds.delete_refusal"]

# Conversations on clips (conversations/): how moderators appear to artists ("pseudonyms": Moderator A,
# B... per clip; "names": their names), who is kept out (contests' judges), and a bound per thread.
CONVERSATION_MODERATOR_NAMES = env_str("VERNISSAGE_THREAD_MODERATOR_NAMES", "pseudonyms").strip().lower()
if CONVERSATION_MODERATOR_NAMES not in ("names", "pseudonyms"):
    raise ImproperlyConfigured(
        f"VERNISSAGE_THREAD_MODERATOR_NAMES must be names or pseudonyms, not {CONVERSATION_MODERATOR_NAMES!r}."
    )
CONVERSATION_EXCLUSIONS = ["contests.conversations.user_judges_clip"]
CONVERSATION_MAX_MESSAGES = env_int("VERNISSAGE_THREAD_MAX_MESSAGES", 500, minimum=1)

# Artists: exports' lifetime, limits on uploaded images (checked before decoding).
ARTIST_EXPORT_TTL_DAYS = env_int("VERNISSAGE_EXPORT_TTL_DAYS", 7, minimum=1)
# An export waits for its clips' pre-release marked copies (provenance.marked), asking again every few seconds.
ARTIST_EXPORT_MARK_RETRY_S = env_int("VERNISSAGE_EXPORT_MARK_RETRY_S", 5, minimum=1)
ARTIST_EXPORT_MARK_WAIT_S = env_int("VERNISSAGE_EXPORT_MARK_WAIT_S", 1800, minimum=10)
ARTIST_UPLOAD_MAX_BYTES = env_int("VERNISSAGE_UPLOAD_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)
ARTIST_UPLOAD_MAX_PIXELS = env_int("VERNISSAGE_UPLOAD_MAX_PIXELS", 25_000_000, minimum=1)

# Links in emails and on the invitations page. Defaults to the port `make run` serves (bin/run's PORT).
PORT = env_int("PORT", 8000, minimum=1)
SITE_URL = env_str("VERNISSAGE_SITE_URL", f"http://127.0.0.1:{PORT}").rstrip("/")

# Logs: plain text, or one JSON object a line (VERNISSAGE_LOG_FORMAT=json); each record carries the request id,
# job id, attempt and artist id bound for it (core/logs.py).
LOG_FORMAT = env_str("VERNISSAGE_LOG_FORMAT", "plain")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"VERNISSAGE_LOG_FORMAT must be plain or json, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "core.logs.ContextFilter"}},
    "formatters": {
        "plain": {"()": "core.logs.PlainFormatter", "fmt": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {"()": "core.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["context"]}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}, "axes": {"level": "WARNING"}},  # lockouts only
}
