"""Sending a file: uploaded to Meta, sent by media id, kept for the thread."""

import io

import pytest

from inbox import outbound
from inbox.models import Message
from inbox.tests.outbound_data import closed_conversation, open_conversation

pytestmark = pytest.mark.django_db
PHOTO = b"\xff\xd8\xff\xe0 a photo"


def send(conversation, author, data=PHOTO, mime_type="image/jpeg", filename="photo.jpg", caption=""):
    return outbound.send_media(
        conversation=conversation, author=author, file=io.BytesIO(data), filename=filename, mime_type=mime_type,
        caption=caption,
    )


def test_an_image_is_uploaded_then_sent_by_id_and_kept(fake_graph, staff_user):
    message = send(open_conversation(), staff_user, caption="Before cleaning")

    sent = fake_graph.sent[-1]
    assert sent["type"] == "image"
    assert sent["image"] == {"id": message.media_id, "caption": "Before cleaning"}
    assert fake_graph.media(message.media_id) == PHOTO
    assert message.message_id == sent["wamid"]
    assert message.message_type == "image"
    assert message.text_body == "Before cleaning"
    assert message.media_state == Message.MEDIA_DOWNLOADED
    assert message.media_size == len(PHOTO)
    with message.media_file.open("rb") as stored:
        assert stored.read() == PHOTO


def test_a_pdf_is_sent_as_a_document_with_its_filename(fake_graph, staff_user):
    send(open_conversation(), staff_user, b"%PDF-1.4", "application/pdf", "invoice.pdf")

    assert fake_graph.sent[-1]["type"] == "document"
    assert fake_graph.sent[-1]["document"]["filename"] == "invoice.pdf"


def test_a_file_type_whatsapp_refuses_is_not_uploaded(fake_graph, staff_user):
    with pytest.raises(outbound.SendFailed, match="cannot send files of type"):
        send(open_conversation(), staff_user, b"MZ", "application/x-msdownload", "tool.exe")

    assert fake_graph.state.uploads == []


def test_an_image_over_5_mb_is_refused_before_upload(fake_graph, staff_user):
    with pytest.raises(outbound.SendFailed, match="5 MB"):
        send(open_conversation(), staff_user, b"x" * (5 * 1024 * 1024 + 1))

    assert fake_graph.state.uploads == []


def test_a_refused_upload_stores_nothing(fake_graph, staff_user):
    fake_graph.fail_next("server_error", path="/media")

    with pytest.raises(outbound.SendFailed):
        send(open_conversation(), staff_user)

    assert fake_graph.sent == []
    assert not Message.objects.filter(direction=Message.OUTBOUND).exists()


def test_files_need_the_window_open(fake_graph, staff_user):
    with pytest.raises(outbound.SendFailed, match="window is closed"):
        send(closed_conversation(), staff_user)
