"""The fake Graph API's control endpoints under /_control/, for tests, demos and the webhook
simulator (no token needed; the server listens on 127.0.0.1):

    POST /_control/fail    {"mode": "rate_limit"|"pair_rate_limit"|"window_closed"|"token_expired"|
                            "server_error"|"timeout"|"slow"|"undeliverable"|"error", "count": 1 (-1: until reset),
                            "path": "/messages" (optional substring), "seconds": 30 (timeout, slow),
                            "code"/"message"/"details"/"http_status" (mode "error")}
    POST /_control/reset   forget faults, revoked tokens and clock changes
    POST /_control/revoke  {"token": "..."}: that token now gets error 190
    POST /_control/media?id=<media id>&mime_type=<type>&filename=<name>   raw bytes as the body
                           (or JSON {"id", "mime_type", "filename", "data_base64"}) → {"id"}
    POST /_control/clock   {"advance": seconds}: e.g. to expire media URLs
    GET  /_control/sent    {"sent": [...], "read_receipts": [...], "uploads": [...]}
    GET  /_control/health  {"ok": true}
"""

import base64
import binascii
import json
from typing import TYPE_CHECKING

from inbox.fake_graph.graph import Request, Response, json_response

if TYPE_CHECKING:
    from inbox.fake_graph.server import FakeGraphApp

PREFIX = "/_control/"


def _json_body(request: Request) -> dict:
    if not request.body:
        return {}
    data = json.loads(request.body)
    if not isinstance(data, dict):
        raise ValueError("the body must be a JSON object")
    return data


def handle(app: "FakeGraphApp", request: Request) -> Response:
    action = request.path[len(PREFIX) :].strip("/")
    try:
        if request.method == "GET" and action == "health":
            return json_response({"ok": True})
        if request.method == "GET" and action == "sent":
            with app.state.lock:
                data = {
                    "sent": list(app.state.sent),
                    "read_receipts": list(app.state.read_receipts),
                    "uploads": list(app.state.uploads),
                }
            return json_response(data)
        if request.method != "POST":
            return json_response({"error": f"unknown control request {request.method} {request.path}"}, 404)
        if action == "fail":
            return fail(app, _json_body(request))
        if action == "reset":
            app.state.reset()
            return json_response({"ok": True})
        if action == "revoke":
            token = str(_json_body(request).get("token") or "")
            if not token:
                raise ValueError("token is required")
            with app.state.lock:
                app.state.revoked_tokens.add(token)
            return json_response({"ok": True})
        if action == "media":
            return add_media(app, request)
        if action == "clock":
            app.state.advance_clock(float(_json_body(request).get("advance", 0)))
            return json_response({"ok": True})
    except (ValueError, TypeError, binascii.Error) as exc:
        return json_response({"error": str(exc)}, 400)
    return json_response({"error": f"unknown control request {request.method} {request.path}"}, 404)


def fail(app: "FakeGraphApp", data: dict) -> Response:
    mode = str(data.get("mode") or "")
    path = str(data.get("path") or ("/messages" if mode == "undeliverable" else ""))
    fault = app.state.add_fault(
        mode,
        count=int(data.get("count", 1)),
        path=path,
        code=int(data["code"]) if data.get("code") is not None else None,
        message=str(data.get("message") or ""),
        details=str(data.get("details") or ""),
        http_status=int(data.get("http_status", 400)),
        seconds=float(data.get("seconds", 30)),
    )
    return json_response({"ok": True, "mode": fault.mode, "count": fault.remaining, "path": fault.path})


def add_media(app: "FakeGraphApp", request: Request) -> Response:
    if request.headers.get("content-type", "").startswith("application/json"):
        data = _json_body(request)
        media_id = str(data.get("id") or app.state.new_media_id())
        content = base64.b64decode(str(data.get("data_base64") or ""), validate=True)
        mime_type = str(data.get("mime_type") or "application/octet-stream")
        filename = str(data.get("filename") or "")
    else:
        media_id = request.query.get("id") or app.state.new_media_id()
        content = request.body
        mime_type = request.query.get("mime_type") or request.headers.get("content-type") or "application/octet-stream"
        filename = request.query.get("filename", "")
    if not content:
        raise ValueError("the media is empty")
    app.state.add_media(media_id, content, mime_type, filename)
    return json_response({"id": media_id})
