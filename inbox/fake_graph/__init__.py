"""A fake WhatsApp Graph API for tests and demos: sends, read receipts, media (two-step download
with expiring, token-protected URLs), uploads, templates, fault injection, and signed status
webhooks back to the inbox. See `server.FakeGraph` and `control` for how to drive it."""

from inbox.fake_graph.server import FakeGraph

__all__ = ["FakeGraph"]
