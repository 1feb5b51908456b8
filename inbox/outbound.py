"""Replies from the inbox: text, reactions, media and templates sent through `inbox.whatsapp`,
then stored with Meta's wamid and the agent as author (`actions.record_outbound_message`, which
broadcasts after commit). Also the read receipts sent to Meta when an agent opens a thread.

A send that Meta refuses, or that cannot be made (the window closed, an empty text), raises
`SendFailed` with a reason for the agent, and nothing is stored: the inbox never shows a
message as sent that Meta did not accept."""

import logging
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.db import transaction

from inbox import actions, message_templates, whatsapp, window
from inbox.models import Conversation, Message, MessageTemplate

logger = logging.getLogger(__name__)

MAX_TEXT = 4096
MAX_CAPTION = 1024
# Meta's limits per media type (https://developers.facebook.com/documentation/business-messaging/whatsapp/business-phone-numbers/media).
MEDIA_KINDS: dict[str, tuple[str, int]] = {
    "image/jpeg": ("image", 5 * 1024 * 1024),
    "image/png": ("image", 5 * 1024 * 1024),
    "video/mp4": ("video", 16 * 1024 * 1024),
    "video/3gpp": ("video", 16 * 1024 * 1024),
    "audio/mpeg": ("audio", 16 * 1024 * 1024),
    "audio/mp4": ("audio", 16 * 1024 * 1024),
    "audio/aac": ("audio", 16 * 1024 * 1024),
    "audio/ogg": ("audio", 16 * 1024 * 1024),
    "application/pdf": ("document", 100 * 1024 * 1024),
    "text/plain": ("document", 100 * 1024 * 1024),
    "application/msword": ("document", 100 * 1024 * 1024),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("document", 100 * 1024 * 1024),
    "application/vnd.ms-excel": ("document", 100 * 1024 * 1024),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("document", 100 * 1024 * 1024),
    "application/vnd.ms-powerpoint": ("document", 100 * 1024 * 1024),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ("document", 100 * 1024 * 1024),
}
# Not something the customer typed for the agent to read: a receipt names a real message instead.
NO_RECEIPT_TYPES = ("reaction", "system", "request_welcome")
# Read receipts go out from one background thread: opening a conversation never waits for Meta.
READ_RECEIPT_TIMEOUT: tuple[float, float] = (3, 10)
_receipts = ThreadPoolExecutor(max_workers=1, thread_name_prefix="read-receipts")


class SendFailed(Exception):
    """A reply that was not sent; `reason` is for the agent, `error` is Meta's if it refused."""

    def __init__(self, reason: str, *, error: whatsapp.GraphError | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.error = error

    @property
    def code(self) -> int | None:
        return self.error.code if self.error else None


def recipient(conversation: Conversation) -> str:
    to = conversation.phone_number or conversation.user_id
    if not to:
        raise SendFailed("This conversation has no WhatsApp number or user id to reply to.")
    return to


def require_open_window(conversation: Conversation) -> None:
    if not window.is_open(conversation):
        raise SendFailed(
            "The 24-hour customer service window is closed: only an approved template can be sent."
        )


def _author_name(author: Any) -> str:
    if author is None:
        return ""
    return (author.get_full_name() or author.get_username())[:256]


def _send(call: partial) -> str:
    """Make the Graph call; Meta's refusal becomes SendFailed. Returns the new wamid."""
    try:
        return whatsapp.sent_message_id(call())
    except whatsapp.GraphError as error:
        logger.warning("send refused: %s", error)
        raise SendFailed(error.reason, error=error) from error


def _store(*, conversation: Conversation, author: Any, wamid: str, message_type: str, **fields: Any) -> Message:
    return actions.record_outbound_message(
        conversation=conversation,
        message_id=wamid,
        message_type=message_type,
        author=author,
        from_name=_author_name(author),
        **fields,
    )


def _quoted(conversation: Conversation, reply_to: Message | None) -> str | None:
    if reply_to is None:
        return None
    if reply_to.conversation_id != conversation.pk:
        raise SendFailed("The quoted message belongs to another conversation.")
    return reply_to.message_id


def send_text(*, conversation: Conversation, author: Any, body: str, reply_to: Message | None = None) -> Message:
    body = body.strip()
    if not body:
        raise SendFailed("Type a message first.")
    if len(body) > MAX_TEXT:
        raise SendFailed(f"The message is {len(body)} characters long; WhatsApp allows {MAX_TEXT}.")
    require_open_window(conversation)
    quoted = _quoted(conversation, reply_to)
    preview_url = "http://" in body or "https://" in body
    wamid = _send(
        partial(whatsapp.send_text, conversation.phone_number_id, recipient(conversation), body, reply_to=quoted,
                preview_url=preview_url)
    )
    return _store(
        conversation=conversation,
        author=author,
        wamid=wamid,
        message_type="text",
        text_body=body,
        reply_to=quoted,
        payload={"type": "text", "text": {"body": body, "preview_url": preview_url}, **_context(quoted)},
    )


def _context(quoted: str | None) -> dict:
    return {"context": {"message_id": quoted}} if quoted else {}


def send_reaction(*, conversation: Conversation, author: Any, message: Message, emoji: str) -> Message:
    """React to `message` with `emoji`; an empty `emoji` removes the reaction."""
    if message.conversation_id != conversation.pk:
        raise SendFailed("That message belongs to another conversation.")
    if len(emoji) > 16:
        raise SendFailed("A reaction is a single emoji.")
    require_open_window(conversation)
    wamid = _send(
        partial(whatsapp.send_reaction, conversation.phone_number_id, recipient(conversation), message.message_id, emoji)
    )
    return _store(
        conversation=conversation,
        author=author,
        wamid=wamid,
        message_type="reaction",
        text_body=emoji or None,
        reply_to=message.message_id,
        payload={"type": "reaction", "reaction": {"message_id": message.message_id, "emoji": emoji}},
    )


def media_kind(mime_type: str) -> tuple[str, int]:
    """(Meta's message type, size limit) for a file type WhatsApp accepts."""
    kind = MEDIA_KINDS.get(mime_type.split(";")[0].strip().lower())
    if kind is None:
        raise SendFailed(f"WhatsApp cannot send files of type {mime_type or 'unknown'}: use an image, PDF or office document.")
    return kind


def send_media(
    *,
    conversation: Conversation,
    author: Any,
    file: IO[bytes],
    filename: str,
    mime_type: str,
    caption: str = "",
    reply_to: Message | None = None,
) -> Message:
    """Upload `file` to Meta, send it by media id, and keep a copy for the thread."""
    message_type, limit = media_kind(mime_type)
    file.seek(0, 2)
    size = file.tell()
    file.seek(0)
    if not size:
        raise SendFailed("The file is empty.")
    if size > limit:
        raise SendFailed(f"The file is {size // 1024} KB; WhatsApp allows {limit // (1024 * 1024)} MB for a {message_type}.")
    caption = caption.strip()
    if len(caption) > MAX_CAPTION:
        raise SendFailed(f"The caption is {len(caption)} characters long; WhatsApp allows {MAX_CAPTION}.")
    require_open_window(conversation)
    quoted = _quoted(conversation, reply_to)
    to = recipient(conversation)
    try:
        media_id = whatsapp.upload_media(conversation.phone_number_id, file, mime_type, filename)
    except whatsapp.GraphError as error:
        logger.warning("upload refused: %s", error)
        raise SendFailed(error.reason, error=error) from error
    wamid = _send(
        partial(
            whatsapp.send_media_by_id,
            conversation.phone_number_id,
            to,
            message_type,
            media_id,
            caption=caption or None,
            filename=filename if message_type == "document" else None,
            reply_to=quoted,
        )
    )
    file.seek(0)
    content: dict[str, Any] = {"id": media_id, **({"caption": caption} if caption else {})}
    if message_type == "document":
        content["filename"] = filename
    return _store(
        conversation=conversation,
        author=author,
        wamid=wamid,
        message_type=message_type,
        text_body=caption or None,
        reply_to=quoted,
        media_id=media_id,
        media_mime_type=mime_type,
        media_filename=filename[:255],
        media_size=size,
        media_file=File(file, name=filename),
        media_state=Message.MEDIA_DOWNLOADED,
        payload={"type": message_type, message_type: content, **_context(quoted)},
    )


def send_template(
    *, conversation: Conversation, author: Any, template: MessageTemplate, variables: dict[str, str]
) -> Message:
    """Send an approved template; allowed whether or not the window is open. `variables` maps
    each `Variable.key` (e.g. "var-body-1") to its value."""
    if template.status != message_templates.APPROVED:
        raise SendFailed(f"The template {template.name} is not approved ({template.status or 'no status'}).")
    unfilled = message_templates.missing(template, variables)
    if unfilled:
        raise SendFailed("Fill in " + ", ".join(v.label for v in unfilled) + ".")
    components = message_templates.send_components(template, variables)
    wamid = _send(
        partial(
            whatsapp.send_template,
            conversation.phone_number_id,
            recipient(conversation),
            template.name,
            template.language,
            components,
        )
    )
    return _store(
        conversation=conversation,
        author=author,
        wamid=wamid,
        message_type="template",
        text_body=message_templates.render(template, variables),
        payload={
            "type": "template",
            "template": {"name": template.name, "language": {"code": template.language}, "components": components},
        },
    )


def read_receipt_target(messages: list[Message]) -> Message | None:
    """The newest inbound message worth a read receipt (marking it read covers the earlier ones)."""
    candidates = [
        m for m in messages if m.is_inbound and m.message_type not in NO_RECEIPT_TYPES and m.message_id
    ]
    return max(candidates, key=lambda m: (m.timestamp, m.pk), default=None)


def send_read_receipt(messages: list[Message]) -> None:
    """Tell Meta the customer's newest message in `messages` was read (blue ticks, and
    "typing…" while the agent answers). Sent after the current transaction commits, from a
    background thread; a Graph failure is logged, never raised: opening a conversation must
    not fail because of it. Without an access token none is sent (the system check and
    /healthz say so once, not a warning per opened conversation). Pass what
    `actions.mark_read` returned."""
    if not settings.WHATSAPP_SEND_READ_RECEIPTS or not whatsapp.has_token():
        return
    target = read_receipt_target(messages)
    if target is None:
        return
    transaction.on_commit(
        partial(_receipts.submit, _mark_read, target.phone_number_id, target.message_id), robust=True
    )


def _mark_read(phone_number_id: str, wamid: str) -> None:
    try:
        whatsapp.mark_read(phone_number_id, wamid, typing=True, timeout=READ_RECEIPT_TIMEOUT)
    except whatsapp.GraphError as error:
        logger.warning("read receipt for %s not sent: %s", wamid, error)
    except Exception:
        logger.exception("read receipt for %s not sent", wamid)


def wait_for_read_receipts() -> None:
    """Block until the read receipts queued so far have been sent (for tests and commands)."""
    _receipts.submit(lambda: None).result()
