"""Meta's webhook JSON → typed events. Pure: no Django, no database.

Every entry, change, message and status is visited. A message of a type this module does not
know is still an `InboundMessage` carrying its type string and JSON; any other shape it does not
know becomes an `Ignored` event with the reason, never an exception.
"""

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

MEDIA_TYPES = ("image", "video", "audio", "document", "sticker")


@dataclass(frozen=True)
class Media:
    id: str
    mime_type: str = ""
    sha256: str = ""
    filename: str = ""
    url: str = ""
    voice: bool = False
    animated: bool = False


@dataclass(frozen=True)
class Location:
    latitude: float | None
    longitude: float | None
    name: str = ""
    address: str = ""


@dataclass(frozen=True)
class NumberChange:
    """A system message saying the customer moved to a new number or BSUID."""

    old_wa_id: str | None
    new_wa_id: str | None
    new_user_id: str | None


@dataclass(frozen=True)
class InboundMessage:
    phone_number_id: str
    message_id: str
    message_type: str
    timestamp: datetime | None
    from_number: str | None
    from_user_id: str | None
    from_name: str = ""
    text_body: str | None = None
    media: Media | None = None
    location: Location | None = None
    reply_to: str | None = None
    forwarded: bool = False
    frequently_forwarded: bool = False
    error_code: int | None = None
    error_message: str = ""
    number_change: NumberChange | None = None
    raw: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class StatusUpdate:
    phone_number_id: str
    message_id: str
    status: str
    timestamp: datetime | None
    recipient_number: str | None
    error_code: int | None = None
    error_message: str = ""
    raw: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Ignored:
    """Something acknowledged and deliberately not turned into inbox state."""

    field: str
    reason: str


@dataclass
class Parsed:
    messages: list[InboundMessage] = field(default_factory=list)
    statuses: list[StatusUpdate] = field(default_factory=list)
    ignored: list[Ignored] = field(default_factory=list)


def clean_text(value: str) -> str:
    """Text PostgreSQL can store: NUL becomes U+FFFD and so does a lone UTF-16 surrogate
    (valid JSON such as "\\ud83d" alone decodes to one); other control characters stay."""
    if "\x00" in value:
        value = value.replace("\x00", "\ufffd")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return value


def clean(value: Any) -> Any:
    """`value` with every string (keys included) passed through `clean_text`."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(str(k)): clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean(v) for v in value]
    return value


def parse_timestamp(value: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(value), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def _opt_str(value: Any) -> str | None:
    text = _str(value)
    return text or None


def _float(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _first_error(errors: Any) -> tuple[int | None, str]:
    for error in _list(errors):
        error = _dict(error)
        details = _str(_dict(error.get("error_data")).get("details"))
        text = _str(error.get("message") or error.get("title"))
        if details and details != text:
            text = f"{text}: {details}" if text else details
        return _int(error.get("code")), text
    return None, ""


def parse(body: bytes | str | dict) -> Parsed:
    """Every message, status and ignored item in one webhook body."""
    data = json.loads(body) if isinstance(body, (bytes, str)) else body
    data = clean(data)
    parsed = Parsed()
    if not isinstance(data, dict):
        parsed.ignored.append(Ignored("", "body is not a JSON object"))
        return parsed
    if data.get("object") != "whatsapp_business_account":
        parsed.ignored.append(Ignored("", f"object {data.get('object')!r} is not WhatsApp"))
        return parsed
    for entry in _list(data.get("entry")):
        for change in _list(_dict(entry).get("changes")):
            change = _dict(change)
            name = _str(change.get("field"))
            if name != "messages":
                parsed.ignored.append(Ignored(name, "field not handled by the inbox"))
                continue
            _parse_messages_value(_dict(change.get("value")), parsed)
    return parsed


def _parse_messages_value(value: dict, parsed: Parsed) -> None:
    phone_number_id = _str(_dict(value.get("metadata")).get("phone_number_id"))
    if not phone_number_id:
        parsed.ignored.append(Ignored("messages", "value without metadata.phone_number_id"))
        return
    contacts = [_dict(c) for c in _list(value.get("contacts"))]
    value_error = _first_error(value.get("errors"))
    for message in _list(value.get("messages")):
        message = _dict(message)
        if not _str(message.get("id")):
            parsed.ignored.append(Ignored("messages", "message without an id"))
            continue
        if not _str(message.get("from")) and not _str(message.get("from_user_id")):
            # No conversation to put it in; the raw delivery still holds it.
            parsed.ignored.append(Ignored("messages", f"message {message['id']} without from or from_user_id"))
            continue
        parsed.messages.append(parse_message(message, phone_number_id, contacts, value_error))
    for status in _list(value.get("statuses")):
        status = _dict(status)
        if not _str(status.get("id")) or not _str(status.get("status")):
            parsed.ignored.append(Ignored("messages", "status without an id or status"))
            continue
        parsed.statuses.append(parse_status(status, phone_number_id))
    if not value.get("messages") and not value.get("statuses"):
        code, text = value_error
        reason = f"error {code}: {text}" if code is not None or text else "no messages or statuses"
        parsed.ignored.append(Ignored("messages", reason))


def _profile_name(contacts: list[dict], wa_id: str | None, user_id: str | None) -> str:
    for contact in contacts:
        if (wa_id and contact.get("wa_id") == wa_id) or (user_id and contact.get("user_id") == user_id):
            profile = _dict(contact.get("profile"))
            return _str(profile.get("name")) or _str(profile.get("username"))
    return ""


def parse_message(
    message: dict, phone_number_id: str, contacts: list[dict], value_error: tuple[int | None, str] = (None, "")
) -> InboundMessage:
    message_type = _str(message.get("type")) or "unknown"
    from_number = _opt_str(message.get("from"))
    from_user_id = _opt_str(message.get("from_user_id"))
    body = _dict(message.get(message_type))
    context = _dict(message.get("context"))
    error_code, error_message = _first_error(message.get("errors"))
    if error_code is None and not error_message:
        error_code, error_message = value_error
    fields: dict[str, Any] = {
        "text_body": None,
        "reply_to": _opt_str(context.get("id")),
    }

    if message_type == "text":
        fields["text_body"] = _opt_str(body.get("body"))
    elif message_type in MEDIA_TYPES:
        fields["text_body"] = _opt_str(body.get("caption"))
        if body.get("id"):
            fields["media"] = Media(
                id=_str(body.get("id")),
                mime_type=_str(body.get("mime_type")),
                sha256=_str(body.get("sha256")),
                filename=_str(body.get("filename")),
                url=_str(body.get("url")),
                voice=body.get("voice") is True,
                animated=body.get("animated") is True,
            )
    elif message_type == "location":
        fields["location"] = Location(
            latitude=_float(body.get("latitude")),
            longitude=_float(body.get("longitude")),
            name=_str(body.get("name")),
            address=_str(body.get("address")),
        )
    elif message_type == "interactive":
        fields["text_body"] = _interactive_text(body)
    elif message_type == "button":
        fields["text_body"] = _opt_str(body.get("text"))
    elif message_type == "reaction":
        # Removal: current docs omit `emoji`, older payloads send "".
        fields["text_body"] = _opt_str(body.get("emoji"))
        fields["reply_to"] = _opt_str(body.get("message_id"))
    elif message_type == "order":
        fields["text_body"] = _opt_str(body.get("text"))
    elif message_type == "system":
        fields["text_body"] = _opt_str(body.get("body"))
        fields["number_change"] = _number_change(body, from_number)

    return InboundMessage(
        phone_number_id=phone_number_id,
        message_id=_str(message.get("id")),
        message_type=message_type,
        timestamp=parse_timestamp(message.get("timestamp")),
        from_number=from_number,
        from_user_id=from_user_id,
        from_name=_profile_name(contacts, from_number, from_user_id),
        forwarded=context.get("forwarded") is True or context.get("frequently_forwarded") is True,
        frequently_forwarded=context.get("frequently_forwarded") is True,
        error_code=error_code,
        error_message=error_message,
        raw=message,
        **fields,
    )


def _interactive_text(body: dict) -> str | None:
    """The chosen button or list row; a flow's "Sent" or a call permission answer is not text
    the customer chose to write (the design's text_body rule), so those stay None."""
    kind = _str(body.get("type"))
    if kind in ("button_reply", "list_reply"):
        return _opt_str(_dict(body.get(kind)).get("title"))
    return None


def _number_change(body: dict, from_number: str | None) -> NumberChange | None:
    kind = _str(body.get("type"))
    if kind == "user_changed_number":
        return NumberChange(old_wa_id=from_number, new_wa_id=_opt_str(body.get("wa_id")), new_user_id=None)
    if kind == "customer_changed_number":
        return NumberChange(
            old_wa_id=_opt_str(body.get("customer")) or from_number,
            new_wa_id=_opt_str(body.get("new_wa_id")) or _opt_str(body.get("wa_id")),
            new_user_id=None,
        )
    if kind == "user_changed_user_id":
        return NumberChange(old_wa_id=None, new_wa_id=None, new_user_id=_opt_str(body.get("user_id")))
    return None


def parse_status(status: dict, phone_number_id: str) -> StatusUpdate:
    error_code, error_message = _first_error(status.get("errors"))
    return StatusUpdate(
        phone_number_id=phone_number_id,
        message_id=_str(status.get("id")),
        status=_str(status.get("status")),
        timestamp=parse_timestamp(status.get("timestamp")),
        recipient_number=_opt_str(status.get("recipient_id")) or _opt_str(status.get("recipient_user_id")),
        error_code=error_code,
        error_message=error_message,
        raw=status,
    )
