"""Vernissage settings: every value comes from the environment, with safe local defaults.

Production values (secret key, hosts, database, broker, storage) have no production default:
with DJANGO_DEBUG=0 the process refuses to start without a real secret key and allowed hosts.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from generation.runtime.presets import X264_PRESETS  # pure Python: the rules of the render presets

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VERNISSAGE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean from the environment; refuse anything that is not clearly yes or no."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 1/0, true/false, yes/no or on/off, not {raw!r}.")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    """Read an integer >= minimum from the environment with a clear error when it is not one."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}.")
    return value


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG=0.")
    SECRET_KEY = "insecure-local-development-key-only-for-debug-mode-0123456789"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS is required when DJANGO_DEBUG=0.")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

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
    "portal",
    "generation",
    "approvals",
    "contests",
    "artists",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portal.api_errors.ApiJsonErrorsMiddleware",
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
                "portal.context_processors.roles",
            ],
        },
    },
]

# Database: SQLite in var/ by default; DATABASE_URL (postgres://...) in production and CI.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    try:
        DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    except (ValueError, KeyError) as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("VERNISSAGE_SQLITE_PATH", str(VAR_DIR / "vernissage.sqlite3")),
            # WAL lets the web server read while a worker writes; IMMEDIATE serialises writers.
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            "TEST": {"NAME": os.environ.get("VERNISSAGE_TEST_SQLITE", str(VAR_DIR / "test.sqlite3"))},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "portal.User"

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
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))

# Media: a local folder by default, S3 (django-storages) when VERNISSAGE_S3_BUCKET is set.
# Local media is never served as plain files: /media/<path> is a permission-checked view.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
S3_BUCKET = os.environ.get("VERNISSAGE_S3_BUCKET", "")
if S3_BUCKET:
    _default_storage = {
        "BACKEND": "generation.storage.SignedS3Storage",  # signs every URL, custom domain or not
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": os.environ.get("VERNISSAGE_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("VERNISSAGE_S3_REGION") or None,
            "querystring_auth": True,
            "querystring_expire": 300,
            "custom_domain": os.environ.get("VERNISSAGE_S3_CUSTOM_DOMAIN") or None,
            "signature_version": "s3v4",  # X-Amz-Expires is honoured up to 7 days; we cap it at 300 s
            "default_acl": "private",
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Email: the console by default; any Django backend by dotted path.
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "Vernissage <noreply@localhost>")
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25, minimum=1)

# Security: strict in production, relaxed only for local plain-HTTP development.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if env_bool("DJANGO_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "portal.api_auth.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated", "portal.api_auth.HasScope"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 24,
    "EXCEPTION_HANDLER": "portal.api_errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
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
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "portal.api_schema.add_error_responses"],
}

# API access: token lifetime, leak detection, quotas, queue admission (issue 5).
API_TOKEN_TTL_DAYS = env_int("VERNISSAGE_TOKEN_TTL_DAYS", 90, minimum=1)
LEAK_WINDOW_S = env_int("VERNISSAGE_LEAK_WINDOW_S", 600, minimum=1)
LEAK_MAX_IPS = env_int("VERNISSAGE_LEAK_MAX_IPS", 5, minimum=1)  # more distinct addresses suspends the token
LEAK_MAX_CLIENTS = env_int("VERNISSAGE_LEAK_MAX_CLIENTS", 3, minimum=1)  # more distinct User-Agents suspends it
QUOTA_CONCURRENT_JOBS = env_int("VERNISSAGE_QUOTA_CONCURRENT_JOBS", 2, minimum=1)
QUOTA_SECONDS_PER_DAY = env_int("VERNISSAGE_QUOTA_SECONDS_PER_DAY", 300, minimum=1)
QUEUE_HORIZON_S = env_int("VERNISSAGE_QUEUE_HORIZON_S", 7200, minimum=1)  # refuse new jobs past this wait
QUEUE_RENDER_ESTIMATE_S = env_int("VERNISSAGE_QUEUE_RENDER_ESTIMATE_S", 60, minimum=1)  # until renders are measured

# Celery: Celery's filesystem transport in var/broker by default (no server to install);
# CELERY_BROKER_URL=redis://... or amqp://... in production and CI.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "store_processed": False,
        # The transport polls its folder (1 s by default): a job waits half of this on average before a
        # worker sees it; 50 ms costs an idle worker well under 1% of a core.
        "polling_interval": 0.05,
    }
elif not CELERY_BROKER_URL.startswith(("redis://", "rediss://", "amqp://", "amqps://", "memory://")):
    raise ImproperlyConfigured("CELERY_BROKER_URL must be filesystem://, redis://, rediss://, amqp:// or amqps://.")

# Render time limits (seconds). The hard limit bounds the longest render; Redis must not
# redeliver an unacknowledged render before it, so its visibility timeout is set above it.
RENDER_SOFT_TIME_LIMIT = env_int("RENDER_SOFT_TIME_LIMIT", 1800, minimum=10)
RENDER_TIME_LIMIT = env_int("RENDER_TIME_LIMIT", RENDER_SOFT_TIME_LIMIT + 120, minimum=20)
if RENDER_TIME_LIMIT <= RENDER_SOFT_TIME_LIMIT:
    raise ImproperlyConfigured("RENDER_TIME_LIMIT must be greater than RENDER_SOFT_TIME_LIMIT.")
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": RENDER_TIME_LIMIT + 600}

CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {"generation.tasks.render_job": {"queue": "render"}}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
RENDER_SWEEP_INTERVAL = env_int("RENDER_SWEEP_INTERVAL", 30, minimum=1)
CELERY_BEAT_SCHEDULE = {
    "sweep-render-jobs": {"task": "generation.tasks.sweep_jobs", "schedule": float(RENDER_SWEEP_INTERVAL)},
}

# Approvals: review target and claim length, embargo publishing and the moderators' daily digest.
REVIEW_TARGET_HOURS = env_int("VERNISSAGE_REVIEW_TARGET_HOURS", 48, minimum=1)
REVIEW_CLAIM_MINUTES = env_int("VERNISSAGE_REVIEW_CLAIM_MINUTES", 15, minimum=1)
REVIEW_DIGEST_HOUR = env_int("VERNISSAGE_REVIEW_DIGEST_HOUR", 8)  # UTC
PUBLISH_DUE_INTERVAL = env_int("VERNISSAGE_PUBLISH_DUE_INTERVAL", 60, minimum=1)
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE["approvals-publish-due"] = {
    "task": "approvals.tasks.publish_due", "schedule": float(PUBLISH_DUE_INTERVAL)}
CELERY_BEAT_SCHEDULE["approvals-review-digest"] = {
    "task": "approvals.tasks.review_digest", "schedule": crontab(minute=0, hour=REVIEW_DIGEST_HOUR % 24)}

# Rendering.
GENERATION_MODEL = os.environ.get("GENERATION_MODEL", "")  # hub id or local folder; empty = tiny offline
GENERATION_PRESET = os.environ.get("GENERATION_PRESET", "tiny")
RENDER_SLOTS = env_int("RENDER_SLOTS", 1, minimum=1)  # jobs in flight at once (one per GPU worker)
RENDER_HEARTBEAT_TIMEOUT = env_int("RENDER_HEARTBEAT_TIMEOUT", 120, minimum=5)
RENDER_DISPATCH_TIMEOUT = env_int("RENDER_DISPATCH_TIMEOUT", 600, minimum=5)
RENDER_MAX_ATTEMPTS = env_int("RENDER_MAX_ATTEMPTS", 3, minimum=1)
# Render engine (issue 3). Device: auto = CUDA when present, else CPU; dtype: auto = the preset's on GPU.
RENDER_DEVICE = os.environ.get("RENDER_DEVICE", "auto")
RENDER_DTYPE = os.environ.get("RENDER_DTYPE", "auto")
if RENDER_DTYPE not in ("auto", "float32", "float16", "bfloat16"):
    raise ImproperlyConfigured("RENDER_DTYPE must be auto, float32, float16 or bfloat16.")
RENDER_VAE_TILING = env_bool("RENDER_VAE_TILING", False)
RENDER_OFFLOAD = os.environ.get("RENDER_OFFLOAD", "none")  # none | model | sequential | group
RENDER_COMPILE = env_bool("RENDER_COMPILE", False)  # regional torch.compile of the transformer blocks
# Per-preset memory options over the above, JSON: {"cogvideox-5b": {"vae_tiling": true, "offload": "model"}}
try:
    RENDER_PRESET_OPTIONS = json.loads(os.environ.get("RENDER_PRESET_OPTIONS", "") or "{}")
except ValueError as exc:
    raise ImproperlyConfigured(f"RENDER_PRESET_OPTIONS must be a JSON object: {exc}") from None
if not isinstance(RENDER_PRESET_OPTIONS, dict):
    raise ImproperlyConfigured("RENDER_PRESET_OPTIONS must be a JSON object keyed by preset.")
# libx264 preset of the MP4s: empty = each model preset's own (veryfast; ultrafast for the tiny preset's noise).
RENDER_X264_PRESET = os.environ.get("RENDER_X264_PRESET", "")
for _options in [{"offload": RENDER_OFFLOAD, "x264_preset": RENDER_X264_PRESET}, *RENDER_PRESET_OPTIONS.values()]:
    if not isinstance(_options, dict) or _options.get("offload", "none") not in ("none", "model", "sequential", "group"):
        raise ImproperlyConfigured("Render offload must be none, model, sequential or group.")
    if _options.get("x264_preset") and _options["x264_preset"] not in X264_PRESETS:
        raise ImproperlyConfigured(f"The libx264 preset must be one of {', '.join(X264_PRESETS)} "
                                   f"(RENDER_X264_PRESET or x264_preset in RENDER_PRESET_OPTIONS).")
RENDER_HEARTBEAT_INTERVAL = env_int("RENDER_HEARTBEAT_INTERVAL", 10, minimum=1)  # < RENDER_HEARTBEAT_TIMEOUT
RENDER_X264_CRF = env_int("RENDER_X264_CRF", 23, minimum=0)
# A job's own time limit grows with its size: base + milliseconds per megapixel-step, capped by
# RENDER_SOFT_TIME_LIMIT; the worker stops a render past it within one step.
RENDER_TIME_BASE = env_int("RENDER_TIME_BASE", 120, minimum=1)
RENDER_MS_PER_MPX_STEP = env_int("RENDER_MS_PER_MPX_STEP", 50, minimum=0)
# The engine class render workers use (a dotted path); tests and load tests name theirs from tests/.
# Checked here for its form; a worker that cannot import it refuses to start.
RENDER_ENGINE = os.environ.get("RENDER_ENGINE", "") or "generation.runtime.engine.Engine"
if len(RENDER_ENGINE.split(".")) < 2 or not all(part.isidentifier() for part in RENDER_ENGINE.split(".")):
    raise ImproperlyConfigured("RENDER_ENGINE must be the dotted path of an engine class, "
                               "e.g. generation.runtime.engine.Engine.")

# Artists (issue 7): exports' lifetime, limits on uploaded images (checked before decoding).
ARTIST_EXPORT_TTL_DAYS = env_int("VERNISSAGE_EXPORT_TTL_DAYS", 7, minimum=1)
ARTIST_UPLOAD_MAX_BYTES = env_int("VERNISSAGE_UPLOAD_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)
ARTIST_UPLOAD_MAX_PIXELS = env_int("VERNISSAGE_UPLOAD_MAX_PIXELS", 25_000_000, minimum=1)
CELERY_BEAT_SCHEDULE["artists-expire-exports"] = {"task": "artists.tasks.expire_exports", "schedule": 3600.0}

INVITATION_TTL_DAYS = env_int("VERNISSAGE_INVITATION_TTL_DAYS", 7, minimum=1)
SITE_URL = os.environ.get("VERNISSAGE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
