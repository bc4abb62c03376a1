"""Standard Webhooks signatures and the per-subscription `whsec_` secrets.

A secret is `whsec_` + base64 of 32 bytes; the signature is `v1,` + base64 of
HMAC-SHA256(secret bytes, "{webhook-id}.{webhook-timestamp}.{body}"). The secret bytes are not
stored: they are HMAC-SHA256 of a key derived from NEWSROOM_SECRET_KEY and a random per-secret
seed (which is). A database copy alone therefore signs nothing; changing the server's secret key
changes every subscription's secret (rotate them all afterwards, as with API keys).
"""

import base64
import hashlib
import hmac
import secrets
from datetime import datetime

from app.config import Settings

PREFIX = "whsec_"


def new_seed() -> str:
    return secrets.token_hex(32)


def _secret_bytes(settings: Settings, seed: str) -> bytes:
    server = settings.secret_key.get_secret_value().encode()
    derivation_key = hmac.new(server, b"webhook-secrets", hashlib.sha256).digest()
    return hmac.new(derivation_key, bytes.fromhex(seed), hashlib.sha256).digest()


def secret_of(settings: Settings, seed: str) -> str:
    """The `whsec_` secret a subscriber verifies with (shown at creation and rotation only)."""
    return PREFIX + base64.b64encode(_secret_bytes(settings, seed)).decode()


def signature(settings: Settings, seed: str, message_id: str, timestamp: int, body: str) -> str:
    signed = f"{message_id}.{timestamp}.{body}".encode()
    digest = hmac.new(_secret_bytes(settings, seed), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_header(
    settings: Settings,
    seeds: list[str],
    message_id: str,
    at: datetime,
    body: str,
) -> tuple[str, str]:
    """`webhook-timestamp` and `webhook-signature` (one signature per live secret, space
    separated: during a rotation's overlap receivers holding either secret can verify)."""
    timestamp = int(at.timestamp())
    signatures = [signature(settings, seed, message_id, timestamp, body) for seed in seeds]
    return str(timestamp), " ".join(signatures)
