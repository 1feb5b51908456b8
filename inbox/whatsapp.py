"""The one Graph API client: every HTTP call to Meta (or to the fake Graph API) goes through here.

Base URL `settings.WHATSAPP_GRAPH_URL` + `settings.WHATSAPP_API_VERSION`, Bearer
`settings.WHATSAPP_ACCESS_TOKEN`, explicit timeouts. It imports no models and stores nothing:
callers (`inbox.outbound`, `inbox.media`, `sync_templates`) decide what to keep.

    send_message(phone_number_id, payload) -> response dict   (any /messages body)
    send_text(phone_number_id, to, body, *, reply_to=None, preview_url=True) -> response dict
    send_reaction(phone_number_id, to, message_id, emoji) -> response dict   (emoji "" removes it)
    send_media_by_id(phone_number_id, to, media_type, media_id, *, caption=None, filename=None,
                     reply_to=None) -> response dict
    send_template(phone_number_id, to, name, language, components=None) -> response dict
    sent_message_id(response) -> the wamid of an accepted send
    mark_read(phone_number_id, wamid, typing=True, *, timeout=None) -> {"success": True}
    get_media(media_id, phone_number_id=None) -> {"url", "mime_type", "sha256" (hex), "file_size", "id", ...}
    download(url, *, max_bytes, into=None) -> Downloaded(content_type, size, sha256_hex, content)
    upload_media(phone_number_id, file, mime_type, filename="upload") -> media id
    list_templates(waba_id) -> list of Meta template dicts (all pages)
    token_problem() -> None, or {"code", "message", "at"} after Meta rejected the token
    has_token() -> whether an access token is set at all

Failures raise `GraphError` subclasses carrying Meta's code, subcode, message, details and
fbtrace_id: `TokenError` (`TokenMissing` when none is set, before any call), `RateLimitError`,
`WindowClosedError`, `NotFoundError`, `MediaTooLargeError`, `GraphUnavailable` (timeouts, network
errors, 5xx). `error.reason` is a sentence an agent can act on; `error.retryable` says whether
trying again later may help.
"""

import hashlib
import logging
from dataclasses import dataclass
from typing import IO, Any

import requests
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

logger = logging.getLogger(__name__)

# (connect, read) seconds. A send is an interactive request: an agent is waiting for it.
TIMEOUT: tuple[float, float] = (5, 20)
DOWNLOAD_TIMEOUT: tuple[float, float] = (5, 60)
CHUNK_SIZE = 64 * 1024

TOKEN_PROBLEM_KEY = "whatsapp:token-problem"
TOKEN_PROBLEM_TTL = 7 * 24 * 3600

# https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes
TOKEN_CODES = frozenset({0, 10, 102, 104, 190}) | frozenset(range(200, 300))
RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, 80007, 130429, 131048, 131056})
WINDOW_CODES = frozenset({131047, 470})
TEMPORARY_CODES = frozenset({1, 2, 131000, 131057})
NOT_FOUND_CODES = frozenset({100, 803})

_session = requests.Session()


class GraphError(Exception):
    """Meta refused or could not serve a Graph API call."""

    retryable = False

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        subcode: int | None = None,
        details: str = "",
        fbtrace_id: str = "",
        http_status: int | None = None,
        error_type: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.subcode = subcode
        self.details = details
        self.fbtrace_id = fbtrace_id
        self.http_status = http_status
        self.error_type = error_type

    def __str__(self) -> str:
        parts = [self.message]
        if self.details and self.details != self.message:
            parts.append(self.details)
        # Meta's messages often start with "(#<code>)" already.
        prefix = f"({self.code}) " if self.code is not None and not self.message.startswith("(#") else ""
        return prefix + ": ".join(parts)

    @property
    def reason(self) -> str:
        """What an agent reads in the composer when a send is refused."""
        detail = self.details if self.details and self.details != self.message else ""
        text = f"{self.message}: {detail}" if detail else self.message
        return f"WhatsApp refused the message ({self.code}): {text}" if self.code is not None else text


class TokenError(GraphError):
    """The access token is expired, revoked or lacks a permission (190, 0, 10, 102, 200-299)."""

    @property
    def reason(self) -> str:
        return (
            "The WhatsApp access token was rejected (expired, revoked or missing a permission). "
            f"An administrator must renew WHATSAPP_ACCESS_TOKEN. Meta said: {self.message}"
        )


class TokenMissing(TokenError):
    """No access token is set, so the call was not made: Meta would refuse it anyway."""

    @property
    def reason(self) -> str:
        return "No WhatsApp access token is set, so nothing was sent. An administrator must set WHATSAPP_ACCESS_TOKEN."


class RateLimitError(GraphError):
    retryable = True

    @property
    def reason(self) -> str:
        if self.code == 131056:
            return "Too many messages to this customer in a short time: wait a moment and send again."
        return f"WhatsApp is rate limiting this number ({self.code}): wait a moment and send again."


class WindowClosedError(GraphError):
    @property
    def reason(self) -> str:
        return (
            "The 24-hour customer service window is closed (the customer last wrote more than 24 hours ago): "
            "send an approved template instead."
        )


class NotFoundError(GraphError):
    """The object (media id, expired media URL) does not exist or is no longer available."""


class MediaTooLargeError(GraphError):
    pass


class GraphUnavailable(GraphError):
    """A timeout, a network error or a server error: nothing was decided, try again later."""

    retryable = True

    @property
    def reason(self) -> str:
        return f"WhatsApp could not be reached ({self.message}); nothing was sent. Try again."


@dataclass(frozen=True)
class Downloaded:
    content_type: str
    size: int
    sha256_hex: str
    content: bytes = b""  # empty when streamed `into` a file


def base_url() -> str:
    return f"{settings.WHATSAPP_GRAPH_URL.rstrip('/')}/{settings.WHATSAPP_API_VERSION}"


def _headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {settings.WHATSAPP_ACCESS_TOKEN}"}


def _request(method: str, url: str, *, timeout: tuple[float, float] | None = None, **kwargs: Any) -> requests.Response:
    """One HTTP call with the token; network failures become GraphUnavailable, Meta's error
    bodies become typed GraphErrors."""
    if not has_token():
        raise TokenMissing("no access token is set")
    timeout = timeout or TIMEOUT
    headers = {**_headers(), **kwargs.pop("headers", {})}
    try:
        response = _session.request(method, url, headers=headers, timeout=timeout, **kwargs)
    except requests.Timeout as exc:
        raise GraphUnavailable(f"timed out after {timeout[1]:g}s") from exc
    except requests.RequestException as exc:
        raise GraphUnavailable(f"network error: {type(exc).__name__}") from exc
    if response.status_code >= 400:
        error = error_from_response(response)
        if isinstance(error, TokenError):
            record_token_problem(error)
        logger.warning("graph %s %s failed: %s (fbtrace_id %s)", method, _path(url), error, error.fbtrace_id)
        response.close()
        raise error
    clear_token_problem()
    return response


def _path(url: str) -> str:
    return url.split("?", 1)[0].removeprefix(settings.WHATSAPP_GRAPH_URL.rstrip("/"))


def _json(method: str, url: str, **kwargs: Any) -> dict:
    response = _request(method, url, **kwargs)
    try:
        data = response.json()
    except ValueError as exc:
        raise GraphUnavailable(f"unreadable response (HTTP {response.status_code})") from exc
    if not isinstance(data, dict):
        raise GraphUnavailable(f"unexpected response (HTTP {response.status_code})")
    return data


def error_from_response(response: requests.Response) -> GraphError:
    """Meta's `{"error": {...}}` body (or whatever came instead) as a typed GraphError."""
    try:
        body = response.json()
    except ValueError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        if response.status_code == 404:
            return NotFoundError("not found", http_status=404)
        if response.status_code in (401, 403):
            return TokenError(f"HTTP {response.status_code}", http_status=response.status_code)
        if response.status_code == 429:
            return RateLimitError("too many requests", http_status=429)
        return GraphUnavailable(f"HTTP {response.status_code}", http_status=response.status_code)
    code = _int(error.get("code"))
    data = error.get("error_data") if isinstance(error.get("error_data"), dict) else {}
    details = str(data.get("details") or "")
    kwargs = {
        "code": code,
        "subcode": _int(error.get("error_subcode")),
        "details": details,
        "fbtrace_id": str(error.get("fbtrace_id") or ""),
        "http_status": response.status_code,
        "error_type": str(error.get("type") or ""),
    }
    message = str(error.get("message") or error.get("error_user_msg") or f"HTTP {response.status_code}")
    return error_class(code, response.status_code)(message, **kwargs)


def error_class(code: int | None, http_status: int) -> type[GraphError]:
    if code in TOKEN_CODES:
        return TokenError
    if code in RATE_LIMIT_CODES:
        return RateLimitError
    if code in WINDOW_CODES:
        return WindowClosedError
    if code in TEMPORARY_CODES or (code is None and http_status >= 500):
        return GraphUnavailable
    if code in NOT_FOUND_CODES or http_status == 404:
        return NotFoundError
    if http_status >= 500:
        return GraphUnavailable
    return GraphError


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# Token health: recorded in the cache so /healthz and staff pages can say "token expired"
# without calling Meta. With the default per-process cache each process knows what it saw;
# a shared cache (Redis) makes it global.


def record_token_problem(error: GraphError) -> None:
    problem = {"code": error.code, "message": error.message, "at": timezone.now().isoformat()}
    cache.set(TOKEN_PROBLEM_KEY, problem, TOKEN_PROBLEM_TTL)


def clear_token_problem() -> None:
    if cache.get(TOKEN_PROBLEM_KEY) is not None:
        cache.delete(TOKEN_PROBLEM_KEY)


def has_token() -> bool:
    return bool(settings.WHATSAPP_ACCESS_TOKEN)


def token_problem() -> dict | None:
    """The last token rejection since the last successful call, or None."""
    return cache.get(TOKEN_PROBLEM_KEY)


# Sending. `to` is the customer's wa_id; Meta prepends the business number's country code to
# numbers without "+", so it is always sent with one.


def _recipient(to: str) -> dict[str, str]:
    """A wa_id goes in `to` with its "+"; a business-scoped user id (e.g. "US.1349…") goes in
    `recipient` (username-only customers have no number)."""
    if to.startswith("+"):
        return {"to": to}
    if to.isdigit():
        return {"to": f"+{to}"}
    return {"recipient": to}


def send_message(phone_number_id: str, payload: dict, *, timeout: tuple[float, float] | None = None) -> dict:
    """POST any message body to /<PNID>/messages; returns Meta's response."""
    body = {"messaging_product": "whatsapp", **payload}
    return _json("POST", f"{base_url()}/{phone_number_id}/messages", json=body, timeout=timeout)


def _message(to: str, message_type: str, content: dict, reply_to: str | None = None) -> dict:
    body: dict[str, Any] = {"recipient_type": "individual", **_recipient(to), "type": message_type, message_type: content}
    if reply_to:
        body["context"] = {"message_id": reply_to}
    return body


def send_text(phone_number_id: str, to: str, body: str, *, reply_to: str | None = None, preview_url: bool = True) -> dict:
    return send_message(phone_number_id, _message(to, "text", {"body": body, "preview_url": preview_url}, reply_to))


def send_reaction(phone_number_id: str, to: str, message_id: str, emoji: str) -> dict:
    """React to `message_id`; an empty `emoji` removes the reaction."""
    return send_message(phone_number_id, _message(to, "reaction", {"message_id": message_id, "emoji": emoji}))


def send_media_by_id(
    phone_number_id: str,
    to: str,
    media_type: str,
    media_id: str,
    *,
    caption: str | None = None,
    filename: str | None = None,
    reply_to: str | None = None,
) -> dict:
    content: dict[str, Any] = {"id": media_id}
    if caption and media_type in ("image", "video", "document"):
        content["caption"] = caption
    if filename and media_type == "document":
        content["filename"] = filename
    return send_message(phone_number_id, _message(to, media_type, content, reply_to))


def send_template(
    phone_number_id: str, to: str, name: str, language: str, components: list[dict] | None = None
) -> dict:
    template: dict[str, Any] = {"name": name, "language": {"code": language}}
    if components:
        template["components"] = components
    return send_message(phone_number_id, _message(to, "template", template))


def sent_message_id(response: dict) -> str:
    """The wamid of an accepted send; a response without one is treated as a failure."""
    messages = response.get("messages")
    if isinstance(messages, list) and messages and isinstance(messages[0], dict) and messages[0].get("id"):
        return str(messages[0]["id"])
    raise GraphUnavailable("the response named no message id")


def mark_read(
    phone_number_id: str, wamid: str, typing: bool = True, *, timeout: tuple[float, float] | None = None
) -> dict:
    """Blue ticks for the customer on `wamid` (and everything before it); with `typing` the
    customer also sees "typing…" until the reply or for 25 seconds."""
    body: dict[str, Any] = {"status": "read", "message_id": wamid}
    if typing:
        body["typing_indicator"] = {"type": "text"}
    return send_message(phone_number_id, body, timeout=timeout)


# Media: a media id → a short-lived URL (5 minutes at Meta) → the bytes, both with the token.


def get_media(media_id: str, phone_number_id: str | None = None) -> dict:
    """Meta's media object. `sha256` here is hex (the webhook's is base64); `file_size` may be
    a string or a number."""
    params = {"phone_number_id": phone_number_id} if phone_number_id else None
    return _json("GET", f"{base_url()}/{media_id}", params=params)


def download(url: str, *, max_bytes: int, into: IO[bytes] | None = None) -> Downloaded:
    """The bytes behind a media URL, streamed with the token. With `into` they are written to
    that file and `content` stays empty. Raises NotFoundError when the URL has expired (fetch
    a fresh one with get_media) and MediaTooLargeError past `max_bytes`."""
    response = _request("GET", url, timeout=DOWNLOAD_TIMEOUT, stream=True)
    with response:
        length = _int(response.headers.get("Content-Length"))
        if length is not None and length > max_bytes:
            raise MediaTooLargeError(f"{length} bytes is over the {max_bytes} byte limit")
        digest = hashlib.sha256()
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_content(CHUNK_SIZE):
                size += len(chunk)
                if size > max_bytes:
                    raise MediaTooLargeError(f"more than the {max_bytes} byte limit")
                digest.update(chunk)
                if into is not None:
                    into.write(chunk)
                else:
                    chunks.append(chunk)
        except requests.RequestException as exc:
            raise GraphUnavailable(f"download interrupted: {type(exc).__name__}") from exc
    content_type = response.headers.get("Content-Type", "application/octet-stream")
    return Downloaded(content_type=content_type, size=size, sha256_hex=digest.hexdigest(), content=b"".join(chunks))


def upload_media(phone_number_id: str, file: IO[bytes] | bytes, mime_type: str, filename: str = "upload") -> str:
    """Upload a file for sending; returns the media id (valid 30 days)."""
    response = _json(
        "POST",
        f"{base_url()}/{phone_number_id}/media",
        data={"messaging_product": "whatsapp", "type": mime_type},
        files={"file": (filename, file, mime_type)},
        timeout=DOWNLOAD_TIMEOUT,
    )
    if not response.get("id"):
        raise GraphUnavailable("the upload response named no media id")
    return str(response["id"])


def list_templates(waba_id: str, *, page_size: int = 100, max_pages: int = 50) -> list[dict]:
    """Every message template of the business account, following Meta's paging cursors."""
    url: str | None = f"{base_url()}/{waba_id}/message_templates"
    params: dict | None = {"limit": page_size}
    templates: list[dict] = []
    for _ in range(max_pages):
        if not url:
            break
        page = _json("GET", url, params=params)
        templates.extend(t for t in page.get("data") or [] if isinstance(t, dict))
        paging = page.get("paging") if isinstance(page.get("paging"), dict) else {}
        url, params = paging.get("next"), None
    return templates
