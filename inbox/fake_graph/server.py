"""The fake Graph API as a real HTTP server (stdlib, one thread per request), and `FakeGraph`, the
same server run in a background thread for tests:

    with FakeGraph() as fake:                  # a free port on 127.0.0.1
        settings.WHATSAPP_GRAPH_URL = fake.url
        fake.add_media("1234", b"...", "image/jpeg")
        fake.fail_next("window_closed")
        ...
        fake.sent                              # accepted /messages bodies, each with its "wamid"
        fake.outbox                            # status webhooks (when no webhook_url is given)

`python manage.py fake_graph_api` runs it in the foreground.
"""

import logging
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from inbox.fake_graph import control, graph, webhooks
from inbox.fake_graph.sender import Outgoing, WebhookSender
from inbox.fake_graph.state import FakeState

logger = logging.getLogger(__name__)

MAX_BODY = 110 * 1024 * 1024
UNDELIVERABLE = {
    "code": 131026,
    "title": "Message undeliverable",
    "details": "Message Undeliverable: the recipient is not on WhatsApp or uses an old version.",
}


class FakeGraphApp:
    """The fake's behaviour, independent of how it is served."""

    def __init__(
        self,
        *,
        webhook_url: str | None,
        app_secret: str,
        status_delay: float = 1.0,
        send_statuses: bool = True,
        url_ttl: float = 300.0,
        waba_id: str = webhooks.DEFAULT_WABA_ID,
        display_phone_number: str = webhooks.DEFAULT_DISPLAY_NUMBER,
    ) -> None:
        self.state = FakeState(url_ttl=url_ttl)
        self.sender = WebhookSender(url=webhook_url, app_secret=app_secret)
        self.status_delay = status_delay
        self.send_statuses = send_statuses
        self.waba_id = waba_id
        self.display_phone_number = display_phone_number
        self.base_url = ""

    def respond(self, request: graph.Request) -> graph.Response:
        if request.path.startswith(control.PREFIX):
            return control.handle(self, request)
        fault = self.state.take_fault(request.path)
        if fault is not None and fault.mode == "timeout":
            # Hold the connection without answering: the client's read timeout has to trip.
            self.state.stopping.wait(fault.seconds)
            return graph.Response(status=504, body=b"")
        if fault is not None and fault.mode == "slow":
            # Answer normally, late: e.g. to watch a media download in progress.
            self.state.stopping.wait(fault.seconds)
            fault = None
        if fault is not None and fault.mode != "undeliverable":
            error = {**fault.error, "fbtrace_id": "AFakeFault" + fault.mode}
            return graph.json_response({"error": error}, fault.status)
        request.fault = fault
        return graph.handle(self, request)

    def schedule_statuses(
        self, *, phone_number_id: str, wamid: str, recipient_id: str, message_type: str, undeliverable: bool
    ) -> None:
        """sent → delivered → read, `status_delay` apart. Reactions only ever get `sent`."""
        if not self.send_statuses:
            return
        if undeliverable:
            steps = ["sent", "failed"]
        elif message_type == "reaction":
            steps = ["sent"]
        else:
            steps = ["sent", "delivered", "read"]
        category = "utility" if message_type == "template" else "service"
        for number, name in enumerate(steps, start=1):
            item = webhooks.status(
                wamid, name, recipient_id, error=UNDELIVERABLE if name == "failed" else None, category=category
            )
            payload = webhooks.envelope(
                {"statuses": [item]},
                phone_number_id=phone_number_id,
                display_phone_number=self.display_phone_number,
                waba_id=self.waba_id,
            )
            self.sender.schedule(payload, self.status_delay * number)


class Handler(BaseHTTPRequestHandler):
    server: "FakeGraphServer"
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; without this, Nagle's algorithm and delayed
    # ACKs add ~40 ms to every keep-alive request.
    disable_nagle_algorithm = True

    def setup(self) -> None:
        super().setup()
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        with self.server.connections_lock:
            self.server.connections.discard(self.connection)
        super().finish()

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def _serve(self) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._send(graph.graph_error("The request is too large.", 100, status=413))
            return
        body = self.rfile.read(length) if length else b""
        request = graph.Request(
            method=self.command,
            path=url.path,
            query=dict(parse_qsl(url.query)),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
        )
        try:
            response = self.server.app.respond(request)
        except Exception:
            logger.exception("fake Graph API failed on %s %s", self.command, url.path)
            response = graph.graph_error("An unknown error has occurred.", 1, status=500)
        if response.status == 504 and not response.body:
            self.close_connection = True
            return
        self._send(response)

    def _send(self, response: graph.Response) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(response.body)

    def log_message(self, format: str, *args: object) -> None:
        logger.debug("%s %s", self.address_string(), format % args)


class FakeGraphServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], app: FakeGraphApp) -> None:
        super().__init__(address, Handler)
        self.app = app
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        host, port = self.server_address[:2]
        app.base_url = f"http://{host}:{port}"

    def close_connections(self) -> None:
        """End the keep-alive connections still open, so a client can't keep talking to a
        stopped fake (and a new fake on the same port gets its requests)."""
        with self.connections_lock:
            open_now = list(self.connections)
        for connection in open_now:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class FakeGraph:
    """The fake Graph API on a free port in a background thread; a context manager."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        webhook_url: str | None = None,
        app_secret: str = "",
        status_delay: float = 0.0,
        send_statuses: bool = True,
        url_ttl: float = 300.0,
    ) -> None:
        self.app = FakeGraphApp(
            webhook_url=webhook_url,
            app_secret=app_secret,
            status_delay=status_delay,
            send_statuses=send_statuses,
            url_ttl=url_ttl,
        )
        self.server = FakeGraphServer((host, port), self.app)
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-graph", daemon=True
        )

    @property
    def url(self) -> str:
        return self.app.base_url

    @property
    def state(self) -> FakeState:
        return self.app.state

    @property
    def sent(self) -> list[dict]:
        return self.app.state.sent

    @property
    def read_receipts(self) -> list[dict]:
        return self.app.state.read_receipts

    @property
    def outbox(self) -> list[Outgoing]:
        return self.app.sender.outbox

    def add_media(self, media_id: str, data: bytes, mime_type: str, filename: str = "") -> str:
        self.app.state.add_media(media_id, data, mime_type, filename)
        return media_id

    def media(self, media_id: str) -> bytes:
        return self.app.state.media[media_id].data

    def fail_next(self, mode: str, *, count: int = 1, path: str = "", **details: object) -> None:
        """Make the next `count` matching requests fail with `mode` (see `control.fail`)."""
        if mode == "undeliverable" and not path:
            path = "/messages"
        self.app.state.add_fault(mode, count=count, path=path, **details)  # type: ignore[arg-type]

    def revoke_token(self, token: str) -> None:
        with self.app.state.lock:
            self.app.state.revoked_tokens.add(token)

    def start(self) -> "FakeGraph":
        self.app.sender.start()
        self._thread.start()
        return self

    def stop(self) -> None:
        self.app.state.stopping.set()
        self.server.shutdown()
        self.server.server_close()
        self.server.close_connections()
        self.app.sender.stop()

    def __enter__(self) -> "FakeGraph":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
