"""The Graph API endpoints the inbox uses, answered the way Meta answers them: send messages,
mark read, media lookup and download (two steps, expiring URL, token required), upload, and
message templates. Bodies are checked like Meta checks them, so a client bug shows up here."""

import json
import math
import re
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message as MimeMessage
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from inbox.fake_graph.state import new_wamid

if TYPE_CHECKING:
    from inbox.fake_graph.state import Fault
    from inbox.fake_graph.server import FakeGraphApp

MEDIA_TYPES = ("image", "video", "audio", "document", "sticker")
ATTACHMENT_PATH = "/whatsapp_business/attachments/"
VARIABLE = re.compile(r"{{\s*(\w+)\s*}}")


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes = b""
    fault: "Fault | None" = None  # an armed fault that lets the request through (undeliverable)

    @property
    def token(self) -> str:
        auth = self.headers.get("authorization", "")
        return auth[7:].strip() if auth.lower().startswith("bearer ") else ""


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


def json_response(data: Any, status: int = 200) -> Response:
    return Response(status=status, body=json.dumps(data).encode())


def graph_error(message: str, code: int, *, status: int = 400, details: str = "", subcode: int | None = None) -> Response:
    error: dict[str, Any] = {"message": message, "type": "OAuthException", "code": code}
    if details:
        error["error_data"] = {"messaging_product": "whatsapp", "details": details}
    if subcode is not None:
        error["error_subcode"] = subcode
    error["fbtrace_id"] = "AFakeTrace" + str(abs(hash((message, code))) % 10**8)
    return json_response({"error": error}, status)


def invalid(details: str) -> Response:
    return graph_error("(#100) Invalid parameter", 100, details=details)


def handle(app: "FakeGraphApp", request: Request) -> Response:
    """Answer one authenticated Graph request."""
    token = request.token
    if not token:
        return graph_error("An access token is required to request this resource.", 104, status=401)
    if token in app.state.revoked_tokens:
        return graph_error(
            "Error validating access token: The session has been invalidated because the user changed their "
            "password or Facebook has changed the session for security reasons.",
            190,
            status=401,
            subcode=460,
        )
    if request.path.startswith(ATTACHMENT_PATH):
        return download(app, request)
    parts = [p for p in request.path.split("/") if p]
    if len(parts) < 2 or not re.fullmatch(r"v\d+\.\d+", parts[0]):
        return graph_error("Unknown path components: " + request.path, 2500)
    rest = parts[1:]
    if request.method == "POST" and len(rest) == 2 and rest[1] == "messages":
        return messages(app, rest[0], request)
    if request.method == "POST" and len(rest) == 2 and rest[1] == "media":
        return upload(app, request)
    if request.method == "GET" and len(rest) == 2 and rest[1] == "message_templates":
        return templates(app, rest[0], request)
    if len(rest) == 1 and request.method in ("GET", "DELETE"):
        return media_object(app, rest[0], request)
    return graph_error(f"Unsupported {request.method} request.", 100, subcode=33)


def messages(app: "FakeGraphApp", phone_number_id: str, request: Request) -> Response:
    try:
        body = json.loads(request.body)
    except ValueError:
        return invalid("The request body is not valid JSON.")
    if not isinstance(body, dict) or body.get("messaging_product") != "whatsapp":
        return invalid("messaging_product must be 'whatsapp'.")
    if body.get("status") == "read":
        if not body.get("message_id"):
            return invalid("message_id is required.")
        app.state.record_read_receipt(body)
        return json_response({"success": True})
    recipient = body.get("to") or body.get("recipient")
    if not isinstance(recipient, str) or not recipient:
        return invalid("The parameter to is required.")
    problem = check_content(app, body)
    if problem is not None:
        return problem
    wa_id = recipient.lstrip("+")
    wamid = new_wamid(wa_id)
    app.state.record_send(body, wamid)
    app.schedule_statuses(
        phone_number_id=phone_number_id,
        wamid=wamid,
        recipient_id=wa_id,
        message_type=body["type"],
        undeliverable=request.fault is not None and request.fault.mode == "undeliverable",
    )
    item: dict[str, Any] = {"id": wamid}
    if body["type"] == "template":
        item["message_status"] = "accepted"
    contact = {"input": recipient, "wa_id": wa_id} if body.get("to") else {"input": recipient, "user_id": recipient}
    return json_response({"messaging_product": "whatsapp", "contacts": [contact], "messages": [item]})


def check_content(app: "FakeGraphApp", body: dict) -> Response | None:
    message_type = body.get("type", "text")
    body.setdefault("type", message_type)
    content = body.get(message_type)
    if not isinstance(content, dict):
        return invalid(f"The parameter {message_type} is required.")
    context = body.get("context")
    if context is not None and not (isinstance(context, dict) and context.get("message_id")):
        return invalid("context.message_id is required.")
    if message_type == "text":
        text = content.get("body")
        if not isinstance(text, str) or not text.strip():
            return invalid("The parameter text['body'] is required.")
        if len(text) > 4096:
            return invalid("Param text['body'] must be at most 4096 characters long.")
    elif message_type == "reaction":
        if not content.get("message_id") or "emoji" not in content:
            return invalid("reaction requires message_id and emoji.")
    elif message_type in MEDIA_TYPES:
        if not content.get("id") and not content.get("link"):
            return invalid(f"{message_type} requires an id or a link.")
        if content.get("id") and str(content["id"]) not in app.state.media:
            return graph_error(
                "(#131053) Media upload error", 131053, details=f"Media id {content['id']} was not found."
            )
        if len(content.get("caption") or "") > 1024:
            return invalid("The caption must be at most 1024 characters long.")
    elif message_type == "template":
        return check_template(app, content)
    else:
        return invalid(f"The fake Graph API does not send messages of type {message_type}.")
    return None


def check_template(app: "FakeGraphApp", content: dict) -> Response | None:
    language = (content.get("language") or {}).get("code")
    template = next(
        (t for t in app.state.templates if t["name"] == content.get("name") and t["language"] == language), None
    )
    if template is None:
        return graph_error(
            "(#132001) Template name does not exist in the translation",
            132001,
            details=f"template name ({content.get('name')}) does not exist in {language}",
        )
    if template["status"] != "APPROVED":
        return graph_error("(#132015) Template is paused or not approved", 132015, details="The template is not approved.")
    for component in template["components"]:
        if component["type"] not in ("HEADER", "BODY") or not component.get("text"):
            continue
        expected = VARIABLE.findall(component["text"])
        sent = next(
            (c for c in content.get("components") or [] if str(c.get("type", "")).upper() == component["type"]), {}
        )
        parameters = sent.get("parameters") or []
        if len(parameters) != len(expected):
            return graph_error(
                "(#132000) Number of parameters does not match the expected number of params",
                132000,
                details=f"{component['type'].lower()}: number of localizable_params ({len(parameters)}) does not "
                f"match the expected number of params ({len(expected)})",
            )
        if any(not str(p.get("text", "")).strip() for p in parameters):
            return graph_error("(#131008) Required parameter is missing", 131008, details="Parameter text is empty.")
    return None


def media_object(app: "FakeGraphApp", media_id: str, request: Request) -> Response:
    stored = app.state.media.get(media_id)
    if stored is None:
        return graph_error(
            f"Unsupported get request. Object with ID '{media_id}' does not exist, cannot be loaded due to "
            "missing permissions, or does not support this operation.",
            100,
            subcode=33,
        )
    if request.method == "DELETE":
        with app.state.lock:
            app.state.media.pop(media_id, None)
        return json_response({"success": True})
    expires, digest = app.state.sign_url(media_id)
    url = f"{app.base_url}{ATTACHMENT_PATH}?" + urlencode({"mid": media_id, "ext": expires, "hash": digest})
    return json_response(
        {
            "messaging_product": "whatsapp",
            "url": url,
            "mime_type": stored.mime_type,
            "sha256": stored.sha256_hex,
            "file_size": len(stored.data) if stored.reported_size is None else stored.reported_size,
            "id": media_id,
        }
    )


def download(app: "FakeGraphApp", request: Request) -> Response:
    media_id = request.query.get("mid", "")
    stored = app.state.media.get(media_id)
    if stored is None or not app.state.check_url(media_id, request.query.get("ext", ""), request.query.get("hash", "")):
        # Meta answers an expired lookaside URL with 404 and an HTML page.
        return Response(status=404, body=b"<html><body>URL signature expired</body></html>", content_type="text/html")
    headers = {"Content-Disposition": f'attachment; filename="{stored.filename}"'} if stored.filename else {}
    return Response(status=200, body=stored.data, content_type=stored.mime_type, headers=headers)


def upload(app: "FakeGraphApp", request: Request) -> Response:
    form = parse_multipart(request.headers.get("content-type", ""), request.body)
    if form is None:
        return invalid("The upload must be multipart/form-data.")
    if form.get("messaging_product", (b"", None, ""))[0] != b"whatsapp":
        return invalid("messaging_product must be 'whatsapp'.")
    if "file" not in form:
        return invalid("The parameter file is required.")
    data, filename, part_type = form["file"]
    mime_type = form.get("type", (part_type.encode(), None, ""))[0].decode() or part_type
    if not data:
        return invalid("The file is empty.")
    media_id = app.state.new_media_id()
    app.state.add_media(media_id, data, mime_type, filename or "")
    with app.state.lock:
        app.state.uploads.append(media_id)
    return json_response({"id": media_id})


def parse_multipart(content_type: str, body: bytes) -> dict[str, tuple[bytes, str | None, str]] | None:
    """{field name: (bytes, filename, content type)} of a multipart/form-data body."""
    if not content_type.startswith("multipart/form-data"):
        return None
    parsed: MimeMessage = message_from_bytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
    if not parsed.is_multipart():
        return None
    fields: dict[str, tuple[bytes, str | None, str]] = {}
    for part in parsed.get_payload():
        name = part.get_param("name", header="content-disposition")
        if name:
            payload = part.get_payload(decode=True) or b""
            fields[str(name)] = (payload, part.get_filename(), part.get_content_type())
    return fields


def templates(app: "FakeGraphApp", waba_id: str, request: Request) -> Response:
    items = app.state.templates
    try:
        limit = max(1, min(int(request.query.get("limit", 25)), 1000))
        start = int(request.query.get("after", 0) or 0)
    except ValueError:
        return invalid("limit and after must be integers.")
    page = items[start : start + limit]
    data: dict[str, Any] = {"data": page}
    if page:
        data["paging"] = {"cursors": {"before": str(start), "after": str(start + len(page))}}
        if start + limit < len(items):
            query = urlencode({"limit": limit, "after": start + limit})
            data["paging"]["next"] = f"{app.base_url}{request.path}?{query}"
    data["summary"] = {"total_count": len(items), "pages": math.ceil(len(items) / limit)}
    return json_response(data)
