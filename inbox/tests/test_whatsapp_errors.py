"""Meta's errors become typed GraphErrors; token rejections are remembered for /healthz."""

import pytest

from inbox import whatsapp

PNID = "106540352242922"
CUSTOMER = "919876543210"


def send() -> dict:
    return whatsapp.send_text(PNID, CUSTOMER, "Hello")


def test_window_closed_raises_window_closed_error_with_meta_details(fake_graph):
    fake_graph.fail_next("window_closed")

    with pytest.raises(whatsapp.WindowClosedError) as caught:
        send()

    assert caught.value.code == 131047
    assert "24 hours" in caught.value.details
    assert caught.value.fbtrace_id
    assert "template" in caught.value.reason
    assert not caught.value.retryable


@pytest.mark.parametrize("mode, code", [("rate_limit", 130429), ("pair_rate_limit", 131056)])
def test_rate_limits_raise_a_retryable_rate_limit_error(fake_graph, mode, code):
    fake_graph.fail_next(mode)

    with pytest.raises(whatsapp.RateLimitError) as caught:
        send()

    assert caught.value.code == code
    assert caught.value.retryable
    assert "wait" in caught.value.reason


def test_expired_token_raises_token_error_and_is_remembered_until_a_call_succeeds(fake_graph):
    fake_graph.fail_next("token_expired")

    with pytest.raises(whatsapp.TokenError) as caught:
        send()

    assert caught.value.code == 190
    assert caught.value.subcode == 463
    assert caught.value.http_status == 401
    assert "WHATSAPP_ACCESS_TOKEN" in caught.value.reason
    assert whatsapp.token_problem()["code"] == 190

    send()
    assert whatsapp.token_problem() is None


def test_revoked_token_is_refused_on_every_call(fake_graph):
    fake_graph.revoke_token("test-access-token")

    with pytest.raises(whatsapp.TokenError):
        send()
    with pytest.raises(whatsapp.TokenError):
        whatsapp.get_media("1234")


def test_a_missing_token_is_refused_without_calling_meta(settings):
    settings.WHATSAPP_ACCESS_TOKEN = ""
    # Nothing listens there: a call that went out would fail as a network error instead.
    settings.WHATSAPP_GRAPH_URL = "http://127.0.0.1:9"

    with pytest.raises(whatsapp.TokenMissing) as caught:
        send()

    assert isinstance(caught.value, whatsapp.TokenError)
    assert "WHATSAPP_ACCESS_TOKEN" in caught.value.reason
    assert "nothing was sent" in caught.value.reason
    assert whatsapp.token_problem() is None


def test_server_error_raises_graph_unavailable(fake_graph):
    fake_graph.fail_next("server_error")

    with pytest.raises(whatsapp.GraphUnavailable) as caught:
        send()

    assert caught.value.code == 2
    assert caught.value.retryable


def test_timeout_raises_graph_unavailable(fake_graph, monkeypatch):
    monkeypatch.setattr(whatsapp, "TIMEOUT", (2, 0.3))
    fake_graph.fail_next("timeout", seconds=5)

    with pytest.raises(whatsapp.GraphUnavailable) as caught:
        send()

    assert "timed out" in caught.value.reason


def test_unreachable_graph_api_raises_graph_unavailable(settings):
    settings.WHATSAPP_GRAPH_URL = "http://127.0.0.1:9"

    with pytest.raises(whatsapp.GraphUnavailable):
        send()


def test_a_fault_on_another_path_leaves_sends_alone(fake_graph):
    fake_graph.fail_next("server_error", path="/media")

    assert send()["messages"]
    with pytest.raises(whatsapp.GraphUnavailable):
        whatsapp.upload_media(PNID, b"x", "text/plain")


def test_other_meta_errors_keep_code_and_details(fake_graph):
    fake_graph.fail_next("error", code=131026, message="Message undeliverable", details="Recipient is not on WhatsApp")

    with pytest.raises(whatsapp.GraphError) as caught:
        send()

    assert type(caught.value) is whatsapp.GraphError
    assert caught.value.code == 131026
    assert caught.value.reason == "WhatsApp refused the message (131026): Message undeliverable: Recipient is not on WhatsApp"


def test_the_fake_refuses_text_over_4096_characters_like_meta(fake_graph):
    with pytest.raises(whatsapp.GraphError) as caught:
        whatsapp.send_text(PNID, CUSTOMER, "x" * 4097)

    assert caught.value.code == 100
    assert fake_graph.sent == []


def test_the_fake_refuses_a_template_with_the_wrong_number_of_parameters(fake_graph):
    with pytest.raises(whatsapp.GraphError) as caught:
        whatsapp.send_template(PNID, CUSTOMER, "follow_up", "en", [])

    assert caught.value.code == 132000
