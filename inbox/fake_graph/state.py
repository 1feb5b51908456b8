"""What the fake Graph API remembers: media, accepted sends, templates, revoked tokens and the
faults it has been told to inject. Thread-safe (the server answers each request in a thread)."""

import base64
import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field

from inbox.fake_graph.templates import default_templates

# What each fault mode answers: (HTTP status, Meta error body). `timeout` holds the request
# open instead, `slow` answers normally after `seconds`, `undeliverable` accepts the send and
# later reports it failed.
FAULTS: dict[str, tuple[int, dict]] = {
    "rate_limit": (
        400,
        {
            "message": "(#130429) Rate limit hit",
            "type": "OAuthException",
            "code": 130429,
            "error_data": {"messaging_product": "whatsapp", "details": "Cloud API message throughput has been reached."},
        },
    ),
    "pair_rate_limit": (
        400,
        {
            "message": "(#131056) (Business Account, Consumer Account) pair rate limit hit",
            "type": "OAuthException",
            "code": 131056,
            "error_data": {
                "messaging_product": "whatsapp",
                "details": "Message failed to send because there were too many messages sent from this phone number "
                "to the same phone number in a short period of time.",
            },
        },
    ),
    "window_closed": (
        400,
        {
            "message": "(#131047) Re-engagement message",
            "type": "OAuthException",
            "code": 131047,
            "error_data": {
                "messaging_product": "whatsapp",
                "details": "Message failed to send because more than 24 hours have passed since the customer "
                "last replied to this number.",
            },
        },
    ),
    "token_expired": (
        401,
        {
            "message": "Error validating access token: Session has expired on Tuesday, 03-Nov-26 09:00:00 PST.",
            "type": "OAuthException",
            "code": 190,
            "error_subcode": 463,
        },
    ),
    "server_error": (
        503,
        {"message": "Service temporarily unavailable", "type": "OAuthException", "code": 2, "is_transient": True},
    ),
    "undeliverable": (200, {}),
    "timeout": (0, {}),
    "slow": (200, {}),
}


@dataclass
class Fault:
    mode: str
    remaining: int  # -1: until reset
    path: str = ""  # only requests whose path contains this
    status: int = 0
    error: dict = field(default_factory=dict)
    seconds: float = 30.0

    def matches(self, path: str) -> bool:
        return self.remaining != 0 and (not self.path or self.path in path)


@dataclass
class StoredMedia:
    media_id: str
    data: bytes
    mime_type: str
    filename: str = ""
    # What the media lookup claims as `file_size` when a test wants it to differ from the bytes.
    reported_size: int | None = None

    @property
    def sha256_hex(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


class FakeState:
    def __init__(self, *, url_ttl: float = 300.0) -> None:
        self.lock = threading.Lock()
        self.url_ttl = url_ttl
        self.clock_offset = 0.0
        self._url_key = secrets.token_bytes(16)
        self.media: dict[str, StoredMedia] = {}
        self.sent: list[dict] = []  # accepted /messages bodies, each with its "wamid"
        self.read_receipts: list[dict] = []
        self.uploads: list[str] = []
        self.faults: list[Fault] = []
        self.revoked_tokens: set[str] = set()
        self.templates: list[dict] = default_templates()
        # Released on shutdown so requests held by a `timeout` fault end at once.
        self.stopping = threading.Event()

    def now(self) -> float:
        return time.time() + self.clock_offset

    def advance_clock(self, seconds: float) -> None:
        """Move the fake's clock forward, e.g. past a media URL's expiry."""
        with self.lock:
            self.clock_offset += seconds

    # Faults

    def add_fault(
        self,
        mode: str,
        *,
        count: int = 1,
        path: str = "",
        code: int | None = None,
        message: str = "",
        details: str = "",
        http_status: int = 400,
        seconds: float = 30.0,
    ) -> Fault:
        if mode == "error":
            error = {"message": message or "Invalid parameter", "type": "OAuthException", "code": code or 100}
            if details:
                error["error_data"] = {"messaging_product": "whatsapp", "details": details}
            status = http_status
        elif mode in FAULTS:
            status, error = FAULTS[mode]
        else:
            raise ValueError(f"unknown fault mode {mode!r}; known: error, {', '.join(FAULTS)}")
        fault = Fault(mode=mode, remaining=count, path=path, status=status, error=dict(error), seconds=seconds)
        with self.lock:
            self.faults.append(fault)
        return fault

    def take_fault(self, path: str) -> Fault | None:
        """The first armed fault for `path`, counted as used."""
        with self.lock:
            for fault in self.faults:
                if fault.matches(path):
                    if fault.remaining > 0:
                        fault.remaining -= 1
                    return fault
        return None

    def reset(self) -> None:
        with self.lock:
            self.faults.clear()
            self.revoked_tokens.clear()
            self.clock_offset = 0.0

    # Media

    def add_media(self, media_id: str, data: bytes, mime_type: str, filename: str = "") -> StoredMedia:
        stored = StoredMedia(media_id=media_id, data=data, mime_type=mime_type, filename=filename)
        with self.lock:
            self.media[media_id] = stored
        return stored

    def new_media_id(self) -> str:
        return str(10**15 + secrets.randbelow(9 * 10**15))

    def sign_url(self, media_id: str) -> tuple[str, str]:
        """(expires, hash) for a media download URL valid for `url_ttl` seconds."""
        expires = str(int(self.now() + self.url_ttl))
        return expires, self._url_hash(media_id, expires)

    def check_url(self, media_id: str, expires: str, digest: str) -> bool:
        if not hmac.compare_digest(self._url_hash(media_id, expires), digest):
            return False
        try:
            return self.now() <= int(expires)
        except ValueError:
            return False

    def _url_hash(self, media_id: str, expires: str) -> str:
        raw = hmac.new(self._url_key, f"{media_id}:{expires}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(raw[:18]).decode()

    # Sends

    def record_send(self, body: dict, wamid: str) -> None:
        with self.lock:
            self.sent.append({**body, "wamid": wamid})

    def record_read_receipt(self, body: dict) -> None:
        with self.lock:
            self.read_receipts.append(body)


def new_wamid(wa_id: str) -> str:
    """A fresh id shaped like Meta's (base64 of a small binary record holding the number)."""
    raw = b"\x15\x02\x00\x11\x18\x12" + secrets.token_hex(10).upper().encode() + b"\x00"
    return "wamid." + base64.b64encode(b"\x18\x0c" + wa_id.encode()[:24] + raw).decode()
