"""Byte ranges on stored media, so audio and video seek: 206 with Content-Range for one range,
416 for a range outside the file, the whole file when the range can't be honoured."""

import pytest
from asgiref.sync import sync_to_async
from django.db import connections
from django.urls import reverse

from inbox.tests.media_data import make_downloaded_message

pytestmark = pytest.mark.django_db

AUDIO = bytes(range(256)) * 40  # 10240 bytes, every position distinguishable


def get(client, message, range_header: str | None = None, **headers: str):
    if range_header:
        headers["Range"] = range_header
    return client.get(reverse("inbox:media", args=[message.pk]), headers=headers)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def audio():
    return make_downloaded_message(data=AUDIO, message_type="audio", mime_type="audio/ogg", filename="voice.ogg")


@pytest.mark.parametrize(
    ("range_header", "first", "last"),
    [
        ("bytes=0-9", 0, 9),
        ("bytes=10000-", 10000, 10239),
        ("bytes=-100", 10140, 10239),
        ("bytes=5000-99999", 5000, 10239),
    ],
)
def test_answers_a_range_with_206_and_just_those_bytes(staff_client, audio, range_header, first, last):
    response = get(staff_client, audio, range_header)

    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {first}-{last}/{len(AUDIO)}"
    assert response["Content-Length"] == str(last - first + 1)
    assert response["Content-Type"] == "audio/ogg"
    assert response["Accept-Ranges"] == "bytes"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert body(response) == AUDIO[first : last + 1]


@pytest.mark.parametrize("range_header", ["bytes=10240-", "bytes=20000-20010", "bytes=9-2", "bytes=abc", "bytes=-0"])
def test_answers_an_invalid_or_unsatisfiable_range_with_416(staff_client, audio, range_header):
    response = get(staff_client, audio, range_header)

    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(AUDIO)}"
    assert response.content == b""


@pytest.mark.parametrize("range_header", ["bytes=0-9,20-29", "items=0-9"])
def test_sends_the_whole_file_for_ranges_it_does_not_honour(staff_client, audio, range_header):
    response = get(staff_client, audio, range_header)

    assert response.status_code == 200
    assert body(response) == AUDIO


def test_if_range_with_the_current_etag_honours_the_range(staff_client, audio):
    etag = get(staff_client, audio)["ETag"]

    response = get(staff_client, audio, "bytes=0-9", **{"If-Range": etag})

    assert response.status_code == 206


def test_if_range_with_another_etag_sends_the_whole_file(staff_client, audio):
    response = get(staff_client, audio, "bytes=0-9", **{"If-Range": '"some-older-file"'})

    assert response.status_code == 200
    assert body(response) == AUDIO


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_ranges_stream_under_asgi_too(async_client, django_user_model):
    audio = await sync_to_async(make_downloaded_message)(
        data=AUDIO, message_type="audio", mime_type="audio/ogg", filename="voice.ogg"
    )
    user = await django_user_model.objects.acreate(username="agent", is_staff=True)
    await async_client.aforce_login(user)

    try:
        response = await async_client.get(reverse("inbox:media", args=[audio.pk]), headers={"Range": "bytes=100-"})
        content = b"".join([chunk async for chunk in response.streaming_content])
    finally:
        # The ORM ran in asgiref's worker thread: close its connection so the test database can go.
        await sync_to_async(connections.close_all)()

    assert response.status_code == 206
    assert response.is_async
    assert content == AUDIO[100:]
