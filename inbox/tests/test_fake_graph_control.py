"""The fake Graph API's control endpoints and its webhook delivery, over real HTTP."""

import base64
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from inbox import whatsapp
from inbox.fake_graph import FakeGraph, webhooks


def test_media_can_be_registered_over_http_and_downloaded(fake_graph):
    response = requests.post(
        f"{fake_graph.url}/_control/media", params={"id": "4242", "mime_type": "image/png"}, data=b"\x89PNG data"
    )

    assert response.json() == {"id": "4242"}
    url = whatsapp.get_media("4242")["url"]
    assert whatsapp.download(url, max_bytes=100).content == b"\x89PNG data"


def test_media_can_be_registered_as_json(fake_graph):
    requests.post(
        f"{fake_graph.url}/_control/media",
        json={"id": "77", "mime_type": "application/pdf", "data_base64": base64.b64encode(b"%PDF").decode()},
    )

    assert fake_graph.media("77") == b"%PDF"


def test_faults_can_be_armed_over_http_and_reset(fake_graph):
    armed = requests.post(f"{fake_graph.url}/_control/fail", json={"mode": "window_closed", "count": -1}).json()
    assert armed["mode"] == "window_closed"
    for _ in range(2):
        with pytest.raises(whatsapp.WindowClosedError):
            whatsapp.send_text("1", "919876543210", "Hi")

    requests.post(f"{fake_graph.url}/_control/reset")

    assert whatsapp.send_text("1", "919876543210", "Hi")["messages"]


def test_an_unknown_fault_mode_is_refused(fake_graph):
    response = requests.post(f"{fake_graph.url}/_control/fail", json={"mode": "gremlins"})

    assert response.status_code == 400
    assert "unknown fault mode" in response.json()["error"]


def test_a_token_can_be_revoked_over_http(fake_graph):
    requests.post(f"{fake_graph.url}/_control/revoke", json={"token": "test-access-token"})

    with pytest.raises(whatsapp.TokenError):
        whatsapp.send_text("1", "919876543210", "Hi")


def test_sent_lists_what_was_accepted(fake_graph):
    whatsapp.send_text("1", "919876543210", "Hi")

    sent = requests.get(f"{fake_graph.url}/_control/sent").json()["sent"]
    assert [m["text"]["body"] for m in sent] == ["Hi"]


class Recorder(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Recorder.received.append((body, self.headers["X-Hub-Signature-256"]))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_status_webhooks_are_posted_to_the_webhook_url(settings):
    receiver = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    Recorder.received = []
    done = threading.Event()
    try:
        with FakeGraph(webhook_url=f"http://127.0.0.1:{receiver.server_address[1]}/", app_secret="s3cret") as fake:
            settings.WHATSAPP_GRAPH_URL = fake.url
            whatsapp.send_text("1", "919876543210", "Hi")
            for _ in range(100):
                if len(Recorder.received) >= 3:
                    done.set()
                    break
                done.wait(0.05)
    finally:
        receiver.shutdown()
        receiver.server_close()

    assert len(Recorder.received) == 3
    for (body, signature), status in zip(Recorder.received, [b"sent", b"delivered", b"read"]):
        assert b'"status":"' + status + b'"' in body
        assert signature == webhooks.signature(body, "s3cret")


def test_a_stopped_fake_closes_its_keep_alive_connections():
    session = requests.Session()
    session.headers["Authorization"] = "Bearer token"
    with FakeGraph() as first:
        port = first.server.server_address[1]
        session.post(f"{first.url}/_control/media", params={"id": "111"}, data=b"only in the first fake")
        assert session.get(f"{first.url}/v25.0/111").status_code == 200
    with FakeGraph(port=port) as second:
        assert session.get(f"{second.url}/v25.0/111").status_code == 400
