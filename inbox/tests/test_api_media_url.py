import pytest
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, include, path, reverse

from inbox.models import Message
from inbox.tests.factories import make_message

pytestmark = pytest.mark.django_db

URL = "/api/whatsapp/messages/"


def fake_media_view(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse()


# A urlconf with an `inbox:media` route, so the serializer's use of it is tested whether or not
# the real media view is installed.
urlpatterns = [
    path("api/whatsapp/", include("inbox.api.urls")),
    path("", include(([path("files/<int:pk>/", fake_media_view, name="media")], "inbox"))),
]


def media_urls(client) -> dict[str, str | None]:
    return {m["message_id"]: m["media_url"] for m in client.get(URL).json()["messages"]}


@pytest.mark.urls(__name__)
def test_media_url_is_our_absolute_url_once_downloaded_and_null_before(staff_client):
    downloaded = make_message(
        message_type="image", media_id="1", media_mime_type="image/jpeg", media_state=Message.MEDIA_DOWNLOADED
    )
    pending = make_message(message_type="image", media_id="2", media_state=Message.MEDIA_PENDING)
    failed = make_message(message_type="image", media_id="3", media_state=Message.MEDIA_FAILED)

    urls = media_urls(staff_client)

    assert urls == {
        downloaded.message_id: f"http://testserver/files/{downloaded.pk}/",
        pending.message_id: None,
        failed.message_id: None,
    }


@pytest.mark.urls(__name__)
def test_media_fields_describe_the_attachment(staff_client):
    make_message(message_type="document", media_id="77", media_mime_type="application/pdf", media_state="pending")

    message = staff_client.get(URL).json()["messages"][0]

    assert (message["media_id"], message["media_mime_type"], message["media_state"]) == (
        "77",
        "application/pdf",
        "pending",
    )


def test_media_url_points_at_the_installed_media_view(staff_client):
    message = make_message(message_type="image", media_id="1", media_state=Message.MEDIA_DOWNLOADED)
    try:
        expected = reverse("inbox:media", args=[message.pk])
    except NoReverseMatch:
        pytest.skip("the media view (inbox:media) is not installed yet")

    assert media_urls(staff_client)[message.message_id] == f"http://testserver{expected}"
