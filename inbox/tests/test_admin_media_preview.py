import pytest
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path, reverse

from inbox.models import Message
from inbox.tests.factories import make_message

pytestmark = pytest.mark.django_db


def fake_view(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse()


# The admin plus stand-ins for the inbox's media views, so the preview is tested on its own.
urlpatterns = [
    path("admin/", admin.site.urls),
    path(
        "",
        include(
            (
                [
                    path("m/<int:pk>/", fake_view, name="media"),
                    path("m/<int:pk>/thumb/", fake_view, name="media-thumbnail"),
                ],
                "inbox",
            )
        ),
    ),
]


def detail(client, message: Message) -> str:
    return client.get(reverse("admin:inbox_message_change", args=[message.pk])).content.decode()


@pytest.mark.urls(__name__)
def test_shows_a_downloaded_images_thumbnail_linking_to_the_file(admin_client):
    message = make_message(
        message_type="image",
        media_id="1",
        media_mime_type="image/jpeg",
        media_state=Message.MEDIA_DOWNLOADED,
        media_thumbnail="whatsapp/thumbs/2025/01/1.jpg",
    )

    page = detail(admin_client, message)

    assert f'<a href="/m/{message.pk}/"><img src="/m/{message.pk}/thumb/"' in page


@pytest.mark.urls(__name__)
def test_links_a_downloaded_document_by_its_filename(admin_client):
    message = make_message(
        message_type="document",
        media_id="2",
        media_mime_type="application/pdf",
        media_filename="invoice.pdf",
        media_state=Message.MEDIA_DOWNLOADED,
    )

    assert f'<a href="/m/{message.pk}/">invoice.pdf</a>' in detail(admin_client, message)


@pytest.mark.urls(__name__)
def test_shows_no_link_before_the_download(admin_client):
    message = make_message(message_type="image", media_id="3", media_state=Message.MEDIA_PENDING)

    assert f'href="/m/{message.pk}/"' not in detail(admin_client, message)
