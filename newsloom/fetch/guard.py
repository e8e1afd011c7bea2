"""SSRF guard: which addresses the fetcher may connect to.

By default only public unicast addresses: loopback, private, link-local, multicast, reserved and unspecified
ranges are refused, and so is every IPv6 form that carries a non-public IPv4 address (mapped, compatible, 6to4,
ISATAP) or leads to IPv4 through a translator (NAT64 ``64:ff9b::/96``, Teredo ``2001::/32``), checked on the resolved addresses (so a public name pointing inside is caught) and again on
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


# IPv6 ranges that carry traffic to an IPv4 address by a translator or tunnel the fetcher cannot see through:
# refused whole (NAT64 well-known and local-use prefixes, Teredo).
TRANSLATED_V6 = (
    ipaddress.ip_network("64:ff9b::/96"),
    ipaddress.ip_network("64:ff9b:1::/48"),
    ipaddress.ip_network("2001::/32"),
)
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
_IPV4_TRANSLATED = ipaddress.ip_network("::ffff:0:0:0/96")


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries: mapped, compatible, translated, 6to4 or ISATAP; else None."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    low = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address in _IPV4_COMPATIBLE or address in _IPV4_TRANSLATED:
        return low
    if (int(address) >> 32) & 0xFFFFFFFF in (0x00005EFE, 0x02005EFE):  # ISATAP interface identifier
        return low
    return None


def _public_v4(address: ipaddress.IPv4Address) -> bool:
    return address.is_global and not (address.is_multicast or address.is_reserved or address.is_unspecified)


def is_public(address: IPAddress) -> bool:
    """Public unicast, and for IPv6 also no tunnel or translation towards a non-public IPv4 address."""
    if isinstance(address, ipaddress.IPv4Address):
        return _public_v4(address)
    if any(address in network for network in TRANSLATED_V6):
        return False
    inner = embedded_ipv4(address)
    if inner is not None and not _public_v4(inner):
        return False
    if address.ipv4_mapped is not None:
        return True  # a mapped public IPv4 address is that address
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
