"""The rows of the page data set, as PostgreSQL COPY text lines. Pure.

A realistic shape: most conversations short and a long tail of busy ones, one very long thread,
mostly text with some images, reactions and locations, a tenth of the conversations unread.
Columns this module does not fill (including any added to the models later) get their type's
neutral value or NULL."""

import random
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta

from bench import payloads

# fmt: off
FIRST_NAMES = ("Ada", "Bruno", "Chiara", "Dmitri", "Elif", "Farah", "Goran", "Hana", "Ivan", "Jun", "Kemal", "Lena",
               "Marta", "Nadia", "Omar", "Paula", "Quentin", "Rosa", "Sven", "Tariq", "Uma", "Vera", "Wen", "Ximena")
LAST_NAMES = ("Almeida", "Becker", "Costa", "Dubois", "Eriksen", "Fischer", "García", "Horvat", "Ivanova", "Jansen",
              "Kowalski", "Lindqvist", "Moreau", "Novak", "Okafor", "Petrov", "Quispe", "Rossi", "Schmidt", "Tanaka",
              "Ueda", "Varga", "Weber", "Yilmaz", "Zhang", "Nakamura", "Silva", "Haddad", "Mensah", "Kaur")
# fmt: on
SEARCH_TERM = "Okafor"  # one surname in thirty: a search with many hits
TEXTS = (
    "Hello, I ordered last week and haven't received a tracking number yet",
    "Thank you so much!",
    "Is the shop open on Sunday?",
    "Your order 48213 has been shipped and will arrive on Thursday.",
    "Can I pay by bank transfer?",
    "ok 👍",
    "We're sorry for the delay, a colleague is looking into it right now.",
    "The size L was too small, can I exchange it for XL?",
    "Perfect, see you tomorrow at 10",
    "Here is the invoice you asked for.",
)
NULL = "\\N"
NEUTRAL = {
    "text": "",
    "character varying": "",
    "integer": "0",
    "bigint": "0",
    "smallint": "0",
    "boolean": "f",
    "jsonb": "{}",
    "double precision": "0",
    "timestamp with time zone": "2026-01-01 00:00:00+00",
}
MESSAGE_FIELDS = frozenset(
    "id conversation_id phone_number_id message_id direction from_number from_name message_type text_body media_id "
    "media_mime_type media_file media_state reply_to latitude longitude timestamp status status_rank payload "
    "created_at".split()
)
CONVERSATION_FIELDS = frozenset(
    "id phone_number_id phone_number contact_name message_count unread_count last_message_at last_message_id "
    "last_inbound_at created_at".split()
)
Column = tuple[str, str, bool]  # name, data type, nullable


def message_counts(*, conversations: int, messages: int, big_thread: int, rng: random.Random) -> list[int]:
    """Messages per conversation: the first has `big_thread`, the others at least one each
    and a heavy tail, summing to `messages`."""
    others = conversations - 1
    extra = messages - big_thread - others
    if others < 0 or extra < 0:
        raise ValueError("too few messages for that many conversations")
    weights = [min(rng.paretovariate(1.2), 400.0) for _ in range(others)]
    counts = [1] * others
    for index, n in Counter(rng.choices(range(others), weights=weights, k=extra)).items():
        counts[index] += n
    return [big_thread, *counts]


def template(columns: list[Column], generated: frozenset[str]) -> str:
    """A tab-separated COPY line with `{name}` for generated columns and neutral values for
    the rest."""
    cells = []
    for name, data_type, nullable in columns:
        if name in generated:
            cells.append("{" + name + "}")
        else:
            constant = NULL if nullable else NEUTRAL.get(data_type, "")
            cells.append(constant.replace("{", "{{").replace("}", "}}"))
    return "\t".join(cells) + "\n"


def message_values(*, pk: int, conversation: int, position: int, at: datetime, inbound: bool, unread: bool,
                   wa_id: str, name: str, kind: float) -> dict:  # fmt: skip
    """One message row; `kind` (uniform in [0, 1)) picks its type: 92 % text."""
    moment = at.isoformat()
    values = {
        "id": pk,
        "conversation_id": conversation,
        "phone_number_id": payloads.PHONE_NUMBER_ID,
        "message_id": f"wamid.PAGES{conversation:07d}x{position:06d}",
        "direction": "in" if inbound else "out",
        "from_number": wa_id if inbound else NULL,
        "from_name": name if inbound else "",
        "message_type": "text",
        "text_body": TEXTS[pk % len(TEXTS)],
        "media_id": NULL,
        "media_mime_type": "",
        "media_file": "",
        "media_state": "",
        "reply_to": NULL,
        "latitude": NULL,
        "longitude": NULL,
        "timestamp": moment,
        "status": ("received" if unread else "read") if inbound else "read",
        "status_rank": 0 if inbound else 30,
        "payload": '{"type": "text"}',
        "created_at": moment,
    }
    if kind < 0.04:
        values.update(message_type="image", text_body=NULL, media_id=f"{pk}77", media_state="downloaded",
                      media_mime_type="image/jpeg", media_file=f"whatsapp/2026/01/{pk}.jpg",
                      payload='{"type": "image"}')  # fmt: skip
    elif kind < 0.06 and position:
        values.update(message_type="reaction", text_body="❤️", payload='{"type": "reaction"}',
                      reply_to=f"wamid.PAGES{conversation:07d}x{position - 1:06d}")  # fmt: skip
    elif kind < 0.08:
        values.update(message_type="location", text_body=NULL, latitude="52.52", longitude="13.405",
                      payload='{"type": "location"}')  # fmt: skip
    return values


class Rows:
    """Message lines first; the conversation lines are complete once those are all read."""

    def __init__(self, *, counts: list[int], rng: random.Random, now: datetime, message_columns: list[Column],
                 conversation_columns: list[Column]) -> None:  # fmt: skip
        self.counts = counts
        self.rng = rng
        self.now = now
        self.message_template = template(message_columns, MESSAGE_FIELDS)
        self.conversation_template = template(conversation_columns, CONVERSATION_FIELDS)
        self.conversations: list[str] = []

    def messages(self) -> Iterator[str]:
        rng = self.rng
        next_pk = 1
        for conversation, count in enumerate(self.counts, start=1):
            wa_id = f"4917{conversation:08d}"
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            last = self.now - timedelta(seconds=rng.uniform(0, 365 * 86400))
            step = rng.uniform(20, 3600) if count > 1 else 0
            unread = min(count, rng.randint(1, 3)) if rng.random() < 0.1 else 0
            last_inbound = None
            for position in range(count):
                at = last - timedelta(seconds=step * (count - 1 - position))
                is_unread = position >= count - unread
                inbound = is_unread or rng.random() < 0.55
                values = message_values(pk=next_pk, conversation=conversation, position=position, at=at,
                                        inbound=inbound, unread=is_unread, wa_id=wa_id, name=name,
                                        kind=rng.random())  # fmt: skip
                if inbound:
                    last_inbound = at
                yield self.message_template.format(**values)
                next_pk += 1
            self.conversations.append(
                self.conversation_template.format(
                    id=conversation,
                    phone_number_id=payloads.PHONE_NUMBER_ID,
                    phone_number=wa_id,
                    contact_name=name,
                    message_count=count,
                    unread_count=unread,
                    last_message_at=last.isoformat(),
                    last_message_id=next_pk - 1,
                    last_inbound_at=last_inbound.isoformat() if last_inbound else NULL,
                    created_at=(last - timedelta(seconds=step * count)).isoformat(),
                )
            )
