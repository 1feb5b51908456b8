"""Suite-wide fixtures. Tests run on PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set
(CI always sets them) and on SQLite with the in-memory layer otherwise."""

import os
import shutil

import pytest

TEST_APP_SECRET = "test-app-secret"
TEST_VERIFY_TOKEN = "test-verify-token"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
IN_CI = os.environ.get("CI") == "true"


def pytest_sessionstart(session: pytest.Session) -> None:
    """In CI the real services and the browser must be there: a missing one fails the run
    instead of silently skipping what it proves."""
    if not IN_CI:
        return
    missing = []
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        missing.append("DATABASE_URL (PostgreSQL)")
    if not os.environ.get("REDIS_URL"):
        missing.append("REDIS_URL")
    if not shutil.which(CHROMIUM):
        missing.append(f"Chromium at {CHROMIUM}")
    if missing:
        raise pytest.UsageError("CI needs the real services and browser; missing: " + ", ".join(missing))


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.START_BACKGROUND_THREADS = False
    # Per test, never the shared Redis cache: a token problem recorded by one test must not leak.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": str(tmp_path)}}
    settings.WHATSAPP_APP_SECRET = TEST_APP_SECRET
    settings.WHATSAPP_WEBHOOK_VERIFY_TOKEN = TEST_VERIFY_TOKEN
    settings.WHATSAPP_ACCESS_TOKEN = "test-access-token"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    return settings


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_user(username="agent", password="agent-password", is_staff=True)


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client
