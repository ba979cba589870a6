"""Parse phase: feed bytes -> ParsedFeed.

feedparser does the XML work; this module decides the character encoding first (feeds lie
about it: undeclared windows-1256 Arabic, UTF-8 declared as something else, BOMs, UTF-16
without BOM), hands feedparser clean UTF-8, and turns its loosely typed output into
frozen `Entry` values with plain text, UTC dates and absolute links.

`parse_feed` raises only `ParseError`, whatever the input.
"""

from __future__ import annotations

import calendar
import codecs
import gzip
import io
import json
import re
import time
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html import unescape
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
from lxml import html as lxml_html

from .arabic import detect_language, normalize
from .errors import ParseError
from .images import entry_image
from .models import Entry, ParsedFeed

# Bodies are capped by the fetcher; this bounds what a gzip bomb may expand to.
MAX_DECOMPRESSED_BYTES = 50 * 1024 * 1024
# A fallback headline made from the summary is cut at this many characters.
FALLBACK_TITLE_CHARS = 90

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_XML_DECL_ENCODING = re.compile(
    rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._:\-]{1,40})["']"""
)
_XML_DECL_ENCODING_TEXT = re.compile(
    r"""(^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["'])([^"']{0,40})(["'])"""
)
_CHARSET_PARAM = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:\-]{1,40})""", re.I)
# Single-byte code pages that mis-declared Arabic feeds usually claim.
_LATIN_SINGLE_BYTE = {"cp1252", "iso8859_1", "latin_1", "iso8859_15", "ascii"}
_ARABIC_LETTERS = re.compile("[\u0621-\u064a]")
_ARABIC_WORD = re.compile("[\u0621-\u064a]{2,}")
_HTML_ROOT = re.compile(rb"<(!doctype\s+html|html[\s>])", re.I)
_HAS_ENTITY = re.compile(r"&(#\d{1,7}|#x[0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_SPACES = re.compile(r"[ \t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# <title> nested in these blocks is not the item's title, but feedparser would take it
# (author job titles in Google's feeds, <image> inside <item>, channel <textInput>).
_NESTED_TITLE_OPEN = re.compile(
    r"<((?:[\w.-]{1,40}:)?(?:author|image|textinput))\b[^<>]{0,500}>", re.I
)
_NESTED_BLOCK_CHARS = 2000
# No back-references or nested "any" quantifiers: linear on hostile input.
_NESTED_TITLE = re.compile(
    r"<(?:[\w.-]{1,40}:)?title\b[^<>]{0,200}>"
    r"(?:[^<]|<!\[CDATA\[[^\]]{0,2000}\]\]>){0,2000}</(?:[\w.-]{1,40}:)?title\s*>",
    re.I,
)


@dataclass(frozen=True)
class DecodedText:
    """A document's text, the encoding it was read with, and what was odd about it."""

    text: str
    encoding: str
    warning: str | None = None


# --- public API ------------------------------------------------------------------------


def parse_feed(content: bytes, *, url: str, content_type: str | None = None) -> ParsedFeed:
    """Parse a feed document.

    `url` is where the feed lives (used as the base for relative links and for entry
    `feed_url`); `content_type` is the HTTP Content-Type header, whose charset is one hint
    among others. Recoverable problems are returned in `ParsedFeed.warnings`.

    Raises: ParseError when the bytes hold no feed we can read (empty, HTML page, garbage).
    """
    try:
        return _parse(content, url=url, content_type=content_type)
    except ParseError:
        raise
    except Exception as exc:  # feedparser or a codec tripping on hostile input
        raise ParseError(url, f"unreadable feed ({type(exc).__name__}: {exc})") from exc


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment: tags dropped, entities unescaped, whitespace
    collapsed, paragraph/line breaks kept as single "\\n". Linear time on any input
    (libxml2's HTML parser; the stdlib HTMLParser is quadratic on unclosed tags)."""
    if "<" not in html:
        return clean_text(unescape(html))
    root = _html_fragment(html)
    if root is None:
        return clean_text(unescape(re.sub(r"<[^<>]*>", " ", html)))
    return clean_text(element_text(root))


def clean_text(text: str) -> str:
    """Collapse runs of spaces, drop control characters and blank lines; lines kept."""
    if _HAS_ENTITY.search(text):  # double-escaped HTML ("&amp;eacute;") after one pass
        text = unescape(text)
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def discover_feeds(html: bytes | str, *, base_url: str | None = None) -> list[str]:
    """Feed URLs a web page advertises (<link rel="alternate" type="application/rss+xml">
    and the Atom/JSON Feed equivalents), absolute when `base_url` is http(s), in page
    order without duplicates. For "add this site" commands and for the error message
    when a page is given where a feed was expected."""
    markup = html if isinstance(html, str) else decode_document(html).text
    root = parse_html_document(markup)
    hrefs: list[str] = []
    for element in root.iter("link", "a") if root is not None else ():
        rel = str(element.get("rel") or "").lower().split()
        kind = str(element.get("type") or "").lower().split(";")[0].strip()
        href = str(element.get("href") or "").strip()
        if "alternate" in rel and kind in _FEED_TYPES and href:
            hrefs.append(href)
    base = base_url if base_url and _is_http(base_url) else None
    found: list[str] = []
    for href in hrefs:
        absolute = _absolute(href, base) or href
        if absolute not in found:
            found.append(absolute)
    return found


# --- decoding --------------------------------------------------------------------------


def _parse(content: bytes, *, url: str, content_type: str | None) -> ParsedFeed:
    warnings: list[str] = []
    if not content or not content.strip():
        raise ParseError(url, "empty document")
    content = _maybe_decompress(content, url, warnings)
    if _looks_like_html(content[:4096]):
        found = discover_feeds(content, base_url=url)
        hint = f"; it links to these feeds: {', '.join(found[:3])}" if found else ""
        raise ParseError(url, f"not a feed: the document is an HTML page{hint}")
    stripped = content.lstrip()
    if stripped.startswith((b"{", b"[")):
        return _parse_json_feed(stripped, url=url, warnings=warnings)

    decoded = decode_document(content, content_type)
    if decoded.warning:
        warnings.append(decoded.warning)
    text = decoded.text.lstrip("\ufeff").lstrip()
    # Tell feedparser the truth: the bytes it gets are UTF-8 whatever the prolog said.
    text = _XML_DECL_ENCODING_TEXT.sub(r"\1utf-8\3", text, count=1)
    text = _drop_nested_titles(text)
    # No content-location: feedparser would "resolve" relative GUIDs ("1559104147038")
    # against it, and a GUID must stay as the feed wrote it. Links are resolved in _entry.
    headers = {"content-type": "application/xml; charset=utf-8"}
    result = feedparser.parse(
        io.BytesIO(text.encode("utf-8")),
        response_headers=headers,
        # We flatten HTML to plain text ourselves: sanitising and rewriting relative URIs
        # inside the markup would cost most of the parse time for nothing.
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    return _build(result, url=url, warnings=warnings)


def _drop_nested_titles(text: str) -> str:
    """Remove <title> elements nested in <author>, <image> and <textInput> blocks."""
    if "<title" not in text.lower():
        return text
    pieces: list[str] = []
    done = 0
    lowered = text.lower()
    for opener in _NESTED_TITLE_OPEN.finditer(text):
        if opener.start() < done or opener.group(0).endswith("/>"):
            continue  # inside a block already handled, or self-closing
        close = lowered.find(
            f"</{opener.group(1).lower()}", opener.end(), opener.end() + _NESTED_BLOCK_CHARS
        )
        if close < 0:
            continue
        inner = text[opener.end() : close]
        if re.search(r"<(?:[\w.-]{1,40}:)?(?:item|entry)\b", inner, re.I):
            continue  # not a real block (unclosed): leave it be
        pieces.append(text[done : opener.end()])
        pieces.append(_NESTED_TITLE.sub("", inner))
        done = close
    pieces.append(text[done:])
    return "".join(pieces)


def _looks_like_html(head: bytes) -> bool:
    """True when the document starts like a web page (after BOM, prolog, comments)."""
    pos = 3 if head.startswith(codecs.BOM_UTF8) else 0
    while True:
        while pos < len(head) and head[pos] in b" \t\r\n\f\v":
            pos += 1
        if head.startswith(b"<?", pos):
            end = head.find(b"?>", pos)
            pos = end + 2
        elif head.startswith(b"<!--", pos):
            end = head.find(b"-->", pos + 4)
            pos = end + 3
        else:
            break
        if end < 0:
            return False
    return _HTML_ROOT.match(head, pos) is not None


def decode_document(content: bytes, content_type: str | None = None) -> DecodedText:
    """Decide the encoding of a feed or page and decode it.

    Order: BOM; UTF-16 by byte pattern; valid UTF-8 (a non-ASCII document that decodes
    as UTF-8 is UTF-8, whatever it declares); nearly valid UTF-8 (see _nearly_utf8),
    with replacement characters; the HTTP charset, then the declared one
    (unless it is a Latin code page and the bytes read as Arabic in windows-1256);
    windows-1256 when that yields mostly Arabic letters; charset detection; cp1252.
    """
    for bom, encoding in _BOMS:
        if content.startswith(bom):
            return DecodedText(content[len(bom) :].decode(encoding, errors="replace"), encoding)
    head = content[:4]
    if len(head) == 4 and 0 not in head[0::2] and head[1::2] == b"\x00\x00":
        return DecodedText(content.decode("utf-16-le", errors="replace"), "utf-16-le")
    if len(head) == 4 and head[0::2] == b"\x00\x00" and 0 not in head[1::2]:
        return DecodedText(content.decode("utf-16-be", errors="replace"), "utf-16-be")

    declared = [e for e in (_http_charset(content_type), _declared_charset(content)) if e]
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if declared and declared[0] not in ("utf_8", "ascii") and not content.isascii():
            return DecodedText(text, "utf-8", f"declared {declared[0]} but the bytes are UTF-8")
        return DecodedText(text, "utf-8")
    nearly = _nearly_utf8(content)
    if nearly is not None:
        return nearly

    arabic = _try_cp1256(content)
    for encoding in declared:
        if encoding.startswith(("utf_16", "utf_32", "utf_8")):
            continue  # declared Unicode but not valid as such: a lie, try the rest
        try:
            text = content.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        if encoding in _LATIN_SINGLE_BYTE and arabic is not None:
            return DecodedText(
                arabic, "cp1256", f"declared {encoding} but the text is windows-1256"
            )
        return DecodedText(text, encoding)
    if arabic is not None:
        note = f"declared {declared[0]} but " if declared else ""
        return DecodedText(arabic, "cp1256", f"{note}detected windows-1256 Arabic")
    guessed = _detect(content)
    if guessed is not None:
        return DecodedText(guessed[0], guessed[1], f"encoding guessed as {guessed[1]}")
    return DecodedText(content.decode("cp1252", errors="replace"), "cp1252", "unknown encoding")


# A document is read as UTF-8 with replacement when its invalid sequences are at most
# one in NEARLY_UTF8_RATIO of its valid non-ASCII characters, and it has at least
# NEARLY_UTF8_MIN of those. Text in a single-byte code page (windows-1256 Arabic, Latin)
# decoded as UTF-8 is nearly all invalid sequences: its letters are bytes >= 0x80 that
# are rarely followed by the continuation bytes UTF-8 needs.
NEARLY_UTF8_RATIO = 50
NEARLY_UTF8_MIN = 20


def _nearly_utf8(content: bytes) -> DecodedText | None:
    """UTF-8 with a few invalid bytes (a truncated character, one stray byte) as UTF-8
    with U+FFFD for them, rather than the whole document as mojibake in a single-byte
    code page ("Ù‚Ù†Ø§Ø©" for "قناة", issue #12); None when it is not nearly UTF-8."""
    text = content.decode("utf-8", errors="replace")
    replaced = text.count("\ufffd")
    invalid = replaced - content.count("\ufffd".encode())
    valid = sum(1 for ch in text if ord(ch) > 127) - replaced
    if valid < NEARLY_UTF8_MIN or invalid * NEARLY_UTF8_RATIO > valid:
        return None
    return DecodedText(text, "utf-8", f"{invalid} invalid UTF-8 sequence(s) replaced")


def _codec_name(label: str) -> str | None:
    try:
        return codecs.lookup(label.strip().lower()).name.replace("-", "_")
    except (LookupError, ValueError):
        return None


def _http_charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    match = _CHARSET_PARAM.search(content_type)
    return _codec_name(match.group(1)) if match else None


def _declared_charset(content: bytes) -> str | None:
    match = _XML_DECL_ENCODING.match(content[:512])
    if match is None:
        match = re.search(
            rb"""<meta[^>]{0,200}charset\s*=\s*["']?([A-Za-z0-9._:\-]{1,40})""",
            content[:32768],
            re.I,
        )
    return _codec_name(match.group(1).decode("ascii")) if match else None


def _try_cp1256(content: bytes) -> str | None:
    """The text as windows-1256 when that makes it mostly Arabic letters, else None."""
    try:
        text = content.decode("cp1256")
    except UnicodeDecodeError:
        return None
    non_ascii_letters = [ch for ch in text if ord(ch) > 127 and ch.isalpha()]
    if len(non_ascii_letters) < 8:
        return None
    arabic = sum(1 for ch in non_ascii_letters if _ARABIC_LETTERS.match(ch))
    if arabic / len(non_ascii_letters) < 0.8:
        return None
    # Other single-byte scripts (KOI8-R Russian above all) also land on Arabic letters in
    # windows-1256, but as letter salad. Real Arabic is full of the article "ال".
    words = _ARABIC_WORD.findall(text)
    with_article = sum(1 for word in words if "ال" in word)
    return text if words and with_article / len(words) >= 0.12 else None


def _detect(content: bytes) -> tuple[str, str] | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # optional: trafilatura brings it in
        return None
    best = from_bytes(content[:200_000]).best()
    if best is None or best.encoding is None:
        return None
    try:
        return content.decode(best.encoding, errors="replace"), best.encoding
    except LookupError:
        return None


def _maybe_decompress(content: bytes, url: str, warnings: list[str]) -> bytes:
    """Some servers send gzip bodies without Content-Encoding; sniff the magic number."""
    if not content.startswith(b"\x1f\x8b"):
        return content
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(content)) as stream:
            data = stream.read(MAX_DECOMPRESSED_BYTES + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise ParseError(url, f"corrupt gzip body ({exc})") from exc
    if len(data) > MAX_DECOMPRESSED_BYTES:
        raise ParseError(url, "gzip body expands beyond the size cap")
    warnings.append("body was gzip-compressed without Content-Encoding")
    return data


# --- building entries ------------------------------------------------------------------


def _build(result: Any, *, url: str, warnings: list[str]) -> ParsedFeed:
    feed: Mapping[str, Any] = result.get("feed", {}) or {}
    raw_entries: list[Mapping[str, Any]] = list(result.get("entries", []) or [])
    version: str = result.get("version", "") or ""
    bozo_exc = result.get("bozo_exception") if result.get("bozo") else None

    if not raw_entries:
        if version and not bozo_exc:
            pass  # a well-formed feed that has no items yet
        elif version and (feed.get("title") or feed.get("link")):
            warnings.append(_describe(bozo_exc))
        else:
            reason = _describe(bozo_exc) if bozo_exc else "no feed elements found"
            raise ParseError(url, f"not a feed: {reason}")
    elif bozo_exc is not None and not _harmless(bozo_exc):
        warnings.append(
            f"feed is malformed, recovered {len(raw_entries)} entries: {_describe(bozo_exc)}"
        )

    feed_link = _absolute(_str(feed.get("link")), url)
    base = url if _is_http(url) else feed_link
    entries: list[Entry] = []
    seen: set[str] = set()
    dropped_dupes = dropped_empty = 0
    for raw in raw_entries:
        entry = _entry(raw, feed_url=url, base=base)
        if entry is None:
            dropped_empty += 1
            continue
        key = entry.guid or entry.url
        if key is not None:
            if key in seen:
                dropped_dupes += 1
                continue
            seen.add(key)
        entries.append(entry)
    if dropped_dupes:
        warnings.append(f"{dropped_dupes} duplicate entries (same guid/link) dropped")
    if dropped_empty:
        warnings.append(f"{dropped_empty} entries without title, link or text dropped")
    if raw_entries and not entries:
        raise ParseError(url, "feed has entries but none with a title, link or text")

    title = clean_text(_str(feed.get("title")) or "") or None
    return ParsedFeed(
        url=url,
        title=title,
        link=feed_link,
        language=_feed_language(entries, _str(feed.get("language"))),
        entries=tuple(entries),
        warnings=tuple(warnings),
    )


def _entry(raw: Mapping[str, Any], *, feed_url: str, base: str | None) -> Entry | None:
    summary = _detail_text(raw.get("summary_detail"), _str(raw.get("summary")))
    contents = [_detail_text(c, None) for c in (raw.get("content") or []) if isinstance(c, Mapping)]
    content = max(contents, key=len, default="")
    if content == summary:
        content = ""
    title = _detail_text(raw.get("title_detail"), _str(raw.get("title"))).replace("\n", " ")
    link = _absolute(_entry_link(raw), base)
    guid = (_str(raw.get("id")) or "").strip() or None
    if not title:
        title = _fallback_title(summary or content)
    if not title and not link and not summary and not content:
        return None
    author = clean_text(_str(raw.get("author")) or "") or None
    sample = " ".join((title, summary[:500], content[:500]))
    return Entry(
        feed_url=feed_url,
        title=title,
        url=link,
        guid=guid,
        summary=summary,
        content=content,
        published=(
            _date(raw.get("published_parsed"))
            or _date(raw.get("updated_parsed"))
            or parse_arabic_date(_str(raw.get("published")) or _str(raw.get("updated")) or "")
        ),
        author=author,
        language=detect_language(sample) if sample.strip() else None,
        image_url=entry_image(raw, base),
    )


def _entry_link(raw: Mapping[str, Any]) -> str | None:
    link = _str(raw.get("link"))
    if link:
        return link
    for candidate in raw.get("links") or []:
        if isinstance(candidate, Mapping) and candidate.get("rel", "alternate") == "alternate":
            href = _str(candidate.get("href"))
            if href:
                return href
    return None


def _detail_text(detail: Any, fallback: str | None) -> str:
    if isinstance(detail, Mapping):
        value = _str(detail.get("value"))
        kind = _str(detail.get("type")) or ""
    else:
        value, kind = fallback, "text/html"
    if not value:
        return ""
    if kind == "text/plain":
        return clean_text(value)
    return html_to_text(value)


def _fallback_title(text: str) -> str:
    first = text.split("\n", 1)[0].strip()
    if len(first) <= FALLBACK_TITLE_CHARS:
        return first
    cut = first[:FALLBACK_TITLE_CHARS].rsplit(" ", 1)[0]
    return cut + "…"


def _date(value: Any) -> datetime | None:
    if not isinstance(value, time.struct_time):
        return None
    try:
        moment = datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    except (OverflowError, ValueError, OSError):
        return None
    return moment if 1990 <= moment.year <= 2200 else None


_MONTHS = {
    normalize(name): number
    for number, names in enumerate(
        (
            "يناير كانون الثاني جانفي",
            "فبراير شباط فيفري",
            "مارس آذار",
            "أبريل إبريل نيسان أفريل",
            "مايو أيار ماي",
            "يونيو يونيه حزيران جوان",
            "يوليو يوليه تموز جويلية",
            "أغسطس آب أوت",
            "سبتمبر أيلول",
            "أكتوبر تشرين الأول",
            "نوفمبر تشرين الثاني",
            "ديسمبر كانون الأول",
        ),
        start=1,
    )
    for name in re.findall(r"(?:كانون|تشرين) \S+|\S+", names)
}
_MONTH_NAMES = "|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True))
# The other name of the month around a "/" ("آب/أغسطس") is one word of at most 20
# characters without "/" (and, after the month, without a comma): with \S+ there,
# "1.1.1...." or "أغسطس/أغسطس/..." was rescanned to its end from each digit or month
# name (quadratic).
_ARABIC_DATE = re.compile(
    rf"(?<!\d)(\d{{1,2}})\s*(?:/\s*)?(?:[^\s/]{{1,20}}\s*/\s*)?({_MONTH_NAMES})"
    rf"(?:\s*/\s*[^\s/,،]{{1,20}})?[\s,،]+(\d{{4}})"
)
_CLOCK = re.compile(
    r"(?<!\d)(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(ص|م|am|pm)?(?:\s*(?:gmt|utc)?\s*([+-])(\d{1,2}):?(\d{2})?)?"
)


def parse_arabic_date(text: str) -> datetime | None:
    """Dates written the Arabic way, which feedparser does not read: "26 أغسطس 2024",
    "الاثنين ٢٦ آب/أغسطس ٢٠٢٤ - 10:30 م", Levantine and Maghrebi month names. A time
    without offset is taken as UTC. None when no such date is found."""
    folded = normalize(text[:200])  # folds alef/ya forms and Arabic-Indic digits
    match = _ARABIC_DATE.search(folded)
    if match is None:
        return None
    day, month, year = int(match.group(1)), _MONTHS[match.group(2)], int(match.group(3))
    hour = minute = second = 0
    offset = timedelta(0)
    clock = _CLOCK.search(folded, match.end()) or _CLOCK.search(folded)
    if clock is not None:
        hour, minute, second = int(clock.group(1)), int(clock.group(2)), int(clock.group(3) or 0)
        if clock.group(4) in ("م", "pm") and hour < 12:
            hour += 12
        elif clock.group(4) in ("ص", "am") and hour == 12:
            hour = 0
        if clock.group(5):
            sign = 1 if clock.group(5) == "+" else -1
            offset = sign * timedelta(hours=int(clock.group(6)), minutes=int(clock.group(7) or 0))
    try:
        moment = datetime(year, month, day, hour, minute, second, tzinfo=UTC) - offset
    except ValueError:
        return None
    return moment if 1990 <= moment.year <= 2200 else None


def _absolute(link: str | None, base: str | None) -> str | None:
    if not link:
        return None
    link = link.strip()
    if not link:
        return None
    if base and not urlsplit(link).scheme:
        try:
            return urljoin(base, link)
        except ValueError:
            return link
    return link


def _feed_language(entries: Iterable[Entry], declared: str | None) -> str | None:
    # Declared languages are often wrong (Persian feeds saying "en-us"), so Arabic-script
    # text wins; otherwise the declaration is more precise than our ar/en detector.
    votes = [e.language for e in entries if e.language]
    detected = max(set(votes), key=votes.count) if votes else None
    code = re.split(r"[-_]", declared.strip())[0].lower() if declared else ""
    if detected == "ar" or not code.isalpha() or len(code) > 3:
        return detected
    return code


def _harmless(exc: Any) -> bool:
    # We transcode to UTF-8 ourselves, so feedparser's encoding notes are not news.
    return type(exc).__name__ in {"CharacterEncodingOverride", "NonXMLContentType"}


def _describe(exc: Any) -> str:
    if exc is None:
        return "no feed elements found"
    # SAX parse errors carry their message and position behind methods.
    get_message = getattr(exc, "getMessage", None)
    message = str(get_message()) if callable(get_message) else str(exc)
    line = getattr(exc, "getLineNumber", None)
    where = f" (line {line()})" if callable(line) else ""
    return f"{message or type(exc).__name__}{where}"


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _is_http(url: str) -> bool:
    return url.lower().startswith(("http://", "https://"))


# --- JSON Feed -------------------------------------------------------------------------


def _parse_json_feed(document: bytes, *, url: str, warnings: list[str]) -> ParsedFeed:
    """JSON Feed (jsonfeed.org) 1.x, which some sites serve where RSS was expected."""
    try:
        data = json.loads(decode_document(document).text)
    except (ValueError, RecursionError) as exc:
        raise ParseError(url, "not a feed: JSON that does not parse") from exc
    if not isinstance(data, dict) or "jsonfeed.org" not in str(data.get("version", "")):
        raise ParseError(url, "not a feed: JSON document that is not a JSON Feed")
    items = data.get("items")
    if not isinstance(items, list):
        raise ParseError(url, "JSON Feed without an items list")
    home = _str(data.get("home_page_url"))
    base = url if _is_http(url) else home
    entries: list[Entry] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        html = _str(item.get("content_html"))
        body = html_to_text(html) if html else clean_text(_str(item.get("content_text")) or "")
        summary = clean_text(_str(item.get("summary")) or "")
        title = clean_text(_str(item.get("title")) or "") or _fallback_title(summary or body)
        link = _absolute(_str(item.get("url")), base)
        if not (title or link or body):
            continue
        guid = item.get("id")
        sample = " ".join((title, summary[:500], body[:500]))
        entries.append(
            Entry(
                feed_url=url,
                title=title,
                url=link,
                guid=str(guid) if guid not in (None, "") else None,
                summary=summary or body[:500],
                content=body if summary else "",
                published=_iso_date(item.get("date_published"))
                or _iso_date(item.get("date_modified")),
                author=_json_author(item),
                language=detect_language(sample) if sample.strip() else None,
            )
        )
    warnings.append("JSON Feed (not RSS/Atom)")
    return ParsedFeed(
        url=url,
        title=clean_text(_str(data.get("title")) or "") or None,
        link=_absolute(home, url if _is_http(url) else None),
        language=_feed_language(entries, _str(data.get("language"))),
        entries=tuple(entries),
        warnings=tuple(warnings),
    )


def _iso_date(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _json_author(item: Mapping[str, Any]) -> str | None:
    authors = item.get("authors") or (
        [item["author"]] if isinstance(item.get("author"), dict) else []
    )
    for author in authors if isinstance(authors, list) else []:
        if isinstance(author, dict) and _str(author.get("name")):
            return clean_text(str(author["name"])) or None
    return None


# --- HTML to text ----------------------------------------------------------------------

_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"}
    | {"pre", "tr", "table", "section", "article", "header", "footer", "figure"}
    | {"figcaption", "dd", "dt", "hr"}
)
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "iframe", "object"})


_FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/feed+json"})


_CELL_TAGS = frozenset({"td", "th"})


def parse_html_document(markup: str) -> Any:
    """A whole HTML page as an lxml element tree, or None when nothing parses."""
    cleaned = _CONTROL.sub("", markup)
    if not cleaned.strip():
        return None
    try:
        return lxml_html.document_fromstring(cleaned)
    except Exception:  # lxml raises ParserError, ValueError, even AssertionError on junk
        return None


def _html_fragment(html: str) -> Any:
    try:
        return lxml_html.fragment_fromstring(_CONTROL.sub("", html), create_parent="div")
    except Exception:  # lxml raises ParserError, ValueError, even AssertionError on junk
        return None


# A line break in HTML source text is a space, as a browser shows it (feeds hard-wrap
# their paragraphs at ~75 characters); a ">" opening a source line is an e-mail style
# quote marker some feeds leave in their HTML. A blank line still separates paragraphs:
# sloppy feeds put plain text with blank lines between paragraphs into their HTML.
# Leading blanks are only taken from the start of their run, `(?<![ \t])`: a match from
# inside a run exists only if one from its start does, so the result is the same, but a
# long run of blanks that is not followed by a line break is no longer scanned again
# from each of its positions (quadratic).
_SOURCE_BREAK = re.compile(r"(?:(?<![ \t])[ \t]+)?\n(?:[ \t]*>(?=[ \t]))?[ \t]*")
_BLANK_LINE = re.compile(r"(?:(?<![ \t])[ \t]+)?\n[ \t]*\n\s*")


def _flow(text: str) -> str:
    if "\n" not in text:
        return text
    return "\n".join(_SOURCE_BREAK.sub(" ", part) for part in _BLANK_LINE.split(text))


def element_text(root: Any) -> str:
    """Text of an element tree: blocks on their own lines, scripts and styles dropped,
    line breaks of the source text read as spaces (except inside <pre>). Iterative (no
    recursion limit on deep markup)."""
    parts: list[str] = []
    skip = 0
    pre = 0
    stack: list[tuple[Any, bool]] = [(root, True)]

    def add(text: str) -> None:
        parts.append(text if pre else _flow(text))  # `pre` as it is at this point

    while stack:
        element, entering = stack.pop()
        tag = element.tag.lower() if isinstance(element.tag, str) else None
        if entering:
            if tag is None:  # comment or processing instruction: only its tail is text
                if not skip and element.tail:
                    add(element.tail)
                continue
            if tag in _SKIP_TAGS:
                skip += 1
            elif not skip:
                if tag == "pre":
                    pre += 1
                if tag in _BLOCK_TAGS:
                    parts.append("\n")
                elif tag in _CELL_TAGS:
                    parts.append(" ")  # cells of a row stay apart
                if element.text:
                    add(element.text)
            stack.append((element, False))
            stack.extend((child, True) for child in reversed(element))
        else:
            if tag in _SKIP_TAGS:
                skip -= 1
            elif not skip and tag in _BLOCK_TAGS:
                parts.append("\n")
            if tag == "pre" and not skip:
                pre -= 1
            if not skip and element.tail and element is not root:
                add(element.tail)
    return "".join(parts)
