"""Meta-shaped webhook bodies for the browser tests (built here rather than imported from the
webhook app: inbox never imports webhook, its tests included)."""

import time
from itertools import count

from inbox.tests.factories import BUSINESS_NUMBER_ID

_ids = count(1)


def text_message(*, wa_id: str, name: str, body: str, timestamp: int | None = None) -> dict:
    wamid = f"wamid.BROWSER{time.time_ns()}{next(_ids)}"
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
                    "messages": [{
                        "from": wa_id,
                        "id": wamid,
                        "timestamp": str(timestamp or int(time.time())),
                        "type": "text",
                        "text": {"body": body},
                    }],
                },
            }],
        }],
    }
