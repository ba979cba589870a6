"""OPML subscription lists in and out (issue #16 point 2), platform-free.

Reading: `read_opml` checks the bytes before any parser sees them, then hands them to
listparser (the feedparser author's OPML parser) and returns the feeds it found with
their titles and folders. The checks, each refused with an `OpmlError` whose `code`
the chat texts are chosen by:

* ``too_large``: more than `max_bytes` (5 MB by default), before decoding;
* ``not_text``: bytes that do not decode in the encoding the document declares;
* ``doctype``: any ``<!DOCTYPE`` or ``<!ENTITY`` (billion laughs and external entities
  are refused outright: an OPML file has no use for a DTD; listparser's libxml2 HTML
  parser would not expand them either, this makes the refusal explicit);
* ``too_many``: more than `max_outlines` ``<outline`` elements (10,000);
* ``not_opml``: no ``<opml>`` root (not XML at all, an HTML page, an RSS feed...).

Every check is a linear scan (substring search, count). listparser is only ever given
bytes: given a str that starts with http(s):// it would fetch that URL itself.

Writing: `write_opml` produces OPML 2.0 (ElementTree escapes the text): one
``<outline type="rss">`` per feed with ``text``, ``title``, ``xmlUrl`` and, when given,
``category`` ("/ai,/security": the OPML 2.0 category syntax).
"""

from __future__ import annotations

import codecs
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from typing import Any

import listparser

from .errors import NewsdigestError

MAX_OPML_BYTES = 5 * 1024 * 1024
MAX_OUTLINES = 10_000

_DECLARED = re.compile(rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._-]{1,40})["']""")
_DECLARATION = re.compile(r"^\s*<\?xml[^>]{0,200}\?>")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class OpmlError(NewsdigestError):
    """The file is refused as a whole. `code` is one of too_large, not_text, doctype,
    too_many, not_opml; `limit` the limit that was passed, when there is one."""

    def __init__(self, code: str, message: str, *, limit: int = 0) -> None:
        super().__init__(message)
        self.code = code
        self.limit = limit


@dataclass(frozen=True)
class OpmlEntry:
    """One feed outline: its address as written, its title, and its folders
    ("Tech/Arabic") and categories, each as one slash-joined path."""

    url: str
    title: str = ""
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class OpmlDocument:
    title: str
    entries: tuple[OpmlEntry, ...]
    outlines: int  # <outline elements counted (folders included)


@dataclass(frozen=True)
class OpmlFeed:
    """A feed to write: address, title, categories (written "/a,/b")."""

    url: str
    title: str
    categories: tuple[str, ...] = ()


def _decode(data: bytes) -> str:
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), "")
    if not encoding:
        declared = _DECLARED.match(data[:300])
        encoding = declared.group(1).decode("ascii") if declared else "utf-8"
    try:
        return data.decode(encoding)
    except LookupError:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise OpmlError("not_text", f"not text in a known encoding ({exc.reason})") from None
    except UnicodeDecodeError as exc:
        raise OpmlError("not_text", f"not text in {encoding} ({exc.reason})") from None


def read_opml(
    data: bytes, *, max_bytes: int = MAX_OPML_BYTES, max_outlines: int = MAX_OUTLINES
) -> OpmlDocument:
    """The feeds of an OPML document, in document order, each address once as
    written (listparser merges outlines with the very same xmlUrl and their folders).

    Raises OpmlError (see the module docstring). Entries are not validated here: the
    caller decides which addresses it accepts (bot.opml)."""
    if len(data) > max_bytes:
        raise OpmlError(
            "too_large", f"larger than {max_bytes} bytes ({len(data)})", limit=max_bytes
        )
    text = _decode(data)
    folded = text.casefold()
    if "<!doctype" in folded or "<!entity" in folded:
        raise OpmlError("doctype", "a DOCTYPE or entity declaration (not allowed in OPML here)")
    outlines = folded.count("<outline")
    if outlines > max_outlines:
        raise OpmlError(
            "too_many", f"{outlines} outlines, more than {max_outlines}", limit=max_outlines
        )
    body = _DECLARATION.sub("", text, count=1).lstrip("\ufeff")
    # listparser's parser reads the encoding from the declaration: always UTF-8 now.
    clean = b'<?xml version="1.0" encoding="utf-8"?>\n' + body.encode("utf-8", "replace")
    result: Any = listparser.parse(clean)
    if not str(result.get("version") or "").startswith("opml"):
        raise OpmlError("not_opml", "not an OPML document (no <opml> element)")
    entries = []
    for feed in result.get("feeds") or []:
        paths = tuple("/".join(part for part in path) for path in feed.get("categories") or [])
        entries.append(
            OpmlEntry(
                url=str(feed.get("url") or ""),
                title=str(feed.get("title") or "").strip(),
                categories=tuple(p for p in paths if p),
            )
        )
    title = str((result.get("meta") or {}).get("title") or "")
    return OpmlDocument(title=title, entries=tuple(entries), outlines=outlines)


def write_opml(title: str, feeds: Sequence[OpmlFeed], *, created: datetime) -> bytes:
    """An OPML 2.0 document (UTF-8) listing `feeds` in order. `created` must be
    timezone-aware (written as RFC 822, as OPML 2.0 asks)."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    ET.SubElement(head, "dateCreated").text = format_datetime(created)
    ET.SubElement(head, "docs").text = "https://opml.org/spec2.opml"
    body = ET.SubElement(root, "body")
    for feed in feeds:
        attributes = {"type": "rss", "text": feed.title, "title": feed.title, "xmlUrl": feed.url}
        if feed.categories:
            attributes["category"] = ",".join(
                "/" + c.strip("/").replace(",", " ") for c in feed.categories
            )
        ET.SubElement(body, "outline", attributes)
    ET.indent(root)
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document + b"\n"
