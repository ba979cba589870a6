"""The lead image of an article: from the feed item, else from the article page.

Feed items: ``media:content`` (medium or type image), ``media:thumbnail``, and enclosures
of an image type. Pages: ``og:image`` (and its ``secure_url``), then ``twitter:image``.
Only ``https:`` URLs are kept: the platforms fetch the image themselves, and a plain
``http:`` or ``data:`` address is either refused by them or a tracking/mixed-content
risk. The URL is written by a third party, so it is checked for shape here (absolute,
https, a host, no spaces or control characters, bounded length); the bot never fetches
it itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urljoin, urlsplit

MAX_IMAGE_URL = 2048
_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif")
_PAGE_KEYS = (
    "og:image:secure_url",
    "og:image",
    "og:image:url",
    "twitter:image",
    "twitter:image:src",
)


def safe_image_url(value: object, base: str | None = None) -> str | None:
    """`value` as an absolute https URL fit to hand to a platform, or None."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    if not url or len(url) > MAX_IMAGE_URL:
        return None
    if base:
        try:
            url = urljoin(base, url)
        except ValueError:
            return None
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() != "https" or not host or parts.username or parts.password:
        return None
    return url


def entry_image(raw: Mapping[str, Any], base: str | None = None) -> str | None:
    """The first usable image of a feedparser entry (media:content, media:thumbnail,
    image enclosures), or None."""
    for candidate in _entry_candidates(raw):
        url = safe_image_url(candidate, base)
        if url is not None:
            return url
    return None


def _entry_candidates(raw: Mapping[str, Any]) -> Iterable[object]:
    for media in _dicts(raw.get("media_content")):
        medium = str(media.get("medium") or "").lower()
        kind = str(media.get("type") or "").lower()
        url = media.get("url")
        if (
            medium == "image"
            or kind.startswith("image/")
            or (not medium and not kind and _looks_like_image(url))
        ):
            yield url
    for thumbnail in _dicts(raw.get("media_thumbnail")):
        yield thumbnail.get("url")
    for link in (*_dicts(raw.get("enclosures")), *_dicts(raw.get("links"))):
        rel = str(link.get("rel") or "enclosure").lower()
        kind = str(link.get("type") or "").lower()
        if rel == "enclosure" and kind.startswith("image/"):
            yield link.get("href") or link.get("url")


def _dicts(value: object) -> list[Mapping[str, Any]]:
    if isinstance(value, Mapping):
        return [value]
    if isinstance(value, list | tuple):
        return [item for item in value[:20] if isinstance(item, Mapping)]
    return []


def _looks_like_image(url: object) -> bool:
    return isinstance(url, str) and urlsplit(url).path.lower().endswith(_IMAGE_SUFFIXES)


def meta_image(meta: Mapping[str, str], base: str | None = None) -> str | None:
    """The page's declared share image from its <meta> tags (name/property lower-cased
    -> content, as digest.extract reads them): og:image, then twitter:image; or None."""
    for key in _PAGE_KEYS:
        url = safe_image_url(meta.get(key), base)
        if url is not None:
            return url
    return None
