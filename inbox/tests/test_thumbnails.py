"""Thumbnails: small WebP previews of pictures, and none (never an error) for what Pillow can't
or shouldn't decode."""

from io import BytesIO

from PIL import Image

from inbox import thumbnails


def picture(size, mode="RGB", fmt="PNG", **options) -> BytesIO:
    buffer = BytesIO()
    Image.new(mode, size, "white").save(buffer, fmt, **options)
    buffer.seek(0)
    return buffer


def test_a_large_picture_is_shrunk_to_fit_keeping_its_shape():
    thumbnail = thumbnails.make_thumbnail(picture((2000, 1000)))

    with Image.open(BytesIO(thumbnail)) as image:
        assert (image.format, image.size) == ("WEBP", (480, 240))


def test_a_small_picture_is_not_enlarged():
    with Image.open(BytesIO(thumbnails.make_thumbnail(picture((100, 50))))) as image:
        assert image.size == (100, 50)


def test_an_animated_gif_gives_its_first_frame():
    frames = [Image.new("RGB", (60, 60), color) for color in ("red", "blue")]
    buffer = BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:])
    buffer.seek(0)

    with Image.open(BytesIO(thumbnails.make_thumbnail(buffer))) as image:
        assert image.convert("RGB").getpixel((30, 30))[0] > 200


def test_a_decompression_bomb_gets_no_thumbnail():
    assert thumbnails.make_thumbnail(picture((10_000, 6_000), mode="1")) is None


def test_something_that_is_not_a_picture_gets_no_thumbnail():
    assert thumbnails.make_thumbnail(BytesIO(b"%PDF-1.7 definitely not an image")) is None


def test_only_picture_types_are_thumbnailed():
    assert thumbnails.can_thumbnail("image/jpeg")
    assert thumbnails.can_thumbnail("image/webp")
    assert not thumbnails.can_thumbnail("image/svg+xml")
    assert not thumbnails.can_thumbnail("application/pdf")
