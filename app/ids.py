"""Public ids: a type prefix and 26 Crockford base32 characters (`stm_01j0...`)."""

import hashlib
import secrets
import time

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"


def _base32(value: int, length: int) -> str:
    chars = []
    for _ in range(length):
        value, digit = divmod(value, 32)
        chars.append(_ALPHABET[digit])
    return "".join(reversed(chars))


def new_id(prefix: str) -> str:
    """A ULID-style id: time-ordered (48-bit milliseconds) then 80 random bits."""
    value = (int(time.time() * 1000) << 80) | secrets.randbits(80)
    return f"{prefix}_{_base32(value, 26)}"


def stable_id(prefix: str, key: str) -> str:
    """The same id for the same key on every run, so loading demo data twice changes nothing."""
    digest = int.from_bytes(hashlib.sha256(key.encode()).digest()[:17], "big")
    return f"{prefix}_{_base32(digest, 26)}"
