"""A realistic inbox for screenshots and for looking at the UI by hand: a dozen customers, one
conversation with every kind of message (photos, a sticker, a voice note, a document, a
location, a contact card, an order, button replies, quotes, reactions, a failed send, a system
notice, an unsupported message) and internal notes.

Everything goes through `inbox.actions`, as the webhook and the composer would; media files are
written straight to storage, as a finished download leaves them."""

import io
import math
import struct
import wave
from datetime import datetime, timedelta
from itertools import count

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFilter

from inbox import actions
from inbox.models import Conversation, Message

BUSINESS = "106540352242922"
_ids = count(1)


def build(*, now: datetime | None = None) -> Conversation:
    """Create the showcase; returns the conversation with every message type."""
    now = now or timezone.now()
    agents = _agents()
    featured = _featured(now, agents)
    _others(now, agents)
    return featured


def _agents() -> dict:
    User = get_user_model()
    people = {}
    for username, first, last in (("maria", "Maria", "Lopez"), ("tom", "Tom", "Becker")):
        user, _ = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last, "is_staff": True}
        )
        people[username] = user
    return people


def _wamid() -> str:
    return f"wamid.HBgLMzUxOTEyMzQ1Njc4FQIAEhgg{next(_ids):06d}QTRBRjI0RkE0NzE5AA=="


def receive(conversation_number: str, name: str, at: datetime, message_type: str, **fields) -> Message:
    message, _ = actions.receive_message(
        phone_number_id=BUSINESS,
        message_id=_wamid(),
        message_type=message_type,
        timestamp=at,
        from_number=conversation_number,
        from_user_id=None,
        from_name=name,
        fields=fields,
    )
    return message


def send(conversation: Conversation, at: datetime, text: str, *, author, status: str = "read", **fields) -> Message:
    wamid = _wamid()
    message = actions.record_outbound_message(
        conversation=conversation, message_id=wamid, message_type=fields.pop("message_type", "text"),
        author=author, text_body=text, timestamp=at, **fields,
    )
    for step in ("sent", "delivered", "read"):
        actions.record_status(
            phone_number_id=BUSINESS, message_id=wamid, status=step if status != "failed" else "failed",
            timestamp=at + timedelta(seconds=5), error_code=131026 if status == "failed" else None,
            error_message="Message undeliverable: the number isn't on WhatsApp" if status == "failed" else "",
        )
        if step == status or status == "failed":
            break
    return message


def with_file(message: Message, *, name: str, content: bytes, mime: str, thumbnail: bytes | None = None) -> None:
    message.media_file.save(name, ContentFile(content), save=False)
    if thumbnail:
        message.media_thumbnail.save(name.rsplit(".", 1)[0] + ".webp", ContentFile(thumbnail), save=False)
    Message.objects.filter(pk=message.pk).update(
        media_file=message.media_file.name,
        media_thumbnail=message.media_thumbnail.name if thumbnail else "",
        media_state=Message.MEDIA_DOWNLOADED,
        media_size=len(content),
        media_mime_type=mime,
        media_filename=name,
    )
    actions.realtime.broadcast(actions.realtime.Changes(changed_messages=[message.pk]))


def _featured(now: datetime, agents: dict) -> Conversation:
    number, name = "351912345678", "Sofia Martins"
    start = now.replace(hour=9, minute=12, second=0, microsecond=0) - timedelta(days=1)
    if start > now - timedelta(hours=20):
        start = now - timedelta(hours=26)
    t = lambda minutes: start + timedelta(minutes=minutes)  # noqa: E731
    hello = receive(number, name, t(0), "text", text_body="Hi! I ordered the Trail Runner 2 last week (order #48213) and the box arrived damaged 😕")
    conversation = hello.conversation
    send(conversation, t(3), "Hi Sofia, I'm sorry to hear that! Could you send us a photo of the box and the shoes?", author=agents["maria"])
    photo = receive(number, name, t(6), "image", text_body="Here it is, the corner is completely crushed", media_id="1184533",
                    media_mime_type="image/jpeg", media_state=Message.MEDIA_PENDING)
    picture, thumb = _photo()
    with_file(photo, name="box.jpg", content=picture, mime="image/jpeg", thumbnail=thumb)
    receive(number, name, t(7), "reaction", text_body="🙏", reply_to=photo.message_id)
    receipt = receive(number, name, t(8), "document", text_body="And the receipt", media_id="1184534",
                      media_mime_type="application/pdf", media_state=Message.MEDIA_PENDING)
    with_file(receipt, name="receipt-48213.pdf", content=_pdf(), mime="application/pdf")
    offer = send(conversation, t(12), "Thanks! We can send a replacement pair today, or refund you in full. Which would you prefer?",
                 author=agents["maria"])
    receive(number, name, t(14), "interactive", text_body="Replacement pair", reply_to=offer.message_id,
            payload={"type": "interactive", "interactive": {"type": "button_reply", "button_reply": {"id": "replace", "title": "Replacement pair"}}})
    receive(number, name, t(15), "reaction", text_body="❤️", reply_to=offer.message_id)
    receive(number, name, t(16), "location", text_body="Casa da Sofia", latitude=38.71147, longitude=-9.13788,
            location_name="Rua Augusta 24", location_address="1100-053 Lisboa, Portugal")
    send(conversation, t(18), "Perfect. The replacement ships today to *Rua Augusta 24*; tracking will follow at https://track.example.com/48213",
         author=agents["tom"], status="delivered")
    voice = receive(number, name, t(41), "audio", media_id="1184535", media_mime_type="audio/ogg; codecs=opus",
                    media_state=Message.MEDIA_PENDING, payload={"type": "audio", "audio": {"voice": True}})
    with_file(voice, name="voice.wav", content=_voice(), mime="audio/wav")
    receive(number, name, t(43), "contacts", text_body="Rui Martins",
            payload={"type": "contacts", "contacts": [{"name": {"formatted_name": "Rui Martins"}, "org": {"company": "Martins & Filhos"},
                     "phones": [{"phone": "+351 913 555 010", "wa_id": "351913555010", "type": "CELL"}],
                     "emails": [{"email": "rui@martins.example"}]}]})
    receive(number, name, t(44), "text", text_body="My husband can sign for the parcel if I'm out ☝️", forwarded=False,
            reply_to=None)
    sticker = receive(number, name, now - timedelta(minutes=7), "sticker", media_id="1184536", media_mime_type="image/webp",
                      media_state=Message.MEDIA_PENDING)
    art = _sticker()
    with_file(sticker, name="sticker.webp", content=art, mime="image/webp", thumbnail=art)
    receive(number, name, now - timedelta(minutes=6), "text",
            text_body="Also: can I change the size to 39? The <b>38</b> was a bit tight", reply_to=hello.message_id)
    actions.add_note(conversation=conversation, author=agents["maria"], body="Courier confirmed the damage (ticket CX-2231). Replacement approved by Tom.")
    actions.add_note(conversation=conversation, author=agents["tom"], body="Size change to 39 is fine, stock checked. Ship with express.")
    actions.update_contact(conversation=conversation, customer_email="sofia.martins@example.pt")
    return conversation


def _others(now: datetime, agents: dict) -> None:
    def ago(**delta) -> datetime:
        return now - timedelta(**delta)

    receive("4915123456789", "Jonas Weber", ago(minutes=2), "order", text_body="Please gift-wrap the mug",
            payload={"type": "order", "order": {"catalog_id": "730491", "text": "Please gift-wrap the mug", "product_items": [
                {"product_retailer_id": "MUG-CLASSIC-BLK", "quantity": 2, "item_price": 14.9, "currency": "EUR"},
                {"product_retailer_id": "COFFEE-250G", "quantity": 1, "item_price": 9.5, "currency": "EUR"}]}})
    receive("5511987654321", "Beatriz Souza", ago(minutes=12), "audio", media_id="2200", media_mime_type="audio/ogg",
            media_state=Message.MEDIA_PENDING, payload={"type": "audio", "audio": {"voice": True}})
    receive("5511987654321", "Beatriz Souza", ago(minutes=11), "text", text_body="Sent you a voice note about the invoice 🙂")
    omar = receive("971501234567", "Omar Haddad", ago(minutes=48), "text", text_body="Is the store at Dubai Mall open on Friday?")
    send(omar.conversation, ago(minutes=40), "Yes, 10:00 to 23:00 every Friday.", author=agents["tom"])
    receive("14155550123", "", ago(hours=2), "location", latitude=37.7793, longitude=-122.4193)
    aiko = receive("819012345678", "Aiko Tanaka", ago(hours=5), "text", text_body="ありがとうございます! Received it today.")
    send(aiko.conversation, ago(hours=4, minutes=50), "Glad it arrived safely 😊", author=agents["maria"])
    actions.mark_read(conversation=aiko.conversation)
    message, _ = actions.receive_message(
        phone_number_id=BUSINESS, message_id=_wamid(), message_type="text", timestamp=ago(hours=7), from_number=None,
        from_user_id="US.13491208655302741918", from_name="lena.k", fields={"text_body": "Do you ship to Austria?"},
    )
    priya = receive("447700900123", "Priya Shah", ago(days=1, hours=3), "text", text_body="Where can I find my invoice?")
    send(priya.conversation, ago(days=1, hours=2), "It's in your account under Orders → Invoices.", author=agents["maria"], status="failed")
    chen = receive("8613812345678", "Chen Wei", ago(days=2), "unsupported",
                   payload={"type": "unsupported", "unsupported": {"type": "poll_creation"}}, error_code=131051,
                   error_message="Message type unknown")
    actions.mark_read(conversation=chen.conversation)
    lucas = receive("33612345678", "Lucas Bernard", ago(days=3), "text", text_body="Merci beaucoup, tout est parfait !")
    send(lucas.conversation, ago(days=3) + timedelta(minutes=4), "Avec plaisir, bonne journée !", author=agents["tom"])
    actions.mark_read(conversation=lucas.conversation)
    receive("34612345678", "Carmen Ruiz", ago(days=6), "system",
            text_body="Carmen Ruiz changed their phone number to a new number. Tap to message or add the new number.")
    actions.mark_read(conversation=Conversation.objects.get(phone_number="34612345678"))


def _photo() -> tuple[bytes, bytes]:
    """A photo-like picture of a crushed parcel: soft light, a floor, a dented cardboard box."""
    width, height = 960, 720
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        shade = int(224 - 60 * y / height)
        draw.line([(0, y), (width, y)], fill=(shade, shade - 6, shade - 14))
    draw.rectangle([0, 470, width, height], fill=(150, 118, 88))
    for x in range(0, width, 120):
        draw.line([(x, 470), (x - 60, height)], fill=(136, 106, 78), width=3)
    box = [(250, 250), (650, 210), (760, 300), (760, 560), (330, 610), (250, 520)]
    draw.polygon(box, fill=(196, 150, 98))
    draw.polygon([(250, 250), (650, 210), (760, 300), (360, 345)], fill=(214, 170, 118))
    draw.polygon([(360, 345), (760, 300), (760, 560), (330, 610)], fill=(178, 133, 84))
    draw.polygon([(600, 300), (700, 290), (690, 380), (640, 360)], fill=(140, 100, 60))
    draw.line([(300, 297), (700, 252)], fill=(232, 220, 180), width=18)
    draw.text((420, 430), "FRAGILE", fill=(150, 40, 30))
    image = image.filter(ImageFilter.GaussianBlur(1.2))
    full = io.BytesIO()
    image.save(full, "JPEG", quality=85)
    image.thumbnail((480, 480))
    small = io.BytesIO()
    image.save(small, "WEBP", quality=80)
    return full.getvalue(), small.getvalue()


def _sticker() -> bytes:
    image = Image.new("RGBA", (320, 320), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse([20, 20, 300, 300], fill=(255, 204, 77, 255), outline=(230, 160, 30, 255), width=8)
    draw.ellipse([95, 110, 135, 160], fill=(70, 45, 20, 255))
    draw.ellipse([185, 110, 225, 160], fill=(70, 45, 20, 255))
    draw.arc([90, 130, 230, 250], start=20, end=160, fill=(70, 45, 20, 255), width=12)
    draw.polygon([(230, 40), (300, 10), (290, 80)], fill=(233, 30, 99, 255))
    out = io.BytesIO()
    image.save(out, "WEBP")
    return out.getvalue()


def _voice() -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(8000)
        frames = bytearray()
        for i in range(8000 * 7):
            envelope = 0.5 + 0.5 * math.sin(i / 1600)
            frames += struct.pack("<h", int(6000 * envelope * math.sin(2 * math.pi * 220 * i / 8000)))
        sound.writeframes(bytes(frames))
    return out.getvalue()


def _pdf() -> bytes:
    lines = ["Receipt #48213", "Trail Runner 2, size 38", "Total: 119.00 EUR"]
    text = " ".join(f"BT /F1 14 Tf 72 {720 - 24 * i} Td ({line}) Tj ET" for i, line in enumerate(lines))
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(text)} >>\nstream\n{text}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    body, offsets = "%PDF-1.4\n", []
    for number, obj in enumerate(objects, 1):
        offsets.append(len(body))
        body += f"{number} 0 obj\n{obj}\nendobj\n"
    xref = len(body)
    body += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n" + "".join(f"{o:010d} 00000 n \n" for o in offsets)
    body += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return body.encode()
