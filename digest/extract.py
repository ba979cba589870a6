"""Full-text extraction of article pages (on-demand /summary, feeds with teasers only).

trafilatura finds the article body (favouring precision: no comments, no widgets);
when it finds nothing we fall back to the page's og:description / meta description,
then to the page's plain text. The bytes are decoded by digest.parse.decode_document,
which copes with Arabic pages whose charset is missing or wrong. No network access.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import trafilatura

from .arabic import detect_language
from .images import meta_image
from .parse import clean_text, decode_document, element_text, parse_html_document

# Below this, trafilatura's "body" is a caption or a byline, not an article.
MIN_BODY_CHARS = 80
MAX_TREE_ELEMENTS = 20_000  # the largest real page in the fixtures has ~1,000
# A listing page: several paragraphs, most of their text inside links.
LISTING_MIN_PARAGRAPHS = 4
LISTING_LINK_SHARE = 0.5
# `0; url=...`: the blanks around the delay and the separator are each taken whole
# (possessive); with three plain \s* that may all be adjacent, a long run of blanks not
# followed by "url" was split in every possible way (cubic).
_REFRESH_URL = re.compile(r"""^\s*+\d*+\s*+[;,]?+\s*+url\s*+=\s*+['"]?+([^'"\s>]+)""", re.I)
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class ExtractedArticle:
    """The readable part of a page. `text` is plain, paragraphs joined with "\\n";
    empty when the page holds no readable text. `published` is UTC or None."""

    title: str | None
    text: str
    published: datetime | None
    language: str
    method: str = "trafilatura"  # "trafilatura" | "description" | "page-text" | "none"
    description: str | None = None
    redirect_url: str | None = None  # a <meta http-equiv="refresh"> target, resolved
    is_listing: bool = False  # a section/index page of teasers, not an article (text "")
    image_url: str | None = None  # og:image / twitter:image, https only (digest.images)


def extract_article(
    html: bytes | str, *, url: str | None, content_type: str | None = None
) -> ExtractedArticle:
    """Extract title, body text, publication date and language from an HTML page.

    Never raises on odd input; a page without readable text gives text="" and
    method="none"; a section page listing other articles gives text="",
    method="listing" and is_listing=True (summarising its teasers would mislead).
    """
    markup = html if isinstance(html, str) else decode_document(html, content_type).text
    root = parse_html_document(markup)
    meta = _read_meta(root)
    # Real pages have a few thousand elements; trafilatura would spend minutes on a 5 MB
    # tag soup. Beyond the limit only the cheap fallbacks run.
    small = root is not None and sum(1 for _ in root.iter()) <= MAX_TREE_ELEMENTS
    body, doc = _trafilatura(markup, url) if small else ("", None)
    title = _first(_attr(doc, "title"), meta.get("og:title"), meta.get("twitter:title"))
    title = title or (clean_text(meta["<title>"]) if meta.get("<title>") else None)
    description = _first(
        meta.get("og:description"), meta.get("description"), meta.get("twitter:description")
    )
    method = "trafilatura"
    listing = body.count("\n") >= LISTING_MIN_PARAGRAPHS - 1 and _is_listing(markup, url)
    if listing:
        body, method = "", "listing"
    elif len(body) < MIN_BODY_CHARS:
        # A caption-sized body: the page's own description is usually the better text.
        # The whole page's text (menus included) is the last resort, for bare pages.
        if description and len(description) > len(body):
            body, method = description, "description"
        elif not body:
            body = _page_text(root)
            method = "page-text" if body else "none"
    sample = " ".join(filter(None, (title, body[:2000])))
    return ExtractedArticle(
        title=title,
        text=body,
        published=_published(_attr(doc, "date"), meta),
        language=detect_language(sample) if sample else "ar",
        method=method,
        description=description,
        redirect_url=_refresh_target(meta.get("refresh"), url),
        is_listing=listing,
        image_url=meta_image(meta, url),
    )


def _is_listing(markup: str, url: str | None) -> bool:
    """True when most of the main text is link text: a page of teasers and headlines.

    Measured on the fixtures: the IT section index of nabd-sharqi has 0.9 of its main
    text inside links, 30 real Arabic article pages at most 0.05."""
    doc = _run_trafilatura(markup, url, include_links=True)
    body = getattr(doc, "body", None)
    if body is None:
        return False
    total = len("".join(body.itertext()))
    linked = sum(len("".join(ref.itertext())) for ref in body.iter("ref"))
    return total > 0 and linked / total >= LISTING_LINK_SHARE


def _trafilatura(markup: str, url: str | None) -> tuple[str, Any]:
    if not markup.strip():
        return "", None
    doc = _run_trafilatura(markup, url, include_links=False)
    text = _attr(doc, "text") or ""
    return clean_text(text), doc


def _run_trafilatura(markup: str, url: str | None, *, include_links: bool) -> Any:
    try:
        return trafilatura.bare_extraction(
            markup,
            url=url,
            favor_precision=True,
            include_comments=False,
            include_tables=False,
            include_images=False,
            include_links=include_links,
            with_metadata=not include_links,
            # htmldate's extensive search hands free text to dateparser, which loads
            # every locale (seconds per page); meta tags and markup are enough.
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception:  # trafilatura/lxml on hostile markup; the fallbacks still apply
        return None


def _attr(doc: Any, name: str) -> str | None:
    if doc is None:
        return None
    value = doc.get(name) if isinstance(doc, dict) else getattr(doc, name, None)
    return value if isinstance(value, str) and value.strip() else None


def _first(*values: str | None) -> str | None:
    for value in values:
        if value and value.strip():
            return clean_text(value)
    return None


def _page_text(root: Any) -> str:
    body = root.find("body") if root is not None else None
    text = clean_text(element_text(body if body is not None else root)) if root is not None else ""
    return text if len(text) >= 20 else ""


def _published(found: str | None, meta: dict[str, str]) -> datetime | None:
    candidates = [
        meta.get("article:published_time"),
        meta.get("og:published_time"),
        meta.get("datepublished"),
        meta.get("date"),
        found,
    ]
    for value in candidates:
        moment = _iso(value)
        if moment is not None:
            return moment
    return None


def _iso(value: str | None) -> datetime | None:
    if not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    return moment if 1990 <= moment.year <= 2200 else None


def _refresh_target(refresh: str | None, base: str | None) -> str | None:
    match = _REFRESH_URL.match(refresh or "")
    if match is None:
        return None
    target = match.group(1)
    return urljoin(base, target) if base else target


def _read_meta(root: Any) -> dict[str, str]:
    """<meta> name/property -> content (first wins), "<title>" and "refresh"."""
    meta: dict[str, str] = {}
    if root is None:
        return meta
    for element in root.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop")
        if str(element.get("http-equiv") or "").lower() == "refresh":
            key = "refresh"
        content = element.get("content")
        if key and content is not None:
            meta.setdefault(str(key).lower(), str(content))
    title = root.find(".//title")
    if title is not None:
        meta["<title>"] = str(title.text_content())
    return meta
