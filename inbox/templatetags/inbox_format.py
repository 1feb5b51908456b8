"""Template filters that turn stored WhatsApp messages into what an agent reads: escaped text
with clickable links and WhatsApp's *bold*/_italic_ marks, list previews by message type,
delivery ticks, and the structured parts of contact cards, orders and interactive replies (from
`Message.payload`).

Everything returned as markup is escaped first; user text never passes through `mark_safe`
unescaped."""

import json
import re
import unicodedata
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode, urlsplit

from django import template
from django.utils.html import conditional_escape, format_html, urlize
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from inbox.models import Message

register = template.Library()

PREVIEW_LENGTH = 90
QUOTE_LENGTH = 140
MEDIA_KINDS = ("image", "video", "audio", "document", "sticker")

_TAG = re.compile(r"(<[^>]+>)")
# WhatsApp's inline formatting, applied to text outside links only (a URL may contain _ or *);
# each with the character it needs, so most text skips the expressions.
_FORMATS = [
    ("`", re.compile(r"```(.+?)```", re.S), r"<code>\1</code>"),
    ("*", re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])"), r"<strong>\1</strong>"),
    ("_", re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])"), r"<em>\1</em>"),
    ("~", re.compile(r"(?<![\w~])~(?=\S)([^~\n]+?)(?<=\S)~(?![\w~])"), r"<s>\1</s>"),
]
# urlize links only words starting with http(s):// or www., ending in one of the seven original
# top-level domains, or holding an @ (its `simple_url_re`, `simple_url_2_re`, `is_email_simple`);
# text with none of these anywhere comes out of it escaped and nothing else, at a fraction of
# the cost (it is most messages).
_MAYBE_LINK = re.compile(r"http|www\.|@|\.(?:com|edu|gov|int|mil|net|org)", re.IGNORECASE)


@register.filter
def linkify(text: str | None) -> SafeString:
    """Escaped text with http(s) links and e-mail addresses clickable, line breaks kept and
    WhatsApp formatting shown. `urlize` escapes everything that isn't a link."""
    if not text:
        return SafeString("")
    html = urlize(text, nofollow=True, autoescape=True) if _MAYBE_LINK.search(text) else conditional_escape(text)
    parts = _TAG.split(html)
    in_link = False
    for index, part in enumerate(parts):
        if index % 2:
            if part.startswith("<a "):
                in_link = True
                parts[index] = part.replace("<a ", '<a target="_blank" ', 1)
            elif part == "</a>":
                in_link = False
            continue
        if not in_link:
            for marker, pattern, replacement in _FORMATS:
                if marker in part:
                    part = pattern.sub(replacement, part)
        parts[index] = part.replace("\n", "<br>")
    return mark_safe("".join(parts))  # noqa: S308 (built from urlize's escaped output)


@register.filter
def media_kind(message: Message) -> str:
    return message.message_type if message.message_type in MEDIA_KINDS else "document"


@register.filter
def is_voice(message: Message) -> bool:
    return bool(_payload_part(message, "audio").get("voice"))


def _payload_part(message: Message, key: str) -> dict:
    payload = message.payload if isinstance(message.payload, dict) else {}
    part = payload.get(key)
    return part if isinstance(part, dict) else {}


@register.filter
def preview(message: Message | None) -> str:
    """One line for the conversation list, by message type."""
    if message is None:
        return ""
    text = _preview(message)
    return truncated(" ".join(text.split()), PREVIEW_LENGTH)


@register.filter
def quote_text(message: Message) -> str:
    """The start of a message, as the composer quotes it in a reply."""
    return truncated(message.text_body or message.message_type, QUOTE_LENGTH)


def truncated(text: str, length: int) -> str:
    """`Truncator(text).chars(length)`, without its walk over every character of the
    text when the text is short enough anyway."""
    text = unicodedata.normalize("NFC", text)
    return text if len(text) <= length else Truncator(text).chars(length)


_VISUALS = {"image": ("📷", "Photo"), "video": ("🎥", "Video"), "sticker": ("💟", "Sticker")}


def _preview(message: Message) -> str:
    kind = message.message_type
    body = message.text_body or ""
    if kind == "text":
        return body
    if kind in _VISUALS:
        icon, name = _VISUALS[kind]
        return f"{icon} {body or name}"
    if kind == "audio":
        return "🎤 Voice message" if is_voice(message) else "🎵 Audio"
    if kind == "document":
        return f"📄 {body or message.media_filename or 'Document'}"
    if kind == "location":
        return f"📍 {message.location_name or message.location_address or 'Location'}"
    if kind == "contacts":
        return f"👤 {body or 'Contact card'}"
    if kind in ("interactive", "button"):
        return f"↩ {body or 'Reply'}"
    if kind == "order":
        items = len(order(message)["items"])
        return f"🛒 Order · {items} item{'s' if items != 1 else ''}"
    if kind == "reaction":
        return f"Reacted {body}" if body else "Removed a reaction"
    if kind == "system":
        return body or "System message"
    if kind == "request_welcome":
        return "Opened the chat for the first time"
    if kind == "template":
        return f"📋 {body or 'Template message'}"
    return f"Unsupported message ({unsupported_type(message)})"


@register.filter
def unsupported_type(message: Message) -> str:
    kind = _payload_part(message, "unsupported").get("type")
    return kind if isinstance(kind, str) and kind else message.message_type


@register.filter
def safe_url(value: Any) -> str:
    """`value` if it is an http(s) URL, else "" (so a payload can't smuggle `javascript:`)."""
    if not isinstance(value, str):
        return ""
    try:
        scheme = urlsplit(value.strip()).scheme.lower()
    except ValueError:
        return ""
    return value.strip() if scheme in ("http", "https") else ""


@register.filter
def map_url(message: Message) -> str:
    if message.latitude is None or message.longitude is None:
        return ""
    query = urlencode({"mlat": f"{message.latitude:.6f}", "mlon": f"{message.longitude:.6f}"})
    return f"https://www.openstreetmap.org/?{query}#map=17/{message.latitude:.6f}/{message.longitude:.6f}"


@register.filter
def place_url(message: Message) -> str:
    return safe_url(_payload_part(message, "location").get("url"))


@register.filter
def contact_cards(message: Message) -> list[dict]:
    payload = message.payload if isinstance(message.payload, dict) else {}
    cards = payload.get("contacts")
    if not isinstance(cards, list):
        return []
    return [_card(card) for card in cards if isinstance(card, dict)]


def _card(card: dict) -> dict:
    name = card.get("name") if isinstance(card.get("name"), dict) else {}
    org = card.get("org") if isinstance(card.get("org"), dict) else {}
    formatted = _text(name.get("formatted_name")) or " ".join(
        _text(name.get(part)) for part in ("first_name", "last_name") if _text(name.get(part))
    )
    phones = [
        {"phone": _text(p.get("phone")), "wa_id": _text(p.get("wa_id")), "type": _text(p.get("type")).title()}
        for p in _dicts(card.get("phones"))
        if _text(p.get("phone")) or _text(p.get("wa_id"))
    ]
    emails = [_text(e.get("email")) for e in _dicts(card.get("emails")) if _text(e.get("email"))]
    urls = [safe_url(u.get("url")) for u in _dicts(card.get("urls")) if safe_url(u.get("url"))]
    company = ", ".join(x for x in (_text(org.get("title")), _text(org.get("company"))) if x)
    return {"name": formatted or "Unnamed contact", "phones": phones, "emails": emails, "urls": urls, "company": company}


def _dicts(value: Any) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _text(value: Any) -> str:
    if value is None or isinstance(value, (dict, list)):
        return ""
    return str(value).strip()


@register.filter
def tel_uri(phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit() or ch == "+")
    return f"tel:{digits}" if digits else ""


@register.filter
def order(message: Message) -> dict:
    """Items, total and note of an `order` message."""
    body = _payload_part(message, "order")
    items = []
    total = Decimal(0)
    currencies = set()
    for item in _dicts(body.get("product_items")):
        quantity = _decimal(item.get("quantity"))
        price = _decimal(item.get("item_price"))
        currency = _text(item.get("currency"))
        line = quantity * price if quantity is not None and price is not None else None
        if line is not None:
            total += line
        currencies.add(currency)
        items.append(
            {"product": _text(item.get("product_retailer_id")) or "Item", "quantity": quantity, "price": price,
             "currency": currency, "line_total": line}
        )
    return {
        "items": items,
        "total": total if items and len(currencies) == 1 else None,
        "currency": currencies.pop() if len(currencies) == 1 else "",
        "catalog": _text(body.get("catalog_id")),
        "note": message.text_body or "",
    }


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value is not None and not isinstance(value, bool) else None
    except InvalidOperation:
        return None


@register.filter
def interactive(message: Message) -> dict:
    """What the customer chose: a button or list row, or the fields of a Flow response."""
    if message.message_type == "button":
        body = _payload_part(message, "button")
        return {"label": "Template button", "title": message.text_body or _text(body.get("text")), "fields": []}
    body = _payload_part(message, "interactive")
    kind = _text(body.get("type"))
    reply = body.get(kind) if isinstance(body.get(kind), dict) else {}
    labels = {
        "button_reply": "Button reply",
        "list_reply": "List choice",
        "nfm_reply": "Form response",
        "call_permission_reply": "Call permission",
    }
    return {
        "label": labels.get(kind, "Interactive reply"),
        "title": message.text_body or _text(reply.get("title")),
        "description": _text(reply.get("description")),
        "fields": _flow_fields(reply.get("response_json")) if kind == "nfm_reply" else [],
    }


def _flow_fields(raw: Any) -> list[tuple[str, str]]:
    try:
        data = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return []
    if not isinstance(data, dict):
        return []
    return [
        (key.replace("_", " ").capitalize(), value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
        for key, value in data.items()
        if key != "flow_token"
    ]


@register.filter
def referral(message: Message) -> dict:
    """The ad or post a customer came from (first message after a click-to-WhatsApp ad)."""
    body = _payload_part(message, "referral")
    if not body:
        return {}
    return {
        "headline": _text(body.get("headline")) or _text(body.get("body")) or "an ad",
        "url": safe_url(body.get("source_url")),
        "kind": _text(body.get("source_type")) or "ad",
    }


@register.filter
def sort_key(moment: datetime | None) -> str:
    """Microseconds since the epoch: the order the browser keeps rows and messages in. A
    string, as a number would be localised (slow, and wrong with thousand separators)."""
    return str(int(moment.timestamp() * 1_000_000)) if moment else "0"


@register.filter
def initials(name: str) -> str:
    words = [w for w in re.split(r"[\s._-]+", name or "") if w and w[0].isalpha()]
    if not words:
        return ""
    return (words[0][0] + (words[-1][0] if len(words) > 1 else "")).upper()


@register.filter
def hue(value: Any) -> str:
    """A stable avatar colour for a conversation (a string, for the same reason as `sort_key`)."""
    return str((int(value or 0) * 47) % 360)


@register.filter
def sender_name(message: Message) -> str:
    if message.is_inbound:
        return message.from_name or message.from_number or "Customer"
    if message.author is not None:
        return message.author.get_full_name() or message.author.get_username()
    return "You"


@register.simple_tag
def status_title(message: Message) -> str:
    labels = {
        "accepted": "Sending",
        "held_for_quality_assessment": "Held by WhatsApp for a quality check",
        "sent": "Sent",
        "delivered": "Delivered",
        "read": "Read",
        "played": "Played",
        "failed": "Not delivered",
    }
    return labels.get(message.status, message.status.capitalize())


# A clock until Meta has the message, then one tick (sent), two (delivered, read, played), or
# the failure mark.
_PENDING_ICON = SafeString(
    '<svg viewBox="0 0 16 16" aria-hidden="true"><circle cx="8" cy="8" r="6" fill="none" stroke="currentColor" stroke-width="1.4"/><path d="M8 4.8V8l2.2 1.4" fill="none" stroke="currentColor" stroke-width="1.4" stroke-linecap="round"/></svg>'
)
_FAILED_ICON = SafeString(
    '<svg viewBox="0 0 16 16" aria-hidden="true"><circle cx="8" cy="8" r="7" fill="currentColor"/><path d="M8 4.2v4.6M8 10.9v.9" stroke="#fff" stroke-width="1.7" stroke-linecap="round"/></svg>'
)
_SENT_ICON = SafeString(
    '<svg viewBox="0 0 16 16" aria-hidden="true"><path d="M3 8.6l3 3 7-7.2" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round"/></svg>'
)
_DELIVERED_ICON = SafeString(
    '<svg viewBox="0 0 20 16" aria-hidden="true"><path d="M1.5 8.6l3 3 7-7.2M8.5 11.2l.4.4 7-7.2" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round"/></svg>'
)
_TICK_ICONS = {
    "failed": _FAILED_ICON,
    "sent": _SENT_ICON,
    "delivered": _DELIVERED_ICON,
    "read": _DELIVERED_ICON,
    "played": _DELIVERED_ICON,
}


@register.simple_tag
def ticks(message: Message) -> SafeString:
    """An outbound message's delivery status: its icon, and the status in words. A tag rather
    than an included template, as it is drawn for most messages and list rows."""
    title = status_title(message)
    failure = f": {message.error_message}" if message.status == "failed" and message.error_message else ""
    return format_html(
        '<span class="ticks ticks--{}" title="{}{}" role="img" aria-label="{}">{}</span>',
        message.status, title, failure, title, _TICK_ICONS.get(message.status, _PENDING_ICON),
    )  # fmt: skip
