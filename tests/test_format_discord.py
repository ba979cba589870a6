"""Discord payloads: one embed per story, every Discord limit, splitting without loss."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from digest.format.bidi import RLM
from digest.format.discord import embed_size, escape_markdown, render_discord
from tests.format_checks import (
    assert_subsequence,
    check_discord_payloads,
    discord_text,
    make_story,
    utf16_units,
)


def test_header_is_its_own_first_message_and_stories_are_embeds() -> None:
    stories = [make_story(1, other_sources=[("TechCrunch", None)]), make_story(2)]
    payloads = render_discord(
        stories,
        header="ملخص أخبار التقنية — 1 ديسمبر 2026",
        language="ar",
        topic_colours={"ai": 0x3366FF},
    )
    check_discord_payloads(payloads)
    header, body = payloads
    assert header["embeds"] == [] and "ملخص أخبار التقنية" in header["content"]
    assert body["content"] == ""
    first = body["embeds"][0]
    assert first["title"] == stories[0].title
    assert first["url"] == stories[0].url
    assert first["color"] == 0x3366FF
    assert first["description"].split("\n")[0].startswith(RLM + "• ")
    assert len(first["description"].split("\n")) == 3
    assert "البوابة التقنية، " in first["footer"]["text"]
    assert "TechCrunch" in first["footer"]["text"]
    assert "2026-01-20 08:31 UTC" in first["footer"]["text"]
    assert datetime.fromisoformat(first["timestamp"]) == stories[0].published


def test_colour_is_left_out_without_a_known_topic() -> None:
    [payload] = render_discord(
        [make_story(1, topics=["other"])], header=None, language="ar", topic_colours={"ai": 1}
    )
    assert "color" not in payload["embeds"][0]


def test_no_stories() -> None:
    assert render_discord([], header=None, language="ar") == []
    [payload] = render_discord([], header="ملخص", language="ar")
    assert payload["content"].split("\n") == ["**ملخص**", "لا جديد"]
    assert payload["embeds"] == []


def test_markdown_in_bullets_is_escaped_but_urls_are_left_whole() -> None:
    story = make_story(1, bullets=["نموذج *DeepSeek_V3* و`code` https://x.example/a_b"])
    [payload] = render_discord([story], header=None, language="ar")
    description = payload["embeds"][0]["description"]
    assert "\\*" in description and "\\_V3" in description and "\\`" in description
    assert "https://x.example/a_b" in description
    assert escape_markdown("a|b~c") == "a\\|b\\~c"


def test_eleven_stories_need_two_messages() -> None:
    payloads = render_discord([make_story(n) for n in range(11)], header=None, language="ar")
    check_discord_payloads(payloads)
    assert [len(p["embeds"]) for p in payloads] == [10, 1]


def test_two_hundred_stories_lose_none_and_split_at_story_boundaries() -> None:
    stories = [make_story(n, bullets=["كلمة " * 150] * 5) for n in range(200)]
    payloads = render_discord(stories, header="ملخص", language="ar")
    check_discord_payloads(payloads)
    titles = [e["title"] for p in payloads for e in p["embeds"]]
    assert titles == [s.title for s in stories]
    # Size, not the embed count, is what limited these messages.
    assert max(len(p["embeds"]) for p in payloads) < 10


def test_a_story_longer_than_an_embed_continues_in_further_embeds() -> None:
    bullets = [f"النقطة {n}: " + "كلمة " * 100 for n in range(30)]  # ~16000 characters
    payloads = render_discord([make_story(1, bullets=bullets)], header=None, language="ar")
    check_discord_payloads(payloads)
    embeds = [e for p in payloads for e in p["embeds"]]
    assert len(embeds) >= 4
    assert embeds[0]["title"] == make_story(1).title and "url" in embeds[0]
    assert all(e["title"].endswith("(تابع)") for e in embeds[1:])
    assert all("footer" not in e for e in embeds[:-1]) and "footer" in embeds[-1]
    assert_subsequence(bullets, discord_text(payloads))
    assert sum(e["description"].count("النقطة") for e in embeds) == 30


def test_huge_title_and_footer_are_shortened() -> None:
    story = make_story(1, title="عنوان " * 100, other_sources=[("مصدر " * 100, None)] * 10)
    [payload] = render_discord([story], header=None, language="ar")
    check_discord_payloads([payload])
    embed = payload["embeds"][0]
    assert embed["title"].endswith("…") and utf16_units(embed["title"]) <= 256
    assert embed["footer"]["text"].endswith("…")


def test_long_header_is_split_into_content_messages() -> None:
    payloads = render_discord([make_story(1)], header="عنوان " * 1000, language="ar")
    check_discord_payloads(payloads)
    assert [bool(p["embeds"]) for p in payloads] == [False] * (len(payloads) - 1) + [True]
    assert len(payloads) >= 4


def test_embed_size_counts_the_fields_discord_counts() -> None:
    embed = {
        "title": "ab",
        "description": "😀",
        "footer": {"text": "xyz"},
        "author": {"name": "n"},
        "fields": [{"name": "f", "value": "vv"}],
        "url": "https://not.counted.example",
    }
    assert embed_size(embed) == 2 + 2 + 3 + 1 + 1 + 2


def test_line_start_markers_are_escaped() -> None:
    assert escape_markdown("# big") == "\\# big"
    assert escape_markdown("> quote") == "\\> quote"
    assert escape_markdown("1. list") == "1\\. list"
    assert escape_markdown("-5 degrees") == "\\-5 degrees"


def test_times_are_shown_in_the_chat_zone() -> None:
    story = make_story(1)
    assert story.published is not None
    riyadh = ZoneInfo("Asia/Riyadh")
    [payload] = render_discord([story], header=None, language="ar", zone=riyadh)
    embed = payload["embeds"][0]
    local = story.published.astimezone(riyadh)
    assert local.strftime("%Y-%m-%d %H:%M +03") in embed["footer"]["text"]
    assert "UTC" not in embed["footer"]["text"]
    # the timestamp is the same instant, whatever the offset it is written with
    assert datetime.fromisoformat(embed["timestamp"]) == story.published
