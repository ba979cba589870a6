"""Article identity: the keys that make "the same item" recognisable across fetches.

Feeds change scheme, add tracking parameters, re-encode Arabic paths, drop or repeat
GUIDs and re-publish items under a new link. An article gets several keys; storage
treats a match on ANY of them as "already seen", so the same item is never posted twice.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from urllib.parse import parse_qsl, quote, unquote_to_bytes, urlencode, urlsplit, urlunsplit

from .arabic import normalize
from .models import Entry

# Query parameters that only track where a click came from.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "ref",
        "ref_src",
        "ref_url",
        "referrer",
        "source",
        "spm",
        "cmpid",
        "ocid",
        "_ga",
        "_gl",
        "at_medium",
        "at_campaign",
    }
)
TRACKING_PREFIXES = ("utm_", "ns_", "pk_", "mtm_", "hsa_")
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Characters left unescaped in a path segment (RFC 3986 pchar minus "/").
_PATH_SAFE = "!$&'()*+,;=:@-._~"
_QUERY_SAFE = "!$'()*,;:@/?-._~"
_PUNCTUATION_OR_SYMBOL = re.compile(r"[^\w\s]|_", re.UNICODE)
_WHITESPACE = re.compile(r"\s+")
# Shorter title keys ("Huh?", "تحديث") would merge unrelated items of one feed.
MIN_TITLE_KEY_CHARS = 4


def canonical_url(url: str) -> str:
    """One spelling per address: lowercase scheme and host, https, no www., no default
    port, no fragment, no trailing slash, no tracking parameters, sorted query, and one
    percent-encoding (UTF-8, uppercase hex, NFC) for Arabic and other non-ASCII paths.

    Anything that is not an http(s) URL (a file path, a tag: URI) is returned stripped.
    """
    text = url.strip()
    try:
        parts = urlsplit(text)
        scheme = parts.scheme.lower()
        if scheme not in _DEFAULT_PORTS or not parts.hostname:
            return text
        host = _host(parts.hostname)
        port = parts.port
    except ValueError:  # bad port, bad IPv6 literal
        return text
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = "/".join(_segment(s) for s in parts.path.split("/"))
    path = path.rstrip("/") or "/"
    query = _query(parts.query)
    return urlunsplit(("https", netloc, path, query, ""))


def title_key(title: str) -> str:
    """Normalised title for matching: Arabic spelling folded (digest.arabic.normalize),
    punctuation and symbols (including ؟ ، ؛) removed, whitespace collapsed."""
    folded = _PUNCTUATION_OR_SYMBOL.sub(" ", normalize(title))
    return _WHITESPACE.sub(" ", folded).strip()


def article_keys(entry: Entry) -> list[str]:
    """Identity keys of an entry, strongest first:

    - ``url:<canonical url>`` when the entry has a link;
    - ``guid:<feed>|<guid>`` when it has a GUID (GUIDs are only unique within a feed);
    - ``title:<feed>|<title key>`` so a re-posted item with a new link is still caught.

    ``<feed>`` is ``entry.feed_url`` exactly as stored, so that Storage.move_feed can
    rewrite these keys when a feed moves (a permanent redirect).
    """
    feed = entry.feed_url
    keys: list[str] = []
    if entry.url and entry.url.strip():
        keys.append(f"url:{canonical_url(entry.url)}")
    if entry.guid and entry.guid.strip():
        keys.append(f"guid:{feed}|{entry.guid.strip()}")
    key = title_key(entry.title)
    if len(key) >= MIN_TITLE_KEY_CHARS:
        keys.append(f"title:{feed}|{key}")
    return keys


def _host(hostname: str) -> str:
    host = hostname.lower().rstrip(".")
    # A host IDNA cannot encode keeps its Unicode form; still one consistent spelling.
    with contextlib.suppress(UnicodeError):
        host = host.encode("idna").decode("ascii")
    if host.startswith("www."):
        host = host[4:]
    return f"[{host}]" if ":" in host else host


def _segment(segment: str) -> str:
    """Decode then re-encode, so raw and percent-encoded Arabic give the same bytes."""
    try:
        raw = unquote_to_bytes(segment)
    except UnicodeError:  # lone surrogates cannot even be encoded: keep as is
        return segment
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:  # not UTF-8 (e.g. %E9 in Latin-1): escape the bytes as they are
        return quote(raw, safe=_PATH_SAFE)
    return quote(unicodedata.normalize("NFC", text), safe=_PATH_SAFE)


def _query(query: str) -> str:
    if not query:
        return ""
    pairs = [
        (key, value)
        for key, value in parse_qsl(query, keep_blank_values=True)
        if not _is_tracking(key)
    ]
    pairs.sort()
    return urlencode(pairs, quote_via=quote, safe=_QUERY_SAFE)


def _is_tracking(key: str) -> bool:
    lowered = key.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)
