"""Checks shared by the formatter tests: Telegram HTML validity, Discord limits, and
"nothing lost" comparisons that do not depend on how the formatter laid text out."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from html.parser import HTMLParser
from typing import Any

from digest.format.bidi import LRI, PDI, RLI
from digest.format.telegram import ALLOWED_TAGS

BIDI_CONTROLS = set(
    "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
)
ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_BARE_AMP = re.compile(r"&(?!(?:lt|gt|amp|quot);)")


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class TelegramHTMLChecker(HTMLParser):
    """Parses one message like Telegram's HTML mode; `errors` lists what it rejects."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.errors: list[str] = []
        self.stack: list[str] = []
        self.text: list[str] = []
        self.links: list[str] = []
        self.start_tags = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.start_tags += 1
        if tag not in ALLOWED_TAGS:
            self.errors.append(f"tag <{tag}> not allowed")
        if tag == "a":
            if len(attrs) != 1 or attrs[0][0] != "href" or not attrs[0][1]:
                self.errors.append(f"bad <a> attributes {attrs!r}")
            else:
                self.links.append(attrs[0][1])
        elif attrs:
            self.errors.append(f"<{tag}> has attributes {attrs!r}")
        if tag in self.stack and tag == "a":
            self.errors.append("nested <a>")
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.errors.append(f"self-closing <{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> does not close {self.stack[-1:]!r}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        for bad in "<>&":
            if bad in data:
                self.errors.append(f"raw {bad!r} in text")
        self.text.append(data)

    def handle_entityref(self, name: str) -> None:
        if name not in ENTITIES:
            self.errors.append(f"entity &{name}; not allowed")
        self.text.append(ENTITIES.get(name, ""))

    def handle_charref(self, name: str) -> None:
        self.errors.append(f"numeric entity &#{name};")

    def handle_comment(self, data: str) -> None:
        self.errors.append("comment")

    def handle_decl(self, decl: str) -> None:
        self.errors.append("declaration")

    def unknown_decl(self, data: str) -> None:
        self.errors.append("unknown declaration")

    def handle_pi(self, data: str) -> None:
        self.errors.append("processing instruction")


def parse_telegram(message: str) -> TelegramHTMLChecker:
    """Parse a message and assert it is HTML Telegram accepts; returns the parser."""
    checker = TelegramHTMLChecker()
    checker.feed(message)
    checker.close()
    assert not checker.errors, (checker.errors, message)
    assert not checker.stack, f"unclosed tags {checker.stack}"
    assert checker.start_tags <= 100, "Telegram ignores entities after the 100th"
    assert not _BARE_AMP.search(message), "an & that does not start one of our entities"
    return checker


def visible_text(message: str) -> str:
    """What Telegram shows for a message: text with entities decoded."""
    return "".join(parse_telegram(message).text)


def check_isolates(line: str) -> None:
    """Isolates in a line are balanced and never nested."""
    depth = 0
    for ch in line:
        if ch in (LRI, RLI):
            assert depth == 0, f"nested isolate in {line!r}"
            depth += 1
        elif ch == PDI:
            assert depth == 1, f"PDI without isolate in {line!r}"
            depth -= 1
    assert depth == 0, f"unclosed isolate in {line!r}"


_INSIGNIFICANT = re.compile(
    "[\\s\x00-\x1f\x7f-\x9f\ud800-\udfff" + "".join(sorted(BIDI_CONTROLS)) + "]"
)


def significant(text: str) -> str:
    """The characters a reader must find again: no whitespace, controls or bidi marks."""
    return _INSIGNIFICANT.sub("", text)


def assert_subsequence(needles: Iterable[str], haystack: str) -> None:
    """Every needle's significant characters appear in the haystack, in order."""
    hay = significant(haystack)
    pos = 0
    for needle in needles:
        for ch in significant(needle):
            found = hay.find(ch, pos)
            assert found >= 0, f"lost {ch!r} of {needle[:60]!r}"
            pos = found + 1


def check_discord_payloads(payloads: Sequence[Mapping[str, Any]]) -> None:
    """Every Discord limit a message must respect."""
    for payload in payloads:
        assert set(payload) <= {"content", "embeds"}
        assert utf16_units(payload["content"]) <= 2000
        embeds = payload["embeds"]
        assert payload["content"] or embeds, "empty message"
        assert len(embeds) <= 10
        total = 0
        for embed in embeds:
            assert utf16_units(embed["title"]) <= 256
            assert utf16_units(embed.get("description", "")) <= 4096
            footer = embed.get("footer", {}).get("text", "")
            assert utf16_units(footer) <= 2048
            if "url" in embed:
                assert embed["url"].startswith(("http://", "https://"))
            if "color" in embed:
                assert 0 <= embed["color"] <= 0xFFFFFF
            total += utf16_units(embed["title"]) + utf16_units(embed.get("description", ""))
            total += utf16_units(footer)
        assert total <= 6000


def discord_text(payloads: Sequence[Mapping[str, Any]]) -> str:
    """All text a Discord reader sees, in order (markdown escapes removed)."""
    parts: list[str] = []
    for payload in payloads:
        parts.append(payload["content"])
        for embed in payload["embeds"]:
            parts.append(embed["title"])
            parts.append(re.sub(r"\\(.)", r"\1", embed.get("description", "")))
            parts.append(embed.get("footer", {}).get("text", ""))
    return "\n".join(parts)


def make_story(
    n: int,
    title: str | None = None,
    bullets: Sequence[str] | None = None,
    *,
    url: str | None = "https://example.com/news/{n}",
    language: str = "ar",
    other_sources: Sequence[tuple[str, str | None]] = (),
    topics: Sequence[str] = ("ai",),
) -> Any:
    """A Story with sensible Arabic defaults (`n` numbers it)."""
    from datetime import UTC, datetime, timedelta

    from digest.models import Source, Story

    return Story(
        article_id=n,
        title=title if title is not None else f"ديب سيك تطلق نموذجا جديدا رقم {n}",
        url=url.format(n=n) if url else None,
        bullets=tuple(
            bullets
            if bullets is not None
            else (
                "أعلنت شركة DeepSeek الصينية عن نموذج R1 الجديد.",
                "يتفوق النموذج على GPT-4o في اختبارات الرياضيات.",
                "درب النموذج على شرائح Nvidia H800 بتكلفة أقل.",
            )
        ),
        published=datetime(2026, 1, 20, 8, 30, tzinfo=UTC) + timedelta(minutes=n),
        source=Source("البوابة التقنية", "https://aitnews.example/"),
        topics=tuple(topics),
        other_sources=tuple(Source(name, u) for name, u in other_sources),
        language=language,
    )
