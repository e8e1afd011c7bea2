"""SSRF guard: which addresses the fetcher may connect to.

By default only public unicast addresses: loopback, private, link-local, multicast, reserved and unspecified
ranges are refused, checked on the resolved addresses (so a public name pointing inside is caught) and again on
every redirect. ``allow_networks`` (``NEWSLOOM_ALLOW_NETWORKS``) lists CIDRs allowed anyway, for tests and
intranet deployments.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from newsloom.errors import BlockedError, ConfigError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(spec: str) -> list[IPNetwork]:
    networks = []
    for part in spec.split(","):
        if part := part.strip():
            try:
                networks.append(ipaddress.ip_network(part, strict=False))
            except ValueError as error:
                raise ConfigError(f"allow_networks: {part!r} is not a CIDR") from error
    return networks


def is_public(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not (address.is_multicast or address.is_reserved or address.is_unspecified)


class AddressGuard:
    def __init__(self, allow_networks: str = "") -> None:
        self.allowed = parse_networks(allow_networks)

    def permits(self, address: IPAddress) -> bool:
        return is_public(address) or any(address in network for network in self.allowed)

    def resolve(self, host: str, port: int) -> list[IPAddress]:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as error:
            raise BlockedError(f"cannot resolve {host}: {error.strerror}", host) from error
        return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]

    def check_url(self, url: str) -> None:
        """Raise ``BlockedError`` unless every address ``url``'s host resolves to is permitted."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise BlockedError("only http and https URLs are fetched", url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        for address in self.resolve(parts.hostname, port):
            if not self.permits(address):
                raise BlockedError(f"address {address} is not public (see allow_networks)", url)
