"""Meta's X-Hub-Signature-256: HMAC-SHA256 of the raw POST body, keyed with the App Secret.

Pure. The digest is taken over the bytes exactly as received, never over re-serialised JSON,
which would differ as soon as a payload holds an escaped emoji or `\\/`."""

import hashlib
import hmac

PREFIX = "sha256="


def sign(body: bytes, secret: str) -> str:
    """The header value Meta would send for `body`."""
    return PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def is_valid(body: bytes, header: str | None, secret: str) -> bool:
    """True only when a secret is configured and `header` carries its digest of `body`;
    fails closed on a missing secret, header or prefix."""
    if not secret or not header or not header.startswith(PREFIX):
        return False
    return hmac.compare_digest(sign(body, secret).encode(), header.strip().lower().encode())
