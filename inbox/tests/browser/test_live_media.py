"""In real Chromium against daphne: a customer's photo shows as "Downloading…" the moment it
arrives, then as the picture once the server's worker has fetched it from the (fake) Graph
API, without a reload; a failed download offers Retry, which brings the picture."""

import base64
import hashlib
from io import BytesIO

import pytest
from PIL import Image
from playwright.sync_api import expect

from inbox.fake_graph.graph import ATTACHMENT_PATH
from inbox.models import Message
from inbox.tests.browser.deliveries import image_message
from inbox.tests.factories import make_conversation

pytestmark = pytest.mark.browser

# Long enough to see the pending bubble for sure; the picture must then come on its own.
DOWNLOAD_DELAY = 3.0
ARRIVAL_TIMEOUT = 20_000


def photo_bytes() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (640, 480), "darkorange").save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def graph(live_inbox):
    """The fake Graph API where the live server looks for Meta."""
    with live_inbox.fake_graph() as fake:
        yield fake


def test_a_photo_shows_as_pending_then_as_the_picture_without_a_reload(new_agent, live_inbox, graph):
    conversation = make_conversation(contact_name="Ines", phone_number="351910000101")
    page = new_agent("alice", path=f"/c/{conversation.pk}/")
    photo = photo_bytes()
    graph.add_media("7100000000001", photo, "image/jpeg")
    graph.fail_next("slow", path=ATTACHMENT_PATH, seconds=DOWNLOAD_DELAY)

    response = live_inbox.post_webhook(
        image_message(
            wa_id=conversation.phone_number, name="Ines", media_id="7100000000001", data=photo, caption="The crack"
        )
    )

    assert response.status_code == 200
    bubble = page.locator(f"#thread-{conversation.pk} .media").last
    expect(bubble).to_have_attribute("data-media-state", "pending", timeout=ARRIVAL_TIMEOUT)
    expect(bubble).to_contain_text("Downloading image…")
    expect(bubble).to_have_attribute("data-media-state", "downloaded", timeout=ARRIVAL_TIMEOUT)
    picture = bubble.locator(".media__picture img")
    expect(picture).to_have_attribute("alt", "The crack")
    expect(picture).to_have_js_property("complete", True)
    assert picture.evaluate("img => img.naturalWidth") == 480  # the thumbnail, served to this agent
    message = Message.objects.get(pk=int(bubble.get_attribute("id").removeprefix("media-")))
    assert message.media_state == Message.MEDIA_DOWNLOADED
    assert (live_inbox.media_root / message.media_file.name).read_bytes() == photo
    assert page.errors == []


def test_retry_on_a_failed_download_brings_the_picture(new_agent, live_inbox, graph):
    conversation = make_conversation(contact_name="Jon", phone_number="447900000102")
    photo = photo_bytes()
    graph.add_media("7100000000002", photo, "image/jpeg")
    message = Message.objects.create(
        conversation=conversation,
        phone_number_id=conversation.phone_number_id,
        message_id="wamid.FAILEDMEDIA1",
        from_number=conversation.phone_number,
        message_type="image",
        media_id="7100000000002",
        media_mime_type="image/jpeg",
        media_sha256=base64.b64encode(hashlib.sha256(photo).digest()).decode(),
        media_state=Message.MEDIA_FAILED,
        media_error="WhatsApp could not be reached (timed out after 60s). Gave up after 6 tries.",
        media_attempts=6,
        timestamp=conversation.created_at,
    )
    page = new_agent("bob", path=f"/c/{conversation.pk}/")
    bubble = page.locator(f"#media-{message.pk}")
    expect(bubble).to_contain_text("Gave up after 6 tries.")

    bubble.get_by_role("button", name="Retry").click()

    expect(page.locator(f"#media-{message.pk}")).to_have_attribute(
        "data-media-state", "downloaded", timeout=ARRIVAL_TIMEOUT
    )
    expect(page.locator(f"#media-{message.pk} .media__picture img")).to_have_js_property("complete", True)
    assert page.errors == []
