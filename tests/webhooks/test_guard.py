"""The address guard: which addresses are refused, and that a name is resolved once and the
checked address is the one connected to (no DNS rebinding between check and connect)."""

import ipaddress
import socket
from datetime import UTC, datetime
from typing import Any

import pytest

from app.config import Settings
from app.webhooks.delivery import make_client, retry_after_seconds, send
from app.webhooks.guard import is_forbidden
from tests.conftest import TEST_SETTINGS
from tests.webhooks.receiver import Receiver

REFUSED = [
    "127.0.0.1", "127.8.9.10", "0.0.0.0", "10.0.0.1", "172.16.5.4", "192.168.1.1",
    "169.254.169.254", "100.64.0.1", "224.0.0.251", "240.0.0.1", "255.255.255.255",
    "192.0.2.1", "::1", "::", "fe80::1", "fc00::1", "ff02::1", "::ffff:127.0.0.1",
    "::ffff:10.0.0.1", "64:ff9b::7f00:1", "2002:7f00:1::1",
]  # fmt: skip
ALLOWED = ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:93.184.216.34"]


@pytest.mark.parametrize("address", REFUSED)
def test_non_public_addresses_are_refused(address: str) -> None:
    assert is_forbidden(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ALLOWED)
def test_public_addresses_are_allowed(address: str) -> None:
    assert not is_forbidden(ipaddress.ip_address(address))


def _fake_dns(monkeypatch: pytest.MonkeyPatch, answers: dict[str, list[str]]) -> list[str]:
    """`getaddrinfo` answering `answers[name]` in turn (rebinding), real for the rest."""
    real = socket.getaddrinfo
    asked: list[str] = []

    def lookup(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host in answers:
            asked.append(host)
            address = answers[host].pop(0)
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", lookup)
    return asked


def test_the_checked_address_is_the_one_connected_to(
    monkeypatch: pytest.MonkeyPatch, target: Receiver
) -> None:
    """A name that would answer differently on a second lookup is looked up once; the
    request goes to that address with the name in the Host header."""
    asked = _fake_dns(monkeypatch, {"partner.test": ["127.0.0.1", "10.9.9.9"]})
    settings = TEST_SETTINGS.model_copy(update={"webhooks_allow_private_targets": True})
    with make_client(settings) as client:
        outcome = send(client, f"http://partner.test:{target.port}/", "{}", {}, _now())
    assert outcome.status_code == 200
    assert asked == ["partner.test"]
    assert target.received[0].headers["Host"] == f"partner.test:{target.port}"


def test_a_name_rebound_to_loopback_is_refused_at_connect(
    monkeypatch: pytest.MonkeyPatch, target: Receiver
) -> None:
    _fake_dns(monkeypatch, {"partner.test": ["127.0.0.1"]})
    settings: Settings = TEST_SETTINGS.model_copy(update={"webhooks_allow_private_targets": False})
    with make_client(settings) as client:
        outcome = send(client, f"http://partner.test:{target.port}/", "{}", {}, _now())
    assert (outcome.status_code, outcome.error) == (None, "ForbiddenAddress")
    assert target.received == []


def test_redirects_are_not_followed(target: Receiver) -> None:
    target.answer((307, {"Location": "http://127.0.0.1:1/elsewhere"}))
    settings = TEST_SETTINGS.model_copy(update={"webhooks_allow_private_targets": True})
    with make_client(settings) as client:
        outcome = send(client, target.url, "{}", {}, _now())
    assert outcome.status_code == 307
    assert not outcome.delivered
    assert len(target.received) == 1


def test_retry_after_in_seconds_or_as_a_date() -> None:
    now = _now()
    assert retry_after_seconds("30", now) == 30
    assert retry_after_seconds("Wed, 03 Dec 2026 12:01:00 GMT", now) == 60
    assert retry_after_seconds("soon", now) is None
    assert retry_after_seconds("99999999", now) == 24 * 3600  # capped


def _now() -> datetime:
    return datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
