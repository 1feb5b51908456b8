import base64
import hashlib
import io

from PIL import Image

from bench import media_files


def test_each_bench_image_is_a_distinct_real_jpeg_of_photo_like_size():
    files = media_files.make(prefix="t1", count=3)
    assert len({file.data for file in files}) == 3
    for file in files:
        assert 50_000 <= len(file.data) <= 100_000
        with Image.open(io.BytesIO(file.data)) as image:
            assert image.format == "JPEG"
            assert image.size == media_files.SIZE


def test_the_checksum_is_the_base64_sha256_meta_puts_in_the_webhook():
    [file] = media_files.make(prefix="t1", count=1)
    assert base64.b64decode(file.sha256_base64) == hashlib.sha256(file.data).digest()


def test_media_ids_name_the_phase_and_index():
    files = media_files.make(prefix="MDR2Z", count=2)
    assert [file.media_id for file in files] == ["MDR2Z00000000", "MDR2Z00000001"]
