"""Media storage is chosen by environment variables alone."""

import os
import subprocess
import sys

from django.conf import settings


def storage_backend(env: dict[str, str]) -> str:
    code = (
        "import django; django.setup();"
        "from django.core.files.storage import storages; s = storages['default'];"
        "print(type(s).__module__ + '.' + type(s).__name__,"
        " getattr(s, 'bucket_name', ''), getattr(s, 'endpoint_url', ''))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_media_is_stored_on_the_local_disk_by_default():
    assert storage_backend({"AWS_STORAGE_BUCKET_NAME": ""}).startswith(
        "django.core.files.storage.filesystem.FileSystemStorage"
    )


def test_naming_a_bucket_stores_media_in_s3_compatible_storage():
    out = storage_backend({"AWS_STORAGE_BUCKET_NAME": "inbox-media", "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9000"})
    assert out == "storages.backends.s3.S3Storage inbox-media http://127.0.0.1:9000"
