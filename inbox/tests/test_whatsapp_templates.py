"""Listing message templates follows Meta's paging."""

from inbox import whatsapp


def test_list_templates_follows_every_page(fake_graph):
    templates = whatsapp.list_templates("102290129340398", page_size=2)

    names = [t["name"] for t in templates]
    assert names == [t["name"] for t in fake_graph.state.templates]
    assert len(names) == len(set(names)) > 2


def test_list_templates_returns_components_and_status(fake_graph):
    templates = {t["name"]: t for t in whatsapp.list_templates("102290129340398")}

    order_ready = templates["order_ready"]
    assert order_ready["status"] == "APPROVED"
    assert order_ready["language"] == "en"
    assert any(c["type"] == "BODY" and "{{1}}" in c["text"] for c in order_ready["components"])
    assert templates["summer_sale"]["status"] == "REJECTED"
