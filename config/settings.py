"""Settings for the inbox, driven entirely by the environment.

With no DATABASE_URL the project runs on SQLite, with no REDIS_URL on the in-memory channel
layer: that embedded default is what `make run` starts. Production sets both.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


# Defaults that `make run` generates once per checkout (a secret key, the webhook's app secret
# and verify token), so every command run in this checkout agrees with the server.
LOCAL_ENV_FILE = BASE_DIR / ".venv" / "local.env"


def read_env_file(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    pairs = (line.partition("=") for line in path.read_text().splitlines())
    return {name.strip(): value.strip() for name, _, value in pairs if name.strip()}


LOCAL_DEFAULTS = read_env_file(LOCAL_ENV_FILE)


def env_str(name: str, default: str = "") -> str:
    """The variable's value, the contents of the file named by NAME_FILE (Docker secrets),
    this checkout's generated default, or `default`."""
    if os.environ.get(name):
        return os.environ[name]
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    if name in os.environ:
        return os.environ[name]
    return LOCAL_DEFAULTS.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = env_str(name, "True" if default else "False")
    if value not in ("True", "False"):
        raise ImproperlyConfigured(f"{name} must be True or False, not {value!r}")
    return value == "True"


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# An empty SECRET_KEY is reported by the deployment check inbox.W001; the embedded default gets a
# per-checkout key from `make run` instead of a shared one.
SECRET_KEY = env_str("SECRET_KEY", "insecure-development-key-set-SECRET_KEY-in-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "django_htmx",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_tasks_db",
    "inbox",
    "webhook",
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
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"

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
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "db.sqlite3",
            # SQLite serialises writers; wait for the lock instead of failing a webhook.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    # The pub/sub layer: the default RedisChannelLayer drops group messages once a process's
    # queue holds `capacity` of them (see the design notes on live push).
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            # Pub/sub channels are shared by all databases of a Redis server: name them after
            # the database, so deployments (and test runs) on other databases don't hear ours.
            "CONFIG": {"hosts": [REDIS_URL], "prefix": "asgi" + urlsplit(REDIS_URL).path.strip("/")},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

if REDIS_URL:
    # Shared by every process, so a token Meta rejected in a worker shows on /healthz too.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Tasks run in a thread of each server process (config/background.py) unless this is False and
# separate `db_worker` processes run them, which needs REDIS_URL for their live updates.
RUN_TASKS_IN_SERVER = env_bool("RUN_TASKS_IN_SERVER", True)
# Webhook deliveries are applied by a thread of each server process unless this is False and
# `process_webhooks` worker processes apply them (needs REDIS_URL for their live updates).
RUN_WEBHOOK_PROCESSOR_IN_SERVER = env_bool("RUN_WEBHOOK_PROCESSOR_IN_SERVER", True)
# The server's background threads (config/background.py); tests that drive the ASGI app in
# process turn them off and run the processor themselves.
START_BACKGROUND_THREADS = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
# Customers' bare domains ("shop.example.com") become https:// links, Django's future default.
URLIZE_ASSUME_HTTPS = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
# Static files straight from the app directories: no collectstatic step between a clone and a page.
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Media in S3-compatible storage (AWS, MinIO, R2, ...) when a bucket is named; credentials come
# from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY. The bucket stays private: staff fetch files
# through the inbox, which adds its own headers.
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("AWS_S3_REGION_NAME", "") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            "location": env_str("AWS_LOCATION", "media"),
        },
    }

# Meta sends webhook bodies of up to 3 MB; the webhook reads its body itself and answers 413
# above WEBHOOK_MAX_BODY_BYTES, so Django's own cap must not trip first.
WEBHOOK_MAX_BODY_BYTES = 3_500_000
DATA_UPLOAD_MAX_MEMORY_SIZE = 4_000_000

WHATSAPP_WEBHOOK_VERIFY_TOKEN = env_str("WHATSAPP_WEBHOOK_VERIFY_TOKEN", "")
WHATSAPP_APP_SECRET = env_str("WHATSAPP_APP_SECRET", "")
WHATSAPP_ACCESS_TOKEN = env_str("WHATSAPP_ACCESS_TOKEN", "")
WHATSAPP_PHONE_NUMBER_ID = env_str("WHATSAPP_PHONE_NUMBER_ID", "")
WHATSAPP_BUSINESS_ACCOUNT_ID = env_str("WHATSAPP_BUSINESS_ACCOUNT_ID", "")
WHATSAPP_API_VERSION = env_str("WHATSAPP_API_VERSION", "v25.0")
WHATSAPP_GRAPH_URL = env_str("WHATSAPP_GRAPH_URL", "https://graph.facebook.com").rstrip("/")
WHATSAPP_SEND_READ_RECEIPTS = env_bool("WHATSAPP_SEND_READ_RECEIPTS", True)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAdminUser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "WhatsApp team inbox API",
    "DESCRIPTION": "Messages, conversations and delivery statuses received through the WhatsApp Cloud API.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
if not DEBUG and env_bool("SECURE_COOKIES", False):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "plain"}},
    # Our loggers propagate to the root handler (so test log capture sees them too); others
    # only reach it from WARNING up.
    "root": {"handlers": ["stdout"], "level": "WARNING"},
    "loggers": {
        "inbox": {"level": LOG_LEVEL},
        "webhook": {"level": LOG_LEVEL},
        "config": {"level": LOG_LEVEL},
    },
}
