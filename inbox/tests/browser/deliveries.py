"""Meta-shaped webhook bodies for the browser tests (built here rather than imported from the
webhook app: inbox never imports webhook, its tests included)."""

import base64
import hashlib
import time
from itertools import count

from inbox.tests.factories import BUSINESS_NUMBER_ID

_ids = count(1)


def text_message(*, wa_id: str, name: str, body: str, timestamp: int | None = None) -> dict:
    message = {
        "from": wa_id,
        "id": f"wamid.BROWSER{time.time_ns()}{next(_ids)}",
        "timestamp": str(timestamp or int(time.time())),
        "type": "text",
        "text": {"body": body},
    }
    return _delivery(wa_id=wa_id, name=name, message=message)


def image_message(*, wa_id: str, name: str, media_id: str, data: bytes, caption: str) -> dict:
    """An image as Meta announces it: the media id to fetch and the file's sha256 in base64."""
    message = {
        "from": wa_id,
        "id": f"wamid.MEDIA{time.time_ns()}{next(_ids)}",
        "timestamp": str(int(time.time())),
        "type": "image",
        "image": {
            "caption": caption,
            "mime_type": "image/jpeg",
            "sha256": base64.b64encode(hashlib.sha256(data).digest()).decode(),
            "id": media_id,
        },
    }
    return _delivery(wa_id=wa_id, name=name, message=message)


def _delivery(*, wa_id: str, name: str, message: dict) -> dict:
    return {
        "object": "whatsapp_business_account",
        "entry": [{
            "id": "102290129340398",
            "changes": [{
                "field": "messages",
                "value": {
                    "messaging_product": "whatsapp",
                    "metadata": {"display_phone_number": "15550783881", "phone_number_id": BUSINESS_NUMBER_ID},
                    "contacts": [{"profile": {"name": name}, "wa_id": wa_id}],
                    "messages": [message],
                },
            }],
        }],
    }
