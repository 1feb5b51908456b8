"""Simulated customers of a dry cleaner, for `simulate_webhook --conversation` and the endless
`--demo-stream` behind `make demo`: texts, photos, receipts, voice notes, locations, and
reactions and quoted replies to what the agents answered (looked up at the fake Graph API)."""

import itertools
import logging
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import requests

from webhook import sample_media, simulator
from webhook.simulator import Customer, Media

logger = logging.getLogger(__name__)

# A step is (kind, arguments): text, image, document, audio, location, react (to the agents'
# last reply, or skipped), quote (a text quoting the agents' last reply, or plain text).
Step = tuple[str, tuple]

EXCHANGE: list[Step] = [
    ("text", ("Hi! Do you clean wedding lehengas?",)),
    ("text", ("It has heavy zari work and I'm worried about the embroidery 😟",)),
    ("image", ("This is the one, there's a small stain near the neckline",)),
    ("text", ("How long would it take? The function is on the 14th.",)),
    ("location", (19.0596, 72.8295, "Home", "14 Carter Road, Bandra West, Mumbai")),
    ("text", ("Can you pick it up from here tomorrow morning?",)),
    ("quote", ("Perfect, thank you so much!",)),
    ("react", ("🙏",)),
]

SCRIPTS: list[tuple[Customer, list[Step]]] = [
    (Customer("919820012345", "Priya Sharma"), EXCHANGE),
    (
        # The number and name `simulate_webhook` sends as by default (the command the README and
        # the start-up banner suggest), so its message joins this conversation rather than
        # renaming another customer's.
        Customer("919876543210", "John Doe"),
        [
            ("text", ("Hello, I dropped off 2 shirts and a suit on Monday",)),
            ("document", ("receipt-A-1042.pdf", "Here's my receipt")),
            ("text", ("Are they ready yet?",)),
            ("quote", ("Great, I'll come by after 6",)),
            ("react", ("👍",)),
        ],
    ),
    (
        Customer("5511987654321", "Ana Souza"),
        [
            ("text", ("Olá! Vocês fazem entrega? 🚚",)),
            ("location", (-23.5558, -46.6623, "", "Rua Augusta, 1500, São Paulo")),
            ("audio", ()),
            ("quote", ("Obrigada! 😊",)),
        ],
    ),
    (
        Customer("6591234567", "Wei Chen"),
        [
            ("text", ("Hi there, red wine on my white shirt 😬 can it be saved?",)),
            ("image", ("",)),
            ("text", ("Could it be ready by Friday?",)),
            ("react", ("❤️",)),
        ],
    ),
    (
        Customer("971501234567", "Fatima Al-Sayed"),
        [
            ("text", ("Do you offer pickup? I'm in Dubai Marina",)),
            ("location", (25.0805, 55.1403, "Marina Gate 2", "Dubai Marina, Dubai")),
            ("audio", ()),
            ("text", ("Tomorrow at 10am works for me",)),
        ],
    ),
]
# Someone who wrote a day and a half ago: their window has closed, so the composer offers templates.
LAPSED = (Customer("393471234567", "Marco Rossi"), "Thanks, see you next week!", 36 * 3600)
NAMES = ["Aisha Khan", "Lucas Martin", "Sofia García", "Kenji Tanaka", "Olivia Brown", "Arjun Mehta",
         "Emma Wilson", "Mateo Rossi", "Chloé Dubois", "Noah Smith"]


@dataclass
class Sender:
    url: str
    app_secret: str
    graph_url: str | None
    phone_number_id: str
    sent: list[str] = field(default_factory=list)

    def send(self, item: dict, customer: Customer, media: list[Media] | None = None) -> str:
        outgoing = simulator.delivery(
            messages=[item], customers=[customer], media=media or [],
            app_secret=self.app_secret, phone_number_id=self.phone_number_id,
        )
        response = simulator.post(self.url, outgoing, graph_url=self.graph_url)
        logger.info("%s %s → HTTP %s", customer.name, item["type"], response.status_code)
        self.sent.append(item["id"])
        return item["id"]

    def last_reply_to(self, customer: Customer) -> str | None:
        """The wamid of the agents' last message to `customer`, as the fake Graph API saw it."""
        if not self.graph_url:
            return None
        try:
            sent = requests.get(f"{self.graph_url.rstrip('/')}/_control/sent", timeout=3).json()["sent"]
        except (requests.RequestException, ValueError, KeyError):
            return None
        for body in reversed(sent):
            if body.get("to", "").lstrip("+") == customer.wa_id and body.get("type") != "reaction":
                return body["wamid"]
        return None


def play_step(sender: Sender, customer: Customer, step: Step, *, at: float | None = None) -> str | None:
    kind, args = step
    if kind == "text":
        return sender.send(simulator.text(customer, args[0], at=at), customer)
    if kind == "image":
        media = Media(sample_media.photo_jpeg(args[0] or "Red wine stain"), "image/jpeg")
        return sender.send(simulator.image(customer, media, args[0], at=at), customer, [media])
    if kind == "document":
        media = Media(sample_media.invoice_pdf(), "application/pdf", args[0])
        return sender.send(simulator.document(customer, media, args[1], at=at), customer, [media])
    if kind == "audio":
        media = Media(sample_media.voice_note_ogg(3), "audio/ogg; codecs=opus", "voice-note.ogg")
        return sender.send(simulator.audio(customer, media, at=at), customer, [media])
    if kind == "location":
        return sender.send(simulator.location(customer, *args, at=at), customer)
    reply = sender.last_reply_to(customer)
    if kind == "react":
        return sender.send(simulator.reaction(customer, reply, args[0], at=at), customer) if reply else None
    if kind == "quote":
        return sender.send(simulator.text(customer, args[0], reply_to=reply, at=at), customer)
    raise ValueError(f"unknown step {kind}")


def play_exchange(sender: Sender, customer: Customer, *, pause: float, sleep: Callable[[float], None] = time.sleep) -> list[str]:
    """The whole dry-cleaning exchange from one customer, `pause` seconds apart."""
    wamids = []
    for number, step in enumerate(EXCHANGE):
        if number:
            sleep(pause)
        wamid = play_step(sender, customer, step)
        if wamid:
            wamids.append(wamid)
    return wamids


def _customers() -> Iterator[tuple[Customer, list[Step]]]:
    """The scripted customers, then new ones with the same scripts, for ever."""
    yield from SCRIPTS
    for round_number in itertools.count(1):
        for index, (customer, steps) in enumerate(SCRIPTS):
            name = NAMES[(round_number * len(SCRIPTS) + index) % len(NAMES)]
            number = f"{customer.wa_id[:-4]}{(int(customer.wa_id[-4:]) + round_number * 37) % 10000:04d}"
            yield Customer(number, name), steps


def run_stream(sender: Sender, *, min_pause: float = 3, max_pause: float = 8, parallel: int = 3,
               rng: random.Random | None = None, sleep: Callable[[float], None] = time.sleep,
               limit: int | None = None) -> None:
    """Customers writing in every few seconds, a few at a time, until killed (or `limit` steps)."""
    rng = rng or random.Random()
    customer, text, age = LAPSED
    play_step(sender, customer, ("text", (text,)), at=time.time() - age)
    queue = _customers()
    active: list[tuple[Customer, list[Step]]] = [next(queue) for _ in range(parallel)]
    played = 0
    while limit is None or played < limit:
        sleep(rng.uniform(min_pause, max_pause))
        index = rng.randrange(len(active))
        customer, steps = active[index]
        try:
            play_step(sender, customer, steps[0])
        except requests.RequestException as exc:
            logger.warning("webhook not delivered (%s); trying again", type(exc).__name__)
            continue
        played += 1
        remaining = steps[1:]
        active[index] = (customer, remaining) if remaining else next(queue)
