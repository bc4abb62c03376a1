"""The address guard: webhook targets may not reach the server's own network (SSRF).

Checked twice: when a subscription is created or changed (the URL's host, resolved), and when
the worker connects. At connect time the name is resolved once, every address it resolves to is
checked, and the socket is opened to a checked address itself (TLS still uses the name for SNI
and certificate checks, and the Host header is the URL's), so a DNS answer that changes between
check and connect (rebinding) cannot redirect a delivery. Proxies from the environment are not
used for the same reason.
"""

import ipaddress
import socket
from collections.abc import Iterable
from typing import Any

import httpcore2

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class ForbiddenAddress(Exception):
    """The target resolves to an address webhooks may not reach."""


def is_forbidden(address: IPAddress) -> bool:
    """Loopback, private, link-local, multicast, unspecified, reserved or otherwise not
    globally routable. An IPv6 address that carries an IPv4 one (mapped, NAT64, 6to4) is
    judged by that one too: it can lead to it."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None and is_forbidden(embedded):
            return True
        if address.ipv4_mapped is not None:
            return False  # judged entirely by the IPv4 address it stands for
    return (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_unspecified
        or address.is_reserved
        or not address.is_global
    )


NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address.sixtofour


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to (an IP literal resolves to itself)."""
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


def check_addresses(host: str, addresses: Iterable[IPAddress]) -> None:
    # Every answer is checked, not just the first: a name that resolves to one public and one
    # private address must not get through on the public one and be reached on the other.
    for address in addresses:
        if is_forbidden(address):
            raise ForbiddenAddress(f"{host} resolves to a non-public address")


def check_target(host: str, port: int) -> None:
    """At creation: refuse a host that resolves to a forbidden address. A name that does not
    resolve (yet) is accepted: it is checked again at every connection."""
    try:
        addresses = resolve(host, port)
    except OSError:
        return
    check_addresses(host, addresses)


class GuardedBackend(httpcore2.NetworkBackend):
    """httpcore's network backend with the guard between resolving and connecting."""

    def __init__(self, allow_private: bool) -> None:
        self._inner = httpcore2.SyncBackend()
        self._allow_private = allow_private

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore2.NetworkStream:
        try:
            addresses = resolve(host, port)
        except OSError as exc:
            raise httpcore2.ConnectError(f"cannot resolve {host}") from exc
        if not addresses:
            raise httpcore2.ConnectError(f"{host} resolves to no address")
        if not self._allow_private:
            check_addresses(host, addresses)
        # The checked address, not the name: no second lookup can answer differently.
        return self._inner.connect_tcp(
            str(addresses[0]),
            port,
            timeout=timeout,
            local_address=local_address,
            socket_options=socket_options,
        )

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore2.NetworkStream:
        raise httpcore2.ConnectError("webhooks are not sent over Unix sockets")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)
