"""The address guard: which addresses are public, and check_url's decisions."""

from __future__ import annotations

import pytest

from digest.errors import BlockedAddressError, FetchError
from digest.netguard import (
    AddressPolicy,
    check_peer,
    check_scheme,
    check_url,
    is_public_address,
    system_resolver,
)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # carrier-grade NAT
        "0.0.0.0",
        "224.0.0.1",  # multicast
        "239.255.255.250",
        "240.0.0.1",  # reserved
        "255.255.255.255",
        "192.0.2.10",  # documentation
        "::1",
        "::",
        "fe80::1",
        "fe80::1%eth0",
        "fc00::1",
        "fd12:3456::1",
        "ff02::1",
        "::ffff:127.0.0.1",  # IPv4-mapped loopback
        "::ffff:10.1.2.3",
        "::ffff:169.254.169.254",
        "2002:7f00:1::",  # 6to4 wrapping 127.0.0.1
        "64:ff9b::a00:1",  # NAT64 wrapping 10.0.0.1
        "not-an-ip",
        "",
    ],
)
def test_non_public_addresses(address: str) -> None:
    assert not is_public_address(address)


@pytest.mark.parametrize(
    "address", ["93.184.216.34", "8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"]
)
def test_public_addresses(address: str) -> None:
    assert is_public_address(address)


class FakeResolver:
    """A resolver with a fixed table; records the names it was asked for."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        self.table = table
        self.asked: list[str] = []

    async def __call__(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        if host not in self.table:
            raise FetchError(f"http://{host}", f"cannot resolve {host}")
        return self.table[host]


RESOLVER = FakeResolver(
    {
        "news.example": ["93.184.216.34"],
        "intranet.example": ["10.0.0.5"],
        "mixed.example": ["93.184.216.34", "127.0.0.1"],  # one bad answer is enough
        "metadata.example": ["169.254.169.254"],
        "v6.example": ["::ffff:192.168.0.1"],
        "empty.example": [],
    }
)


async def test_public_host_passes() -> None:
    await check_url("https://news.example/a", AddressPolicy(), resolver=RESOLVER)


@pytest.mark.parametrize(
    "url",
    [
        "http://intranet.example/",
        "http://mixed.example/",
        "http://metadata.example/latest/meta-data/",
        "http://v6.example/",
        "http://127.0.0.1:8080/admin",
        "http://[::1]/",
        "http://[::ffff:7f00:1]/",
        "http://0.0.0.0:80/",
    ],
)
async def test_private_targets_are_refused(url: str) -> None:
    with pytest.raises(BlockedAddressError):
        await check_url(url, AddressPolicy(), resolver=RESOLVER)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://news.example/x",
        "gopher://news.example/",
        "data:text/html,hi",
        "javascript:alert(1)",
        "news.example/no-scheme",
        "/etc/passwd",
    ],
)
async def test_non_web_schemes_are_refused(url: str) -> None:
    with pytest.raises(BlockedAddressError, match="only http"):
        await check_url(url, AddressPolicy(allow_private=True), resolver=RESOLVER)
    with pytest.raises(BlockedAddressError):
        check_scheme(url)


async def test_urls_without_host_or_with_bad_port_are_refused() -> None:
    for url in ("http:///path", "http://news.example:99999/"):
        with pytest.raises(BlockedAddressError):
            await check_url(url, AddressPolicy(), resolver=RESOLVER)


async def test_unresolvable_host_is_a_retryable_fetch_error() -> None:
    for url in ("http://unknown.example/", "http://empty.example/"):
        with pytest.raises(FetchError) as info:
            await check_url(url, AddressPolicy(), resolver=RESOLVER)
        assert not isinstance(info.value, BlockedAddressError)


async def test_allow_private_skips_resolution() -> None:
    resolver = FakeResolver({})
    await check_url(
        "http://intranet.example/", AddressPolicy(allow_private=True), resolver=resolver
    )
    assert resolver.asked == []


async def test_allowed_hosts_by_name_domain_and_network() -> None:
    by_name = AddressPolicy(allowed_hosts=frozenset({"intranet.example"}))
    await check_url("http://INTRANET.example./x", by_name, resolver=RESOLVER)
    with pytest.raises(BlockedAddressError):
        await check_url("http://metadata.example/", by_name, resolver=RESOLVER)

    by_domain = AddressPolicy(allowed_hosts=frozenset({".example"}))
    await check_url("http://metadata.example/", by_domain, resolver=RESOLVER)

    by_network = AddressPolicy(allowed_hosts=frozenset({"10.0.0.0/8"}))
    await check_url("http://intranet.example/", by_network, resolver=RESOLVER)
    await check_url("http://10.9.9.9/", by_network, resolver=RESOLVER)
    with pytest.raises(BlockedAddressError):
        await check_url("http://mixed.example/", by_network, resolver=RESOLVER)


def test_check_peer() -> None:
    check_peer("http://news.example/", "93.184.216.34", AddressPolicy())
    check_peer("http://intranet.example/", "10.0.0.5", AddressPolicy(allow_private=True))
    with pytest.raises(BlockedAddressError, match="connected to"):
        check_peer("http://news.example/", "127.0.0.1", AddressPolicy())


async def test_system_resolver_resolves_localhost_to_loopback() -> None:
    addresses = await system_resolver("localhost", 80)
    assert addresses and not any(is_public_address(a) for a in addresses)
    with pytest.raises(BlockedAddressError):
        await check_url("http://localhost:8080/", AddressPolicy())
