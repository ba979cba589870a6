"""Address guard for URLs we fetch on someone's request (/summary, adding a feed).

A chat member must not be able to make the bot read http://127.0.0.1:8080/admin or the
cloud metadata service at 169.254.169.254. `check_url` resolves the host and refuses
private, loopback, link-local, multicast, reserved and unspecified addresses (also when
hidden inside IPv4-mapped, 6to4, Teredo or NAT64 IPv6 forms). The fetcher calls it for
every redirect hop and checks the connected peer address again, which defeats DNS
rebinding between our lookup and the connection.

Configured feeds are the operator's choice and use ``AddressPolicy(allow_private=True)``.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from .errors import BlockedAddressError, FetchError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# (host, port) -> resolved IP address strings. Injected in tests; the default asks the OS.
Resolver = Callable[[str, int], Awaitable[list[str]]]

WEB_SCHEMES = frozenset({"http", "https"})
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class AddressPolicy:
    """What the fetcher may connect to.

    allow_private: any address, and local files as feeds (operator-configured feeds).
    allowed_hosts: exceptions to the strict default: host names ("intranet.lan", or
    ".lan" for a whole domain), IP addresses or networks ("10.1.0.0/16").
    """

    allow_private: bool = False
    allowed_hosts: frozenset[str] = frozenset()

    def allows_host(self, host: str) -> bool:
        """True when the host name itself is on the allow list."""
        host = host.lower().rstrip(".").strip("[]")
        for allowed in self.allowed_hosts:
            allowed = allowed.lower().rstrip(".")
            if host == allowed or (allowed.startswith(".") and host.endswith(allowed)):
                return True
        return False

    def allows_address(self, address: str) -> bool:
        """True when the address is public, or private but on the allow list."""
        if self.allow_private or is_public_address(address):
            return True
        try:
            ip = _parse_ip(address)
        except ValueError:
            return False
        for allowed in self.allowed_hosts:
            try:
                if ip in ipaddress.ip_network(allowed, strict=False):
                    return True
            except ValueError:
                continue  # a host name, not a network
        return False


def is_public_address(ip: str | IPAddress) -> bool:
    """True for globally routable unicast addresses; False for private, loopback,
    link-local, multicast, reserved, unspecified, shared (CGNAT) and documentation
    ranges, including IPv4 addresses embedded in IPv6 (mapped, 6to4, Teredo, NAT64).
    A string that is not an IP address is not public."""
    try:
        address = _parse_ip(ip) if isinstance(ip, str) else ip
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return is_public_address(embedded)
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def check_scheme(url: str, schemes: Iterable[str] = WEB_SCHEMES) -> None:
    """Refuse file:, ftp:, gopher:, data: and every other non-web scheme.

    Raises: BlockedAddressError.
    """
    scheme = urlsplit(url.strip()).scheme.lower()
    if scheme not in set(schemes):
        shown = f"{scheme}:" if scheme else "a URL without scheme"
        raise BlockedAddressError(url, f"only http(s) addresses can be fetched, not {shown}")


async def check_url(url: str, policy: AddressPolicy, *, resolver: Resolver | None = None) -> None:
    """Check an http(s) URL against the policy before connecting.

    Raises: BlockedAddressError (scheme, or an address the policy refuses),
    FetchError (the host name does not resolve; may be temporary).
    """
    check_scheme(url)
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
        port = parts.port or _DEFAULT_PORTS[parts.scheme.lower()]
    except ValueError as exc:
        raise BlockedAddressError(url, f"malformed address ({exc})") from exc
    if not host:
        raise BlockedAddressError(url, "the address has no host")
    if policy.allow_private or policy.allows_host(host):
        return
    try:
        addresses = [str(_parse_ip(host))]
    except ValueError:
        addresses = await (resolver or system_resolver)(host, port)
    if not addresses:
        raise FetchError(url, f"cannot resolve {host}")
    for address in addresses:
        if not policy.allows_address(address):
            raise BlockedAddressError(url, f"{host} is a private or local address ({address})")


def check_peer(url: str, address: str, policy: AddressPolicy) -> None:
    """Check the address we actually connected to (after DNS, proxies, rebinding).

    Raises: BlockedAddressError.
    """
    if policy.allow_private:
        return
    host = urlsplit(url).hostname or ""
    if host and policy.allows_host(host):
        return
    if not policy.allows_address(address):
        raise BlockedAddressError(url, f"connected to a private or local address ({address})")


async def system_resolver(host: str, port: int) -> list[str]:
    """Resolve with the OS resolver, in the loop's executor (getaddrinfo blocks).

    Raises: FetchError when the name does not resolve.
    """
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise FetchError(f"http://{host}", f"cannot resolve {host} ({exc})") from exc
    return sorted({str(info[4][0]) for info in infos})


def _parse_ip(value: str) -> IPAddress:
    # Strip an IPv6 zone ("fe80::1%eth0") and brackets; the zone does not change the class.
    return ipaddress.ip_address(value.strip("[]").split("%", 1)[0])


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None
